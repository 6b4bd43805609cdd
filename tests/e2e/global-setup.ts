/**
 * Starts what the end-to-end tests drive: a real DokuWiki (Debian's package,
 * served on 127.0.0.1), a static server for the test pages, and two builds of
 * the extension — one whose default wiki is the local wiki, one whose wiki is
 * unreachable (to prove the bundled snapshot works offline).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { startLocalWiki } from '../../scripts/local-wiki';
import { CHROMIUM_PATH } from './browser';

declare module 'vitest' {
  export interface ProvidedContext {
    wikiUrl: string;
    pagesUrl: string;
    liveExtensionDir: string;
    offlineExtensionDir: string;
    unreachableWikiUrl: string;
  }
}

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

async function buildExtension(wikiUrl: string, outDir: string): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await run('npx', ['wxt', 'build'], {
    cwd: root,
    env: { ...process.env, WIKI_URL: wikiUrl, AGENTWIKI_OUT_DIR: outDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const dir = join(outDir, 'chrome-mv3');
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`The build for ${wikiUrl} produced no manifest in ${dir}.`);
  return dir;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
};

function servePages(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('The page server has no port.');
      done({ server, url: `http://127.0.0.1:${address.port}/` });
    }),
  );
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (the end-to-end tests never skip).`);
  }
  const wiki = await startLocalWiki({ api: true });
  const pages = await servePages(join(root, 'tests/fixtures/e2e-pages'));
  // Port 9 (discard) on loopback: nothing listens there, so every request fails at once.
  const unreachableWikiUrl = 'http://127.0.0.1:9/';
  const [liveExtensionDir, offlineExtensionDir] = [
    await buildExtension(wiki.url, join(root, '.output/e2e-live')),
    await buildExtension(unreachableWikiUrl, join(root, '.output/e2e-offline')),
  ];
  project.provide('wikiUrl', wiki.url);
  project.provide('pagesUrl', pages.url);
  project.provide('liveExtensionDir', liveExtensionDir);
  project.provide('offlineExtensionDir', offlineExtensionDir);
  project.provide('unreachableWikiUrl', unreachableWikiUrl);
  return async () => {
    pages.server.close();
    await wiki.stop();
  };
}
