/**
 * What is derived from the cached articles and rebuilt after every change to
 * them: the compact term table the content scripts compile (kept in
 * browser.storage.local, which content scripts can read without waking the
 * background), the search index (kept by the search service, in meta) and
 * the recent articles a search lists before anything is typed (in
 * browser.storage.local too, for the popup: services/search/page-search.ts).
 *
 * Both are built from one consistent read of the cache (one transaction,
 * taken after a sync's swap) and each replaces its predecessor in a single
 * write, so a reader sees the old table or the new one, never a mix. The
 * generation of the cache they were built from is recorded last: a
 * worker stopped between a swap and this rebuild is caught on its next wake
 * by `ensureDerivedDataCurrent`.
 */
import type { Article } from '../../lib/article';
import { buildTermTable, termTableOptionsFrom, termTableSettingsKey, type TermTableSettings } from '../../lib/match/term-table';
import type { SearchHit } from '../../lib/protocol';
import { recentHits } from '../../lib/search/recent';
import { RECENT_ARTICLES_KEPT, saveLocal } from '../local-state';
import type { Database } from '../store/db';
import { storeTermTable } from '../page/term-table-store';
import type { SearchService } from '../search/search-service';

/** Articles are read this many at a time, within one transaction. */
const READ_CHUNK = 500;

export interface DerivedDataDeps {
  search: Pick<SearchService, 'rebuild'>;
  /** Where the term table goes; default browser.storage.local, sharded (services/page/term-table-store.ts). */
  saveTermTable?: (table: ReturnType<typeof buildTermTable>) => Promise<void>;
  /** The user's aliases and everyday-word choice; none when absent. */
  termSettings?: () => Promise<TermTableSettings>;
  /** Where the recent articles go; default browser.storage.local (`recentArticles`). */
  saveRecentArticles?: (hits: SearchHit[]) => Promise<void>;
}

export async function rebuildDerivedData(db: Database, deps: DerivedDataDeps): Promise<void> {
  const { articles, generation } = await readForDerivedData(db);
  const settings = await deps.termSettings?.();
  const termTable = buildTermTable(articles, settings ? termTableOptionsFrom(settings) : {});
  await deps.search.rebuild(articles);
  await (deps.saveTermTable ?? ((table) => storeTermTable(table)))(termTable);
  await (deps.saveRecentArticles ?? ((hits) => saveLocal('recentArticles', hits)))(recentHits(articles, RECENT_ARTICLES_KEPT));
  const tx = db.transaction('meta', 'readwrite');
  await Promise.all([
    tx.store.put(generation, 'derivedGeneration'),
    tx.store.put(settings ? termTableSettingsKey(settings) : '', 'termTableKey'),
    tx.done,
  ]);
}

/**
 * Rebuilds the derived data when it was built from an older cache than the
 * one stored, or with other term settings than the user's now; true when it did.
 */
export async function ensureDerivedDataCurrent(db: Database, deps: DerivedDataDeps): Promise<boolean> {
  const tx = db.transaction('meta');
  const [cache, derived, builtWith] = await Promise.all([
    tx.store.get('cacheGeneration') as Promise<number | undefined>,
    tx.store.get('derivedGeneration') as Promise<number | undefined>,
    tx.store.get('termTableKey') as Promise<string | undefined>,
  ]);
  await tx.done;
  const settings = await deps.termSettings?.();
  const settingsChanged = settings !== undefined && builtWith !== undefined && builtWith !== termTableSettingsKey(settings);
  if (!settingsChanged && (cache === undefined || cache === derived)) return false;
  await rebuildDerivedData(db, deps);
  return true;
}

/**
 * Every article without its HTML (neither the term table nor the search index
 * reads it, and it is the largest field: about half of an article), and the
 * generation of the cache they belong to, read in one transaction.
 */
async function readForDerivedData(db: Database): Promise<{ articles: Article[]; generation: number }> {
  const tx = db.transaction(['articles', 'meta']);
  const store = tx.objectStore('articles');
  const generation = tx.objectStore('meta').get('cacheGeneration') as Promise<number | undefined>;
  const articles: Article[] = [];
  let after: IDBKeyRange | undefined;
  for (;;) {
    const chunk = await store.getAll(after, READ_CHUNK);
    if (chunk.length === 0) break;
    for (const article of chunk) articles.push({ ...article, html: '' });
    after = IDBKeyRange.lowerBound(chunk[chunk.length - 1]!.id, true);
  }
  const built = await generation;
  await tx.done;
  return { articles, generation: built ?? 0 };
}
