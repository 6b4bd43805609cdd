import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Article } from '../../../../lib/article';
import { createSearchIndex, serializeSearchIndex } from '../../../../lib/search/search-index';
import { createSearchService } from '../../../../services/search/search-service';
import { openDatabase, type Database } from '../../../../services/store/db';
import { article, starterLike } from '../../lib/search/articles';

let db: Database;

beforeEach(async () => {
  db = await openDatabase(new IDBFactory());
});

afterEach(() => {
  db.close();
});

/** The database, counting calls of `getAll` (a full read of the articles). */
function countingGetAll(target: Database): { db: Database; calls: () => number } {
  let calls = 0;
  const counted = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property) as unknown;
      if (property === 'getAll') calls++;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
  return { db: counted, calls: () => calls };
}

async function store(articles: Article[]): Promise<void> {
  const tx = db.transaction('articles', 'readwrite');
  await Promise.all([...articles.map((a) => tx.store.put(a)), tx.done]);
}

describe('createSearchService', () => {
  it('builds the index from the cached articles when none is saved, and saves it', async () => {
    await store(starterLike);
    const search = createSearchService(db);
    const hits = await search.query('RAG', 5);
    expect(hits[0]).toMatchObject({ id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)' });
    expect(typeof (await db.get('meta', 'searchIndex'))).toBe('string');
  });

  it('loads a saved index instead of rebuilding it after a wake', async () => {
    // The saved index knows an article the store does not: answering with it proves it was loaded.
    await db.put('meta', serializeSearchIndex(createSearchIndex([article('saved_only', 'Saved Only', 'Kept in the index.')])), 'searchIndex');
    const counted = countingGetAll(db);
    const search = createSearchService(counted.db);
    expect((await search.query('saved', 5)).map((h) => h.id)).toEqual(['saved_only']);
    expect(counted.calls()).toBe(0);
  });

  it('answers from the quick stage at once, then from the whole index', async () => {
    const saved = createSearchIndex([
      article('gap', 'Open-Closed Model Performance Gap', 'The gap between models.', { text: 'The gap between models. Errors compound.' }),
    ]);
    await db.put('meta', serializeSearchIndex(saved), 'searchIndex');
    const search = createSearchService(db);
    expect((await search.query('gap', 5)).map((h) => h.id)).toEqual(['gap']);
    // "compound" is only in the body: found once the whole index is in.
    await vi.waitFor(async () => expect((await search.query('compound', 5)).map((h) => h.id)).toEqual(['gap']));
  });

  it('rebuilds from the articles when only the quick stage can be read', async () => {
    await store(starterLike);
    const saved = serializeSearchIndex(createSearchIndex(starterLike));
    await db.put('meta', `${saved.slice(0, saved.indexOf('\n'))}\n{"engine": null}`, 'searchIndex');
    const search = createSearchService(db);
    expect((await search.query('RAG', 1))[0]?.id).toBe('retrieval_augmented_generation');
    await vi.waitFor(async () => expect((await search.query('compound', 5)).map((h) => h.id)).toEqual(['open_closed_performance_gap']));
    expect(await db.get('meta', 'searchIndex')).toContain('"engine":{');
  });

  it('rebuilds and overwrites an index it cannot read', async () => {
    await store(starterLike);
    await db.put('meta', '{"format":0}', 'searchIndex');
    const search = createSearchService(db);
    expect((await search.query('MetaGPT', 1))[0]?.id).toBe('metagpt');
    expect(await db.get('meta', 'searchIndex')).not.toBe('{"format":0}');
  });

  it('loads once for queries that arrive together', async () => {
    await store(starterLike);
    const counted = countingGetAll(db);
    const search = createSearchService(counted.db);
    await Promise.all([search.query('rag', 5), search.query('mcp', 5), search.query('llm', 5)]);
    expect(counted.calls()).toBe(1);
  });

  it('prepare loads the index ahead of the first query, which then reads nothing more', async () => {
    await store(starterLike);
    const counted = countingGetAll(db);
    const search = createSearchService(counted.db);
    search.prepare();
    await vi.waitFor(async () => expect(typeof (await db.get('meta', 'searchIndex'))).toBe('string'));
    expect(counted.calls()).toBe(1);
    expect((await search.query('rag', 5))[0]?.id).toBe('retrieval_augmented_generation');
    search.prepare();
    expect(counted.calls()).toBe(1);
  });

  it('accepts a function that opens the database on first use', async () => {
    await store(starterLike);
    const open = vi.fn(() => Promise.resolve(db));
    const search = createSearchService(open);
    expect(open).not.toHaveBeenCalled();
    expect((await search.query('OpenDevin', 3))[0]?.id).toBe('openhands');
  });

  it('rebuild replaces the index in memory and in storage', async () => {
    await store(starterLike);
    const search = createSearchService(db);
    await search.query('rag', 5);
    await search.rebuild([article('fresh', 'Fresh Article', 'Only this one now.')]);
    expect((await search.query('fresh', 5)).map((h) => h.id)).toEqual(['fresh']);
    expect(await search.query('rag', 5)).toEqual([]);
    // A new worker finds the rebuilt index saved.
    expect((await createSearchService(db).query('fresh', 5)).map((h) => h.id)).toEqual(['fresh']);
  });

  it('rebuild without articles reads every cached one; the last of two rebuilds wins', async () => {
    const search = createSearchService(db);
    await store([article('first', 'First', 'One.')]);
    const a = search.rebuild();
    const b = search.rebuild([article('second', 'Second', 'Two.')]);
    await Promise.all([a, b]);
    expect((await search.query('second', 5)).map((h) => h.id)).toEqual(['second']);
    expect((await createSearchService(db).query('second', 5)).map((h) => h.id)).toEqual(['second']);
  });

  it('answers an empty query with the most recently modified articles', async () => {
    await store([
      article('old', 'Old', 'Old summary.', { modified: 1 }),
      article('newest', 'Newest', 'Newest summary.', { modified: 3 }),
      article('middle', 'Middle', 'Middle summary.', { modified: 2 }),
    ]);
    const hits = await createSearchService(db).query('  ', 2);
    expect(hits).toEqual([
      { id: 'newest', title: 'Newest', snippet: 'Newest summary.' },
      { id: 'middle', title: 'Middle', snippet: 'Middle summary.' },
    ]);
  });

  it('cuts the snippet from the full text when the summary does not have the word', async () => {
    await store(starterLike);
    const [hit] = await createSearchService(db).query('compound', 1);
    expect(hit?.id).toBe('open_closed_performance_gap');
    expect(hit?.snippet).toMatch(/planning errors compound/);
  });

  it('finds nothing for a limit of 0 and in an empty cache', async () => {
    const search = createSearchService(db);
    expect(await search.query('rag', 0)).toEqual([]);
    expect(await search.query('rag', 5)).toEqual([]);
    expect(await search.query('', 5)).toEqual([]);
  });
});
