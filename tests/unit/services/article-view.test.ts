import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { getArticleView } from '../../../services/article-view';
import { openDatabase } from '../../../services/store/db';
import { article } from '../lib/search/articles';

describe('getArticleView', () => {
  it('gives the reader the article with its address on the wiki', async () => {
    const db = await openDatabase(new IDBFactory());
    await db.put('articles', article('papers:react_reasoning_acting', 'ReAct', 'ReAct interleaves reasoning and acting.', { tags: ['papers'], modified: 5 }));
    expect(await getArticleView(db, 'papers:react_reasoning_acting', 'https://agentwiki.org/')).toEqual({
      id: 'papers:react_reasoning_acting',
      title: 'ReAct',
      html: '<h1>ReAct</h1><p>ReAct interleaves reasoning and acting.</p>',
      tags: ['papers'],
      modified: 5,
      wikiPageUrl: 'https://agentwiki.org/doku.php?id=papers:react_reasoning_acting',
    });
    db.close();
  });

  it('answers null for an article the cache does not have', async () => {
    const db = await openDatabase(new IDBFactory());
    expect(await getArticleView(db, 'missing', 'https://agentwiki.org/')).toBeNull();
    db.close();
  });
});
