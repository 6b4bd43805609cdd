import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { defaultSettings } from '../../../../lib/settings/settings';
import type { SyncStatus } from '../../../../lib/sync/status';
import type { WikiGateway } from '../../../../lib/wiki/gateway';
import { createSyncCoordinator, type SyncCoordinatorDeps } from '../../../../services/background/sync-coordinator';
import { openDatabase, type Database } from '../../../../services/store/db';

const WIKI = 'http://127.0.0.1:8080/';

function article(id: string): Article {
  return { id, title: id, html: '', text: '', summary: '', boldTerms: [], links: [], tags: [], modified: 1 };
}

function setup(runSync: SyncCoordinatorDeps['runSync']) {
  const statuses: SyncStatus[] = [];
  let stored: SyncStatus = { wikiUrl: WIKI, source: 'snapshot', articleCount: 2, phase: 'idle', done: 0, total: 0 };
  let rebuilt = 0;
  let db: Database | undefined;
  const gateway = { kind: 'xmlrpc' } as WikiGateway;
  const coordinator = createSyncCoordinator({
    openDb: async () => (db ??= await openDatabase(new IDBFactory())),
    loadSettings: async () => defaultSettings(WIKI),
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
  });
  return { coordinator, statuses, current: () => stored, rebuilt: () => rebuilt, db: async () => (db ??= await openDatabase(new IDBFactory())) };
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

  it('publishes progress with the count done of total', async () => {
    const { coordinator, statuses } = setup(async ({ onProgress }) => {
      onProgress({ phase: 'listing', done: 0, total: 0 });
      onProgress({ phase: 'fetching', done: 2, total: 5 });
      return { fetched: 5, removed: 0, articleCount: 5 };
    });
    await coordinator.start();
    await coordinator.idle();
    expect(statuses.map((s) => s.phase)).toEqual(['detecting', 'listing', 'fetching', 'indexing', 'idle']);
    expect(statuses.find((s) => s.phase === 'fetching')).toMatchObject({ done: 2, total: 5 });
  });

  it('keeps the cache and says why when the sync fails', async () => {
    const env = setup(async () => {
      throw new Error('http://127.0.0.1:8080/ stopped answering.');
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
      last: { ok: false, error: 'http://127.0.0.1:8080/ stopped answering.' },
    });
    expect(await db.count('articles')).toBe(2);
    expect(env.rebuilt()).toBe(1);
  });

  it('can sync again after a failure', async () => {
    let attempt = 0;
    const { coordinator, current } = setup(async () => {
      if (attempt++ === 0) throw new Error('down');
      return { fetched: 1, removed: 0, articleCount: 1 };
    });
    await coordinator.start();
    await coordinator.idle();
    expect(current().last?.ok).toBe(false);
    await coordinator.start();
    await coordinator.idle();
    expect(current().last?.ok).toBe(true);
  });
});
