/**
 * What a search shows before anything is typed: the most recently modified
 * articles, newest first, each with the opening of its summary.
 */
import type { Article } from '../article';
import type { SearchHit } from '../protocol';
import { makeSnippet } from './snippet';

/** An article as a hit with no query: its summary's opening as the snippet. */
export function recentHit({ id, title, summary }: Pick<Article, 'id' | 'title' | 'summary'>): SearchHit {
  return { id, title, snippet: makeSnippet(summary, []).text };
}

/**
 * The `limit` most recently modified articles as hits, in the order the
 * database's `byModified` index gives read backwards: newest first, and of
 * two modified at the same second, the greater id first.
 */
export function recentHits(articles: readonly Pick<Article, 'id' | 'title' | 'summary' | 'modified'>[], limit: number): SearchHit[] {
  return [...articles]
    .sort((a, b) => b.modified - a.modified || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, Math.max(0, limit))
    .map(recentHit);
}
