import { describe, expect, it } from 'vitest';
import { shardKey, shardTermTable } from '../../../../lib/match/table-shards';
import { buildTermTable } from '../../../../lib/match/term-table';
import { storeTermTable, TERM_TABLE_KEY, type TermTableStorageArea } from '../../../../services/page/term-table-store';
import { syntheticArticles } from '../../../bench/synthetic-wiki';

/** An in-memory storage area that reports, as Chrome does, only the keys whose value changed. */
function memoryArea() {
  const items = new Map<string, string>();
  const changes: string[][] = [];
  const area: TermTableStorageArea = {
    get: async (keys) => {
      const out: Record<string, unknown> = {};
      for (const key of Array.isArray(keys) ? keys : [keys]) if (items.has(key)) out[key] = JSON.parse(items.get(key)!);
      return out;
    },
    set: async (values) => {
      const changed: string[] = [];
      for (const [key, value] of Object.entries(values)) {
        const json = JSON.stringify(value);
        if (items.get(key) !== json) changed.push(key);
        items.set(key, json);
      }
      changes.push(changed);
    },
    remove: async (keys) => {
      for (const key of Array.isArray(keys) ? keys : [keys]) items.delete(key);
    },
  };
  return { area, items, changes };
}

describe('storeTermTable', () => {
  it('stores the index under termTable and each shard under its key', async () => {
    const { area, items } = memoryArea();
    const table = buildTermTable(syntheticArticles(500));
    await storeTermTable(table, area);
    const { index, shards } = shardTermTable(table);
    expect(JSON.parse(items.get(TERM_TABLE_KEY)!)).toEqual(index);
    expect(items.size).toBe(1 + shards.length);
    shards.forEach((shard, k) => expect(JSON.parse(items.get(shardKey(k))!)).toEqual(shard));
  });

  it('changes few keys when a few articles change, and removes the shards of a larger build', async () => {
    const { area, items, changes } = memoryArea();
    const articles = syntheticArticles(3_000);
    await storeTermTable(buildTermTable(articles), area);
    const shardsBefore = items.size - 1;
    const edited = articles.map((a, i) => (i % 1000 === 7 ? { ...a, title: `${a.title} Revised` } : a));
    await storeTermTable(buildTermTable(edited), area);
    const changed = changes.at(-1)!;
    expect(changed).toContain(TERM_TABLE_KEY);
    expect(changed.length).toBeLessThan(12);

    await storeTermTable(buildTermTable(articles.slice(0, 100)), area);
    const index = JSON.parse(items.get(TERM_TABLE_KEY)!) as { shards: number };
    expect(index.shards).toBeLessThan(shardsBefore);
    expect(items.size).toBe(1 + index.shards);
  });
});
