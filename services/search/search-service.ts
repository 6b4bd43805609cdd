/**
 * The search index as the background service worker keeps it: in memory
 * while the worker lives, in IndexedDB (meta `searchIndex`) across its
 * restarts. The worker may be stopped at any moment, so the index is loaded
 * lazily by the first query after a wake, in two stages: the quick one
 * (names, tags, summaries: a quarter of the whole) answers at once, and the
 * whole index replaces it once read, without blocking the worker. A missing
 * or unreadable index (an older format, a damaged record) is rebuilt from
 * the articles.
 *
 * An empty query answers the most recently modified articles: the popup
 * shows them before anything is typed, and that first query also starts
 * loading the index, so it is in memory by the time the user has typed a word.
 */
import type { Article } from '../../lib/article';
import type { SearchHit } from '../../lib/protocol';
import {
  createSearchIndexInSteps,
  findArticles,
  loadQuickSearchIndex,
  loadSearchIndexInSteps,
  serializeSearchIndex,
  type SearchIndex,
} from '../../lib/search/search-index';
import { recentHit } from '../../lib/search/recent';
import { makeSnippet } from '../../lib/search/snippet';
import type { Database } from '../store/db';

export interface SearchService {
  /** Hits for a query, best first; for an empty query, the most recently modified articles. */
  query(query: string, limit: number): Promise<SearchHit[]>;
  /** Starts loading the index, if it is not in memory, without waiting for it: a query is about to come. */
  prepare(): void;
  /** Builds the index anew (from the given articles, or every cached one) and saves it. */
  rebuild(articles?: Article[]): Promise<void>;
}

/** The database, or a function that opens it on first use. */
export type DatabaseSource = Database | (() => Promise<Database>);

/** Lets the worker answer other messages between steps of an index build. */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function build(articles: Article[]): Promise<SearchIndex> {
  return createSearchIndexInSteps(articles, yieldToEvents);
}

export function createSearchService(source: DatabaseSource): SearchService {
  const database = typeof source === 'function' ? source : () => Promise.resolve(source);
  let index: SearchIndex | null = null;
  let loading: Promise<SearchIndex> | null = null;
  // Rebuilds run one after another so that the last one is also the one saved.
  let rebuilding: Promise<void> = Promise.resolve();
  let generation = 0;

  async function save(db: Database, built: SearchIndex): Promise<void> {
    await db.put('meta', serializeSearchIndex(built), 'searchIndex');
  }

  /** Any usable index: the quick stage while the whole one loads. */
  function ensureIndex(): Promise<SearchIndex> {
    if (index) return Promise.resolve(index);
    loading ??= (async () => {
      const started = generation;
      const db = await database();
      const saved = await db.get('meta', 'searchIndex');
      if (typeof saved === 'string') {
        try {
          const quick = loadQuickSearchIndex(saved);
          if (started === generation) {
            index = quick;
            setTimeout(() => complete(saved, started), 0);
          }
          return index ?? quick;
        } catch {
          // An index saved by an older version, or damaged: rebuilt below.
        }
      }
      const built = await build(await db.getAll('articles'));
      if (started === generation) {
        index = built;
        await save(db, built);
      }
      return index ?? built;
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  /** Replaces the quick stage with the whole saved index (or a rebuilt one if that cannot be read). */
  function complete(saved: string, started: number): void {
    loadSearchIndexInSteps(saved).then(
      (whole) => {
        // A rebuild that finished meanwhile has the newer articles: keep it.
        if (started === generation) index = whole;
      },
      () => {
        if (started === generation) void rebuild().catch(() => undefined);
      },
    );
  }

  function prepare(): void {
    void ensureIndex().catch(() => undefined);
  }

  async function recent(limit: number): Promise<SearchHit[]> {
    const hits = await recentArticles(await database(), limit);
    // The user is about to type: load the index now, but after this answer
    // has left, as loading keeps the worker busy for a moment.
    setTimeout(prepare, 0);
    return hits;
  }

  async function query(text: string, limit: number): Promise<SearchHit[]> {
    const wanted = Math.max(0, Math.floor(limit));
    if (wanted === 0) return [];
    if (!text.trim()) return recent(wanted);
    const found = findArticles(await ensureIndex(), text, wanted);
    const hits = found.map((article) => ({ article, snippet: makeSnippet(article.summary, article.terms) }));
    // The summary is stored in the index; the full text is not. For the few
    // hits whose match lies past the summary, cut the snippet from the text.
    const needText = hits.filter((hit) => !hit.snippet.matched && hit.article.terms.length > 0);
    if (needText.length > 0) {
      const store = (await database()).transaction('articles').store;
      const texts = await Promise.all(needText.map((hit) => store.get(hit.article.id)));
      needText.forEach((hit, i) => {
        const full = texts[i];
        if (!full) return;
        const fromText = makeSnippet(full.text, hit.article.terms);
        if (fromText.matched) hit.snippet = fromText;
      });
    }
    return hits.map(({ article, snippet }) => ({ id: article.id, title: article.title, snippet: snippet.text }));
  }

  function rebuild(articles?: Article[]): Promise<void> {
    generation++;
    const run = rebuilding.then(async () => {
      const db = await database();
      const built = await build(articles ?? (await db.getAll('articles')));
      index = built;
      await save(db, built);
    });
    // A failed rebuild must not block the next one.
    rebuilding = run.catch(() => undefined);
    return run;
  }

  return { query, prepare, rebuild };
}

/** The most recently modified articles as hits (lib/search/recent.ts), read from the database: `limit` records, no index needed. */
export async function recentArticles(db: Database, limit: number): Promise<SearchHit[]> {
  const hits: SearchHit[] = [];
  let cursor = await db.transaction('articles').store.index('byModified').openCursor(null, 'prev');
  while (cursor && hits.length < limit) {
    hits.push(recentHit(cursor.value));
    cursor = await cursor.continue();
  }
  return hits;
}
