/**
 * Storage that cannot be half-written, against real DokuWikis: a cache of
 * the foundation's schema (version 1) upgraded with its articles intact; a
 * full disk that leaves the previous cache and says why; a change of wiki
 * that never mixes two wikis' articles.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import type { Article } from '../../lib/article';
import { defaultSettings } from '../../lib/settings/settings';
import type { SyncStatus } from '../../lib/sync/status';
import { createSyncCoordinator } from '../../services/background/sync-coordinator';
import { DB_NAME, getMeta, openDatabase, type Database } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { withFullDisk } from '../unit/services/sync/full-disk';
import { freshDatabase, gatewayFor, recordingFetch, syncWith } from './engine-helpers';

let wiki: LocalWiki;
let other: LocalWiki;

/** A second wiki: its own pages, and one id it shares with the first but with other text. */
const OTHER_PAGES: Record<string, string> = {
  metagpt: '====== MetaGPT on the Other Wiki ======\n\n**MetaGPT** means something else here.\n',
  'other:alpha': '====== Alpha ======\n\n**Alpha** is only on the other wiki.\n',
  'other:beta': '====== Beta ======\n\n**Beta** is only on the other wiki.\n',
};
for (let i = 0; i < 40; i++) {
  OTHER_PAGES[`other:filler_${i}`] = `====== Filler ${i} ======\n\n**Filler ${i}** is only on the other wiki.\n`;
}

beforeAll(async () => {
  [wiki, other] = await Promise.all([
    startLocalWiki({ api: true }),
    startLocalWiki({ api: true, seedDir: null, pages: OTHER_PAGES }),
  ]);
});

afterAll(async () => {
  await Promise.all([wiki?.stop(), other?.stop()]);
});

describe('the schema migration', () => {
  it('upgrades a version 1 cache of real articles intact, and its first sync fetches nothing unchanged', async () => {
    const synced = await freshDatabase();
    await syncWith(await gatewayFor(wiki.url), synced);
    const articles = await synced.getAll('articles');

    // The cache as the foundation's code wrote it: schema 1, articles and the wiki's address.
    const factory = new IDBFactory();
    const original = globalThis.indexedDB;
    globalThis.indexedDB = factory;
    try {
      const v1 = await openDB(DB_NAME, 1, {
        upgrade(db) {
          db.createObjectStore('articles', { keyPath: 'id' }).createIndex('byModified', 'modified');
          db.createObjectStore('meta');
        },
      });
      const tx = v1.transaction(['articles', 'meta'], 'readwrite');
      for (const article of articles) void tx.objectStore('articles').put(article);
      void tx.objectStore('meta').put(wiki.url, 'wikiUrl');
      await tx.done;
      v1.close();
    } finally {
      globalThis.indexedDB = original;
    }

    const db = await openDatabase(factory);
    expect(db.version).toBe(2);
    expect(await db.getAll('articles')).toEqual(articles);
    const recorder = recordingFetch();
    const gateway = await gatewayFor(wiki.url, recorder.fetch);
    recorder.clear();
    await expect(syncWith(gateway, db)).resolves.toMatchObject({ kind: 'full', fetched: 0, removed: 0, articleCount: articles.length });
    expect(recorder.methods()).toEqual(['dokuwiki.getPagelist']);
  });
});

describe('a full disk', () => {
  it('leaves the previous cache, says why in plain words, and the next sync completes', async () => {
    const db = await freshDatabase();
    await syncWith(await gatewayFor(wiki.url), db);
    const before = await db.getAll('articles');
    const ids = before.map((a) => a.id).slice(0, 30);
    for (const id of ids) await wiki.writePage(id, `====== Rewritten ${id} ======\n\n**Rewritten** while the disk was full.\n`);

    const full = withFullDisk(db, { stores: ['staged'], after: 10 });
    let status: SyncStatus = { wikiUrl: wiki.url, source: 'xmlrpc', articleCount: before.length, phase: 'idle', done: 0, total: 0 };
    const coordinator = createSyncCoordinator({
      openDb: async () => full.db,
      loadSettings: async () => defaultSettings(wiki.url),
      loadStatus: async () => status,
      saveStatus: async (next) => {
        status = next;
      },
      detectGateway: (settings) => gatewayFor(settings.wikiUrl),
      runSync: (deps) => runSync(deps),
      rebuildDerived: async () => {},
    });
    await coordinator.start();
    await coordinator.idle();
    expect(status.last).toMatchObject({
      ok: false,
      error: `The browser has no room left to store the wiki's articles, so the sync stopped and the ${before.length} articles already cached are kept as they were. Free some disk space, then sync again.`,
    });
    expect(status.articleCount).toBe(before.length);
    expect(await db.getAll('articles')).toEqual(before);
    expect(await db.count('staged')).toBe(0);

    // Room again: the next sync completes.
    await expect(syncWith(await gatewayFor(wiki.url), db)).resolves.toMatchObject({ fetched: 30, skipped: [] });
    expect((await db.getAll('articles')).filter((a) => a.title.startsWith('Rewritten'))).toHaveLength(30);
  });
});

describe('changing the wiki', () => {
  it('keeps the old wiki readable until the new one is complete, then holds the new one only', async () => {
    const db: Database = await freshDatabase();
    await syncWith(await gatewayFor(wiki.url), db);
    const first = await db.getAll('articles');
    const shape = (articles: Article[]) => articles.map((a) => `${a.id}|${a.title}`).sort();

    // The sync of the other wiki is stopped half-way.
    const controller = new AbortController();
    const stopping = recordingFetch((request) => {
      if (request.method === 'wiki.getPage' && stopping.pageRequests().filter((r) => r.method === 'wiki.getPage').length === 20) {
        controller.abort(new DOMException('stopped', 'AbortError'));
      }
    });
    await expect(syncWith(await gatewayFor(other.url, stopping.fetch), db, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(shape(await db.getAll('articles'))).toEqual(shape(first));
    expect(await db.get('meta', 'wikiUrl')).toBe(wiki.url);
    expect(await db.count('staged')).toBeGreaterThan(0);

    // Completed: exactly the other wiki's pages, the shared id with the other wiki's text.
    await expect(syncWith(await gatewayFor(other.url), db)).resolves.toMatchObject({
      kind: 'full',
      reason: 'new-wiki',
      resumed: true,
      articleCount: Object.keys(OTHER_PAGES).length,
      removed: first.length - 1,
    });
    const now = await db.getAll('articles');
    expect(now.map((a) => a.id).sort()).toEqual(Object.keys(OTHER_PAGES).sort());
    expect(now.find((a) => a.id === 'metagpt')?.title).toBe('MetaGPT on the Other Wiki');
    expect(await db.get('meta', 'wikiUrl')).toBe(other.url);
    expect((await getMeta(db, 'syncState'))?.wikiUrl).toBe(other.url);
  });
});
