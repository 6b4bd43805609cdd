/**
 * The sync against a real DokuWiki whose API is off, as on many public
 * wikis: everything is read through its public pages.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { openDatabase, type Database } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway } from '../../services/wiki/detect';
import { KNOWN_ID, KNOWN_PAGE, countingFetch, firstHeading, seededSources } from './sync-helpers';

let wiki: LocalWiki;
let db: Database;

beforeAll(async () => {
  wiki = await startLocalWiki({
    api: false,
    // Two namespace levels, so listing walks the index down.
    pages: { [KNOWN_ID]: KNOWN_PAGE, 'guides:setup:first_steps': '====== First Steps ======\n\n**First steps** are the start.\n' },
  });
  db = await openDatabase(new IDBFactory());
});

afterAll(async () => {
  await wiki?.stop();
});

const syncOnce = async () => runSync({ gateway: await detectGateway(wiki.url), db, onProgress: () => {} });

describe('sync with the API off', () => {
  it('detects the public pages', async () => {
    const counting = countingFetch();
    const gateway = await detectGateway(wiki.url, counting.fetch);
    expect(gateway.kind).toBe('public');
    expect(counting.urls).toEqual([`${wiki.url}lib/exe/jsonrpc.php`, `${wiki.url}lib/exe/xmlrpc.php`, `${wiki.url}doku.php`]);
  });

  it('stores every seeded page with the title of its first heading', async () => {
    const sources = await seededSources(wiki);
    const report = await syncOnce();
    expect(report).toMatchObject({ fetched: sources.size, removed: 0, articleCount: sources.size, skipped: [] });
    const articles = await db.getAll('articles');
    expect(articles.map((a) => a.id).sort()).toEqual([...sources.keys()].sort());
    for (const article of articles) {
      expect(article.title, article.id).toBe(firstHeading(sources.get(article.id)!));
      expect(article.summary.length, article.id).toBeGreaterThan(0);
      expect(article.html, article.id).toContain('<h1');
    }
  });

  it('extracts summary, links and tags of a known page', async () => {
    const known = await db.get('articles', KNOWN_ID);
    expect(known!.title).toBe('Known Page: Checked Field by Field');
    expect(known!.summary).toMatch(/^Known page is a page the integration tests use to check what the sync stores\./);
    expect(known!.links).toContain('metagpt');
    expect(known!.links).not.toContain('testing:missing_target');
    expect(known!.tags).toEqual(['alpha', 'beta']);
  });

  it('picks up an edited page and drops a deleted one', async () => {
    const before = await db.count('articles');
    await wiki.writePage(KNOWN_ID, KNOWN_PAGE.replace('Checked Field by Field', 'Edited Since'));
    await wiki.deletePage('guides:setup:first_steps');
    // No dates in the public pages: every page is fetched again.
    await expect(syncOnce()).resolves.toMatchObject({ fetched: before - 1, removed: 1, articleCount: before - 1 });
    expect((await db.get('articles', KNOWN_ID))?.title).toBe('Known Page: Edited Since');
    expect(await db.get('articles', 'guides:setup:first_steps')).toBeUndefined();
  });
});
