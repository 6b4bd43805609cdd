/**
 * Search benchmark: index size, build time, load time (what a woken service
 * worker pays before its first query: the quick stage) and query time, for
 * the starter snapshot, 3,000 and 50,000 synthetic articles. Beside each
 * figure, a baseline measured in the same run, because only ratios survive
 * noisy machines: MiniSearch indexing every word of every article (the index
 * this one prunes), and a plain substring scan over titles and summaries
 * (what a search without an index does).
 *
 *   npm run bench -- search        or   npx tsx tests/bench/search.bench.ts
 */
import { pathToFileURL } from 'node:url';
import MiniSearch from 'minisearch';
import type { Article } from '../../lib/article';
import {
  createSearchIndex,
  loadQuickSearchIndex,
  loadSearchIndex,
  searchArticles,
  serializeSearchIndex,
} from '../../lib/search/search-index';
import { buildSnapshot } from '../../scripts/build-snapshot';
import { searchCorpus, searchQueries } from './search-corpus';

/** The budget of DESIGN.md: median query time at 50,000 articles. */
const QUERY_BUDGET_MS = 5;
const LIMIT = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

function medianOf(repeat: number, run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) times.push(timed(run).ms);
  return median(times);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

/** Every word of every article in MiniSearch, stored titles: the index before pruning. */
const UNPRUNED_OPTIONS = { fields: ['title', 'summary', 'text'], storeFields: ['title', 'summary'] };
function unprunedIndex(articles: Article[]): MiniSearch {
  const engine = new MiniSearch(UNPRUNED_OPTIONS);
  engine.addAll(articles);
  return engine;
}

function naiveSearch(articles: { id: string; haystack: string }[], query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: string[] = [];
  for (const article of articles) if (words.every((w) => article.haystack.includes(w))) hits.push(article.id);
  return hits.slice(0, LIMIT);
}

function sizes(label: string, articles: Article[], withBaseline: boolean): void {
  const built = timed(() => createSearchIndex(articles));
  const json = serializeSearchIndex(built.value);
  const load = medianOf(5, () => loadSearchIndex(json));
  const quick = medianOf(5, () => loadQuickSearchIndex(json));
  const row = [
    `${label}: ${articles.length.toLocaleString('en')} articles`,
    `index ${mb(json.length)}`,
    `build ${ms(built.ms)}`,
    `load ${ms(load)} (quick stage ${ms(quick)})`,
  ];
  if (withBaseline) {
    const full = JSON.stringify(unprunedIndex(articles));
    const fullLoad = medianOf(5, () => MiniSearch.loadJSON(full, UNPRUNED_OPTIONS));
    row.push(
      `| every word indexed: ${mb(full.length)}, load ${ms(fullLoad)} ` +
        `(size ${(full.length / json.length).toFixed(1)}x ours, load ${(fullLoad / load).toFixed(1)}x ours, ${(fullLoad / quick).toFixed(1)}x our quick stage)`,
    );
  }
  console.log(row.join(', '));
}

function queries(articles: Article[], count: number): void {
  const index = createSearchIndex(articles);
  const asked = searchQueries(articles, count);
  for (const query of asked.slice(0, 30)) searchArticles(index, query, LIMIT); // warm up the JIT
  const times = asked.map((query) => timed(() => searchArticles(index, query, LIMIT)).ms);
  const haystacks = articles.map((a) => ({ id: a.id, haystack: `${a.title}\n${a.summary}`.toLowerCase() }));
  const naive = asked.map((query) => timed(() => naiveSearch(haystacks, query)).ms);
  const verdict = median(times) < QUERY_BUDGET_MS ? 'within' : 'OVER';
  console.log(
    `queries on ${articles.length.toLocaleString('en')} articles (${asked.length} as typed): median ${ms(median(times))}, ` +
      `p90 ${ms(percentile(times, 0.9))} — ${verdict} the ${QUERY_BUDGET_MS} ms budget | ` +
      `substring scan of titles and summaries (no ranking, no bodies, no typos): median ${ms(median(naive))}, ` +
      `${(median(naive) / median(times)).toFixed(1)}x ours`,
  );
}

export default async function searchBench(): Promise<void> {
  const starter = (await buildSnapshot()).articles;
  sizes('starter snapshot', starter, true);
  const three = searchCorpus(3_000);
  sizes('synthetic', three, true);
  queries(three, 300);
  // No html: it is not indexed, and 50,000 bodies twice over would only cost memory.
  const fifty = searchCorpus(50_000).map((article) => ({ ...article, html: '' }));
  sizes('synthetic', fifty, false);
  queries(fifty, 300);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await searchBench();
