/**
 * A real DokuWiki on 127.0.0.1 for development, integration tests and
 * benchmarks: Debian's `dokuwiki` package served by PHP's built-in server,
 * with a private configuration and data folder per instance, seeded from the
 * starter knowledge base. Nothing under /etc/dokuwiki or /var/lib/dokuwiki is
 * touched. Measured facts behind every step: the project's DokuWiki notes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOKUWIKI_HOME = '/usr/share/dokuwiki';
export const DOKUWIKI_CONF = '/etc/dokuwiki';
const PHP = 'php';
const INSTALL_COMMAND =
  'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends dokuwiki php-cli php8.2-cgi';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SEED_DIR = join(PROJECT_ROOT, 'assets', 'knowledge-base', 'pages');

/** The account that may edit through the API (tests use it for wiki.putPage). */
export const EDITOR_USER = 'editor';
export const EDITOR_PASSWORD = 'editor';
// bcrypt of "editor" (PHP password_hash); authplain checks it with password_verify.
const EDITOR_PASSWORD_HASH = '$2y$10$lDDoJCQchcb3mhEmn5wO6eORLuxXAMIPA9VKrr8Y6KsRFQrO3myNO';

export interface LocalWikiOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** The instance's folder; absent: a fresh temporary folder, removed by stop(). */
  dir?: string;
  /** The XML-RPC API on for anonymous callers (default), or off as on many public wikis. */
  api?: boolean;
  /** Folder of `*.txt` pages (path = id); default assets/knowledge-base/pages; null: none. */
  seedDir?: string | null;
  /** Extra or replacement pages: id -> DokuWiki source. */
  pages?: Record<string, string>;
  /** DokuWiki's `useheading`: off by default, because a client must not rely on it. */
  useheading?: boolean;
  /** PHP_CLI_SERVER_WORKERS; default 4 (the built-in server otherwise answers one request at a time). */
  workers?: number;
  /**
   * DokuWiki's URL style: 0 (default) `doku.php?id=ns:page`; 1 `/ns:page`
   * and `/_export/raw/ns:page`, as agentwiki.org serves them (Apache's
   * .htaccess rules, played here by a router script for PHP's server);
   * 2 `doku.php/ns:page`.
   */
  userewrite?: 0 | 1 | 2;
}

export interface LocalWiki {
  /** Base URL ending in '/', e.g. http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  dir: string;
  api: boolean;
  /** Ids of the pages written at this start (none when an existing folder was reused). */
  seeded: string[];
  /** Creates or edits a page the way DokuWiki itself records it, so lists, feeds and recent changes see it. */
  writePage(id: string, raw: string, when?: Date): Promise<void>;
  /** Deletes a page the way DokuWiki itself records it. */
  deletePage(id: string): Promise<void>;
  stop(): Promise<void>;
}

let aptUpdated = false;

/**
 * Makes sure Debian's DokuWiki and PHP are installed: installs them when
 * running as root (apt-get update once per process), otherwise throws an
 * error saying which command to run.
 */
export function ensureDokuWikiInstalled(): void {
  const missing = missingParts();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `The local DokuWiki needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed. ` +
        `Install DokuWiki and PHP with: sudo apt-get update && sudo ${INSTALL_COMMAND}`,
    );
  }
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.error || result.status !== 0) {
      throw new Error(
        `"${command} ${args.join(' ')}" failed (${result.error?.message ?? `exit code ${result.status}`}). ` +
          `Install DokuWiki and PHP by hand with: apt-get update && ${INSTALL_COMMAND}`,
      );
    }
  };
  if (!aptUpdated) {
    run('apt-get', ['update']);
    aptUpdated = true;
  }
  // Naming php8.2-cgi keeps apt from pulling in apache2, which would start on port 80.
  run('apt-get', ['install', '-y', '--no-install-recommends', 'dokuwiki', 'php-cli', 'php8.2-cgi']);
  const still = missingParts();
  if (still.length) throw new Error(`After installing, ${still.join(' and ')} ${still.length > 1 ? 'are' : 'is'} still missing.`);
}

function missingParts(): string[] {
  const missing: string[] = [];
  if (!existsSync(join(DOKUWIKI_HOME, 'doku.php'))) missing.push(`DokuWiki (${DOKUWIKI_HOME}/doku.php)`);
  const php = spawnSync(PHP, ['-v'], { stdio: 'ignore' });
  if (php.error || php.status !== 0) missing.push('PHP (the php command)');
  return missing;
}

/** Starts a private DokuWiki and resolves once it answers. */
export async function startLocalWiki(options: LocalWikiOptions = {}): Promise<LocalWiki> {
  ensureDokuWikiInstalled();
  const api = options.api ?? true;
  const ownsDir = options.dir === undefined;
  const dir = ownsDir ? await mkdtemp(join(tmpdir(), 'agentwiki-dokuwiki-')) : resolve(options.dir!);
  try {
    const port = await choosePort(options.port ?? 0);
    const data = join(dir, 'data');
    const fresh = !(await hasPages(join(data, 'pages')));
    const userewrite = options.userewrite ?? 0;
    await writeInstance(dir, { api, useheading: options.useheading ?? false, userewrite });
    const instance = new Instance(dir, data);

    const seeded: string[] = [];
    const seedPages = new Map<string, string>();
    if (fresh) {
      const seedDir = options.seedDir === undefined ? DEFAULT_SEED_DIR : options.seedDir;
      if (seedDir !== null) for (const [id, raw] of await readSeedDir(seedDir)) seedPages.set(id, raw);
    }
    for (const [id, raw] of Object.entries(options.pages ?? {})) seedPages.set(checkPageId(id), raw);
    if (seedPages.size) {
      await instance.seed(seedPages, new Date());
      seeded.push(...seedPages.keys());
    }

    const server = await serve(dir, port, options.workers ?? 4, userewrite === 1 ? join(dir, 'router.php') : null);
    const url = `http://127.0.0.1:${port}/`;
    let stopped = false;
    return {
      url,
      port,
      dir,
      api,
      seeded,
      writePage: async (id, raw, when) => {
        checkPageId(id);
        await instance.writePage(id, raw, when ?? (await instance.nextRevisionDate(id)));
      },
      deletePage: async (id) => {
        checkPageId(id);
        await instance.deletePage(id, await instance.nextRevisionDate(id));
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop();
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------
// The instance's files

/** DokuWiki page ids as cleanID() leaves them: lowercase, ':'-separated, no empty parts. */
const PAGE_ID = /^[a-z0-9_.-]+(?::[a-z0-9_.-]+)*$/;

function checkPageId(id: string): string {
  if (!PAGE_ID.test(id) || id.split(':').some((part) => /^[._-]+$/.test(part))) {
    throw new Error(
      `"${id}" is not a DokuWiki page id: use lowercase letters, digits, "_", "-" or ".", with ":" between namespaces.`,
    );
  }
  return id;
}

const CONF_SKIPPED = new Set([
  'local.php',
  'local.php.dist',
  'acl.auth.php',
  'acl.auth.php.dist',
  'users.auth.php',
  'users.auth.php.dist',
  'apache.conf',
  'lighttpd.conf',
  'htaccess',
  '.htaccess',
]);

const DATA_DIRS = ['pages', 'meta', 'attic', 'media', 'media_meta', 'media_attic', 'cache', 'index', 'locks', 'tmp', 'log'];

const phpString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

async function writeInstance(dir: string, settings: { api: boolean; useheading: boolean; userewrite: 0 | 1 | 2 }): Promise<void> {
  const conf = join(dir, 'conf');
  const data = join(dir, 'data');
  await mkdir(conf, { recursive: true });
  for (const name of DATA_DIRS) await mkdir(join(data, name), { recursive: true });
  for (const name of await readdir(DOKUWIKI_CONF)) {
    if (CONF_SKIPPED.has(name)) continue;
    // cp -L: Debian links some of these into /var/lib/dokuwiki.
    await cp(join(DOKUWIKI_CONF, name), join(conf, name), { dereference: true, recursive: true });
  }
  // Debian's inc/preload.php reads DOKU_MAIN_CONF and DOKU_CONF only when
  // they are not defined yet, so defining them first points it here.
  await writeFile(
    join(dir, 'prepend.php'),
    `<?php\ndefine('DOKU_CONF', ${phpString(conf + '/')});\ndefine('DOKU_MAIN_CONF', ${phpString(conf + '/')});\n`,
  );
  const local = [
    '<?php',
    `$conf['title'] = 'AgentWiki (local)';`,
    `$conf['savedir'] = ${phpString(data)};`,
    `$conf['lang'] = 'en';`,
    `$conf['useacl'] = 1;`,
    `$conf['authtype'] = 'authplain';`,
    `$conf['superuser'] = '@admin';`,
    // The API for anonymous callers, or off as on many public wikis.
    `$conf['remote'] = ${settings.api ? 1 : 0};`,
    `$conf['remoteuser'] = ${settings.api ? "''" : "'!!not set!!'"};`,
    `$conf['useheading'] = ${settings.useheading ? 1 : 0};`,
    `$conf['userewrite'] = ${settings.userewrite};`,
    `$conf['sitemap'] = 1;`,
    // No reverse DNS lookups on every edit: 127.0.0.1 has nothing to say.
    `$conf['dnslookups'] = 0;`,
    '',
  ].join('\n');
  await writeFile(join(conf, 'local.php'), local);
  if (settings.userewrite === 1) await writeFile(join(dir, 'router.php'), HTACCESS_ROUTER);
  await writeFile(
    join(conf, 'acl.auth.php'),
    '# Everyone reads; the editor account (group user) may also edit and create.\n*\t@ALL\t1\n*\t@user\t8\n',
  );
  await writeFile(
    join(conf, 'users.auth.php'),
    `# user:bcrypt:name:mail:groups\n${EDITOR_USER}:${EDITOR_PASSWORD_HASH}:Editor:editor@localhost:user\n`,
  );
}

/**
 * DokuWiki's .htaccess rewriting (its `.htaccess.dist`) for PHP's built-in
 * server, which has no mod_rewrite: files are served as they are; `_media/`,
 * `_detail/` and `_export/FORMAT/` addresses go to their scripts; any other
 * path is a page id for doku.php. The address's own query is kept, as with
 * Apache's QSA flag (its parameters come last, so they win).
 */
const HTACCESS_ROUTER = `<?php
// PHP's server does not apply auto_prepend_file to a router script.
if (!defined('DOKU_CONF')) require __DIR__ . '/prepend.php';
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
$root = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
if ($path !== '/' && is_file($root . $path)) return false;
if (preg_match('#^/.+?\\.php/#', $path)) return false;
$script = 'doku.php';
$params = [];
if (preg_match('#^/_media/(.*)$#', $path, $m)) {
    $script = 'lib/exe/fetch.php';
    $params['media'] = $m[1];
} elseif (preg_match('#^/_detail/(.*)$#', $path, $m)) {
    $script = 'lib/exe/detail.php';
    $params['media'] = $m[1];
} elseif (preg_match('#^/_export/([^/]+)/(.*)$#', $path, $m)) {
    $params['do'] = 'export_' . $m[1];
    $params['id'] = $m[2];
} elseif ($path !== '/') {
    $params['id'] = substr($path, 1);
}
$_GET = array_merge($params, $_GET);
$_REQUEST = array_merge($params, $_REQUEST);
$_SERVER['QUERY_STRING'] = http_build_query($_GET);
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = '/' . $script;
$_SERVER['SCRIPT_FILENAME'] = $root . '/' . $script;
chdir(dirname($root . '/' . $script));
require $root . '/' . $script;
`;

async function hasPages(pagesDir: string): Promise<boolean> {
  try {
    return (await readdir(pagesDir)).length > 0;
  } catch {
    return false;
  }
}

/** `papers/x.txt` under the seed folder is the page `papers:x`. */
async function readSeedDir(seedDir: string): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  let entries: string[];
  try {
    entries = (await readdir(seedDir, { recursive: true })) as string[];
  } catch (error) {
    throw new Error(`Cannot read the seed pages in ${seedDir}: ${(error as Error).message}`);
  }
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.txt')) continue;
    const id = entry.slice(0, -'.txt'.length).split(sep).join(':');
    pages.set(checkPageId(id), await readFile(join(seedDir, entry), 'utf8'));
  }
  return pages;
}

/** The first heading, as DokuWiki's useheading would take it; the id when there is none. */
function firstHeading(id: string, raw: string): string {
  for (const line of raw.split('\n')) {
    const heading = /^\s*={2,6}(.+?)={2,6}\s*$/.exec(line);
    if (heading) return heading[1]!.trim();
  }
  return id.split(':').pop()!;
}

const unixSeconds = (when: Date) => Math.floor(when.getTime() / 1000);

/** Writes pages, changelogs and index lists as DokuWiki's own saving does. */
class Instance {
  constructor(
    readonly dir: string,
    readonly data: string,
  ) {}

  pageFile(id: string): string {
    return join(this.data, 'pages', ...id.split(':')) + '.txt';
  }

  pageChangelog(id: string): string {
    return join(this.data, 'meta', ...id.split(':')) + '.changes';
  }

  get globalChangelog(): string {
    return join(this.data, 'meta', '_dokuwiki.changes');
  }

  /** Many pages at once: folders made once, one write per index file, for 10k-page fixtures. */
  async seed(pages: Map<string, string>, when: Date): Promise<void> {
    const date = unixSeconds(when);
    const ids = [...pages.keys()];
    const folders = new Set<string>();
    for (const id of ids) {
      folders.add(dirname(this.pageFile(id)));
      folders.add(dirname(this.pageChangelog(id)));
    }
    for (const folder of folders) await mkdir(folder, { recursive: true });
    const globalLines: string[] = new Array(ids.length);
    const BATCH = 256;
    for (let i = 0; i < ids.length; i += BATCH) {
      await Promise.all(
        ids.slice(i, i + BATCH).map(async (id, j) => {
          const raw = pages.get(id)!;
          const before = await this.currentSize(id);
          const line = changelogLine(
            date,
            before === null ? 'C' : 'E',
            id,
            before === null ? 'created' : 'edited',
            Buffer.byteLength(raw) - (before ?? 0),
          );
          const file = this.pageFile(id);
          await writeFile(file, raw);
          await utimes(file, when, when);
          await appendFile(this.pageChangelog(id), line);
          globalLines[i + j] = line;
        }),
      );
    }
    await insertChangelogLines(this.globalChangelog, globalLines);
    await this.updateIndex(new Map(ids.map((id) => [id, firstHeading(id, pages.get(id)!)])));
    await this.touchPurgefile();
  }

  /**
   * Now, or a second after the page's last revision if that is now: like
   * DokuWiki, which waits a tick before saving a page twice in one second
   * (inc/File/PageFile.php), since revisions are known by their second.
   */
  async nextRevisionDate(id: string): Promise<Date> {
    const lines = await readLines(this.pageChangelog(id));
    const last = lines.length ? Number(lines[lines.length - 1]!.split('\t')[0]) : 0;
    const now = Math.floor(Date.now() / 1000);
    return new Date(Math.max(now, last + 1) * 1000);
  }

  async writePage(id: string, raw: string, when: Date): Promise<void> {
    if (raw.trim() === '') throw new Error(`Refusing to write an empty page "${id}": use deletePage to delete it.`);
    const date = unixSeconds(when);
    const before = await this.currentSize(id);
    const line = changelogLine(
      date,
      before === null ? 'C' : 'E',
      id,
      before === null ? 'created' : 'edited',
      Buffer.byteLength(raw) - (before ?? 0),
    );
    await this.writeFileAt(this.pageFile(id), raw, when);
    await mkdir(dirname(this.pageChangelog(id)), { recursive: true });
    await insertChangelogLines(this.pageChangelog(id), [line]);
    await insertChangelogLines(this.globalChangelog, [line]);
    await this.updateIndex(new Map([[id, firstHeading(id, raw)]]));
    if (before === null) await this.touchPurgefile();
    // DokuWiki re-renders a page when its file is newer than the cached
    // rendering; a page dated in the past would keep serving the old HTML.
    // Its rendering caches depend on conf/local.php, so touching it drops them.
    if (date < Math.floor(Date.now() / 1000)) {
      const local = join(this.dir, 'conf', 'local.php');
      const now = new Date();
      await utimes(local, now, now);
    }
  }

  async deletePage(id: string, when: Date): Promise<void> {
    const before = await this.currentSize(id);
    if (before === null) throw new Error(`There is no page "${id}" to delete.`);
    const line = changelogLine(unixSeconds(when), 'D', id, 'deleted', -before);
    await rm(this.pageFile(id));
    await insertChangelogLines(this.pageChangelog(id), [line]);
    await insertChangelogLines(this.globalChangelog, [line]);
    // DokuWiki's indexer keeps a deleted page's line in page.idx (line numbers
    // are page numbers in every other index file) and empties its title.
    await this.updateIndex(new Map([[id, '']]));
    await this.touchPurgefile();
  }

  private async currentSize(id: string): Promise<number | null> {
    try {
      return (await stat(this.pageFile(id))).size;
    } catch {
      return null;
    }
  }

  /** The page file's mtime must equal its changelog date, or DokuWiki sees an external edit. */
  private async writeFileAt(file: string, text: string, when: Date): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    await utimes(file, when, when);
  }

  /** page.idx lists ids one a line; title.idx holds their titles on the same lines. */
  private async updateIndex(titles: Map<string, string>): Promise<void> {
    const pageIdx = join(this.data, 'index', 'page.idx');
    const titleIdx = join(this.data, 'index', 'title.idx');
    const ids = await readLines(pageIdx);
    const names = await readLines(titleIdx);
    while (names.length < ids.length) names.push('');
    const line = new Map(ids.map((id, i) => [id, i]));
    for (const [id, title] of titles) {
      const at = line.get(id);
      if (at === undefined) {
        line.set(id, ids.length);
        ids.push(id);
        names.push(title);
      } else {
        names[at] = title;
      }
    }
    await writeFile(pageIdx, ids.map((id) => id + '\n').join(''));
    await writeFile(titleIdx, names.map((title) => title + '\n').join(''));
  }

  /** DokuWiki touches this on every creation and deletion, so cached pages re-check their links. */
  private async touchPurgefile(): Promise<void> {
    await writeFile(join(this.data, 'cache', 'purgefile'), String(Math.floor(Date.now() / 1000)));
  }
}

function changelogLine(date: number, type: 'C' | 'E' | 'D', id: string, summary: string, sizeChange: number): string {
  return [date, '127.0.0.1', type, id, EDITOR_USER, summary, '', sizeChange].join('\t') + '\n';
}

async function readLines(file: string): Promise<string[]> {
  try {
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  } catch {
    return [];
  }
}

/** Changelogs are read newest-last, so lines go in date order (a stable merge). */
async function insertChangelogLines(file: string, lines: string[]): Promise<void> {
  if (!lines.length) return;
  const existing = await readLines(file);
  const dateOf = (line: string) => Number(line.slice(0, line.indexOf('\t')));
  const added = lines.map((l) => l.replace(/\n$/, '')).sort((a, b) => dateOf(a) - dateOf(b));
  const lastDate = existing.length ? dateOf(existing[existing.length - 1]!) : -Infinity;
  if (dateOf(added[0]!) >= lastDate) {
    await appendFile(file, added.map((l) => l + '\n').join(''));
    return;
  }
  const merged: string[] = [];
  let i = 0;
  let j = 0;
  while (i < existing.length || j < added.length) {
    if (j >= added.length || (i < existing.length && dateOf(existing[i]!) <= dateOf(added[j]!))) merged.push(existing[i++]!);
    else merged.push(added[j++]!);
  }
  await writeFile(file, merged.map((l) => l + '\n').join(''));
}

// ---------------------------------------------------------------------------
// The server

async function choosePort(wanted: number): Promise<number> {
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    throw new Error(`${wanted} is not a port number (0-65535; 0 picks a free one).`);
  }
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${wanted} on 127.0.0.1 is already in use: stop what listens there or choose another port.`)
          : new Error(`Cannot listen on 127.0.0.1:${wanted}: ${error.message}`),
      );
    });
    probe.listen(wanted, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : wanted;
      probe.close(() => resolvePort(port));
    });
  });
}

interface RunningServer {
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills a server's whole process group (PHP_CLI_SERVER_WORKERS forks workers). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner that dies without calling stop() must not leave PHP servers behind.
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

async function serve(dir: string, port: number, workers: number, router: string | null): Promise<RunningServer> {
  const logFile = join(dir, 'server.log');
  const log = openSync(logFile, 'w');
  const child = spawn(
    PHP,
    [
      '-d',
      `auto_prepend_file=${join(dir, 'prepend.php')}`,
      // OPcache re-reads a changed file only every 2 s by default: a test that
      // edits conf/local.php must see the change on its next request.
      '-d',
      'opcache.revalidate_freq=0',
      '-S',
      `127.0.0.1:${port}`,
      '-t',
      DOKUWIKI_HOME,
      ...(router ? [router] : []),
    ],
    {
      cwd: dir,
      detached: true, // its own process group, so stop() reaches the workers too
      stdio: ['ignore', log, log],
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: String(Math.max(1, workers)) },
    },
  );
  closeSync(log);
  running.add(child);
  installExitHook();

  // Set by the child's events; an object, so the waiting loop below reads them fresh.
  const state: { exited: boolean; spawnError: Error | null } = { exited: false, spawnError: null };
  const exit = new Promise<void>((resolveExit) => {
    child.once('exit', () => {
      state.exited = true;
      running.delete(child);
      resolveExit();
    });
  });
  child.once('error', (error) => {
    state.spawnError = error;
  });

  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {
      return '';
    }
  };

  const stop = async () => {
    if (state.exited) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exit;
    clearTimeout(timer);
    // Workers in the group may outlive the parent for a moment.
    killGroup(child, 'SIGKILL');
  };

  const url = `http://127.0.0.1:${port}/doku.php`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (state.spawnError) throw new Error(`Cannot start PHP: ${state.spawnError.message}`);
    if (state.exited) {
      const tail = logTail();
      throw new Error(
        `The DokuWiki server on 127.0.0.1:${port} exited at once` +
          (/in use/i.test(tail) ? ': the port is already in use.' : '.') +
          (tail ? `\n${tail}` : ''),
      );
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) break;
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`The DokuWiki server on 127.0.0.1:${port} answers ${response.status}.\n${logTail()}`);
      }
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`The DokuWiki server on 127.0.0.1:${port} did not answer within 20 s (${(error as Error).message}).\n${logTail()}`);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { stop };
}
