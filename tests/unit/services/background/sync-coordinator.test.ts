import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { defaultSettings } from '../../../../lib/settings/settings';
import type { SyncStatus } from '../../../../lib/sync/status';
import { WikiError } from '../../../../lib/wiki/errors';
import type { WikiGateway } from '../../../../lib/wiki/gateway';
import { createSyncCoordinator, type SyncCoordinatorDeps } from '../../../../services/background/sync-coordinator';
import { openDatabase, type Database } from '../../../../services/store/db';
import { StorageFullError } from '../../../../services/sync/storage-full';
import { runExclusive } from '../../../../services/sync/sync-lock';
import { FakeLocks } from '../sync/fake-locks';

const WIKI = 'http://127.0.0.1:8080/';

function article(id: string): Article {
  return { id, title: id, html: '', text: '', summary: '', boldTerms: [], links: [], tags: [], modified: 1 };
}

function setup(runSync: SyncCoordinatorDeps['runSync'], extra: Partial<SyncCoordinatorDeps> & { wikiUrl?: string } = {}) {
  const statuses: SyncStatus[] = [];
  let stored: SyncStatus = { wikiUrl: WIKI, source: 'snapshot', articleCount: 2, phase: 'idle', done: 0, total: 0 };
  let rebuilt = 0;
  let db: Database | undefined;
  const gateway = { kind: 'xmlrpc', wikiUrl: extra.wikiUrl ?? WIKI } as WikiGateway;
  const coordinator = createSyncCoordinator({
    openDb: async () => (db ??= await openDatabase(new IDBFactory())),
    loadSettings: async () => defaultSettings(extra.wikiUrl ?? WIKI),
    loadStatus: async () => stored,
    saveStatus: async (status) => {
      stored = status;
      statuses.push(status);
    },
    detectGateway: async () => gateway,
    runSync,
    rebuildDerived: async () => {
      rebuilt++;
    },
    now: () => 1_000,
    progressIntervalMs: 0,
    ...extra,
  });
  return {
    coordinator,
    statuses,
    current: () => stored,
    rebuilt: () => rebuilt,
    db: async () => (db ??= await openDatabase(new IDBFactory())),
  };
}

describe('sync coordinator', () => {
  it('runs one sync however many times it is asked', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { coordinator, current } = setup(async ({ onProgress }) => {
      runs++;
      onProgress({ phase: 'fetching', done: 1, total: 3 });
      await gate;
      return { fetched: 3, removed: 0, articleCount: 3 };
    });
    const replies = await Promise.all([coordinator.start(), coordinator.start(), coordinator.start()]);
    expect(replies.every((s) => s.phase !== 'idle')).toBe(true);
    release();
    await coordinator.idle();
    expect(runs).toBe(1);
    expect(current()).toMatchObject({ phase: 'idle', source: 'xmlrpc', articleCount: 3, last: { ok: true, fetched: 3 } });
  });

  it('runs no sync while another context holds the sync lock, and replies with the status as it stands', async () => {
    const locks = new FakeLocks();
    let runs = 0;
    const { coordinator } = setup(
      async () => {
        runs++;
        return { fetched: 0, removed: 0, articleCount: 2 };
      },
      { locks },
    );
    let release!: () => void;
    const elsewhere = runExclusive(locks, () => new Promise<void>((r) => (release = r)));
    const reply = await coordinator.start();
    expect(reply.phase).toBe('idle');
    expect(runs).toBe(0);
    release();
    await elsewhere;
    await coordinator.start();
    await coordinator.idle();
    expect(runs).toBe(1);
  });

  it('publishes progress with the kind of sync, the count done of total and, once there is a rate, the time left', async () => {
    let clock = 0;
    const { coordinator, statuses } = setup(
      async ({ onProgress }) => {
        onProgress({ phase: 'listing', done: 0, total: 0, kind: 'incremental' });
        for (let done = 0; done <= 10; done++) {
          clock = 1_000 * done;
          onProgress({ phase: 'fetching', done, total: 50, kind: 'incremental' });
        }
        return { fetched: 50, removed: 0, articleCount: 5, kind: 'incremental', skipped: [{ id: 'x', error: 'e' }] };
      },
      { now: () => clock },
    );
    await coordinator.start();
    await coordinator.idle();
    expect([...new Set(statuses.map((s) => s.phase))]).toEqual(['detecting', 'listing', 'fetching', 'indexing', 'idle']);
    const fetching = statuses.filter((s) => s.phase === 'fetching');
    expect(fetching[0]).toMatchObject({ done: 0, total: 50, kind: 'incremental' });
    expect(fetching[0]!.etaSeconds).toBeUndefined();
    // One page a second, 40 left.
    expect(fetching.at(-1)).toMatchObject({ done: 10, total: 50, etaSeconds: 40 });
    const last = statuses.at(-1)!;
    expect(last).toMatchObject({ phase: 'idle', last: { ok: true, kind: 'incremental', skipped: 1, durationMs: 10_000 } });
    expect(last.etaSeconds).toBeUndefined();
    expect(last.kind).toBeUndefined();
  });

  it('records the storage the extension uses after a sync', async () => {
    const { coordinator, current } = setup(async () => ({ fetched: 0, removed: 0, articleCount: 2 }), {
      estimateStorage: async () => ({ usageBytes: 12_345_678, quotaBytes: 987_654_321 }),
    });
    await coordinator.start();
    await coordinator.idle();
    expect(current()).toMatchObject({ usageBytes: 12_345_678, quotaBytes: 987_654_321 });
  });

  it('keeps the cache and says why when the sync fails, in the words of the wiki error', async () => {
    const env = setup(async () => {
      throw new WikiError('unreachable', 'http://127.0.0.1:8080 cannot be reached (connection refused). Check the address and your connection.');
    });
    const db = await env.db();
    await db.put('articles', article('kept_one'));
    await db.put('articles', article('kept_two'));
    await env.coordinator.start();
    await env.coordinator.idle();
    expect(env.current()).toMatchObject({
      phase: 'idle',
      source: 'snapshot',
      articleCount: 2,
      last: { ok: false, error: 'http://127.0.0.1:8080 cannot be reached (connection refused). Check the address and your connection.' },
    });
    expect(await db.count('articles')).toBe(2);
    // Nothing was swapped in, so there is nothing to rebuild.
    expect(env.rebuilt()).toBe(0);
  });

  it('says why in plain words when the disk is full, and names an unexpected error as such', async () => {
    const full = setup(async () => {
      throw new StorageFullError(2);
    });
    await full.coordinator.start();
    await full.coordinator.idle();
    expect(full.current().last?.error).toBe(
      "The browser has no room left to store the wiki's articles, so the sync stopped and the 2 articles already cached are kept as they were. Free some disk space, then sync again.",
    );
    const bug = setup(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    await bug.coordinator.start();
    await bug.coordinator.idle();
    expect(bug.current().last?.error).toBe(
      "The sync stopped on an unexpected error (Cannot read properties of undefined (reading 'id')). The cached articles are unchanged; try again.",
    );
  });

  it('names the wiki the cache holds: the old one until a new wiki is swapped in', async () => {
    const NEW = 'http://new.test/';
    let fail = true;
    const env = setup(
      async () => {
        if (fail) throw new Error('down');
        return { fetched: 1, removed: 2, articleCount: 1 };
      },
      { wikiUrl: NEW },
    );
    await env.coordinator.start();
    expect(env.current().wikiUrl).toBe(WIKI);
    await env.coordinator.idle();
    expect(env.current()).toMatchObject({ wikiUrl: WIKI, last: { ok: false } });
    fail = false;
    await env.coordinator.start();
    await env.coordinator.idle();
    expect(env.current()).toMatchObject({ wikiUrl: NEW, articleCount: 1, last: { ok: true } });
  });

  it('can sync again after a failure, and passes a request for a full comparison on', async () => {
    let attempt = 0;
    const asked: Array<boolean | undefined> = [];
    const { coordinator, current } = setup(async ({ full }) => {
      asked.push(full);
      if (attempt++ === 0) throw new Error('down');
      return { fetched: 1, removed: 0, articleCount: 1 };
    });
    await coordinator.start();
    await coordinator.idle();
    expect(current().last?.ok).toBe(false);
    await coordinator.start({ full: true });
    await coordinator.idle();
    expect(current().last?.ok).toBe(true);
    expect(asked).toEqual([undefined, true]);
  });
});

describe('sync coordinator, when the wiki changes under a running sync', () => {
  it('stops the sync of the old wiki and syncs the new one straight after, without reporting a failure', async () => {
    let wikiUrl = WIKI;
    const synced: string[] = [];
    let entered!: () => void;
    const inFirst = new Promise<void>((r) => (entered = r));
    const statuses: SyncStatus[] = [];
    let stored: SyncStatus = { wikiUrl: WIKI, source: 'snapshot', articleCount: 0, phase: 'idle', done: 0, total: 0 };
    const coordinator = createSyncCoordinator({
      openDb: async () => openDatabase(new IDBFactory()),
      loadSettings: async () => defaultSettings(wikiUrl),
      loadStatus: async () => stored,
      saveStatus: async (status) => {
        stored = status;
        statuses.push(status);
      },
      detectGateway: async (settings) => ({ kind: 'xmlrpc', wikiUrl: settings.wikiUrl }) as WikiGateway,
      runSync: async ({ gateway, signal }) => {
        synced.push(gateway.wikiUrl);
        if (synced.length === 1) {
          entered();
          await new Promise<void>((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason), { once: true }));
        }
        return { fetched: 1, removed: 0, articleCount: 1 };
      },
      rebuildDerived: async () => {},
      progressIntervalMs: 0,
    });
    await coordinator.start();
    await inFirst;
    wikiUrl = 'http://new.test/';
    await coordinator.start();
    await coordinator.idle();
    expect(synced).toEqual([WIKI, 'http://new.test/']);
    expect(statuses.some((s) => s.last?.ok === false)).toBe(false);
    expect(stored).toMatchObject({ wikiUrl: 'http://new.test/', phase: 'idle', last: { ok: true } });
  });

  it('does not stop a running sync when asked again for the same wiki', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { coordinator } = setup(async ({ signal }) => {
      runs++;
      await gate;
      signal?.throwIfAborted();
      return { fetched: 0, removed: 0, articleCount: 2 };
    });
    await coordinator.start();
    await coordinator.start();
    release();
    await coordinator.idle();
    expect(runs).toBe(1);
  });
});

describe('sync coordinator, when rebuilding the derived data fails after the swap', () => {
  it('names the wiki the cache now holds, and says what failed', async () => {
    const NEW = 'http://new.test/';
    const env = setup(async () => ({ fetched: 3, removed: 2, articleCount: 3 }), {
      wikiUrl: NEW,
      rebuildDerived: async () => {
        throw new Error('The search index could not be saved.');
      },
    });
    await env.coordinator.start();
    await env.coordinator.idle();
    expect(env.current()).toMatchObject({
      wikiUrl: NEW,
      source: 'xmlrpc',
      phase: 'idle',
      last: {
        ok: false,
        error:
          'The articles were updated, but searching and marking them could not be prepared (The search index could not be saved.). ' +
          'This is retried when the extension next starts, or with the next sync.',
      },
    });
  });
});

describe('sync coordinator, reading the wiki the settings say', () => {
  it('hands detection the whole settings: the wiki, the way to read it and the credentials', async () => {
    const asked: unknown[] = [];
    const settings = { ...defaultSettings(WIKI), source: 'xmlrpc' as const, credentials: { user: 'reader', password: 'secret' } };
    const coordinator = createSyncCoordinator({
      openDb: async () => openDatabase(new IDBFactory()),
      loadSettings: async () => settings,
      loadStatus: async () => ({ wikiUrl: WIKI, source: 'snapshot', articleCount: 0, phase: 'idle', done: 0, total: 0 }),
      saveStatus: async () => {},
      detectGateway: async (given) => {
        asked.push(given);
        return { kind: 'xmlrpc', wikiUrl: given.wikiUrl } as WikiGateway;
      },
      runSync: async () => ({ fetched: 0, removed: 0, articleCount: 0 }),
      rebuildDerived: async () => {},
    });
    await coordinator.start();
    await coordinator.idle();
    expect(asked).toEqual([settings]);
  });
});
