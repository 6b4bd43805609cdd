/**
 * Real Chromium (Debian's package) with the built extension loaded, driven by
 * playwright-core. Never a downloaded browser.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { SyncStatus } from '../../lib/sync/status';
import { CHROMIUM_ARGS, CHROMIUM_PATH, extensionArgs } from '../support/chromium';

export { CHROMIUM_PATH };

export interface ExtensionBrowser {
  context: BrowserContext;
  extensionId: string;
  worker: Worker;
  /** Opens one of the extension's pages (popup.html, sidepanel.html?id=..., options.html) in a tab. */
  openExtensionPage(path: string): Promise<Page>;
  /** Stops the service worker, as Chrome does after half a minute idle; the next message or event starts it again. */
  stopWorker(): Promise<void>;
  /** Resolves with the sync status once `done` says so. */
  waitForStatus(done: (status: SyncStatus) => boolean, timeoutMs?: number): Promise<SyncStatus>;
  close(): Promise<void>;
}

export async function launchWithExtension(extensionDir: string): Promise<ExtensionBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'agentwiki-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [...extensionArgs(extensionDir), ...CHROMIUM_ARGS],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;

  async function readStatus(): Promise<SyncStatus | undefined> {
    return worker.evaluate(async () => {
      const chromeApi = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
      return (await chromeApi.storage.local.get('syncStatus')).syncStatus as SyncStatus | undefined;
    });
  }

  return {
    context,
    extensionId,
    worker,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async stopWorker() {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await page.close();
    },
    async waitForStatus(done, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: SyncStatus | undefined;
      while (Date.now() < deadline) {
        last = await readStatus();
        if (last && done(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`The sync status never reached the expected state; last: ${JSON.stringify(last)}`);
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The titles of the `count` most recently modified cached articles, read from
 * the extension's IndexedDB in one of its contexts (the worker, or an
 * extension page while the worker is stopped).
 */
export function newestTitles(context: Page | Worker, count: number): Promise<string[]> {
  // One function for both: Page and Worker evaluate alike, but their overloads do not unite.
  return (context as Worker).evaluate(async (wanted: number) => {
    const db = await new Promise<IDBDatabase>((done, fail) => {
      const request = indexedDB.open('agentwiki-companion');
      request.onsuccess = () => done(request.result);
      request.onerror = () => fail(request.error);
    });
    const titles: string[] = [];
    await new Promise<void>((done, fail) => {
      const request = db.transaction('articles').objectStore('articles').index('byModified').openCursor(null, 'prev');
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor || titles.length === wanted) return done();
        titles.push((cursor.value as { title: string }).title);
        cursor.continue();
      };
      request.onerror = () => fail(request.error);
    });
    db.close();
    return titles;
  }, count);
}
