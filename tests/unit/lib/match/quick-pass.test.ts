/**
 * The matcher's quick pass (TrieMatcher.scanWords) and `shardsNeeded`, and
 * `HeadFilter.mayHoldHead`, the content script's first stage's use of it.
 *
 * The quick pass must never change what findAll returns: same matches, same
 * `missing` shards, same signals. The tests compare each text with the same
 * text followed by " \u00ad": a space, then a soft hyphen. The soft hyphen is
 * a format character, which never starts a token, so the tokens (and every
 * outcome) are the same; but the quick pass does not tokenize format
 * characters, so that text always takes the full path. A spy on
 * TokenCursor.next (which only the full path calls) checks that the two
 * routes really differ, so the comparison can fail.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileMatcher, compileShardedMatcher, type MatchEvidence, type Matcher } from '../../../../lib/match/matcher';
import { hashKey, TokenCursor, tokenize } from '../../../../lib/match/normalize';
import { HeadFilter, shardOfHash, shardTermTable } from '../../../../lib/match/table-shards';
import { buildTermTable, type TermSource, type TermTable } from '../../../../lib/match/term-table';
import { seededRandom, syntheticArticles } from '../../../bench/synthetic-wiki';

/** Appended to a text, it sends findAll and shardsNeeded down the full path without changing a token. */
const FULL_PATH = ' \u00ad';

const ARTICLES: TermSource[] = [
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
  { id: 'large_language_models', title: 'Large Language Models (LLMs)', summary: '', boldTerms: [] },
  { id: 'language_model', title: 'Language Model', summary: '', boldTerms: [] },
  { id: 'ai_agents', title: 'AI Agents', summary: '', boldTerms: [] },
  { id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', summary: '', boldTerms: [] },
  { id: 'react_agents', title: 'ReAct Agents', summary: '', boldTerms: ['ReAct'] },
  { id: 'gpt_4', title: 'GPT-4', summary: '', boldTerms: [] },
  { id: 'chain_of_thought', title: 'Chain of Thought (CoT)', summary: '', boldTerms: [] },
  { id: 'open_closed_performance_gap', title: 'Open-Closed Model Performance Gap', summary: '', boldTerms: [] },
  { id: 'kuenstliche_intelligenz', title: 'Künstliche Intelligenz', summary: '', boldTerms: [] },
  { id: 'strassenverkehr', title: 'Straßenverkehr', summary: '', boldTerms: [] },
  { id: 'japanese_llm', title: '大規模言語モデル', summary: '', boldTerms: [] },
  { id: 'node_js', title: 'Node.js', summary: '', boldTerms: [] },
];

/** A few hundred articles: enough phrases for several shards, and a filter that turns words away. */
const TABLE: TermTable = buildTermTable([...ARTICLES, ...syntheticArticles(200)]);
const SHARDED = shardTermTable(JSON.parse(JSON.stringify(TABLE)) as TermTable);
const HEADS = new Set(TABLE.heads);

function shardsOf(loaded: readonly number[]): Matcher {
  const matcher = compileShardedMatcher(SHARDED.index);
  for (const k of loaded) matcher.addShard(k, SHARDED.shards[k]!);
  return matcher;
}

interface Outcome {
  matches: [number, number, string, boolean][];
  signals: string[];
  missing: number[];
}

function outcome(matcher: Matcher, text: string): Outcome {
  const evidence: MatchEvidence = { signals: new Set() };
  const missing = new Set<number>();
  const matches = matcher.findAll(text, evidence, missing).map((m): Outcome['matches'][number] => [m.start, m.end, m.ids.join('|'), m.strong]);
  return { matches, signals: [...evidence.signals].sort(), missing: [...missing].sort((a, b) => a - b) };
}

function needed(matcher: Matcher, text: string): { any: boolean; shards: number[] } {
  const into = new Set<number>();
  const any = matcher.shardsNeeded(text, into);
  return { any, shards: [...into].sort((a, b) => a - b) };
}

// --- generated texts -----------------------------------------------------------

const TITLES = [...ARTICLES, ...syntheticArticles(200)].map((a) => a.title.split(/[:(]/)[0]!.trim());
const TITLE_WORDS = [...new Set(TITLES.flatMap((title) => title.split(/[^0-9A-Za-z]+/)).filter(Boolean))];
const ACRONYMS = ['RAG', 'rag', 'Rag', 'rAG', 'LLMs', 'LLM', 'llms', 'AI', 'ai', 'MetaGPT', 'metagpt', 'Metagpt', 'METAGPT', 'GPT', 'CoT', 'cot', 'ReAct', 'react', 'SOPs', 'iPhone', 'x86', '4'];
const EVERYDAY = 'the morning was quiet and kitchen smelled of bread while children walked to school along river where old bridge stood'.split(' ');
const SEPARATORS = [' ', ' ', ' ', ' ', ', ', '. ', '-', ' – ', '—', '’', ' (', ') ', '\u00a0', ' “', '” ', '…', '\n', ' 😀 ', '_', '/', ': ', '.', ''];
const RUNS_ON = ['é', 'ß', '\u0301', '\u00ad', 'ü', 'ı', 'Ａ', '\u200d'];
const OTHER_SCRIPTS = ['Künstliche', 'INTELLIGENZ', 'Straßenverkehr', 'STRASSENVERKEHR', '大規模言語モデル', 'モデル', 'mo\u00addel', 'RAG\u00ad', 'cafe\u0301', 'İstanbul', 'ＲＡＧ', 'naïve', 'ΣΟΦΙΑ', 'GPTモデル', '\u200b'];

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789eeaaiioo'];

function generator(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const junk = () => {
    let w = '';
    const n = 1 + Math.floor(random() * 8);
    for (let i = 0; i < n; i++) w += pick(LETTERS);
    return w;
  };
  const cased = (w: string) => {
    const r = random();
    return r < 0.5 ? w : r < 0.7 ? w.toLowerCase() : r < 0.85 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase();
  };
  /** ASCII words between separators (ASCII or not); with `otherScripts`, words of other scripts too. */
  return (otherScripts: boolean): string => {
    const words = Math.floor(random() * 24);
    // Half the texts are sparse, as most text on most pages: everyday and unknown words, a rare title word.
    const titleRate = random() < 0.5 ? 0.04 : 0.45;
    let text = random() < 0.3 ? pick(SEPARATORS) : '';
    const wordOf = (r: number): string => {
      if (otherScripts && r < 0.06) return pick(OTHER_SCRIPTS);
      // A known word running on into a letter, mark or format character beyond ASCII: one non-ASCII token.
      if (otherScripts && r < 0.12) return pick(ACRONYMS.concat(TITLE_WORDS)) + pick(RUNS_ON);
      if (r < titleRate / 8) return cased(pick(TITLES));
      if (r < titleRate) return cased(pick(TITLE_WORDS));
      if (r < titleRate + 0.1) return pick(ACRONYMS);
      return r < 0.75 ? junk() : cased(pick(EVERYDAY));
    };
    for (let i = 0; i < words; i++) {
      const word = wordOf(random());
      text += word + (i < words - 1 || random() < 0.3 ? pick(SEPARATORS) : '');
    }
    return text;
  };
}

/** Whether findAll's full path would treat some key of the text as a head: the independent reading of shardsNeeded's answer. */
function oracleAny(text: string, loadedHeads: Set<string>, isLoaded: (k: number) => boolean): boolean {
  const filter = HeadFilter.of(SHARDED.index.filter, SHARDED.index.filterBits);
  return tokenize(text).some((token) =>
    [token.folded, token.exact].some((key) => {
      const hash = hashKey(key);
      const k = shardOfHash(hash, SHARDED.index.shards);
      return isLoaded(k) ? loadedHeads.has(key) : filter.mayContain(hash);
    }),
  );
}

/** The shards not loaded of the keys of the text's tokens that the filter lets through: the independent reading of shardsNeeded's shards. */
function oracleShards(text: string, isLoaded: (k: number) => boolean): number[] {
  const filter = HeadFilter.of(SHARDED.index.filter, SHARDED.index.filterBits);
  const shards = tokenize(text)
    .flatMap((token) => [token.folded, token.exact])
    .filter((key) => filter.mayContain(hashKey(key)))
    .map((key) => shardOfHash(hashKey(key), SHARDED.index.shards))
    .filter((k) => !isLoaded(k));
  return [...new Set(shards)].sort((a, b) => a - b);
}

const ROUNDS = 1_500;

describe('the quick pass changes nothing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('takes no tokenizer for ASCII text without a head, and the full path with a format character', () => {
    const matcher = compileMatcher(TABLE);
    const next = vi.spyOn(TokenCursor.prototype, 'next');
    const text = 'The morning was quiet — don’t worry,\u00a0the bread smelled good… 😀 (really)';
    expect(matcher.findAll(text)).toEqual([]);
    expect(matcher.shardsNeeded(text, new Set())).toBe(false);
    expect(next).not.toHaveBeenCalled();
    expect(matcher.findAll(text + FULL_PATH)).toEqual([]);
    expect(next).toHaveBeenCalled();
    next.mockClear();
    expect(matcher.shardsNeeded(text + FULL_PATH, new Set())).toBe(false);
    expect(next).toHaveBeenCalled();
  });

  it('falls through to the full path at a head, and finds it', () => {
    const matcher = compileMatcher(TABLE);
    const next = vi.spyOn(TokenCursor.prototype, 'next');
    expect(matcher.findAll('the morning was quiet, then RAG').map((m) => m.ids[0])).toEqual(['retrieval_augmented_generation']);
    expect(next).toHaveBeenCalled();
  });

  for (const [name, matcherOf] of [
    ['a whole table', () => ({ matcher: compileMatcher(TABLE), loaded: SHARDED.shards.map((_, k) => k) })],
    ['a sharded table with no shard loaded', () => ({ matcher: shardsOf([]), loaded: [] as number[] })],
    [
      'a sharded table with some shards loaded',
      () => {
        const loaded = SHARDED.shards.map((_, k) => k).filter((k) => k % 3 !== 1);
        return { matcher: shardsOf(loaded), loaded };
      },
    ],
  ] as const) {
    it(`gives the same matches, missing shards and signals as the full path on generated texts, with ${name}`, () => {
      const { matcher, loaded } = matcherOf();
      const next = generator(name.length);
      const tally = { quickReject: 0, quickRejectWithMissing: 0, rejectedFalsePositive: 0, matched: 0, signalsOnly: 0, otherScripts: 0 };
      const filter = HeadFilter.of(SHARDED.index.filter, SHARDED.index.filterBits);
      const shardOfKey = (key: string) => shardOfHash(hashKey(key), SHARDED.index.shards);
      const isLoaded = (k: number) => loaded.includes(k);
      for (let round = 0; round < ROUNDS; round++) {
        const otherScripts = round % 4 === 3;
        const text = next(otherScripts);
        const quick = outcome(matcher, text);
        const full = outcome(matcher, text + FULL_PATH);
        expect(quick, JSON.stringify(text)).toEqual(full);
        if (quick.matches.length) tally.matched++;
        else if (quick.signals.length) tally.signalsOnly++;
        if (otherScripts) {
          tally.otherScripts++;
          continue;
        }
        const keys = tokenize(text).flatMap((t) => [t.folded, t.exact]);
        if (keys.some((key) => isLoaded(shardOfKey(key)) && HEADS.has(key))) continue;
        // No head of a loaded shard: the texts the quick pass answers alone.
        tally.quickReject++;
        if (quick.missing.length) tally.quickRejectWithMissing++;
        // A word the filter let through, in a loaded shard, that is no head.
        if (keys.some((key) => filter.mayContain(hashKey(key)) && isLoaded(shardOfKey(key)))) tally.rejectedFalsePositive++;
      }
      // The generated texts reach every branch, so that the comparison means something.
      expect(tally.quickReject).toBeGreaterThan(ROUNDS / 20);
      expect(tally.otherScripts).toBeGreaterThan(ROUNDS / 5);
      if (loaded.length < SHARDED.shards.length) expect(tally.quickRejectWithMissing).toBeGreaterThan(ROUNDS / 50);
      if (loaded.length) {
        expect(tally.matched).toBeGreaterThan(ROUNDS / 20);
        expect(tally.signalsOnly).toBeGreaterThan(ROUNDS / 100);
        expect(tally.rejectedFalsePositive).toBeGreaterThan(0);
      }
    });
  }
});

describe('shardsNeeded', () => {
  it('names exactly the shards findAll reports missing when no shard is loaded', () => {
    const text = 'We use RAG with LLMs, MetaGPT and GPT-4 agents; ReAct, CoT and the open-closed gap. Künstliche Intelligenz, 大規模言語モデル.';
    const { any, shards } = needed(shardsOf([]), text);
    expect(any).toBe(true);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards).toEqual(outcome(shardsOf([]), text).missing);
    expect(shards).toContain(shardOfHash(hashKey('RAG'), SHARDED.index.shards));
  });

  it('answers false, and adds nothing, for a text without any head', () => {
    for (const text of ['the morning was quiet and the kitchen smelled of bread', 'It’s a “quiet” day — 😀', '', 'Die Straße war ruhig.']) {
      for (const matcher of [compileMatcher(TABLE), shardsOf([]), shardsOf([0, 1, 2])]) {
        expect(needed(matcher, text), JSON.stringify(text)).toEqual({ any: false, shards: [] });
      }
    }
  });

  it('does not take the ASCII start of a longer word for a word', () => {
    const text = 'RAGé and MetaGPTü';
    const matcher = shardsOf([]);
    const rag = shardOfHash(hashKey('RAG'), SHARDED.index.shards);
    const metagpt = shardOfHash(hashKey('MetaGPT'), SHARDED.index.shards);
    expect(outcome(matcher, text)).toEqual(outcome(matcher, text + FULL_PATH));
    expect(needed(matcher, text)).toEqual(needed(matcher, text + FULL_PATH));
    // "RAGé" and "MetaGPTü" are tokens of their own, whose keys are no heads: "RAG" and "MetaGPT" need no shard.
    expect(needed(matcher, text)).toEqual({ any: false, shards: [] });
    expect(needed(matcher, 'RAG and MetaGPT').shards).toEqual([...new Set([rag, metagpt])].sort((x, y) => x - y));
  });

  it('adds nothing for a whole table, and still tells whether a head is there', () => {
    const matcher = compileMatcher(TABLE);
    expect(needed(matcher, 'We use RAG.')).toEqual({ any: true, shards: [] });
    expect(needed(matcher, 'Wir nutzen RAG für Künstliche Intelligenz.')).toEqual({ any: true, shards: [] });
    expect(needed(matcher, 'We use rag.')).toEqual({ any: false, shards: [] });
  });

  it('names the shard of a word inside a match too, which findAll never tests as a head', () => {
    // "large language model" starts at "large"; "language" starts "language model", in another shard.
    const large = shardOfHash(hashKey('large'), SHARDED.index.shards);
    const language = shardOfHash(hashKey('language'), SHARDED.index.shards);
    expect(HEADS.has('large') && HEADS.has('language')).toBe(true);
    expect(language).not.toBe(large);
    const matcher = shardsOf([large]);
    const text = 'a large language model';
    const found = outcome(matcher, text);
    expect(found.matches.map(([start, end, ids]) => [text.slice(start, end), ids])).toEqual([['large language model', 'large_language_models']]);
    expect(found.missing).not.toContain(language);
    const { any, shards } = needed(matcher, text);
    expect(any).toBe(true);
    expect(shards).toContain(language);
    for (const k of found.missing) expect(shards).toContain(k);
  });

  it('agrees with the full path and the tokenizer on generated texts, and its shards are all findAll needs', () => {
    const next = generator(99);
    const loaded = SHARDED.shards.map((_, k) => k).filter((k) => k % 3 === 0);
    const loadedHeads = new Set(loaded.flatMap((k) => SHARDED.shards[k]!.heads));
    const isLoaded = (k: number) => loaded.includes(k);
    const matcher = shardsOf(loaded);
    const whole = compileMatcher(TABLE);
    const tally = { none: 0, some: 0, wider: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const text = next(round % 4 === 3);
      const label = JSON.stringify(text);
      const result = needed(matcher, text);
      expect(result, label).toEqual(needed(matcher, text + FULL_PATH));
      expect(result, label).toEqual({ any: oracleAny(text, loadedHeads, isLoaded), shards: oracleShards(text, isLoaded) });
      // With the whole table, the answer is whether a token is a head.
      const tokens = tokenize(text);
      expect(needed(whole, text), label).toEqual({ any: tokens.some((t) => HEADS.has(t.folded) || HEADS.has(t.exact)), shards: [] });

      const found = outcome(matcher, text);
      for (const k of found.missing) expect(result.shards, label).toContain(k);
      if (!found.matches.length) expect(result.shards, label).toEqual(found.missing);
      else if (result.shards.length > found.missing.length) tally.wider++;
      if (!result.any) {
        // Nothing to match: the page scan may skip the text.
        expect(found, label).toEqual({ matches: [], signals: [], missing: [] });
        tally.none++;
      } else tally.some++;

      // One read: once its shards are added, findAll needs no other and matches as the whole table.
      if (round % 5 === 0) {
        const fresh = shardsOf(loaded);
        const into = new Set<number>();
        fresh.shardsNeeded(text, into);
        for (const k of into) fresh.addShard(k, SHARDED.shards[k]!);
        const after = outcome(fresh, text);
        expect(after.missing, label).toEqual([]);
        expect(after, label).toEqual(outcome(whole, text));
      }
    }
    expect(tally.none).toBeGreaterThan(ROUNDS / 20);
    expect(tally.some).toBeGreaterThan(ROUNDS / 20);
    expect(tally.wider).toBeGreaterThan(0);
  });
});

describe('HeadFilter.mayHoldHead (the first stage of the content script)', () => {
  const filter = HeadFilter.of(SHARDED.index.filter, SHARDED.index.filterBits);

  it('says true wherever a matcher needs a shard or finds a term, and false only where none can', () => {
    const next = generator(7);
    const whole = compileMatcher(TABLE);
    const tally = { held: 0, matched: 0, rejected: 0, otherScripts: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const otherScripts = round % 4 === 3;
      const text = next(otherScripts);
      const may = filter.mayHoldHead(text);
      const needs = needed(shardsOf([]), text).any;
      const found = whole.findAll(text).length > 0;
      if (needs || found) expect(may, JSON.stringify(text)).toBe(true);
      // Without another script (separators beyond ASCII included) it is the quick pass itself: the same answer.
      if (!otherScripts) expect(may, JSON.stringify(text)).toBe(needs);
      if (may) tally.held++;
      else tally.rejected++;
      if (found) tally.matched++;
      if (otherScripts) tally.otherScripts++;
    }
    expect(tally.matched).toBeGreaterThan(ROUNDS / 20);
    expect(tally.rejected).toBeGreaterThan(ROUNDS / 20);
    expect(tally.held).toBeGreaterThan(ROUNDS / 20);
  });

  it('reads acronyms in their case, words across ASCII punctuation, and any other script as a possible term', () => {
    expect(filter.mayHoldHead('the morning was quiet — don’t worry,\u00a0the bread… 😀')).toBe(false);
    expect(filter.mayHoldHead('then RAG')).toBe(true);
    expect(filter.mayHoldHead('built on MetaGPT.')).toBe(true);
    expect(filter.mayHoldHead('Die Straße')).toBe(true);
    expect(filter.mayHoldHead('大規模')).toBe(true);
    expect(filter.mayHoldHead('')).toBe(false);
  });
});
