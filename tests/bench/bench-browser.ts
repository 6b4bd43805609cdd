/**
 * Real Chromium for the benchmarks: the built extension (or none, for the
 * baseline), pages served from 127.0.0.1, and a term table put straight into
 * the extension's storage, as the background would after a sync.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import type { TermTable } from '../../lib/match/table';
import { shardKey, shardTermTable } from '../../lib/match/table-shards';
import { buildExtension, CHROMIUM_ARGS, CHROMIUM_PATH, extensionArgs } from '../support/chromium';

export { servePages } from '../support/page-server';
export { CHROMIUM_PATH };

/** Builds the extension into `outDir` (its wiki unreachable, so nothing syncs meanwhile); returns the chrome-mv3 folder. */
export function buildBenchExtension(outDir: string): Promise<string> {
  return buildExtension('http://127.0.0.1:9/', outDir);
}

export interface BenchBrowser {
  context: BrowserContext;
  /** The extension's id and service worker; null without an extension. */
  extensionId: string | null;
  worker: Worker | null;
  close(): Promise<void>;
}

export async function launchBrowser(extensionDir: string | null): Promise<BenchBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: apt-get install chromium.`);
  const profile = await mkdtemp(join(tmpdir(), 'agentwiki-bench-'));
  const args = [...CHROMIUM_ARGS, ...(extensionDir ? extensionArgs(extensionDir) : [])];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args,
  });
  let worker: Worker | null = null;
  if (extensionDir) {
    worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  }
  return {
    context,
    extensionId: worker ? new URL(worker.url()).host : null,
    worker,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh handle on the extension's service worker (a stopped worker's old handle no longer answers). */
export async function currentWorker(browser: BenchBrowser): Promise<Worker> {
  const live = browser.context.serviceWorkers().find((w) => browser.extensionId && w.url().includes(browser.extensionId));
  return live ?? (await browser.context.waitForEvent('serviceworker', { timeout: 30_000 }));
}

/**
 * Stores a term table in the extension's local storage: whole, under
 * `termTable`, or sharded as services/page/term-table-store.ts writes it.
 * The real extension stores the bundled snapshot's table when it starts, so
 * by default this waits until that is done, lest it overwrite ours; the
 * floor's idle worker stores nothing (`waitForOwnTable: false`). The table is
 * read back afterwards, so a bench never measures another table unawares.
 */
export async function installTermTable(
  browser: BenchBrowser,
  table: TermTable,
  form: 'whole' | 'sharded' = 'sharded',
  { waitForOwnTable = true }: { waitForOwnTable?: boolean } = {},
): Promise<void> {
  const worker = await currentWorker(browser);
  const deadline = Date.now() + 60_000;
  while (waitForOwnTable) {
    const status = await worker.evaluate(async () => {
      const chromeApi = (globalThis as any).chrome;
      const got = await chromeApi.storage.local.get(['syncStatus', 'termTable']);
      return { phase: got.syncStatus?.phase, hasLast: !!got.syncStatus?.last, hasTable: !!got.termTable };
    });
    if (status.phase === 'idle' && status.hasLast && status.hasTable) break;
    if (Date.now() > deadline) throw new Error(`The extension never stored its own table: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const items: Record<string, unknown> = {};
  if (form === 'whole') items['termTable'] = table;
  else {
    const { index, shards } = shardTermTable(table);
    items['termTable'] = index;
    shards.forEach((shard, k) => (items[shardKey(k)] = shard));
  }
  await worker.evaluate(async (values) => {
    await (globalThis as any).chrome.storage.local.set(values);
  }, items);
  await new Promise((r) => setTimeout(r, 500));
  // Compared by a value of its own: storage gives objects back with their keys sorted.
  const mark = (t: any): string => JSON.stringify([t?.v, t?.ids?.length, t?.terms, t?.filter, t?.hashes]);
  const stored = await worker.evaluate(async () => (await (globalThis as any).chrome.storage.local.get('termTable')).termTable);
  if (mark(stored) !== mark(items['termTable'])) throw new Error('The term table in storage is not the one the benchmark stored.');
}

/** Milliseconds from navigation to the first registered highlight (polled every 10 ms), or null within `timeoutMs`. */
export async function firstMarks(page: Page, timeoutMs = 10_000): Promise<number | null> {
  try {
    const handle = await page.waitForFunction(
      () => {
        const size = (globalThis as any).CSS?.highlights?.get('agentwiki-term')?.size ?? 0;
        return size > 0 ? performance.now() : 0;
      },
      null,
      { polling: 10, timeout: timeoutMs },
    );
    return (await handle.jsonValue()) as number;
  } catch {
    return null;
  }
}

/** The number of ranges under the agentwiki-term highlight (0 when none is registered). */
export function highlightCount(page: Page): Promise<number> {
  return page.evaluate(() => {
    const registry = (globalThis as any).CSS?.highlights;
    return registry?.get('agentwiki-term')?.size ?? 0;
  });
}

/** Waits until the highlights stayed the same for `quietMs` (or `maxMs` passed); returns their count. */
export async function settledHighlights(page: Page, quietMs = 600, maxMs = 15_000): Promise<number> {
  const started = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const count = await highlightCount(page);
    if (count !== last) {
      last = count;
      since = Date.now();
    }
    if (Date.now() - since >= quietMs || Date.now() - started >= maxMs) return count;
    await new Promise((r) => setTimeout(r, 50));
  }
}
