/**
 * The sync against a real DokuWiki with its XML-RPC API on: detection,
 * a complete first sync, incremental syncs, and a wiki that dies mid-sync.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { WikiError } from '../../lib/wiki/errors';
import { openDatabase, type Database } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway } from '../../services/wiki/detect';
import { KNOWN_ID, KNOWN_PAGE, countingFetch, firstHeading, seededSources } from './sync-helpers';

let wiki: LocalWiki;
let dir: string;
let db: Database;

beforeAll(async () => {
  // A folder of our own, so the wiki can be stopped and started again on it.
  dir = await mkdtemp(join(tmpdir(), 'agentwiki-sync-xmlrpc-'));
  wiki = await startLocalWiki({ dir, api: true, pages: { [KNOWN_ID]: KNOWN_PAGE } });
  db = await openDatabase(new IDBFactory());
});

afterAll(async () => {
  await wiki?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function syncOnce(fetchImpl: typeof fetch | ReturnType<typeof countingFetch>['fetch'] = fetch) {
  const gateway = await detectGateway(wiki.url, fetchImpl);
  return runSync({ gateway, db, onProgress: () => {} });
}

describe('sync with the XML-RPC API on', () => {
  it('detects the API', async () => {
    const gateway = await detectGateway(wiki.url);
    expect(gateway.kind).toBe('xmlrpc');
    expect(gateway.wikiUrl).toBe(wiki.url);
  });

  it('stores every seeded page with the title of its first heading', async () => {
    const sources = await seededSources(wiki);
    expect(sources.size).toBeGreaterThan(5);
    const report = await syncOnce();
    expect(report).toMatchObject({ fetched: sources.size, removed: 0, articleCount: sources.size, skipped: [] });
    const articles = await db.getAll('articles');
    expect(articles.map((a) => a.id).sort()).toEqual([...sources.keys()].sort());
    for (const article of articles) {
      const raw = sources.get(article.id)!;
      expect(article.title, article.id).toBe(firstHeading(raw));
      expect(article.summary.length, article.id).toBeGreaterThan(0);
      expect(article.modified, article.id).toBeGreaterThan(Date.UTC(2020, 0, 1));
      expect(article.html, article.id).toContain('<h1');
    }
    expect(await db.get('meta', 'wikiUrl')).toBe(wiki.url);
  });

  it('extracts summary, links and tags of a known page', async () => {
    const known = await db.get('articles', KNOWN_ID);
    expect(known).toBeDefined();
    expect(known!.title).toBe('Known Page: Checked Field by Field');
    expect(known!.summary).toMatch(/^Known page is a page the integration tests use to check what the sync stores\./);
    expect(known!.boldTerms).toContain('Known page');
    expect(known!.links).toContain('metagpt');
    expect(known!.links).not.toContain('testing:missing_target');
    expect(known!.tags).toEqual(['alpha', 'beta']);
  });

  it('fetches nothing on a second sync when nothing changed: one listing request', async () => {
    const counting = countingFetch();
    const before = await db.count('articles');
    const gateway = await detectGateway(wiki.url, counting.fetch);
    counting.urls.length = 0;
    const report = await runSync({ gateway, db, onProgress: () => {} });
    expect(report).toMatchObject({ fetched: 0, removed: 0, articleCount: before });
    expect(counting.urls).toHaveLength(1);
  });

  it('refetches an edited page, adds a new one and removes a deleted one', async () => {
    const before = await db.count('articles');
    await wiki.writePage(KNOWN_ID, KNOWN_PAGE.replace('Checked Field by Field', 'Edited Since'));
    await wiki.writePage('testing:new_page', '====== A New Page ======\n\n**New page** is new.\n');
    await wiki.deletePage('metagpt');
    const report = await syncOnce();
    expect(report).toMatchObject({ fetched: 2, removed: 1, articleCount: before });
    expect((await db.get('articles', KNOWN_ID))?.title).toBe('Known Page: Edited Since');
    expect((await db.get('articles', 'testing:new_page'))?.title).toBe('A New Page');
    expect(await db.get('articles', 'metagpt')).toBeUndefined();
    // The known page still links to metagpt in its source, but that page is gone now.
    await wiki.writePage('testing:new_page', '====== A New Page ======\n\n**New page** is newer.\n');
    expect((await syncOnce()).fetched).toBe(1);
  });

  it('fails clearly when the wiki dies mid-sync, keeps every cached article, and completes once the wiki is back', async () => {
    const cached = await db.getAll('articles');
    const later = new Date(Date.now() + 5_000);
    // Every page changes, so the sync has every page to fetch again.
    const sources = await seededSources(wiki);
    for (const article of cached) {
      const raw = sources.get(article.id) ?? (article.id === KNOWN_ID ? KNOWN_PAGE : '====== A New Page ======\n\nAgain.\n');
      await wiki.writePage(article.id, raw + '\nEdited.\n', later);
    }
    let stopped = false;
    const dying = countingFetch(async (url, count) => {
      // The wiki goes down after the listing and a few pages (two requests a page).
      if (count === 24 && !stopped) {
        stopped = true;
        await wiki.stop();
      }
    });
    const error = await syncOnce(dying.fetch).catch((e: unknown) => e);
    expect(stopped).toBe(true);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    // Requests in flight when it died see the connection closed; later ones, refused.
    expect((error as Error).message).toMatch(
      new RegExp(`^${wiki.url.replace(/\/$/, '').replace(/[.]/g, '\\.')} cannot be reached \\((connection refused|the connection was closed)\\)\\. Check the address and your connection\\.$`),
    );
    // Readers never see half a sync: the cache is exactly as before, and the
    // pages fetched so far wait in the staging store for the sync to resume.
    const after = await db.getAll('articles');
    expect(after).toEqual(cached);
    const staged = await db.count('staged');
    expect(staged).toBeGreaterThan(0);
    expect(staged).toBeLessThan(after.length);

    wiki = await startLocalWiki({ dir, port: wiki.port, api: true });
    expect(wiki.seeded).toEqual([]);
    const report = await syncOnce();
    expect(report).toMatchObject({ resumed: true, fetched: after.length, removed: 0, articleCount: after.length, skipped: [] });
    const final = await db.getAll('articles');
    expect(final.every((a) => a.modified === Math.floor(later.getTime() / 1000) * 1000)).toBe(true);
  });
});
