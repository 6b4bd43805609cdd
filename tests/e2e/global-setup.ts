/**
 * Starts what the end-to-end tests drive: a real DokuWiki (Debian's package,
 * served on 127.0.0.1), a static server for the test pages, and three builds
 * of the extension — for Chromium, one whose default wiki is the local wiki
 * and one whose wiki is unreachable (to prove the bundled snapshot works
 * offline); for Firefox, one whose default wiki is the local wiki.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalWiki } from '../../scripts/local-wiki';
import { buildExtension, CHROMIUM_PATH } from '../support/chromium';
import { FIREFOX_PATH } from '../support/firefox';
import { servePages } from '../support/page-server';

declare module 'vitest' {
  export interface ProvidedContext {
    wikiUrl: string;
    pagesUrl: string;
    liveExtensionDir: string;
    offlineExtensionDir: string;
    firefoxExtensionDir: string;
    unreachableWikiUrl: string;
  }
}

const root = resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install it with "apt-get install chromium" (the end-to-end tests never skip).`);
  }
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(`Firefox is missing at ${FIREFOX_PATH}: install it with "apt-get install firefox-esr" (the end-to-end tests never skip).`);
  }
  const wiki = await startLocalWiki({ api: true });
  const pages = await servePages({ '/': join(root, 'tests/fixtures/e2e-pages') });
  // Port 9 (discard) on loopback: nothing listens there, so every request fails at once.
  const unreachableWikiUrl = 'http://127.0.0.1:9/';
  const [liveExtensionDir, offlineExtensionDir, firefoxExtensionDir] = [
    await buildExtension(wiki.url, join(root, '.output/e2e-live')),
    await buildExtension(unreachableWikiUrl, join(root, '.output/e2e-offline')),
    await buildExtension(wiki.url, join(root, '.output/e2e-firefox'), 'firefox'),
  ];
  project.provide('wikiUrl', wiki.url);
  project.provide('pagesUrl', `${pages.url}/`);
  project.provide('liveExtensionDir', liveExtensionDir);
  project.provide('offlineExtensionDir', offlineExtensionDir);
  project.provide('firefoxExtensionDir', firefoxExtensionDir);
  project.provide('unreachableWikiUrl', unreachableWikiUrl);
  return async () => {
    await pages.close();
    await wiki.stop();
  };
}
