import { describe, expect, it, vi } from 'vitest';
import {
  articleAliases,
  createSearchIndex,
  createSearchIndexInSteps,
  findArticles,
  loadQuickSearchIndex,
  loadSearchIndex,
  loadSearchIndexInSteps,
  searchArticles,
  serializeSearchIndex,
  SEARCH_INDEX_FORMAT,
} from '../../../../lib/search/search-index';
import { article, starterLike } from './articles';

const index = createSearchIndex(starterLike);
const ids = (query: string, limit = 10) => searchArticles(index, query, limit).map((hit) => hit.id);

describe('searchArticles', () => {
  it('finds nothing for an empty or blank query', () => {
    expect(searchArticles(index, '', 10)).toEqual([]);
    expect(searchArticles(index, '   ', 10)).toEqual([]);
    expect(searchArticles(index, '—', 10)).toEqual([]);
  });

  it('returns at most `limit` hits, and none for a limit of 0', () => {
    expect(searchArticles(index, 'agents', 2)).toHaveLength(2);
    expect(searchArticles(index, 'agents', 0)).toEqual([]);
  });

  it('ranks the article an acronym names first, above pages that repeat it', () => {
    expect(ids('RAG')[0]).toBe('retrieval_augmented_generation');
    expect(ids('rag')[0]).toBe('retrieval_augmented_generation');
    expect(ids('RAG')).toEqual(expect.arrayContaining(['rag_evaluation', 'agentic_rag', 'langchain_vs_llamaindex_comparison']));
    expect(ids('MCP').slice(0, 2)).toEqual(['model_context_protocol', 'how_to_use_mcp']);
    expect(ids('CoT')[0]).toBe('chain_of_thought_agents');
  });

  it('treats a plural and its singular as the same name', () => {
    expect(ids('LLM')[0]).toBe('large_language_models');
    expect(ids('LLMs')[0]).toBe('large_language_models');
  });

  it('finds an article by its former name and by the part of its title before the colon', () => {
    expect(ids('OpenDevin')[0]).toBe('openhands');
    expect(ids('MetaGPT')[0]).toBe('metagpt');
  });

  it('puts titles that start with the query first', () => {
    expect(ids('open-clo')[0]).toBe('open_closed_performance_gap');
    expect(ids('metag')[0]).toBe('metagpt');
    expect(ids('meta').slice(0, 2).sort()).toEqual(['metagpt', 'metamorphic_testing']);
    expect(ids('model context')[0]).toBe('model_context_protocol');
    // BM25 alone puts "Open-Closed Model Performance Gap" second: its summary says "model" twice.
    expect(ids('model').slice(0, 2)).toEqual(['model_context_protocol', 'how_to_use_mcp']);
    // ... and the digest first: "AI Agent Digest" is a short title.
    expect(ids('agent')[0]).toBe('agentic_rag');
  });

  it('matches the word being typed as a prefix', () => {
    expect(ids('retrieval aug')[0]).toBe('retrieval_augmented_generation');
    expect(ids('hallu')).toEqual([]);
    expect(ids('multi-ag')[0]).toBe('metagpt');
  });

  it('forgives typos in words of four letters or more, not in shorter ones', () => {
    expect(ids('framwork')).toContain('metagpt');
    expect(ids('retreival')[0]).toBe('retrieval_augmented_generation');
    expect(ids('procedurse')).toContain('metagpt');
    // "RAT" is one letter from "RAG" but too short to be taken for it.
    expect(ids('rat')).toEqual([]);
  });

  it('takes a word the index knows as typed, and only an unknown one as a typo', () => {
    const pair = createSearchIndex([article('frame', 'Frame', 'A frame holds.'), article('flame', 'Flame', 'A flame burns.')]);
    expect(searchArticles(pair, 'flame', 5).map((h) => h.id)).toEqual(['flame']);
    expect(searchArticles(pair, 'frsme', 5).map((h) => h.id)).toEqual(['frame']);
  });

  it('requires every word (AND) and falls back to any word (OR) when none has them all', () => {
    expect(ids('roles procedures')).toEqual(['metagpt']);
    expect(ids('metagpt zzzqqq')).toContain('metagpt');
    expect(ids('zzzqqq')).toEqual([]);
  });

  it('searches the whole text, not only names and summaries', () => {
    expect(ids('compound')).toEqual(['open_closed_performance_gap']);
    expect(ids('mixtral')).toEqual(['open_closed_performance_gap']);
  });

  it('weighs guides and news below the articles that define a term', () => {
    const hits = ids('MetaGPT');
    expect(hits.indexOf('metagpt')).toBeLessThan(hits.indexOf('digest_20261127'));
  });

  it('gives a snippet around the match, from the summary', () => {
    const [hit] = searchArticles(index, 'standard operating', 1);
    expect(hit).toMatchObject({ id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs' });
    expect(hit!.snippet).toMatch(/standard operating procedures/);
    expect(hit!.snippet.length).toBeLessThanOrEqual(170);
  });

  it('reports the matched words, so a caller can cut a snippet from the full text', () => {
    const [found] = findArticles(index, 'compound', 1);
    expect(found).toMatchObject({ id: 'open_closed_performance_gap', terms: ['compound'] });
    // The summary does not have the word: the pure snippet is the summary's opening.
    expect(searchArticles(index, 'compound', 1)[0]!.snippet).toMatch(/^The open-closed model performance gap is/);
  });

  it('keeps the last copy of an article given twice', () => {
    const twice = createSearchIndex([
      article('x', 'First Title', 'An old summary about zebras.'),
      article('x', 'Second Title', 'A new summary about giraffes.'),
    ]);
    expect(twice.size).toBe(1);
    expect(searchArticles(twice, 'giraffes', 5).map((h) => h.title)).toEqual(['Second Title']);
    expect(searchArticles(twice, 'zebras', 5)).toEqual([]);
  });

  it('survives articles with empty fields', () => {
    const odd = createSearchIndex([article('empty', '', '', { text: '' }), article('ok', 'Kept', 'Kept is here.')]);
    expect(searchArticles(odd, 'kept', 5).map((h) => h.id)).toEqual(['ok']);
  });
});

describe('common words', () => {
  // 300 articles all saying "model": the word is common and left out of bodies.
  const many = Array.from({ length: 300 }, (_, i) =>
    article(`page_${i}`, `Page ${i}`, `Page ${i} is about a model.`, {
      text: `Page ${i} is about a model. ${i === 7 ? 'It also covers quasicrystals.' : ''}`,
    }),
  );
  many.push(article('model_cards', 'Model Cards', 'Model cards document a model.', { text: 'Model cards document a model.' }));
  const big = createSearchIndex(many);

  it('drops a word most articles have from bodies, but still matches it in names', () => {
    expect(big.common.has('model')).toBe(true);
    expect(searchArticles(big, 'model', 5)[0]!.id).toBe('model_cards');
  });

  it('makes a common query word optional rather than required', () => {
    expect(searchArticles(big, 'model quasicrystals', 5).map((h) => h.id)).toEqual(['page_7']);
  });
});

describe('createSearchIndexInSteps', () => {
  it('pauses between steps and builds the same index', async () => {
    const many = [...starterLike, ...Array.from({ length: 600 }, (_, i) => article(`page_${i}`, `Page ${i}`, `Filler page number ${i}.`))];
    const pause = vi.fn(() => Promise.resolve());
    const stepped = await createSearchIndexInSteps(many, pause);
    expect(pause.mock.calls.length).toBeGreaterThanOrEqual(4);
    const whole = createSearchIndex(many);
    expect(serializeSearchIndex(stepped)).toBe(serializeSearchIndex(whole));
    expect(searchArticles(stepped, 'RAG', 3)).toEqual(searchArticles(whole, 'RAG', 3));
  });
});

describe('serialization', () => {
  const saved = serializeSearchIndex(index);

  it('loads what it saved and answers the same', () => {
    const loaded = loadSearchIndex(saved);
    expect(loaded).toMatchObject({ size: index.size, complete: true });
    for (const query of ['RAG', 'meta', 'framwork', 'compound', 'roles procedures']) {
      expect(searchArticles(loaded, query, 10)).toEqual(searchArticles(index, query, 10));
    }
  });

  it('loads in steps to the same index', async () => {
    const loaded = await loadSearchIndexInSteps(saved);
    expect(loaded.complete).toBe(true);
    expect(searchArticles(loaded, 'compound', 5)).toEqual(searchArticles(index, 'compound', 5));
  });

  it('has a quick stage that knows names and summaries, not bodies', () => {
    const quick = loadQuickSearchIndex(saved);
    expect(quick).toMatchObject({ size: index.size, complete: false });
    expect(searchArticles(quick, 'RAG', 3)).toEqual(searchArticles(index, 'RAG', 3));
    expect(searchArticles(quick, 'standard operating', 1)[0]?.id).toBe('metagpt');
    // "compound" is only in a body.
    expect(searchArticles(quick, 'compound', 5)).toEqual([]);
    expect(() => serializeSearchIndex(quick)).toThrow(/Only a complete search index/);
  });

  it('rejects what is not a saved index with a clear error', () => {
    const head = (value: object) => JSON.stringify({ format: SEARCH_INDEX_FORMAT, ...value });
    expect(() => loadSearchIndex('not json')).toThrow(/not valid JSON/);
    expect(() => loadSearchIndex('null')).toThrow(/not an object/);
    expect(() => loadSearchIndex(JSON.stringify({ format: SEARCH_INDEX_FORMAT - 1 }))).toThrow(/has format 1, not 2/);
    expect(() => loadSearchIndex(head({ common: [] }))).toThrow(/incomplete/);
    expect(() => loadQuickSearchIndex(head({ common: [], quick: { index: 5 } }))).toThrow(/incomplete/);
    expect(() => loadSearchIndex(saved.slice(0, saved.indexOf('\n')))).toThrow(/incomplete/);
    expect(() => loadSearchIndex(`${saved.slice(0, saved.indexOf('\n'))}\n{"engine":`)).toThrow(/not valid JSON/);
    expect(() => loadQuickSearchIndex(head({ common: [], quick: { index: [['x', 5]] } }))).toThrow(/cannot be read/);
  });
});

describe('articleAliases', () => {
  it('reads the names an article answers to off its title and bold terms', () => {
    expect(articleAliases({ title: 'MetaGPT: Multi-Agent Framework with SOPs', boldTerms: ['MetaGPT'] })).toEqual(['MetaGPT']);
    expect(articleAliases({ title: 'Retrieval-Augmented Generation (RAG)', boldTerms: ['RAG'] })).toEqual([
      'RAG',
      'Retrieval-Augmented Generation',
    ]);
    expect(articleAliases({ title: 'OpenHands (formerly OpenDevin)', boldTerms: ['OpenHands'] })).toEqual(['OpenDevin', 'OpenHands']);
    expect(articleAliases({ title: 'Large Language Models (LLMs)', boldTerms: ['Large language models', 'LLMs'] })).toEqual([
      'LLMs',
      'Large Language Models',
    ]);
    expect(articleAliases({ title: 'ReAct', boldTerms: ['ReAct'] })).toEqual([]);
  });
});
