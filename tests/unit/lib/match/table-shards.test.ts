import { describe, expect, it } from 'vitest';
import { compileMatcher, compileShardedMatcher, type Matcher } from '../../../../lib/match/matcher';
import { hashKey } from '../../../../lib/match/normalize';
import {
  HeadFilter,
  parseTermTableIndex,
  parseTermTableShard,
  shardKey,
  shardOfHash,
  shardTermTable,
  SHARDED_TABLE_VERSION,
} from '../../../../lib/match/table-shards';
import { buildTermTable, type TermSource } from '../../../../lib/match/term-table';
import { syntheticArticles, syntheticText } from '../../../bench/synthetic-wiki';

const ARTICLES: TermSource[] = [
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
  { id: 'model_context_protocol', title: 'Model Context Protocol (MCP)', summary: '', boldTerms: [] },
  { id: 'open_closed_performance_gap', title: 'Open-Closed Model Performance Gap', summary: '', boldTerms: [] },
  { id: 'langchain', title: 'LangChain', summary: '', boldTerms: [] },
  { id: 'transformer', title: 'Transformer', summary: '', boldTerms: [] },
  { id: 'transformer_architecture', title: 'Transformer Architecture', summary: '', boldTerms: ['Transformer'] },
  { id: 'gpt_4', title: 'GPT-4', summary: '', boldTerms: [] },
  { id: 'japanese_llm', title: '大規模言語モデル', summary: '', boldTerms: [] },
];

/** Matches as plain tuples, to compare two matchers. */
const found = (matcher: Matcher, text: string) => matcher.findAll(text).map((m) => [m.start, m.end, m.ids.join('|'), m.strong]);

/** A sharded matcher with every shard the texts need added, as the page session does. */
function loadedFor(table: ReturnType<typeof buildTermTable>, texts: string[]) {
  const { index, shards } = shardTermTable(JSON.parse(JSON.stringify(table)));
  const matcher = compileShardedMatcher(index);
  const loaded: number[] = [];
  for (const text of texts) {
    for (;;) {
      const missing = new Set<number>();
      matcher.findAll(text, undefined, missing);
      if (!missing.size) break;
      for (const k of missing) {
        matcher.addShard(k, shards[k]!);
        loaded.push(k);
      }
    }
  }
  return { matcher, loaded, index, shards };
}

describe('shardTermTable', () => {
  const table = buildTermTable(ARTICLES);

  it('matches exactly as the whole table once the shards a text needs are added', () => {
    const text =
      'RAG and rag, the open-closed gap, MCP servers, LangChain, a Transformer architecture, GPT-4, gpt-4, 大規模言語モデルの研究.';
    const whole = compileMatcher(table);
    const { matcher, loaded, index } = loadedFor(table, [text]);
    expect(found(matcher, text)).toEqual(found(whole, text));
    expect(found(whole, text).length).toBeGreaterThan(6);
    expect(loaded.length).toBeLessThanOrEqual(index.shards);
    expect(matcher.titleOf('model_context_protocol')).toBe('Model Context Protocol (MCP)');
  });

  it('reports the shards a text needs and matches nothing from them until they are added', () => {
    const { index, shards } = shardTermTable(table);
    const matcher = compileShardedMatcher(index);
    const missing = new Set<number>();
    expect(matcher.findAll('We use RAG.', undefined, missing)).toEqual([]);
    const rag = shardOfHash(hashKey('RAG'), index.shards);
    expect(missing.has(rag)).toBe(true);
    matcher.addShard(rag, shards[rag]!);
    missing.clear();
    expect(matcher.findAll('We use RAG.', undefined, missing).map((m) => m.ids)).toEqual([['retrieval_augmented_generation']]);
    expect(missing.size).toBe(0);
  });

  it('agrees with the whole table on a large synthetic base and 200 kB of text', () => {
    const articles = syntheticArticles(3_000);
    const big = buildTermTable(articles);
    const text = syntheticText(200_000, articles.slice(0, 100), 40);
    const { matcher, loaded, index } = loadedFor(big, [text]);
    expect(found(matcher, text)).toEqual(found(compileMatcher(big), text));
    // A text that names a few hundred articles needs only part of the table.
    expect(loaded.length).toBeLessThan(index.shards);
  });

  it('makes small shards, and a deterministic index', () => {
    const big = buildTermTable(syntheticArticles(3_000));
    const { index, shards } = shardTermTable(big);
    expect(index.v).toBe(SHARDED_TABLE_VERSION);
    expect(index.shards).toBe(shards.length);
    expect(index.terms).toBe(big.terms.length);
    const sizes = shards.map((s) => JSON.stringify(s).length);
    expect(Math.max(...sizes)).toBeLessThan(20 * 1024);
    expect(JSON.stringify(shardTermTable(big))).toBe(JSON.stringify({ index, shards }));
    expect(shardKey(7)).toBe('termTable:7');
  });

  it('changes only a few shards when one article changes, so storage reports little', () => {
    const articles = syntheticArticles(3_000);
    const before = shardTermTable(buildTermTable(articles)).index.hashes;
    const changed = articles.map((a, i) => (i === 100 ? { ...a, title: 'Quixotic Renamed Framework' } : a));
    const after = shardTermTable(buildTermTable(changed)).index.hashes;
    expect(after.length).toBe(before.length);
    const differ = after.filter((h, i) => h !== before[i]).length;
    expect(differ).toBeGreaterThan(0);
    expect(differ).toBeLessThanOrEqual(8);
  });
});

describe('HeadFilter', () => {
  it('has no false negatives and about 1% false positives', () => {
    const heads = Array.from({ length: 5_000 }, (_, i) => hashKey(`head${i}`));
    const filter = HeadFilter.fromHashes(heads);
    expect(heads.every((h) => filter.mayContain(h))).toBe(true);
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (filter.mayContain(hashKey(`other${i}`))) positives++;
    expect(positives / 20_000).toBeLessThan(0.03);
    // It survives storage as a string, and reads the same.
    const copy = HeadFilter.of(JSON.parse(JSON.stringify(filter.encoded)), filter.bits);
    expect(heads.every((h) => copy.mayContain(h))).toBe(true);
  });
});

describe('parsing what storage gives back', () => {
  const { index, shards } = shardTermTable(buildTermTable(ARTICLES));

  it('accepts the index and refuses a damaged one with a clear error', () => {
    expect(parseTermTableIndex(JSON.parse(JSON.stringify(index)))).toMatchObject({ ok: true });
    expect(parseTermTableIndex(undefined)).toMatchObject({ ok: false, error: expect.stringContaining('missing') });
    expect(parseTermTableIndex({ ...index, v: 9 })).toMatchObject({ ok: false, error: expect.stringContaining('version 9') });
    expect(parseTermTableIndex({ ...index, hashes: [] })).toMatchObject({ ok: false, error: expect.stringContaining('damaged') });
    expect(parseTermTableIndex({ ...index, filter: '' })).toMatchObject({ ok: false, error: expect.stringContaining('damaged') });
  });

  it('accepts a shard of this build only', () => {
    const shard = JSON.parse(JSON.stringify(shards[0]));
    expect(parseTermTableShard(shard, index.hashes[0]!)).toMatchObject({ ok: true });
    expect(parseTermTableShard(shard, 'another build')).toMatchObject({ ok: false, error: expect.stringContaining('changed') });
    expect(parseTermTableShard({ v: 1 }, index.hashes[0]!)).toMatchObject({ ok: false });
  });
});
