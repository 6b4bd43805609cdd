/**
 * One cached article as the reader shows it. Its html is still the wiki's
 * untrusted markup: the page that renders it passes it through
 * sanitizeArticleHtml.
 */
import type { ArticleView } from '../lib/protocol';
import { wikiPageUrl } from '../lib/wiki/urls';
import type { Database } from './store/db';

export async function getArticleView(db: Database, id: string, wikiUrl: string): Promise<ArticleView | null> {
  const article = await db.get('articles', id);
  if (!article) return null;
  const { title, html, tags, modified } = article;
  return { id, title, html, tags, modified, wikiPageUrl: wikiPageUrl(wikiUrl, id) };
}
