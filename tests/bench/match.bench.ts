/**
 * Matcher benchmark: findAll over 1 MB of text with the term tables of 1k,
 * 10k and 50k articles, beside three baselines measured in the same run,
 * because only ratios survive noisy machines. Two texts per table: one page
 * for every table (the text written for the smallest, whose articles every
 * larger table holds too: a page's text does not change as the wiki grows,
 * and the budget of DESIGN.md is on the cost as the base grows), and a text
 * of its own that names the table's articles across all of it (the text
 * then changes too: the tokenize floor moves with it).
 *
 * - a bare tokenize pass over the same text (the floor: findAll's own
 *   tokenizer, doing nothing with the tokens);
 * - one RegExp per term, as glossary highlighters commonly do;
 * - ONE alternation RegExp of all terms, longest first.
 *
 * The two RegExp baselines are too slow to run whole (one alternation of
 * 2,936 phrases took 40 s over 1 MB here), so each runs on a part — a
 * thousand RegExps, or a stretch of text sized to take about a second — and
 * is scaled linearly to the whole (marked *).
 *
 *   npm run bench -- match        or   npx tsx tests/bench/match.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { compileMatcher } from '../../lib/match/matcher';
import { TokenCursor } from '../../lib/match/normalize';
import { buildTermTable, type TermTable } from '../../lib/match/term-table';
import { syntheticArticles, syntheticText } from './synthetic-wiki';

export interface MatchBenchRow {
  articles: number;
  terms: number;
  tableBytes: number;
  tableGzipBytes: number;
  buildMs: number;
  parseMs: number;
  compileMs: number;
  findAllMs: number;
  matches: number;
  /** findAll over the one page every table reads. */
  samePageMs: number;
  samePageMatches: number;
  tokenizeMs: number;
  tokens: number;
  perTermMs: number;
  alternationMs: number;
  /** Why V8 would not run the alternation, if it would not. */
  alternationRefused?: string;
}

const TEXT_SIZE = 1_000_000;
/** The per-term baseline runs at most this many RegExps; beyond, its time is scaled up linearly. */
const PER_TERM_LIMIT = 1_000;
/** The alternation baseline runs on a stretch of text that takes about this long, then is scaled. */
const ALTERNATION_TARGET_MS = 1_000;
/** The budget of DESIGN.md: findAll within this factor from the smallest to the largest base. */
const FLATNESS_BUDGET = 1.5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(run: () => T, repeat = 5): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    value = run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), value };
}

const escape = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A phrase of the table as a RegExp source: its words with any soft gap between them. */
const phraseSource = (phrase: string) => phrase.split(' ').map(escape).join('[\\s\\-\u2010-\u2015_]+');

/** One RegExp per term over the text; matches counted. */
function perTermCount(phrases: readonly string[], text: string): number {
  let count = 0;
  for (const phrase of phrases) {
    const flags = /\p{Lu}/u.test(phrase) ? 'gu' : 'giu';
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${phraseSource(phrase)}(?![\\p{L}\\p{N}])`, flags);
    while (re.exec(text)) count++;
  }
  return count;
}

/** One RegExp of every term, longest alternative first (RegExp alternation takes the first that fits). */
function alternationOf(table: TermTable): RegExp {
  const alternatives = [...table.terms].sort((a, b) => b.length - a.length).map(phraseSource);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'giu');
}

/**
 * The alternation's time over the whole text, extrapolated from a stretch
 * sized to take about a second; NaN with the reason when V8 refuses it (it
 * compiles a RegExp on first use and has a size limit).
 */
function alternationMs(table: TermTable, text: string): { ms: number; refused?: string } {
  const started = performance.now();
  const re = alternationOf(table);
  let length = 2_000;
  try {
    for (;;) {
      const sample = text.slice(0, length);
      re.lastIndex = 0;
      const t = performance.now();
      while (re.exec(sample));
      const ms = performance.now() - t;
      if (ms >= ALTERNATION_TARGET_MS / 4 || length >= text.length) {
        return { ms: t - started + (ms * text.length) / length };
      }
      length = Math.min(text.length, Math.ceil(length * Math.max(2, ALTERNATION_TARGET_MS / Math.max(ms, 0.5))));
    }
  } catch (error) {
    // The message quotes the whole pattern: keep its last words.
    const message = error instanceof Error ? error.message : String(error);
    return { ms: NaN, refused: message.slice(message.lastIndexOf(':') + 1).trim() };
  }
}

function tokenCount(text: string): number {
  const cursor = new TokenCursor(text);
  let n = 0;
  while (cursor.next()) n++;
  return n;
}

export function runMatchBench(sizes: readonly number[] = [1_000, 10_000, 50_000]): MatchBenchRow[] {
  const rows: MatchBenchRow[] = [];
  // syntheticArticles(n) begins with syntheticArticles(m) for m < n: every table holds this page's articles.
  const page = syntheticText(TEXT_SIZE, syntheticArticles(Math.min(...sizes)));
  for (const size of sizes) {
    const articles = syntheticArticles(size);
    const text = syntheticText(TEXT_SIZE, articles);
    const build = time(() => buildTermTable(articles), size > 10_000 ? 1 : 3);
    const table = build.value;
    const json = JSON.stringify(table);
    const parse = time(() => JSON.parse(json) as TermTable);
    const compile = time(() => compileMatcher(table));
    const matcher = compile.value;
    // Warm up: the tries of the heads a text holds are built on first use.
    matcher.findAll(page);
    const samePage = time(() => matcher.findAll(page));
    matcher.findAll(text);
    const find = time(() => matcher.findAll(text));
    tokenCount(text);
    const tokenize = time(() => tokenCount(text));
    const perTermPhrases = table.terms.slice(0, PER_TERM_LIMIT);
    const perTerm = time(() => perTermCount(perTermPhrases, text), 1);
    const alternation = alternationMs(table, text);
    rows.push({
      articles: size,
      terms: table.terms.length,
      tableBytes: json.length,
      tableGzipBytes: gzipSync(json).length,
      buildMs: build.ms,
      parseMs: parse.ms,
      compileMs: compile.ms,
      findAllMs: find.ms,
      matches: find.value.length,
      samePageMs: samePage.ms,
      samePageMatches: samePage.value.length,
      tokenizeMs: tokenize.ms,
      tokens: tokenize.value,
      perTermMs: (perTerm.ms * table.terms.length) / perTermPhrases.length,
      alternationMs: alternation.ms,
      ...(alternation.refused ? { alternationRefused: alternation.refused } : {}),
    });
  }
  return rows;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const ratio = (value: number) => (value >= 100 ? `${value.toFixed(0)}x` : `${value.toFixed(1)}x`);

export function formatMatchBench(rows: readonly MatchBenchRow[]): string {
  const lines = [
    `findAll over ${(TEXT_SIZE / 1e6).toFixed(1)} MB of text (Node ${process.versions.node}), median of 5; baselines in the same run (* scaled from a part)`,
    '',
    'articles  phrases  table KB (gzip)  build ms  parse ms  compile ms | one page: findAll ms (matches) | own text: findAll ms  tokenize ms  per-term RegExp ms*  one alternation ms*',
  ];
  for (const r of rows) {
    lines.push(
      [
        String(r.articles).padStart(8),
        String(r.terms).padStart(8),
        `${(r.tableBytes / 1024).toFixed(0)} (${(r.tableGzipBytes / 1024).toFixed(0)})`.padStart(16),
        ms(r.buildMs).padStart(9),
        r.parseMs.toFixed(2).padStart(9),
        r.compileMs.toFixed(2).padStart(11),
        '|',
        `${ms(r.samePageMs)} (${r.samePageMatches})`.padStart(29),
        '|',
        ms(r.findAllMs).padStart(20),
        ms(r.tokenizeMs).padStart(12),
        ms(r.perTermMs).padStart(20),
        (r.alternationRefused ? 'refused by V8' : ms(r.alternationMs)).padStart(20),
      ].join(' '),
    );
  }
  lines.push('', 'ratios, same run:  findAll / tokenize   per-term RegExp / findAll   alternation / findAll');
  for (const r of rows) {
    lines.push(
      `  ${String(r.articles).padStart(6)} articles: ${ratio(r.findAllMs / r.tokenizeMs).padStart(8)} ${ratio(r.perTermMs / r.findAllMs).padStart(22)} ${(r.alternationRefused ? `(${r.alternationRefused})` : ratio(r.alternationMs / r.findAllMs)).padStart(24)}`,
    );
  }
  const small = rows[0];
  const large = rows.at(-1);
  if (small && large && small !== large) {
    const growth = large.samePageMs / small.samePageMs;
    const ownGrowth = large.findAllMs / small.findAllMs;
    const floor = large.tokenizeMs / small.tokenizeMs;
    lines.push(
      '',
      `findAll ${large.articles} vs ${small.articles} articles, one page: ${growth.toFixed(2)}x (budget: within ${FLATNESS_BUDGET}x) — ${growth <= FLATNESS_BUDGET ? 'within' : 'OVER'}`,
      `  each table's own text: ${ownGrowth.toFixed(2)}x, while the tokenize floor of those texts moved ${floor.toFixed(2)}x in the same run`,
    );
  }
  return lines.join('\n');
}

export default async function matchBench(): Promise<void> {
  console.log(formatMatchBench(runMatchBench()));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await matchBench();
