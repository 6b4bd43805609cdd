/**
 * Incremental sync against a real DokuWiki (XML-RPC API on): after a first
 * full sync, a sync asks only what changed and fetches only those pages;
 * deleted pages are removed; a gap longer than the wiki keeps its recent
 * changes makes it compare the full page list, which also finds changes the
 * recent changes never reported.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { RECENT_CHANGES_WINDOW_MS } from '../../lib/sync/incremental';
import { getMeta, type Database } from '../../services/store/db';
import { freshDatabase, gatewayFor, recordingFetch, syncWith } from './engine-helpers';
import { seededSources } from './sync-helpers';

let wiki: LocalWiki;
let db: Database;

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true });
  db = await freshDatabase();
});

afterAll(async () => {
  await wiki?.stop();
});

/** A sync whose requests (detection excluded) are recorded. */
async function recordedSync(options: { full?: boolean } = {}) {
  const recorder = recordingFetch();
  const gateway = await gatewayFor(wiki.url, recorder.fetch);
  recorder.clear();
  const report = await syncWith(gateway, db, options);
  return { report, recorder };
}

describe('incremental sync with the XML-RPC API', () => {
  it('first compares the full page list and stores every page', async () => {
    const sources = await seededSources(wiki);
    const { report, recorder } = await recordedSync();
    expect(report).toMatchObject({ kind: 'full', reason: 'first-sync', fetched: sources.size, removed: 0, skipped: [] });
    expect(recorder.methods()).toContain('dokuwiki.getPagelist');
    expect(await db.count('articles')).toBe(sources.size);
  });

  it('after 10 edits, asks what changed and fetches only those 10 pages', async () => {
    const sources = await seededSources(wiki);
    const edited = [...sources.keys()].slice(0, 10);
    for (const id of edited) await wiki.writePage(id, `${sources.get(id)}\n\nEdited for the incremental test.\n`);
    const { report, recorder } = await recordedSync();
    expect(report).toMatchObject({ kind: 'incremental', fetched: 10, removed: 0, skipped: [] });
    const pages = recorder.pageRequests();
    expect(new Set(pages.map((r) => r.page))).toEqual(new Set(edited));
    // Each page costs its source and its HTML (and its info, where its change did not date it).
    expect(pages.length).toBeLessThanOrEqual(3 * edited.length);
    // ...plus a constant: the recent changes.
    const others = recorder.requests.filter((r) => !r.method || !pages.includes(r));
    expect(others.map((r) => r.method)).toEqual(['wiki.getRecentChanges']);
    for (const id of edited) expect((await db.get('articles', id))?.text).toContain('Edited for the incremental test.');
  });

  it('with nothing changed, makes one request and fetches nothing', async () => {
    const { report, recorder } = await recordedSync();
    expect(report).toMatchObject({ kind: 'incremental', fetched: 0, removed: 0 });
    expect(recorder.methods()).toEqual(['wiki.getRecentChanges']);
  });

  it('removes deleted pages and adds created ones', async () => {
    const before = await db.count('articles');
    const [first, second] = [...(await seededSources(wiki)).keys()].slice(-2);
    await wiki.deletePage(first!);
    await wiki.deletePage(second!);
    await wiki.writePage('engine:created', '====== Created Later ======\n\n**Created later** is a page made after the first sync.\n');
    const { report } = await recordedSync();
    expect(report).toMatchObject({ kind: 'incremental', fetched: 1, removed: 2, articleCount: before - 1 });
    expect(await db.get('articles', first!)).toBeUndefined();
    expect(await db.get('articles', second!)).toBeUndefined();
    expect((await db.get('articles', 'engine:created'))?.title).toBe('Created Later');
  });

  it('compares the full page list when the last sync is older than the recent-changes window, finding even unlogged changes', async () => {
    // A page changed on disk with no changelog line: recent changes never report it.
    const file = join(wiki.dir, 'data', 'pages', 'engine', 'created.txt');
    await writeFile(file, '====== Created Later ======\n\n**Created later** was copied over by hand.\n');
    const later = new Date(Date.now() + 2000);
    await utimes(file, later, later);
    const state = (await getMeta(db, 'syncState'))!;
    const eightDays = RECENT_CHANGES_WINDOW_MS + 24 * 3600_000;
    const { changesAsOf: _asOf, ...rest } = state;
    await db.put('meta', { ...rest, lastSyncStartedAt: state.lastSyncStartedAt - eightDays }, 'syncState');

    const { report, recorder } = await recordedSync();
    expect(report).toMatchObject({ kind: 'full', reason: 'gap-too-long', fetched: 1, removed: 0 });
    expect(recorder.methods()).toContain('dokuwiki.getPagelist');
    expect(recorder.methods()).not.toContain('wiki.getRecentChanges');
    expect((await db.get('articles', 'engine:created'))?.summary).toMatch(/copied over by hand/);
    // And the next sync is incremental again.
    expect((await recordedSync()).report.kind).toBe('incremental');
  });
});
