/**
 * Full-text search over the cached articles, built on MiniSearch (BM25,
 * prefix and fuzzy matching over a radix tree). Two things are ours.
 *
 * The ranking on top, which a glossary search needs and BM25 alone gets
 * wrong:
 *   0. the query IS the article's name: its title, an alias, an acronym
 *      ("RAG", "MCP"), a bold term of its definition;
 *   1. the title starts with the query ("meta" -> "MetaGPT: ...");
 *   2. an alias starts with the query ("opendev" -> "OpenHands");
 *   3. everything else, by BM25 score.
 * Guides and news (how_to_*, *_comparison, *_vs_*, digest_*) mention many
 * terms in passing, so within a tier they weigh a little less than the
 * articles that define those terms.
 *
 * And what goes into the index. A first version indexed every word of every
 * article: for 3,000 synthetic articles of about 600 words
 * (tests/bench/search.bench.ts) that is a 12.9 MB index taking 600-800 ms to
 * load when the service worker wakes, and over 50,000 articles a query took
 * 31 ms (median), because a word like "model" matched nearly every article.
 * Pruned, the same 3,000 articles make an engine under 5 MB, and queries over
 * 50,000 take 1-4 ms (median) on a busy two-core machine. The body text is pruned
 * statically (Carmel et al., "Static index pruning for information retrieval
 * systems", SIGIR 2001): names, tags and the summary are indexed whole, but
 * from the body only each article's most distinctive words (by tf-idf) are
 * kept, and words found in a large share of the articles ("common" words)
 * are dropped from the body and the summary; they still match titles,
 * aliases and tags, where they tell articles apart. A query word that is
 * common is then optional: it adds to the score of the articles that have
 * it in their names but does not exclude the others.
 *
 * Typos: a word of 4 letters or more that the index does not know is matched
 * fuzzily. A word it knows is taken as typed; looking for its near neighbours
 * too (at edit distance 2 for long words) cost 1-5 ms a query at 50,000
 * articles and mostly found unrelated words.
 */
import MiniSearch, { type AsPlainObject, type Options, type Query, type SearchResult } from 'minisearch';
import type { Article } from '../article';
import type { SearchHit } from '../protocol';
import { makeSnippet } from './snippet';
import { comparable, indexTerm, queryTerms, tokenize, type QueryTerm } from './terms';

/**
 * Bumped whenever the fields, the term rules or the stored fields change: an
 * index persisted by an older version then fails to load and is rebuilt.
 */
export const SEARCH_INDEX_FORMAT = 2;

/** Body words kept per article, the most distinctive first (see the module comment). */
export const BODY_TERMS_PER_ARTICLE = 64;

/**
 * A word in more articles than this is common. The floor keeps small wikis
 * fully searchable; the share bounds posting lists, and so query time, as the
 * wiki grows.
 */
const COMMON_MIN_ARTICLES = 200;
const COMMON_SHARE = 0.05;

/** What MiniSearch indexes for one article. */
interface IndexedArticle {
  id: string;
  title: string;
  aliases: string;
  tags: string;
  summary: string;
  /** The article's kept body words, already index terms, space-separated. */
  body: string;
  /** Stored only: the comparable title, then every other name the article answers to. */
  names: string[];
}

const NAME_FIELDS = ['title', 'aliases', 'tags'];
/** What the quick stage indexes (see loadQuickSearchIndex). */
const QUICK_FIELDS = [...NAME_FIELDS, 'summary'];
/** The body last, so that the other fields keep their ids in the quick stage's engine. */
const ALL_FIELDS = [...QUICK_FIELDS, 'body'];
const FIELD_BOOSTS = { title: 5, aliases: 3, tags: 2, summary: 1.5, body: 1 } as const;

/**
 * Only what a result row needs is stored: the title, the summary (for the
 * snippet, about 500 characters) and the comparable names (for the tiers).
 * The full text stays in the articles store, where the search service reads
 * it for the few hits whose summary has no match.
 */
const STORED_FIELDS = ['title', 'summary', 'names'];

/** Prefixes shorter than this never expand over bodies: "a" would expand to every word in "a". */
const MIN_BODY_PREFIX = 3;

/** How much guides and news weigh within a tier; see the module comment. */
const PASSING_MENTION_WEIGHT = 0.8;
const PASSING_MENTION_IDS = /(^|:)(how_to_|digest_\d)|_comparison$|_vs_/;

function engineOptions(common: ReadonlySet<string>, fields = ALL_FIELDS): Options<IndexedArticle> {
  return {
    fields,
    storeFields: STORED_FIELDS,
    tokenize: (text, field) => (field === 'body' ? text.split(' ') : tokenize(text)),
    processTerm: (token, field) => {
      if (field === 'body') return token || null;
      const term = indexTerm(token);
      return term !== null && field === 'summary' && common.has(term) ? null : term;
    },
  };
}

export interface SearchIndex {
  readonly engine: MiniSearch<IndexedArticle>;
  /** Words dropped from bodies and summaries because too many articles have them. */
  readonly common: ReadonlySet<string>;
  /** Every word the index knows, common ones included: the others may be typos. */
  readonly vocabulary: ReadonlySet<string>;
  /** Articles in the index. */
  readonly size: number;
  /**
   * False for the quick stage, which knows names, tags and summaries but no
   * body words (see loadQuickSearchIndex).
   */
  readonly complete: boolean;
}

/** A ranked article before its snippet is cut. */
export interface FoundArticle {
  id: string;
  title: string;
  summary: string;
  /** The index terms of the article that matched (lowercase, plurals folded). */
  terms: string[];
}

export function createSearchIndex(articles: readonly Article[]): SearchIndex {
  const steps = buildSteps(articles);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same index, built in steps of BUILD_STEP articles with `pause()`
 * awaited between them, so that the service worker building it keeps
 * answering the pages (a hover card waits for no index): building 3,000
 * articles takes one to two seconds of CPU on a busy two-core machine.
 */
export async function createSearchIndexInSteps(articles: readonly Article[], pause: () => Promise<void>): Promise<SearchIndex> {
  const steps = buildSteps(articles);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** Articles handled between two pauses of createSearchIndexInSteps. */
const BUILD_STEP = 250;

function* buildSteps(articles: readonly Article[]): Generator<void, SearchIndex> {
  // MiniSearch throws on a duplicate id; the last copy of an article wins.
  const unique = [...new Map(articles.map((article) => [article.id, article])).values()];
  const documentFrequency = new Map<string, number>();
  for (const [i, article] of unique.entries()) {
    for (const term of new Set(termsOf(article.text))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    if (i % BUILD_STEP === BUILD_STEP - 1) yield;
  }
  const threshold = Math.max(COMMON_MIN_ARTICLES, unique.length * COMMON_SHARE);
  const common = new Set<string>();
  for (const [term, count] of documentFrequency) if (count > threshold) common.add(term);

  const options = engineOptions(common);
  const engine = new MiniSearch<IndexedArticle>(options);
  const vocabulary = new Set(common);
  for (const [i, article] of unique.entries()) {
    const document = toIndexed(article, keptBodyTerms(article.text, documentFrequency, common, unique.length));
    engine.add(document);
    for (const field of ALL_FIELDS) {
      for (const token of options.tokenize!(document[field as keyof IndexedArticle] as string, field)) {
        const term = options.processTerm!(token, field);
        if (typeof term === 'string') vocabulary.add(term);
      }
    }
    if (i % BUILD_STEP === BUILD_STEP - 1) yield;
  }
  return { engine, common, vocabulary, size: engine.documentCount, complete: true };
}

/*
 * The saved form has two lines, so that a woken service worker can answer
 * before it has read all of it:
 *   1. {format, common, quick}: a MiniSearch engine over names, tags and
 *      summaries, with the stored fields (about a quarter of the postings);
 *   2. {engine}: the whole engine, stored fields left out (line 1 has them).
 * The quick engine is derived from the whole one's plain form by dropping
 * the body field, so building costs nothing more; saving costs the names'
 * postings twice.
 */

export function serializeSearchIndex(index: SearchIndex): string {
  if (!index.complete) throw new Error('Only a complete search index can be saved.');
  const whole = index.engine.toJSON();
  const bodyId = whole.fieldIds['body']!;
  const quick: AsPlainObject = {
    ...whole,
    fieldIds: Object.fromEntries(Object.entries(whole.fieldIds).filter(([, id]) => id !== bodyId)),
    fieldLength: Object.fromEntries(Object.entries(whole.fieldLength).map(([id, lengths]) => [id, lengths.slice(0, bodyId)])),
    averageFieldLength: whole.averageFieldLength.slice(0, bodyId),
    index: whole.index.flatMap(([term, fields]) => {
      const { [bodyId]: _body, ...rest } = fields;
      return Object.keys(rest).length > 0 ? [[term, rest] as [string, typeof rest]] : [];
    }),
  };
  const head = JSON.stringify({ format: SEARCH_INDEX_FORMAT, common: [...index.common], quick });
  const tail = JSON.stringify({ engine: { ...whole, storedFields: {} } });
  // JSON.stringify escapes every newline inside strings: the one between the lines is the only one.
  return `${head}\n${tail}`;
}

interface SavedHead {
  common: string[];
  quick: AsPlainObject;
}

function readHead(json: string): SavedHead {
  const end = json.indexOf('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(end === -1 ? json : json.slice(0, end));
  } catch {
    throw new Error('The saved search index is not valid JSON.');
  }
  if (!parsed || typeof parsed !== 'object') throw new Error('The saved search index is not an object.');
  const { format, common, quick } = parsed as { format?: unknown; common?: unknown; quick?: unknown };
  if (format !== SEARCH_INDEX_FORMAT) {
    throw new Error(`The saved search index has format ${String(format)}, not ${SEARCH_INDEX_FORMAT}.`);
  }
  if (!Array.isArray(common) || !common.every((t) => typeof t === 'string') || !isPlainEngine(quick)) {
    throw new Error('The saved search index is incomplete.');
  }
  return { common, quick };
}

function readTail(json: string, head: SavedHead): AsPlainObject {
  const end = json.indexOf('\n');
  let parsed: unknown;
  try {
    parsed = end === -1 ? undefined : JSON.parse(json.slice(end + 1));
  } catch {
    throw new Error('The saved search index is not valid JSON.');
  }
  const engine = (parsed as { engine?: unknown } | undefined)?.engine;
  if (!isPlainEngine(engine)) throw new Error('The saved search index is incomplete.');
  return { ...engine, storedFields: head.quick.storedFields };
}

function isPlainEngine(value: unknown): value is AsPlainObject {
  return !!value && typeof value === 'object' && Array.isArray((value as { index?: unknown }).index);
}

function assemble(engine: MiniSearch<IndexedArticle>, plain: AsPlainObject, common: string[], complete: boolean): SearchIndex {
  const vocabulary = new Set<string>(common);
  for (const [term] of plain.index) vocabulary.add(term);
  return { engine, common: new Set(common), vocabulary, size: engine.documentCount, complete };
}

function readable<T>(load: () => T): T {
  try {
    return load();
  } catch (thrown) {
    throw new Error(`The saved search index cannot be read: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
}

/** Loads a saved index whole; throws a clear Error for anything else (the caller rebuilds). */
export function loadSearchIndex(json: string): SearchIndex {
  const head = readHead(json);
  const plain = readTail(json, head);
  return readable(() => assemble(MiniSearch.loadJS<IndexedArticle>(plain, engineOptions(new Set(head.common))), plain, head.common, true));
}

/**
 * Loads the quick stage of a saved index: names, tags and summaries, about a
 * quarter of the whole. A woken service worker answers its first queries
 * with it while loadSearchIndexInSteps reads the rest.
 */
export function loadQuickSearchIndex(json: string): SearchIndex {
  const head = readHead(json);
  const options = engineOptions(new Set(head.common), QUICK_FIELDS);
  return readable(() => assemble(MiniSearch.loadJS<IndexedArticle>(head.quick, options), head.quick, head.common, false));
}

/** Loads a saved index whole, yielding to other work as it goes (MiniSearch's own loadJSAsync). */
export async function loadSearchIndexInSteps(json: string): Promise<SearchIndex> {
  const head = readHead(json);
  const plain = readTail(json, head);
  try {
    const engine = await MiniSearch.loadJSAsync<IndexedArticle>(plain, engineOptions(new Set(head.common)));
    return assemble(engine, plain, head.common, true);
  } catch (thrown) {
    throw new Error(`The saved search index cannot be read: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
}

/** The best `limit` articles for a query, each with a snippet; an empty query finds nothing. */
export function searchArticles(index: SearchIndex, query: string, limit: number): SearchHit[] {
  return findArticles(index, query, limit).map((found) => ({
    id: found.id,
    title: found.title,
    snippet: makeSnippet(found.summary, found.terms).text,
  }));
}

/**
 * The best `limit` articles for a query, ranked, before snippets. All query
 * words must match (AND), except common ones (see the module comment); when
 * no article has them all, any word will do (OR).
 */
export function findArticles(index: SearchIndex, query: string, limit: number): FoundArticle[] {
  if (limit <= 0) return [];
  const terms = queryTerms(query).map((t) => (index.vocabulary.has(t.term) ? { ...t, fuzzy: 0 } : t));
  if (terms.length === 0) return [];
  let required = terms.filter((t) => t.prefix || !index.common.has(t.term));
  let optional = terms.filter((t) => !required.includes(t));
  if (required.length === 0) [required, optional] = [terms, []];

  // The word being typed first expands over names only; bodies are searched
  // for longer words it starts only when names give too few results. Body
  // prefixes of 3-4 letters expand to hundreds of words and thousands of
  // postings (measured: "ter" over 50,000 articles, 6,740 words, 480 ms),
  // and those matches would rank below the name matches anyway.
  let results = run(index, required, 'AND', 'names');
  const widens = terms.some((t) => t.prefix && t.term.length >= MIN_BODY_PREFIX);
  if (results.length < limit && widens) results = run(index, required, 'AND', 'everywhere');
  if (results.length === 0 && terms.length > 1) {
    results = run(index, terms, 'OR', widens ? 'everywhere' : 'names');
    optional = [];
  }
  if (results.length > 0 && optional.length > 0) addOptionalScores(index, results, optional);
  return rank(results, comparable(query), limit);
}

/** Where the word being typed may match longer words. */
type PrefixScope = 'names' | 'everywhere';

function run(index: SearchIndex, terms: QueryTerm[], combineWith: 'AND' | 'OR', scope: PrefixScope): SearchResult[] {
  const query: Query = { combineWith, queries: terms.map((term) => termQuery(term, scope)) };
  return index.engine.search(query, {
    // Terms arrive cut and normalised by queryTerms: one term per subquery.
    tokenize: (text) => [text],
    processTerm: (term) => term,
    boost: { ...FIELD_BOOSTS },
  });
}

function termQuery({ term, prefix, fuzzy }: QueryTerm, scope: PrefixScope): Query {
  if (!prefix || (scope === 'everywhere' && term.length >= MIN_BODY_PREFIX)) return { queries: [term], prefix, fuzzy };
  // The exact (or misspelt) word anywhere, longer words only in names.
  return {
    combineWith: 'OR',
    queries: [
      { queries: [term], fuzzy },
      { queries: [term], prefix: true, fields: NAME_FIELDS },
    ],
  };
}

function addOptionalScores(index: SearchIndex, results: SearchResult[], optional: QueryTerm[]): void {
  const extra = new Map<string, number>();
  const boosts = index.engine.search(optional.map((t) => t.term).join(' '), {
    fields: NAME_FIELDS,
    combineWith: 'OR',
    tokenize: (text) => text.split(' '),
    processTerm: (term) => term,
    boost: { ...FIELD_BOOSTS },
  });
  for (const hit of boosts) extra.set(hit.id as string, hit.score);
  for (const result of results) {
    const bonus = extra.get(result.id as string);
    if (bonus !== undefined) result.score += bonus;
  }
}

interface Ranked {
  result: SearchResult;
  tier: number;
  score: number;
}

function rank(results: SearchResult[], wanted: string, limit: number): FoundArticle[] {
  const ranked: Ranked[] = results.map((result) => {
    const names = result['names'] as string[];
    const weight = PASSING_MENTION_IDS.test(result.id as string) ? PASSING_MENTION_WEIGHT : 1;
    return { result, tier: tierOf(names, wanted), score: result.score * weight };
  });
  ranked.sort((a, b) => a.tier - b.tier || b.score - a.score);
  return ranked.slice(0, limit).map(({ result }) => ({
    id: result.id as string,
    title: result['title'] as string,
    summary: result['summary'] as string,
    terms: result.terms,
  }));
}

function tierOf(names: readonly string[], wanted: string): number {
  if (!wanted) return 3;
  const plural = `${wanted}s`;
  if (names.some((name) => name === wanted || name === plural || `${name}s` === wanted)) return 0;
  if (names[0]?.startsWith(wanted)) return 1;
  if (names.some((name) => name.startsWith(wanted))) return 2;
  return 3;
}

function termsOf(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = indexTerm(token);
    if (term !== null) terms.push(term);
  }
  return terms;
}

/** The article's most distinctive body words by tf-idf, common words left out. */
function keptBodyTerms(text: string, documentFrequency: ReadonlyMap<string, number>, common: ReadonlySet<string>, total: number): string[] {
  const counts = new Map<string, number>();
  for (const term of termsOf(text)) if (!common.has(term)) counts.set(term, (counts.get(term) ?? 0) + 1);
  const weighted = [...counts].map(([term, count]) => ({
    term,
    weight: (1 + Math.log(count)) * Math.log(total / (documentFrequency.get(term) ?? 1) + 1),
  }));
  weighted.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1));
  return weighted.slice(0, BODY_TERMS_PER_ARTICLE).map((w) => w.term);
}

function toIndexed(article: Article, body: string[]): IndexedArticle {
  const aliases = articleAliases(article);
  const titleKey = comparable(article.title);
  // Only names that add words are indexed as aliases: "MetaGPT" or "RAG" read
  // off the title would count the title's words twice, and lift articles with
  // a colon or parentheses in their title above those without ("agents" put
  // "Chain of Thought (CoT) Agents" above "AI Agents").
  const titleWords = new Set(titleKey.split(' '));
  const newNames = aliases.filter((alias) => comparable(alias).split(' ').some((word) => !titleWords.has(word)));
  return {
    id: article.id,
    title: article.title,
    aliases: newNames.join(' \n '),
    tags: article.tags.join(' '),
    summary: article.summary,
    body: body.join(' '),
    // The id in words names the article too ("open closed performance gap"),
    // for the tiers only: indexed, it would give articles whose id differs
    // from their title a second field of the same words.
    names: [...new Set([titleKey, ...aliases.map(comparable), comparable(article.id.slice(article.id.lastIndexOf(':') + 1))])],
  };
}

/**
 * Names an article answers to besides its full title, read off the title and
 * the bold terms of its definition: "MetaGPT: Multi-Agent Framework with
 * SOPs" -> "MetaGPT"; "Retrieval-Augmented Generation (RAG)" -> "Retrieval-
 * Augmented Generation", "RAG"; "OpenHands (formerly OpenDevin)" ->
 * "OpenHands", "OpenDevin". Each name once, the title not among them.
 */
export function articleAliases(article: Pick<Article, 'title' | 'boldTerms'>): string[] {
  const names: string[] = [];
  const title = article.title.trim();
  const colon = title.indexOf(':');
  if (colon > 0) names.push(title.slice(0, colon));
  for (const match of title.matchAll(/\(([^()]+)\)/g)) {
    names.push(match[1]!.replace(/^(formerly|also|aka|a\.k\.a\.)\s+(known as\s+)?/i, ''));
  }
  const bare = title.replace(/\s*\([^()]*\)\s*/g, ' ').trim();
  if (bare !== title) names.push(bare);
  names.push(...article.boldTerms);
  // One spelling per name: "Large language models" (bold) is the title's "Large Language Models".
  const byKey = new Map<string, string>();
  for (const name of names) {
    const key = comparable(name);
    if (key && key !== comparable(title) && !byKey.has(key)) byKey.set(key, name.trim());
  }
  return [...byKey.values()];
}
