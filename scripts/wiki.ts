/**
 * `npm run wiki -- [--port 8080] [--dir .tmp/wiki] [--api on|off]`: a real
 * DokuWiki on 127.0.0.1 seeded with the starter knowledge base, for trying
 * the extension against (build it with WIKI_URL=the printed address).
 * Stays up until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { startLocalWiki, type LocalWikiOptions } from './local-wiki';

const HELP = `Usage: npm run wiki -- [options]

Starts a private DokuWiki (Debian's package, PHP's built-in server) on
127.0.0.1, seeded from assets/knowledge-base/pages, and keeps it up until Ctrl-C.

Options:
  --port N        port to listen on (default: a free port)
  --dir PATH      keep the wiki's data in PATH and reuse it next time
                  (default: a temporary folder, removed on exit)
  --api on|off    the XML-RPC API for anonymous callers (default: on)
  --useheading    use first headings as page titles in DokuWiki's own pages
  -h, --help      show this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\nRun "npm run wiki -- --help" for the options.\n`);
  process.exit(2);
}

function parseOptions(): LocalWikiOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        dir: { type: 'string' },
        api: { type: 'string' },
        useheading: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return null;
  const options: LocalWikiOptions = {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) fail(`--port must be a number from 0 to 65535, not "${values.port}".`);
    options.port = port;
  }
  if (values.dir !== undefined) options.dir = values.dir;
  if (values.api !== undefined) {
    if (values.api !== 'on' && values.api !== 'off') fail(`--api must be "on" or "off", not "${values.api}".`);
    options.api = values.api === 'on';
  }
  if (values.useheading) options.useheading = true;
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions();
  if (!options) {
    process.stdout.write(HELP);
    return;
  }
  const wiki = await startLocalWiki(options);
  const seeded = wiki.seeded.length
    ? `Seeded ${wiki.seeded.length} page${wiki.seeded.length === 1 ? '' : 's'}: ${wiki.seeded.join(', ')}`
    : 'Reused the pages already in its folder.';
  process.stdout.write(
    [
      `DokuWiki is up at ${wiki.url}`,
      `  API: ${wiki.api ? `on (${wiki.url}lib/exe/xmlrpc.php, anonymous reads; user "editor", password "editor" may edit)` : 'off (public pages only)'}`,
      `  Data: ${wiki.dir}`,
      `  ${seeded}`,
      '',
      `Build the extension for it with: WIKI_URL=${wiki.url} npm run build`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping DokuWiki…\n`);
    await wiki.stop();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
