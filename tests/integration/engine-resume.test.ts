/**
 * Resumable and single, against a real DokuWiki: a sync stopped mid-way (its
 * signal aborts, as when the browser stops the service worker; or the wiki
 * dies) continues in a new runner on the same database without fetching a
 * stored page again; however many times and from however many contexts a
 * sync is asked for, one runs.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { defaultSettings } from '../../lib/settings/settings';
import type { SyncStatus } from '../../lib/sync/status';
import { WikiError } from '../../lib/wiki/errors';
import { createSyncCoordinator } from '../../services/background/sync-coordinator';
import { getMeta, type Database } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { FakeLocks } from '../unit/services/sync/fake-locks';
import { freshDatabase, gatewayFor, recordingFetch, syncWith } from './engine-helpers';

/** 120 pages besides the starter ones: enough for a sync to be stopped well inside. */
function generatedPages(count: number): Record<string, string> {
  const pages: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    pages[`generated:page_${String(i).padStart(3, '0')}`] =
      `====== Generated Page ${i} ======\n\n**Generated page ${i}** is page number ${i} of the resume tests.\n`;
  }
  return pages;
}

let wiki: LocalWiki;
let dir: string;
/** Pages the wiki holds (none is deleted here; a restarted wiki seeds nothing, so it is kept from the start). */
let pageCount: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentwiki-engine-resume-'));
  wiki = await startLocalWiki({ dir, api: true, pages: generatedPages(120) });
  pageCount = wiki.seeded.length;
});

afterAll(async () => {
  await wiki?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a sync stopped mid-way', () => {
  it('continues in a new runner on the same database without fetching a stored page again', async () => {
    const db = await freshDatabase();
    const total = pageCount;
    const controller = new AbortController();
    const first = recordingFetch((request) => {
      // The worker is stopped while the 60th page is being read.
      if (request.method === 'wiki.getPage' && first.pageRequests().filter((r) => r.method === 'wiki.getPage').length === 60) {
        controller.abort(new DOMException('The service worker is stopping.', 'AbortError'));
      }
    });
    const stopped = await syncWith(await gatewayFor(wiki.url, first.fetch), db, { signal: controller.signal }).catch((e: unknown) => e);
    expect(stopped).toMatchObject({ name: 'AbortError' });
    expect(await db.count('articles')).toBe(0); // nothing half-synced is visible
    const staged = new Set(await db.getAllKeys('staged'));
    expect(staged.size).toBeGreaterThan(40);
    expect(staged.size).toBeLessThan(60);
    expect(await getMeta(db, 'syncRun')).toMatchObject({ wikiUrl: wiki.url, kind: 'full', attempts: 1 });

    // A new worker: a new gateway and a new runner, the same database.
    const second = recordingFetch();
    const gateway = await gatewayFor(wiki.url, second.fetch);
    second.clear();
    const report = await syncWith(gateway, db);
    expect(report).toMatchObject({ kind: 'full', resumed: true, fetched: total, articleCount: total, skipped: [] });
    const fetchedAgain = new Set(second.pageRequests().map((r) => r.page));
    expect([...fetchedAgain].filter((id) => staged.has(id!))).toEqual([]);
    expect(fetchedAgain.size).toBe(total - staged.size);
    // The stored plan was continued: no second listing.
    expect(second.methods()).not.toContain('dokuwiki.getPagelist');
    expect(await db.count('staged')).toBe(0);
  });

  it('when the wiki dies: fails clearly, keeps the cache as it was, and completes once the wiki is back', async () => {
    const db = await freshDatabase();
    await syncWith(await gatewayFor(wiki.url), db);
    const before = await db.getAll('articles');
    for (const id of Object.keys(generatedPages(120)).slice(0, 80)) {
      await wiki.writePage(id, `====== Regenerated ${id} ======\n\n**Regenerated** after the wiki came back.\n`);
    }
    let stoppedWiki = false;
    const dying = recordingFetch(async (request) => {
      if (request.method === 'wiki.getPage' && !stoppedWiki && dying.pageRequests().length > 60) {
        stoppedWiki = true;
        await wiki.stop();
      }
    });
    const error = await syncWith(await gatewayFor(wiki.url, dying.fetch), db).catch((e: unknown) => e);
    expect(stoppedWiki).toBe(true);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ cannot be reached \(.+\)\. Check the address and your connection\.$/);
    expect(await db.getAll('articles')).toEqual(before);
    const staged = new Set(await db.getAllKeys('staged'));
    expect(staged.size).toBeGreaterThan(0);

    wiki = await startLocalWiki({ dir, port: wiki.port, api: true });
    const back = recordingFetch();
    const gateway = await gatewayFor(wiki.url, back.fetch);
    back.clear();
    await expect(syncWith(gateway, db)).resolves.toMatchObject({ kind: 'incremental', resumed: true, fetched: 80, skipped: [] });
    expect(back.pageRequests().filter((r) => staged.has(r.page!))).toEqual([]);
    const regenerated = (await db.getAll('articles')).filter((a) => a.title.startsWith('Regenerated'));
    expect(regenerated).toHaveLength(80);
  });
});

describe('one sync at a time', () => {
  function coordinatorFor(db: Database, onRequest: (method: string | undefined) => void, locks?: FakeLocks) {
    let status: SyncStatus = { wikiUrl: wiki.url, source: 'snapshot', articleCount: 0, phase: 'idle', done: 0, total: 0 };
    const recorder = recordingFetch((request) => onRequest(request.method));
    return createSyncCoordinator({
      openDb: async () => db,
      loadSettings: async () => defaultSettings(wiki.url),
      loadStatus: async () => status,
      saveStatus: async (next) => {
        status = next;
      },
      detectGateway: (settings) => gatewayFor(settings.wikiUrl, recorder.fetch),
      runSync: (deps) => runSync(deps),
      rebuildDerived: async () => {},
      ...(locks ? { locks } : {}),
    });
  }

  it('runs one sync however many times it is asked at once', async () => {
    const db = await freshDatabase();
    const listings: string[] = [];
    const coordinator = coordinatorFor(db, (method) => {
      if (method === 'dokuwiki.getPagelist' || method === 'wiki.getRecentChanges') listings.push(method);
    });
    const replies = await Promise.all(Array.from({ length: 5 }, () => coordinator.start()));
    expect(replies.every((status) => status.phase !== 'idle')).toBe(true);
    await coordinator.idle();
    expect(listings).toEqual(['dokuwiki.getPagelist']);
    expect(await db.count('articles')).toBe(pageCount);
  });

  it('runs one sync when two contexts ask, sharing the lock', async () => {
    const db = await freshDatabase();
    const locks = new FakeLocks();
    const listings: string[] = [];
    const onRequest = (method: string | undefined) => {
      if (method === 'dokuwiki.getPagelist' || method === 'wiki.getRecentChanges') listings.push(method);
    };
    const one = coordinatorFor(db, onRequest, locks);
    const other = coordinatorFor(db, onRequest, locks);
    await Promise.all([one.start(), other.start()]);
    await Promise.all([one.idle(), other.idle()]);
    expect(listings).toEqual(['dokuwiki.getPagelist']);
  });
});
