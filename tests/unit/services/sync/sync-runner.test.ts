// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CHANGES_MARGIN_MS, RECENT_CHANGES_WINDOW_MS } from '../../../../lib/sync/incremental';
import { WikiError } from '../../../../lib/wiki/errors';
import { getMeta, openDatabase, type Database } from '../../../../services/store/db';
import { StorageFullError } from '../../../../services/sync/storage-full';
import { DEFAULT_CONCURRENCY, runSync, WRITE_BATCH, type SyncDeps, type SyncProgress } from '../../../../services/sync/sync-runner';
import { FakeWiki, fakeExtract, manyPages } from './fake-wiki';
import { withFullDisk } from './full-disk';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 10);

let db: Database;
let clock: number;
beforeEach(async () => {
  db = await openDatabase(new IDBFactory());
  clock = T0;
});

function sync(gateway: FakeWiki, extra: Partial<SyncDeps> = {}) {
  const progress: SyncProgress[] = [];
  const result = runSync({
    gateway,
    db,
    onProgress: (p) => progress.push(p),
    extract: fakeExtract,
    now: () => clock,
    ...extra,
  });
  return { result, progress };
}

const ids = async () => (await db.getAllKeys('articles')).sort();
const unreachable = () => new WikiError('unreachable', 'http://wiki.test cannot be reached (connection refused).');
/** Pages dated a day before the first sync. */
const pagesOf = (count: number) => manyPages(count, T0 - DAY);

describe('runSync: the first sync', () => {
  it('stores every page of a new wiki, reports progress and remembers the wiki', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { a: { raw: 'A', modified: 1000 }, 'ns:b': { raw: 'B', modified: 2000 } });
    const { result, progress } = sync(wiki);
    await expect(result).resolves.toEqual({
      kind: 'full',
      reason: 'first-sync',
      resumed: false,
      fetched: 2,
      removed: 0,
      articleCount: 2,
      skipped: [],
    });
    expect(await ids()).toEqual(['a', 'ns:b']);
    expect((await db.get('articles', 'ns:b'))?.modified).toBe(2000);
    expect(await db.get('meta', 'wikiUrl')).toBe('http://wiki.test/');
    expect(await getMeta(db, 'syncState')).toMatchObject({
      wikiUrl: 'http://wiki.test/',
      lastSyncStartedAt: T0,
      lastFullCompareAt: T0,
      retry: [],
      generation: 1,
    });
    expect(await getMeta(db, 'syncRun')).toBeUndefined();
    expect(await db.count('staged')).toBe(0);
    const full = { kind: 'full', resumed: false };
    expect(progress).toEqual([
      { phase: 'listing', done: 0, total: 0, kind: 'full' },
      { phase: 'listing', done: 2, total: 2, kind: 'full' },
      { phase: 'fetching', done: 0, total: 2, ...full },
      { phase: 'fetching', done: 1, total: 2, ...full },
      { phase: 'fetching', done: 2, total: 2, ...full },
      { phase: 'indexing', done: 0, total: 0, ...full },
    ]);
  });

  it('never has more than `concurrency` pages in progress', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(20));
    wiki.delayMs = 5;
    await sync(wiki, { concurrency: 3 }).result;
    expect(wiki.maxInFlight).toBe(3);
    const defaults = new FakeWiki('http://other.test/', manyPages(20));
    defaults.delayMs = 5;
    db = await openDatabase(new IDBFactory());
    await sync(defaults).result;
    expect(defaults.maxInFlight).toBe(DEFAULT_CONCURRENCY);
  });

  it(`stages pages ${WRITE_BATCH} to a transaction, then swaps them in with one more`, async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(2 * WRITE_BATCH + 10));
    const writes: string[][] = [];
    const counting = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'transaction') {
          return (stores: string | string[], mode?: IDBTransactionMode) => {
            if (mode === 'readwrite') writes.push([stores].flat());
            return target.transaction(stores as never, mode);
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await sync(wiki, { db: counting }).result;
    expect(writes).toEqual([
      ['staged', 'meta'], // the plan
      ['staged'],
      ['staged'],
      ['staged'],
      ['articles', 'staged', 'meta'], // the swap
    ]);
    expect(await db.count('articles')).toBe(2 * WRITE_BATCH + 10);
  });
});

describe('runSync: incremental', () => {
  async function synced(count = 5) {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(count));
    await sync(wiki).result;
    wiki.fetched.length = 0;
    clock += HOUR;
    return wiki;
  }

  it('asks only what changed since a margin before the last sync, and fetches nothing when nothing did', async () => {
    const wiki = await synced();
    await expect(sync(wiki).result).resolves.toEqual({
      kind: 'incremental',
      resumed: false,
      fetched: 0,
      removed: 0,
      articleCount: 5,
      skipped: [],
    });
    expect(wiki.changesAsked).toEqual([T0 - CHANGES_MARGIN_MS]);
    expect(wiki.listCalls).toBe(1); // only the first sync's
    expect(wiki.fetched).toEqual([]);
    expect((await getMeta(db, 'syncState'))?.lastSyncStartedAt).toBe(T0 + HOUR);
  });

  it('asks the next time from the wiki’s own time when it gives one', async () => {
    const wiki = await synced();
    // The wiki's clock runs two hours behind.
    wiki.clock = () => clock - 2 * HOUR;
    await sync(wiki).result;
    expect((await getMeta(db, 'syncState'))?.changesAsOf).toBe(T0 - HOUR);
    clock += HOUR;
    wiki.edit('page_0001', 'edited on the wiki clock', T0 - HOUR + 60_000);
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'incremental', fetched: 1 });
    expect(wiki.changesAsked).toEqual([T0 - CHANGES_MARGIN_MS, T0 - HOUR]);
  });

  it('fetches edited and new pages and removes deleted ones, without listing every page', async () => {
    const wiki = await synced();
    wiki.edit('page_0001', 'Page 1 edited', clock - 10_000);
    wiki.edit('brand_new', 'New', clock - 5_000);
    wiki.remove('page_0002', clock - 1_000);
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'incremental', fetched: 2, removed: 1, articleCount: 5 });
    expect(wiki.fetched.sort()).toEqual(['brand_new', 'page_0001']);
    expect(wiki.listCalls).toBe(1);
    expect(await ids()).toEqual(['brand_new', 'page_0000', 'page_0001', 'page_0003', 'page_0004']);
    expect((await db.get('articles', 'page_0001'))?.text).toBe('Page 1 edited');
  });

  it('does not fetch again a change the last sync already stored (the margin overlaps it)', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(3));
    wiki.edit('page_0000', 'Edited just before the first sync', T0 - 60_000);
    await sync(wiki).result;
    wiki.fetched.length = 0;
    clock += HOUR;
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'incremental', fetched: 0 });
    expect(wiki.fetched).toEqual([]);
  });

  it('counts a page changed several times once, as its last change says', async () => {
    const wiki = await synced();
    wiki.edit('page_0003', 'v2', clock - 3000);
    wiki.remove('page_0003', clock - 2000);
    wiki.edit('page_0003', 'v3', clock - 1000);
    await expect(sync(wiki).result).resolves.toMatchObject({ fetched: 1, removed: 0 });
    expect(wiki.fetched).toEqual(['page_0003']);
    expect((await db.get('articles', 'page_0003'))?.text).toBe('v3');
  });

  it('compares the full page list when the gap is longer than the wiki keeps its recent changes', async () => {
    const wiki = await synced();
    // An edit recent changes no longer hold: only the listing shows it.
    wiki.pages.set('page_0004', { raw: 'edited long ago', modified: clock });
    clock = T0 + RECENT_CHANGES_WINDOW_MS;
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'full', reason: 'gap-too-long', fetched: 1 });
    expect(wiki.changesAsked).toEqual([]);
    expect(wiki.listCalls).toBe(2);
    expect((await db.get('articles', 'page_0004'))?.text).toBe('edited long ago');
  });

  it('compares the full page list when the wiki says its changes may be incomplete', async () => {
    const wiki = await synced();
    wiki.keepsChangesSince = clock; // trimmed after the last sync began
    wiki.pages.set('page_0000', { raw: 'unlogged edit', modified: clock });
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'full', reason: 'changes-incomplete', fetched: 1 });
    expect(wiki.changesAsked).toHaveLength(1);
    expect(wiki.listCalls).toBe(2);
  });

  it('compares the full page list when the wiki refuses to list its changes, and fails when it cannot be reached', async () => {
    const wiki = await synced();
    wiki.changesFailure = () => new WikiError('denied', 'http://wiki.test did not let an anonymous reader call wiki.getRecentChanges.');
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'full', reason: 'changes-unavailable' });
    wiki.changesFailure = unreachable;
    clock += HOUR;
    await expect(sync(wiki).result).rejects.toMatchObject({ kind: 'unreachable' });
    expect(await db.count('articles')).toBe(5);
  });

  it('refetches, on a full comparison, a page whose text hash changed though its date did not', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(3));
    wiki.hashedListing = true;
    await sync(wiki).result;
    wiki.fetched.length = 0;
    const page = wiki.pages.get('page_0001')!;
    wiki.pages.set('page_0001', { raw: 'copied over with its old date', modified: page.modified });
    clock += HOUR;
    await expect(sync(wiki, { full: true }).result).resolves.toMatchObject({ kind: 'full', reason: 'requested', fetched: 1 });
    expect(wiki.fetched).toEqual(['page_0001']);
  });

  it('tries a page it had to skip again on the next incremental sync', async () => {
    const wiki = await synced();
    wiki.edit('page_0003', 'broken now', clock - 1000);
    wiki.failures.set('page_0003', () => new WikiError('http', 'http://wiki.test answered 500 for the page source.', { status: 500 }));
    await expect(sync(wiki).result).resolves.toMatchObject({
      fetched: 0,
      skipped: [{ id: 'page_0003', error: 'http://wiki.test answered 500 for the page source.' }],
    });
    expect((await db.get('articles', 'page_0003'))?.text).toBe('Page 3');
    expect((await getMeta(db, 'syncState'))?.retry).toEqual(['page_0003']);
    wiki.failures.clear();
    wiki.fetched.length = 0;
    clock += 2 * CHANGES_MARGIN_MS; // the failed page's change is now older than the margin
    await expect(sync(wiki).result).resolves.toMatchObject({ kind: 'incremental', fetched: 1, skipped: [] });
    expect(wiki.fetched).toEqual(['page_0003']);
    expect((await db.get('articles', 'page_0003'))?.text).toBe('broken now');
    expect((await getMeta(db, 'syncState'))?.retry).toEqual([]);
  });
});

describe('runSync: readers never see half a sync', () => {
  it('keeps the cache as it was while pages are fetched, and changes it in one swap', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(40));
    await sync(wiki).result;
    for (const [id, page] of wiki.pages) wiki.edit(id, `${page.raw} v2`, T0 + HOUR);
    clock += 2 * HOUR;
    const seen: number[] = [];
    wiki.beforeFetch = (_id, count) => {
      if (count % 10 === 0) {
        void db.getAll('articles').then((articles) => seen.push(articles.filter((a) => a.text.endsWith('v2')).length));
      }
    };
    await sync(wiki).result;
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.every((n) => n === 0)).toBe(true);
    expect((await db.getAll('articles')).every((a) => a.text.endsWith('v2'))).toBe(true);
  });
});

describe('runSync: resumable', () => {
  it('continues a run stopped by its signal in a new runner, without fetching a staged page again', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(100));
    const controller = new AbortController();
    wiki.beforeFetch = (_id, count) => {
      if (count === 60) controller.abort(new DOMException('The worker is stopping', 'AbortError'));
    };
    const error = await sync(wiki, { signal: controller.signal, concurrency: 2 }).result.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError', message: 'The worker is stopping' });
    expect(await db.count('articles')).toBe(0); // nothing swapped in
    const staged = new Set(await db.getAllKeys('staged'));
    expect(staged.size).toBeGreaterThanOrEqual(55);
    expect(await getMeta(db, 'syncRun')).toMatchObject({ wikiUrl: 'http://wiki.test/', kind: 'full', attempts: 1 });

    // A new worker: a fresh runner on the same database.
    wiki.beforeFetch = null;
    const before = wiki.fetched.length;
    const second = sync(wiki);
    await expect(second.result).resolves.toMatchObject({ resumed: true, fetched: 100, articleCount: 100 });
    const refetched = wiki.fetched.slice(before);
    expect(refetched.filter((id) => staged.has(id))).toEqual([]);
    expect(refetched).toHaveLength(100 - staged.size);
    expect(wiki.listCalls).toBe(1); // the plan was kept, not made again
    expect(second.progress.find((p) => p.phase === 'fetching')).toEqual({
      phase: 'fetching',
      done: staged.size,
      total: 100,
      kind: 'full',
      resumed: true,
    });
  });

  it('when the wiki dies mid-sync: rejects clearly, keeps the cache, and the next sync fetches only what is missing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(60));
    await sync(wiki).result;
    for (const [id, page] of wiki.pages) wiki.edit(id, `${page.raw} v2`, T0 + HOUR);
    wiki.remove('page_0059', T0 + HOUR);
    clock += 2 * HOUR;
    wiki.beforeFetch = (_id, count) => {
      if (count > 90) throw unreachable();
    };
    const error = await sync(wiki, { concurrency: 2 }).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    const articles = await db.getAll('articles');
    expect(articles).toHaveLength(60); // nothing deleted, nothing half-updated
    expect(articles.every((a) => !a.text.endsWith('v2'))).toBe(true);
    expect(await db.count('staged')).toBe(30); // what was fetched waits for the next attempt

    wiki.beforeFetch = null;
    const before = wiki.fetched.length;
    clock += HOUR;
    await expect(sync(wiki).result).resolves.toEqual({
      kind: 'incremental',
      resumed: true,
      fetched: 59,
      removed: 1,
      articleCount: 59,
      skipped: [],
    });
    expect(wiki.fetched.length - before).toBe(29);
    expect((await db.getAll('articles')).every((a) => a.text.endsWith('v2'))).toBe(true);
  });

  it('gives up when too many pages fail, changing nothing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(20));
    for (const id of wiki.pages.keys()) {
      wiki.failures.set(id, () => new WikiError('http', 'http://wiki.test answered 503.', { status: 503 }));
    }
    await expect(sync(wiki).result).rejects.toMatchObject({ kind: 'http', status: 503 });
    expect(await db.get('meta', 'wikiUrl')).toBeUndefined();
    expect(await db.count('articles')).toBe(0);
  });
});

describe('runSync: pages that cannot be read', () => {
  it('skips a page the server fails to render, keeping its cached copy', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(10, 1));
    await sync(wiki).result;
    wiki.pages.set('page_0003', { raw: 'broken', modified: 2 });
    wiki.failures.set('page_0003', () => new WikiError('http', 'http://wiki.test answered 500 for the page source.', { status: 500 }));
    await expect(sync(wiki, { full: true }).result).resolves.toMatchObject({
      fetched: 0,
      removed: 0,
      articleCount: 10,
      skipped: [{ id: 'page_0003', error: 'http://wiki.test answered 500 for the page source.' }],
    });
    expect((await db.get('articles', 'page_0003'))?.modified).toBe(1);
  });

  it('skips a page the extractor cannot read', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { good: { raw: 'ok', modified: 1 }, bad: { raw: 'bad', modified: 1 } });
    const extract: SyncDeps['extract'] = (page) => {
      if (page.id === 'bad') throw new Error('unbalanced markup');
      return fakeExtract(page);
    };
    await expect(sync(wiki, { extract }).result).resolves.toMatchObject({
      fetched: 1,
      removed: 0,
      articleCount: 1,
      skipped: [{ id: 'bad', error: 'bad could not be read: unbalanced markup' }],
    });
  });

  it('removes a listed page whose fetch finds it gone', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { a: { raw: 'A', modified: 1 }, b: { raw: 'B', modified: 1 } });
    await sync(wiki).result;
    wiki.pages.set('b', { raw: 'B2', modified: 2 });
    wiki.vanishing.add('b');
    await expect(sync(wiki, { full: true }).result).resolves.toMatchObject({ fetched: 0, removed: 1, articleCount: 1 });
    expect(await ids()).toEqual(['a']);
  });

  it('keeps the cache when the wiki suddenly lists nothing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(3));
    await sync(wiki).result;
    wiki.pages.clear();
    await expect(sync(wiki, { full: true }).result).rejects.toMatchObject({
      kind: 'bad-response',
      message:
        'http://wiki.test/ lists no pages at all, so the 3 cached articles were kept. If the wiki really is empty now, clear the cache from the options page.',
    });
    expect(await db.count('articles')).toBe(3);
  });

  it('rejects with the listing error and touches nothing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(3));
    await sync(wiki).result;
    wiki.listPages = async () => {
      throw unreachable();
    };
    await expect(sync(wiki, { full: true }).result).rejects.toMatchObject({ kind: 'unreachable' });
    expect(await db.count('articles')).toBe(3);
    expect(await getMeta(db, 'syncRun')).toBeUndefined();
  });
});

describe('runSync: another wiki', () => {
  it('replaces the whole cache with the new wiki only once every page is in, never mixing the two', async () => {
    await sync(new FakeWiki('http://old.test/', { shared: { raw: 'old', modified: 1 }, only_old: { raw: 'x', modified: 1 } })).result;
    const fresh = new FakeWiki('http://new.test/', { shared: { raw: 'new', modified: 1 }, only_new: { raw: 'y', modified: 1 } });
    let during: string[] = [];
    fresh.beforeFetch = () => {
      void db.getAll('articles').then((articles) => (during = articles.map((a) => `${a.id}:${a.text}`).sort()));
    };
    await expect(sync(fresh).result).resolves.toMatchObject({ kind: 'full', reason: 'new-wiki', fetched: 2, removed: 1, articleCount: 2 });
    expect(during).toEqual(['only_old:x', 'shared:old']);
    expect((await db.getAll('articles')).map((a) => `${a.id}:${a.text}`).sort()).toEqual(['only_new:y', 'shared:new']);
    expect(await db.get('meta', 'wikiUrl')).toBe('http://new.test/');
  });

  it('discards a stopped run of another wiki instead of continuing it', async () => {
    const old = new FakeWiki('http://old.test/', manyPages(30));
    const controller = new AbortController();
    old.beforeFetch = (_id, count) => {
      if (count === 10) controller.abort(new DOMException('stopped', 'AbortError'));
    };
    await sync(old, { signal: controller.signal, concurrency: 1 }).result.catch(() => undefined);
    expect(await db.count('staged')).toBeGreaterThan(0);
    const fresh = new FakeWiki('http://new.test/', { only_new: { raw: 'y', modified: 1 } });
    await expect(sync(fresh).result).resolves.toMatchObject({ resumed: false, fetched: 1, articleCount: 1 });
    expect(await ids()).toEqual(['only_new']);
  });

  it('replaces articles of unknown origin (the bundled snapshot) even when ids and dates match', async () => {
    await db.put('articles', { ...fakeExtract({ id: 'shared', raw: 'snapshot', html: '', modified: 1 }) });
    await db.put('articles', { ...fakeExtract({ id: 'only_snapshot', raw: 'snapshot', html: '', modified: 1 }) });
    const wiki = new FakeWiki('http://wiki.test/', { shared: { raw: 'from the wiki', modified: 1 } });
    await expect(sync(wiki).result).resolves.toMatchObject({ fetched: 1, removed: 1, articleCount: 1 });
    expect((await db.get('articles', 'shared'))?.text).toBe('from the wiki');
  });
});

describe('runSync: a full disk', () => {
  for (const mode of ['throw', 'reject'] as const) {
    it(`keeps the previous cache and says why when staging fails (put ${mode}s QuotaExceededError)`, async () => {
      const wiki = new FakeWiki('http://wiki.test/', pagesOf(50));
      await sync(wiki).result;
      for (const [id, page] of wiki.pages) wiki.edit(id, `${page.raw} v2`, T0 + HOUR);
      clock += 2 * HOUR;
      const full = withFullDisk(db, { stores: ['staged'], after: 40, mode });
      const error = await sync(wiki, { db: full.db }).result.catch((e: unknown) => e);
      expect(full.failedPuts()).toBeGreaterThan(0);
      expect(error).toBeInstanceOf(StorageFullError);
      expect((error as Error).message).toBe(
        "The browser has no room left to store the wiki's articles, so the sync stopped and the 50 articles already cached are kept as they were. Free some disk space, then sync again.",
      );
      const articles = await db.getAll('articles');
      expect(articles).toHaveLength(50);
      expect(articles.every((a) => !a.text.endsWith('v2'))).toBe(true);
      // The space the run took is given back.
      expect(await db.count('staged')).toBe(0);
      expect(await getMeta(db, 'syncRun')).toBeUndefined();
    });
  }

  it('keeps the previous cache when the swap itself runs out of room', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(10));
    await sync(wiki).result;
    wiki.edit('page_0001', 'v2', T0 + HOUR);
    clock += 2 * HOUR;
    const full = withFullDisk(db, { stores: ['articles'] });
    await expect(sync(wiki, { db: full.db }).result).rejects.toBeInstanceOf(StorageFullError);
    expect((await db.get('articles', 'page_0001'))?.text).toBe('Page 1');
    expect((await getMeta(db, 'syncState'))?.lastSyncStartedAt).toBe(T0);
  });
});

describe('runSync: planning without reading every article', () => {
  it('keeps each cached page’s date in the sync state, and plans from it', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(4));
    await sync(wiki).result;
    wiki.edit('page_0001', 'v2', T0 + HOUR);
    wiki.remove('page_0002', T0 + HOUR);
    clock += 2 * HOUR;
    await sync(wiki).result;
    const state = (await getMeta(db, 'syncState'))!;
    const articles = await db.getAll('articles');
    expect(state.modified).toEqual(Object.fromEntries(articles.map((a) => [a.id, a.modified])));

    // Planning uses the mirror, not a walk over the articles' date index.
    let walked = false;
    const watching = new Proxy(db, {
      get(target, key, receiver) {
        if (key === 'transaction') {
          return (...args: unknown[]) => {
            const tx = (target.transaction as (...a: unknown[]) => { objectStore(name: string): { index(name: string): unknown } })(...args);
            return new Proxy(tx, {
              get(t, k, r) {
                if (k === 'objectStore') {
                  return (name: string) =>
                    new Proxy(t.objectStore(name), {
                      get(store, sk, sr) {
                        if (sk === 'index') walked = true;
                        const value = Reflect.get(store, sk, sr);
                        return typeof value === 'function' ? value.bind(store) : value;
                      },
                    });
                }
                const value = Reflect.get(t, k, r);
                return typeof value === 'function' ? value.bind(t) : value;
              },
            });
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    wiki.pages.set('page_0003', { raw: 'unlogged', modified: T0 + 3 * HOUR });
    clock += HOUR;
    await expect(sync(wiki, { db: watching, full: true }).result).resolves.toMatchObject({ fetched: 1 });
    expect(walked).toBe(false);
  });

  it('falls back to the articles’ own dates when the mirror does not match the cache', async () => {
    const wiki = new FakeWiki('http://wiki.test/', pagesOf(3));
    await sync(wiki).result;
    const state = (await getMeta(db, 'syncState'))!;
    await db.put('meta', { ...state, modified: { page_0000: 1 } }, 'syncState');
    wiki.fetched.length = 0;
    clock += HOUR;
    await expect(sync(wiki, { full: true }).result).resolves.toMatchObject({ fetched: 0, removed: 0 });
  });
});
