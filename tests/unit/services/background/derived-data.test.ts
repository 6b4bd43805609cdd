// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../../../lib/article';
import { parseTermTable } from '../../../../lib/match/term-table';
import { ensureDerivedDataCurrent, rebuildDerivedData, type DerivedDataDeps } from '../../../../services/background/derived-data';
import type { SearchHit } from '../../../../lib/protocol';
import { RECENT_ARTICLES_KEPT } from '../../../../services/local-state';
import { recentArticles } from '../../../../services/search/search-service';
import { getMeta, openDatabase, type Database } from '../../../../services/store/db';
import { runSync } from '../../../../services/sync/sync-runner';
import { FakeWiki, fakeExtract } from '../sync/fake-wiki';

let db: Database;
let indexed: Article[][];
let tables: unknown[];
let recentLists: SearchHit[][];
let deps: DerivedDataDeps;

beforeEach(async () => {
  db = await openDatabase(new IDBFactory());
  indexed = [];
  tables = [];
  recentLists = [];
  deps = {
    search: { rebuild: async (articles) => void indexed.push(articles ?? []) },
    saveTermTable: async (table) => void tables.push(table),
    saveRecentArticles: async (hits) => void recentLists.push(hits),
  };
});

const wiki = () =>
  new FakeWiki('http://wiki.test/', {
    metagpt: { raw: 'MetaGPT', modified: 1 },
    autogen: { raw: 'AutoGen', modified: 1 },
  });

describe('derived data', () => {
  it('is rebuilt from the swapped set, without the HTML neither part reads, and remembers its generation', async () => {
    await runSync({ gateway: wiki(), db, onProgress: () => {}, extract: fakeExtract });
    await rebuildDerivedData(db, deps);
    expect(indexed).toHaveLength(1);
    expect(indexed[0]!.map((a) => a.id).sort()).toEqual(['autogen', 'metagpt']);
    expect(indexed[0]!.every((a) => a.html === '' && a.text !== '')).toBe(true);
    const table = parseTermTable(tables[0]);
    expect(table.ok).toBe(true);
    expect(await getMeta(db, 'derivedGeneration')).toBe((await getMeta(db, 'syncState'))!.generation);
    expect(await getMeta(db, 'cacheGeneration')).toBe((await getMeta(db, 'syncState'))!.generation);
  });

  it('stores the recent articles the popup lists, newest first, as a read of the database would give them', async () => {
    const fake = wiki();
    await runSync({ gateway: fake, db, onProgress: () => {}, extract: fakeExtract });
    fake.edit('metagpt', 'MetaGPT v2', 2);
    await runSync({ gateway: fake, db, onProgress: () => {}, extract: fakeExtract, full: true });
    await rebuildDerivedData(db, deps);
    expect(recentLists).toHaveLength(1);
    expect(recentLists[0]!.map((hit) => hit.id)).toEqual(['metagpt', 'autogen']);
    expect(recentLists[0]).toEqual(await recentArticles(db, RECENT_ARTICLES_KEPT));
  });

  it('is rebuilt on wake when a swap happened after the last rebuild (the worker stopped in between), and only then', async () => {
    const fake = wiki();
    await runSync({ gateway: fake, db, onProgress: () => {}, extract: fakeExtract });
    await rebuildDerivedData(db, deps);
    await expect(ensureDerivedDataCurrent(db, deps)).resolves.toBe(false);
    fake.edit('metagpt', 'MetaGPT v2', 2);
    await runSync({ gateway: fake, db, onProgress: () => {}, extract: fakeExtract, full: true });
    await expect(ensureDerivedDataCurrent(db, deps)).resolves.toBe(true);
    expect(indexed).toHaveLength(2);
    expect(indexed[1]!.find((a) => a.id === 'metagpt')?.text).toBe('MetaGPT v2');
    await expect(ensureDerivedDataCurrent(db, deps)).resolves.toBe(false);
  });

  it('leaves a cache never synced (the bundled snapshot) to the install step', async () => {
    await expect(ensureDerivedDataCurrent(db, deps)).resolves.toBe(false);
    expect(indexed).toHaveLength(0);
  });
});

describe('derived data and the user\'s term settings', () => {
  it('builds the term table with the user\'s aliases, and rebuilds it when they change', async () => {
    await runSync({ gateway: wiki(), db, onProgress: () => {}, extract: fakeExtract });
    const { defaultSettings } = await import('../../../../lib/settings/settings');
    let settings = { ...defaultSettings('http://wiki.test/'), customAliases: [{ alias: 'SOP agents', id: 'metagpt' }] };
    const withSettings: DerivedDataDeps = { ...deps, termSettings: async () => settings };
    await rebuildDerivedData(db, withSettings);
    expect(JSON.stringify(tables[0])).toContain('SOP agents');
    await expect(ensureDerivedDataCurrent(db, withSettings)).resolves.toBe(false);
    settings = { ...settings, customAliases: [] };
    await expect(ensureDerivedDataCurrent(db, withSettings)).resolves.toBe(true);
    expect(JSON.stringify(tables[1])).not.toContain('SOP agents');
  });
});
