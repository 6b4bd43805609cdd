/**
 * Real Chromium (Debian's package) for the end-to-end tests and the
 * benchmarks, and the extension builds they load. Never a downloaded browser.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for a quiet headless Chromium: without the networking ones it keeps
 * trying to reach the internet, which this machine's closed network refuses.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The flags that load one unpacked extension and no other. */
export const extensionArgs = (extensionDir: string): string[] => [
  `--disable-extensions-except=${extensionDir}`,
  `--load-extension=${extensionDir}`,
];

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * Builds the extension with `wikiUrl` as its default wiki into `outDir`;
 * returns the build's folder: chrome-mv3, or firefox-mv2 for `firefox`.
 */
export async function buildExtension(wikiUrl: string, outDir: string, target: 'chrome' | 'firefox' = 'chrome'): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await run('npx', ['wxt', 'build', '-b', target], {
    cwd: ROOT,
    env: { ...process.env, WIKI_URL: wikiUrl, AGENTWIKI_OUT_DIR: outDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const dir = join(outDir, target === 'chrome' ? 'chrome-mv3' : 'firefox-mv2');
  if (!existsSync(join(dir, 'manifest.json'))) throw new Error(`The build for ${wikiUrl} produced no manifest in ${dir}.`);
  return dir;
}
