/**
 * Matcher benchmark: table build, JSON size, compile and findAll over 1 MB of
 * text at 1k / 10k / 50k articles, beside a naive matcher (one RegExp per
 * term) measured in the same run, because only ratios survive noisy machines.
 *
 *   npx tsx tests/bench/match-bench.ts
 */
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { compileMatcher } from '../../lib/match/matcher';
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
  naiveMs: number;
  naiveExtrapolated: boolean;
}

const TEXT_SIZE = 1_000_000;
/** The naive baseline runs at most this many RegExps; beyond, its time is scaled up linearly. */
const NAIVE_TERM_LIMIT = 1_000;

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

/** One RegExp per term, as glossary highlighters commonly do. */
function naiveMatchCount(table: TermTable, terms: number, text: string): number {
  let count = 0;
  for (const phrase of table.terms.slice(0, terms)) {
    const body = phrase
      .split(' ')
      .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\-\u2010-\u2015_]+');
    const flags = /\p{Lu}/u.test(phrase) ? 'gu' : 'giu';
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, flags);
    while (re.exec(text)) count++;
  }
  return count;
}

export function runMatchBench(sizes: readonly number[] = [1_000, 3_000, 10_000, 50_000]): MatchBenchRow[] {
  const rows: MatchBenchRow[] = [];
  for (const size of sizes) {
    const articles = syntheticArticles(size);
    const text = syntheticText(TEXT_SIZE, articles);
    const build = time(() => buildTermTable(articles), size > 10_000 ? 1 : 3);
    const table = build.value;
    const json = JSON.stringify(table);
    const parse = time(() => JSON.parse(json) as TermTable);
    const compile = time(() => compileMatcher(table));
    const matcher = compile.value;
    matcher.findAll(text); // warm up
    const find = time(() => matcher.findAll(text));
    const naiveTerms = Math.min(NAIVE_TERM_LIMIT, table.terms.length);
    const naive = time(() => naiveMatchCount(table, naiveTerms, text), 1);
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
      naiveMs: (naive.ms * table.terms.length) / naiveTerms,
      naiveExtrapolated: naiveTerms < table.terms.length,
    });
  }
  return rows;
}

export function formatMatchBench(rows: readonly MatchBenchRow[]): string {
  const lines = [
    `findAll over ${(TEXT_SIZE / 1e6).toFixed(1)} MB of text; naive = one RegExp per term (* = measured on ${NAIVE_TERM_LIMIT} terms, scaled)`,
    'articles  terms   table KB (gzip)  build ms  parse ms  compile ms  findAll ms  matches  naive ms   naive/findAll',
  ];
  for (const r of rows) {
    lines.push(
      [
        String(r.articles).padStart(8),
        String(r.terms).padStart(7),
        `${(r.tableBytes / 1024).toFixed(0)} (${(r.tableGzipBytes / 1024).toFixed(0)})`.padStart(16),
        r.buildMs.toFixed(1).padStart(9),
        r.parseMs.toFixed(2).padStart(9),
        r.compileMs.toFixed(2).padStart(11),
        r.findAllMs.toFixed(2).padStart(11),
        String(r.matches).padStart(8),
        `${r.naiveMs.toFixed(0)}${r.naiveExtrapolated ? '*' : ' '}`.padStart(10),
        `${(r.naiveMs / r.findAllMs).toFixed(0)}x`.padStart(14),
      ].join(' '),
    );
  }
  const small = rows[0];
  const large = rows.at(-1);
  if (small && large && small !== large) {
    lines.push(
      `findAll ${large.articles} vs ${small.articles} articles: ${(large.findAllMs / small.findAllMs).toFixed(2)}x (budget: within 1.5x)`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatMatchBench(runMatchBench()));
}
