/**
 * What is derived from the cached articles and rebuilt after every change to
 * them: the compact term table the content scripts compile (kept in
 * browser.storage.local, which content scripts can read without waking the
 * background) and the search index (kept by the search service).
 */
import { buildTermTable } from '../../lib/match/term-table';
import type { Database } from '../store/db';
import { saveLocal } from '../local-state';
import type { SearchService } from '../search/search-service';

export async function rebuildDerivedData(db: Database, search: SearchService): Promise<void> {
  const articles = await db.getAll('articles');
  const termTable = buildTermTable(articles);
  await search.rebuild(articles);
  await saveLocal('termTable', termTable);
}
