/**
 * What the fault tests share: a real DokuWiki behind a fault-injecting
 * proxy, a cache filled by a first good sync through that proxy, edits that
 * give the next sync work to do, and the checks every fault ends with:
 * nothing cached was lost, and once the proxy is healthy the next sync
 * completes with every edit.
 */
import { IDBFactory } from 'fake-indexeddb';
import { expect } from 'vitest';
import type { Article } from '../../lib/article';
import type { LocalWiki } from '../../scripts/local-wiki';
import { openDatabase, type Database } from '../../services/store/db';
import { runSync, type SyncReport } from '../../services/sync/sync-runner';
import { detectGateway, type DetectOptions } from '../../services/wiki/detect';
import type { FaultProxy } from '../support/fault-proxy';

/**
 * Short waits so that each fault costs a few seconds at most: a 1 s timeout
 * (a local DokuWiki answers in tens of ms, but the machine is shared), two
 * quick retries.
 */
export const FAULT_OPTIONS: DetectOptions = {
  timeoutMs: 1_000,
  politeness: { maxPerSecond: Infinity, retries: 2, backoffMs: 20, maxBackoffMs: 100, maxRetryAfterMs: 3_000 },
};

/** Eight pages: more than the five unreadable pages a sync skips before it gives up. */
export const FAULT_PAGES: Record<string, string> = Object.fromEntries(
  ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'].map((name, i) => [
    i < 4 ? `greek:${name}` : name,
    `====== ${name[0]!.toUpperCase()}${name.slice(1)} ======\n\n**${name}** is letter ${i + 1} of the test alphabet.\n`,
  ]),
);

export class FaultBench {
  db!: Database;
  revision = 0;

  constructor(
    readonly wiki: LocalWiki,
    readonly proxy: FaultProxy,
    readonly options: DetectOptions = FAULT_OPTIONS,
  ) {}

  /** The site as error messages name it. */
  get site(): string {
    return this.proxy.url.replace(/\/$/, '');
  }

  /** A fresh cache filled by a good sync through the proxy, then every page edited. */
  async prepare(): Promise<Article[]> {
    this.proxy.heal();
    this.db = await openDatabase(new IDBFactory());
    const report = await this.sync();
    expect(report.articleCount).toBe(Object.keys(FAULT_PAGES).length);
    await this.editAll();
    return this.cached();
  }

  async editAll(): Promise<void> {
    this.revision++;
    for (const [id, raw] of Object.entries(FAULT_PAGES)) await this.wiki.writePage(id, `${raw}\nRevision ${this.revision}.\n`);
  }

  sync(options: DetectOptions & { full?: boolean } = {}): Promise<SyncReport> {
    const { full, ...detect } = options;
    return detectGateway(this.proxy.url, undefined, { ...this.options, ...detect }).then((gateway) =>
      runSync({ gateway, db: this.db, onProgress: () => {}, ...(full ? { full } : {}) }),
    );
  }

  async cached(): Promise<Article[]> {
    return (await this.db.getAll('articles')).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Every article cached before is still there, none older than it was. */
  async expectNothingLost(before: Article[]): Promise<void> {
    const after = new Map((await this.cached()).map((a) => [a.id, a]));
    for (const article of before) {
      const now = after.get(article.id);
      expect(now, `${article.id} is still cached`).toBeDefined();
      expect(now!.modified, article.id).toBeGreaterThanOrEqual(article.modified);
      expect(now!.text.length, article.id).toBeGreaterThan(0);
    }
  }

  /** With the proxy healthy, the next sync completes and every page is at the latest revision. */
  async expectNextSyncCompletes(): Promise<SyncReport> {
    this.proxy.heal();
    const report = await this.sync();
    expect(report.skipped).toEqual([]);
    expect(report.articleCount).toBe(Object.keys(FAULT_PAGES).length);
    for (const article of await this.cached()) expect(article.text, article.id).toContain(`Revision ${this.revision}.`);
    return report;
  }
}

/** A thrown value, for assertions on rejections. */
export const failureOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a failure, but it succeeded');
    },
    (error: unknown) => error,
  );
