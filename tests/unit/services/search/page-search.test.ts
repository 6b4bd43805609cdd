// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SearchHit } from '../../../../lib/protocol';
import { createPageSearch, type PageSearchDeps } from '../../../../services/search/page-search';
import { openDatabase, type Database } from '../../../../services/store/db';
import { article } from '../../lib/search/articles';

const hit = (id: string): SearchHit => ({ id, title: id.toUpperCase(), snippet: `About ${id}.` });
const stored = ['a', 'b', 'c', 'd', 'e'].map(hit);

let db: Database;

beforeEach(async () => {
  // setTimeout only: fake-indexeddb schedules its own work with setImmediate.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  db = await openDatabase(new IDBFactory());
  const tx = db.transaction('articles', 'readwrite');
  await Promise.all([
    tx.store.put(article('in_db_old', 'In DB Old', 'Older.', { modified: 1 })),
    tx.store.put(article('in_db_new', 'In DB New', 'Newer.', { modified: 2 })),
    tx.done,
  ]);
});

afterEach(() => {
  vi.useRealTimers();
  db.close();
});

/** Dependencies that record what the page asked of whom. */
function fakeDeps(overrides: Partial<PageSearchDeps> = {}) {
  const calls = { openDb: 0, ask: [] as string[], prepare: 0 };
  const deps: PageSearchDeps = {
    loadRecent: async () => stored,
    recentKept: 5,
    openDb: async () => {
      calls.openDb++;
      return db;
    },
    ask: async (query) => {
      calls.ask.push(query);
      return [hit(`background-${query || 'recent'}`)];
    },
    prepare: async () => void calls.prepare++,
    ...overrides,
  };
  return { deps, calls };
}

describe('createPageSearch', () => {
  it('lists the stored recent articles before anything is typed, opening no database and waking no background', async () => {
    const { deps, calls } = fakeDeps();
    const search = createPageSearch(deps, 3);
    expect(await search('')).toEqual(stored.slice(0, 3));
    expect(calls).toMatchObject({ openDb: 0, ask: [] });
  });

  it('starts reading the list as it is created, before the page asks', async () => {
    const loadRecent = vi.fn(async () => stored);
    const search = createPageSearch(fakeDeps({ loadRecent }).deps, 3);
    expect(loadRecent).toHaveBeenCalledTimes(1);
    await search('');
    expect(loadRecent).toHaveBeenCalledTimes(1);
    // A later look reads again: a sync may have changed the cache meanwhile.
    await search('  ');
    expect(loadRecent).toHaveBeenCalledTimes(2);
  });

  it('a stored list shorter than what is kept is every article: it is shown as it is', async () => {
    const { deps, calls } = fakeDeps({ loadRecent: async () => stored.slice(0, 2) });
    expect(await createPageSearch(deps, 3)('')).toEqual(stored.slice(0, 2));
    expect(calls.openDb).toBe(0);
  });

  it.each([
    ['missing (a cache not rebuilt since this version)', undefined],
    ['damaged', [{ id: 7 }]],
    ['too short for this page', stored.slice(0, 2)],
  ])('reads the database itself when the stored list is %s', async (_, value) => {
    const { deps, calls } = fakeDeps({ loadRecent: async () => value, recentKept: value === undefined ? 5 : 2 });
    const hits = await createPageSearch(deps, 3)('');
    expect(hits.map((h) => h.id)).toEqual(['in_db_new', 'in_db_old']);
    expect(calls).toMatchObject({ openDb: 1, ask: [] });
  });

  it('asks the background when neither the stored list nor the database can be read', async () => {
    const { deps, calls } = fakeDeps({
      loadRecent: async () => {
        throw new Error('storage is not available');
      },
      openDb: async () => {
        throw new Error('The database could not be opened.');
      },
    });
    expect(await createPageSearch(deps, 3)('')).toEqual([hit('background-recent')]);
    expect(calls.ask).toEqual(['']);
  });

  it('sends typed queries to the background', async () => {
    const { deps, calls } = fakeDeps();
    const search = createPageSearch(deps, 3);
    expect(await search('metagpt')).toEqual([hit('background-metagpt')]);
    expect(calls.ask).toEqual(['metagpt']);
  });

  it('asks the background to load its index once the list is shown, once', async () => {
    const { deps, calls } = fakeDeps();
    const search = createPageSearch(deps, 3);
    await search('');
    expect(calls.prepare).toBe(0);
    await vi.runAllTimersAsync();
    expect(calls.prepare).toBe(1);
    await search('');
    await vi.runAllTimersAsync();
    expect(calls.prepare).toBe(1);
  });

  it('does not ask for the index when a query has gone to the background first: the query loads it', async () => {
    const { deps, calls } = fakeDeps({ loadRecent: () => new Promise(() => undefined) });
    const search = createPageSearch(deps, 3);
    await search('rag');
    await vi.runAllTimersAsync();
    expect(calls.prepare).toBe(0);
  });

  it('a failed request to load the index is of no consequence', async () => {
    const { deps } = fakeDeps({ prepare: async () => Promise.reject(new Error('Could not establish connection.')) });
    const search = createPageSearch(deps, 3);
    await search('');
    await vi.runAllTimersAsync();
    expect(await search('rag')).toEqual([hit('background-rag')]);
  });
});
