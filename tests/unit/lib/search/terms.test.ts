import { describe, expect, it } from 'vitest';
import { comparable, fuzzyDistance, indexTerm, queryTerms, tokenize } from '../../../../lib/search/terms';

describe('tokenize', () => {
  it('splits on spaces and punctuation in any script', () => {
    expect(tokenize('Retrieval-Augmented Generation (RAG)')).toEqual(['Retrieval', 'Augmented', 'Generation', 'RAG']);
    expect(tokenize('Größe, 大規模言語モデル。GPT-4')).toEqual(['Größe', '大規模言語モデル', 'GPT', '4']);
    expect(tokenize('agent=writer | x+y')).toEqual(['agent', 'writer', 'x', 'y']);
    expect(tokenize('  ')).toEqual([]);
  });
});

describe('indexTerm', () => {
  it('lowercases and folds compatibility forms', () => {
    expect(indexTerm('MetaGPT')).toBe('metagpt');
    expect(indexTerm('ＲＡＧ')).toBe('rag');
  });

  it('drops stop words, single letters and over-long tokens, keeps digits', () => {
    expect(indexTerm('the')).toBeNull();
    expect(indexTerm('s')).toBeNull();
    expect(indexTerm('4')).toBe('4');
    expect(indexTerm('x'.repeat(41))).toBeNull();
    expect(indexTerm('GPT4')).toBe('gpt4');
  });

  it('folds English plurals (Harman’s S stemmer), the same way for the index and the query', () => {
    expect(['agents', 'LLMs', 'policies', 'embeddings', 'processes', 'corpus', 'process', 'gas', 'series'].map((t) => indexTerm(t))).toEqual([
      'agent', 'llm', 'policy', 'embedding', 'processe', 'corpus', 'process', 'gas', 'sery',
    ]);
    expect(queryTerms('AI agents')[1]?.term).toBe('agent');
  });
});

describe('queryTerms', () => {
  it('takes the last word as a prefix and gives long words typo tolerance', () => {
    expect(queryTerms('Retrieval aug')).toEqual([
      { term: 'retrieval', prefix: false, fuzzy: 2 },
      { term: 'aug', prefix: true, fuzzy: 0 },
    ]);
  });

  it('drops stop words except a last word that may still grow', () => {
    expect(queryTerms('how to use mcp').map((t) => t.term)).toEqual(['use', 'mcp']);
    expect(queryTerms('open the').map((t) => t.term)).toEqual(['open', 'the']);
    expect(queryTerms('')).toEqual([]);
  });
});

describe('fuzzyDistance', () => {
  it('allows no edit below 4 letters, 1 up to 7, 2 from 8', () => {
    expect([3, 4, 7, 8, 12].map((n) => fuzzyDistance('a'.repeat(n)))).toEqual([0, 1, 1, 2, 2]);
  });
});

describe('comparable', () => {
  it('ignores case, punctuation and spacing', () => {
    expect(comparable('Open-Closed  Model')).toBe('open closed model');
    expect(comparable(' MetaGPT: Multi-Agent ')).toBe('metagpt multi agent');
  });
});
