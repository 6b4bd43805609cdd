// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { DB_NAME, DB_VERSION, getMeta, openDatabase } from '../../../../services/store/db';
import { runSync } from '../../../../services/sync/sync-runner';
import { FakeWiki, fakeExtract } from '../sync/fake-wiki';

function article(id: string, modified: number): Article {
  return { id, title: id, html: `<p>${id}</p>`, text: id, summary: id, boldTerms: [], links: [], tags: ['t'], modified };
}

/** A database exactly as version 1 of the extension created and filled it, without this module's code. */
async function createVersion1(factory: IDBFactory, articles: Article[], wikiUrl: string): Promise<void> {
  const original = globalThis.indexedDB;
  globalThis.indexedDB = factory;
  try {
    const v1 = await openDB(DB_NAME, 1, {
      upgrade(db) {
        const store = db.createObjectStore('articles', { keyPath: 'id' });
        store.createIndex('byModified', 'modified');
        db.createObjectStore('meta');
      },
    });
    const tx = v1.transaction(['articles', 'meta'], 'readwrite');
    for (const a of articles) void tx.objectStore('articles').put(a);
    void tx.objectStore('meta').put(wikiUrl, 'wikiUrl');
    void tx.objectStore('meta').put('{"format":1}', 'searchIndex');
    await tx.done;
    v1.close();
  } finally {
    globalThis.indexedDB = original;
  }
}

describe('the database schema', () => {
  it('is at version 2, with the staging store', async () => {
    const db = await openDatabase(new IDBFactory());
    expect(DB_VERSION).toBe(2);
    expect(db.version).toBe(2);
    expect([...db.objectStoreNames].sort()).toEqual(['articles', 'meta', 'staged']);
    expect(db.transaction('staged').store.keyPath).toBe('id');
  });

  it('migrates a version 1 database with its articles, index and meta intact', async () => {
    const factory = new IDBFactory();
    const articles = [article('alpha', 1000), article('ns:beta', 2000), article('gamma', 3000)];
    await createVersion1(factory, articles, 'http://wiki.test/');

    const db = await openDatabase(factory);
    expect(db.version).toBe(2);
    expect(await db.getAll('articles')).toEqual([...articles].sort((a, b) => a.id.localeCompare(b.id)));
    expect(await db.getAllKeysFromIndex('articles', 'byModified')).toEqual(['alpha', 'ns:beta', 'gamma']);
    expect(await db.get('meta', 'wikiUrl')).toBe('http://wiki.test/');
    expect(await db.get('meta', 'searchIndex')).toBe('{"format":1}');
    expect(await db.count('staged')).toBe(0);
    expect(await getMeta(db, 'syncState')).toBeUndefined();
  });

  it('lets the first sync after the migration fetch only what changed, trusting the recorded wiki', async () => {
    const factory = new IDBFactory();
    await createVersion1(factory, [article('alpha', 1000), article('beta', 2000)], 'http://wiki.test/');
    const db = await openDatabase(factory);
    const wiki = new FakeWiki('http://wiki.test/', { alpha: { raw: 'alpha', modified: 1000 }, beta: { raw: 'beta v2', modified: 5000 } });
    await expect(runSync({ gateway: wiki, db, onProgress: () => {}, extract: fakeExtract })).resolves.toMatchObject({
      kind: 'full',
      reason: 'first-sync',
      fetched: 1,
      removed: 0,
      articleCount: 2,
    });
    expect(wiki.fetched).toEqual(['beta']);
    expect((await db.get('articles', 'alpha'))?.html).toBe('<p>alpha</p>');
  });

  it('opens an existing version 2 database without touching it', async () => {
    const factory = new IDBFactory();
    const first = await openDatabase(factory);
    await first.put('articles', article('kept', 1));
    first.close();
    const again = await openDatabase(factory);
    expect(await again.getAllKeys('articles')).toEqual(['kept']);
  });
});
