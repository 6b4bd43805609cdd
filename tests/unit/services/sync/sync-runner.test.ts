// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { openDatabase, type Database } from '../../../../services/store/db';
import { runSync, WRITE_BATCH, type SyncDeps, type SyncProgress } from '../../../../services/sync/sync-runner';
import { FakeWiki, fakeExtract, manyPages } from './fake-wiki';

let db: Database;
beforeEach(async () => {
  db = await openDatabase(new IDBFactory());
});

function sync(gateway: FakeWiki, extra: Partial<SyncDeps> = {}) {
  const progress: SyncProgress[] = [];
  const result = runSync({ gateway, db, onProgress: (p) => progress.push(p), extract: fakeExtract, ...extra });
  return { result, progress };
}

const ids = async () => (await db.getAllKeys('articles')).sort();
const unreachable = () => new WikiError('unreachable', 'http://wiki.test cannot be reached (connection refused).');

describe('runSync', () => {
  it('stores every page of a new wiki, reports progress and remembers the wiki', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { a: { raw: 'A', modified: 1000 }, 'ns:b': { raw: 'B', modified: 2000 } });
    const { result, progress } = sync(wiki);
    await expect(result).resolves.toEqual({ fetched: 2, removed: 0, articleCount: 2, skipped: [] });
    expect(await ids()).toEqual(['a', 'ns:b']);
    expect((await db.get('articles', 'ns:b'))?.modified).toBe(2000);
    expect(await db.get('meta', 'wikiUrl')).toBe('http://wiki.test/');
    expect(progress[0]).toEqual({ phase: 'listing', done: 0, total: 0 });
    expect(progress[1]).toEqual({ phase: 'listing', done: 2, total: 2 });
    expect(progress.slice(2)).toEqual([
      { phase: 'fetching', done: 0, total: 2 },
      { phase: 'fetching', done: 1, total: 2 },
      { phase: 'fetching', done: 2, total: 2 },
    ]);
  });

  it('fetches nothing when nothing changed', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(5));
    await sync(wiki).result;
    wiki.fetched.length = 0;
    await expect(sync(wiki).result).resolves.toEqual({ fetched: 0, removed: 0, articleCount: 5, skipped: [] });
    expect(wiki.fetched).toEqual([]);
  });

  it('fetches edited and new pages and removes deleted ones', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { a: { raw: 'A', modified: 1 }, b: { raw: 'B', modified: 1 }, c: { raw: 'C', modified: 1 } });
    await sync(wiki).result;
    wiki.fetched.length = 0;
    wiki.pages.set('a', { raw: 'A2', modified: 2 });
    wiki.pages.delete('b');
    wiki.pages.set('d', { raw: 'D', modified: 1 });
    await expect(sync(wiki).result).resolves.toEqual({ fetched: 2, removed: 1, articleCount: 3, skipped: [] });
    expect(wiki.fetched.sort()).toEqual(['a', 'd']);
    expect(await ids()).toEqual(['a', 'c', 'd']);
    expect((await db.get('articles', 'a'))?.text).toBe('A2');
  });

  it('refetches every page when the listing gives no dates', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(3));
    wiki.datedListing = false;
    await sync(wiki).result;
    wiki.fetched.length = 0;
    await expect(sync(wiki).result).resolves.toMatchObject({ fetched: 3, removed: 0, articleCount: 3 });
  });

  it('removes a listed page whose fetch finds it gone', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { a: { raw: 'A', modified: 1 }, b: { raw: 'B', modified: 1 } });
    await sync(wiki).result;
    wiki.pages.set('b', { raw: 'B2', modified: 2 });
    wiki.vanishing.add('b');
    await expect(sync(wiki).result).resolves.toMatchObject({ fetched: 0, removed: 1, articleCount: 1 });
    expect(await ids()).toEqual(['a']);
  });

  it('never has more than `concurrency` fetches in flight', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(20));
    wiki.delayMs = 5;
    await sync(wiki, { concurrency: 3 }).result;
    expect(wiki.maxInFlight).toBe(3);
    const defaults = new FakeWiki('http://other.test/', manyPages(20));
    defaults.delayMs = 5;
    db = await openDatabase(new IDBFactory());
    await sync(defaults).result;
    expect(defaults.maxInFlight).toBe(4);
  });

  it(`writes articles ${WRITE_BATCH} to a transaction`, async () => {
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
    // Three batches of articles, then one transaction that removes and records the wiki.
    expect(writes).toEqual([['articles'], ['articles'], ['articles'], ['articles', 'meta']]);
    expect(await db.count('articles')).toBe(2 * WRITE_BATCH + 10);
  });

  it('when the wiki dies mid-sync: rejects clearly, keeps every cached article and what was fetched, and the next sync completes', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(60, 1));
    await sync(wiki).result;
    // Every page changes, one page is deleted, and the wiki dies after 30 fetches.
    for (const [id, page] of wiki.pages) wiki.pages.set(id, { ...page, raw: `${page.raw} v2`, modified: 2 });
    wiki.pages.delete('page_0059');
    wiki.beforeFetch = (_id, count) => {
      if (count > 30) throw unreachable();
    };
    wiki.fetched.length = 0;
    const error = await sync(wiki, { concurrency: 2 }).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect(await db.count('articles')).toBe(60); // nothing deleted, not even the page the wiki dropped
    const articles = await db.getAll('articles');
    const updated = articles.filter((a) => a.modified === 2).length;
    expect(updated).toBe(30); // what was fetched is stored, though fewer than a batch were pending

    wiki.beforeFetch = null;
    wiki.fetched.length = 0;
    await expect(sync(wiki).result).resolves.toEqual({ fetched: 29, removed: 1, articleCount: 59, skipped: [] });
    expect(wiki.fetched).toHaveLength(29);
    expect((await db.getAll('articles')).every((a) => a.modified === 2)).toBe(true);
  });

  it('skips a page the server fails to render, keeping its cached copy', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(10, 1));
    await sync(wiki).result;
    wiki.pages.set('page_0003', { raw: 'broken', modified: 2 });
    wiki.failures.set('page_0003', () => new WikiError('http', 'http://wiki.test answered 500 for the page source.', { status: 500 }));
    await expect(sync(wiki).result).resolves.toEqual({
      fetched: 0,
      removed: 0,
      articleCount: 10,
      skipped: [{ id: 'page_0003', error: 'http://wiki.test answered 500 for the page source.' }],
    });
    expect((await db.get('articles', 'page_0003'))?.modified).toBe(1);
  });

  it('gives up when too many pages fail', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(20));
    for (const id of wiki.pages.keys()) {
      wiki.failures.set(id, () => new WikiError('http', 'http://wiki.test answered 503.', { status: 503 }));
    }
    await expect(sync(wiki).result).rejects.toMatchObject({ kind: 'http', status: 503 });
    expect(await db.get('meta', 'wikiUrl')).toBeUndefined();
  });

  it('skips a page the extractor cannot read', async () => {
    const wiki = new FakeWiki('http://wiki.test/', { good: { raw: 'ok', modified: 1 }, bad: { raw: 'bad', modified: 1 } });
    const extract: SyncDeps['extract'] = (page) => {
      if (page.id === 'bad') throw new Error('unbalanced markup');
      return fakeExtract(page);
    };
    await expect(sync(wiki, { extract }).result).resolves.toEqual({
      fetched: 1,
      removed: 0,
      articleCount: 1,
      skipped: [{ id: 'bad', error: 'bad could not be read: unbalanced markup' }],
    });
  });

  it('keeps the cache when the wiki suddenly lists nothing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(3));
    await sync(wiki).result;
    wiki.pages.clear();
    await expect(sync(wiki).result).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'http://wiki.test/ lists no pages at all, so the 3 cached articles were kept. If the wiki really is empty now, clear the cache from the options page.',
    });
    expect(await db.count('articles')).toBe(3);
  });

  it('refetches everything, and drops the rest, when the cache holds another wiki', async () => {
    await sync(new FakeWiki('http://old.test/', { shared: { raw: 'old', modified: 1 }, only_old: { raw: 'x', modified: 1 } })).result;
    const fresh = new FakeWiki('http://new.test/', { shared: { raw: 'new', modified: 1 } });
    await expect(sync(fresh).result).resolves.toMatchObject({ fetched: 1, removed: 1, articleCount: 1 });
    expect((await db.get('articles', 'shared'))?.text).toBe('new');
    expect(await db.get('meta', 'wikiUrl')).toBe('http://new.test/');
  });

  it('stops when its signal aborts, rejecting with the reason and keeping what it fetched', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(40));
    const controller = new AbortController();
    wiki.beforeFetch = (_id, count) => {
      if (count === 10) controller.abort(new DOMException('Sync cancelled', 'AbortError'));
    };
    const error = await sync(wiki, { signal: controller.signal, concurrency: 1 }).result.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError', message: 'Sync cancelled' });
    expect(await db.count('articles')).toBe(9);
  });

  it('rejects with the listing error and touches nothing', async () => {
    const wiki = new FakeWiki('http://wiki.test/', manyPages(3));
    await sync(wiki).result;
    wiki.listPages = async () => {
      throw unreachable();
    };
    await expect(sync(wiki).result).rejects.toMatchObject({ kind: 'unreachable' });
    expect(await db.count('articles')).toBe(3);
  });
});
