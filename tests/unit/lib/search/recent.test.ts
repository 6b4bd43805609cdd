// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { recentHits } from '../../../../lib/search/recent';
import { recentArticles } from '../../../../services/search/search-service';
import { openDatabase } from '../../../../services/store/db';
import { article } from './articles';

const articles = [
  article('older', 'Older', 'Written first.', { modified: 1_000 }),
  article('newest', 'Newest', 'Written last.\n\nWith   a second   paragraph.', { modified: 3_000 }),
  article('same_b', 'Same B', 'Written at the same second as Same A.', { modified: 2_000 }),
  article('same_a', 'Same A', 'Written at the same second as Same B.', { modified: 2_000 }),
];

describe('recentHits', () => {
  it('lists the newest first, each with its summary as the snippet, up to the limit', () => {
    expect(recentHits(articles, 2)).toEqual([
      { id: 'newest', title: 'Newest', snippet: 'Written last. With a second paragraph.' },
      { id: 'same_b', title: 'Same B', snippet: 'Written at the same second as Same A.' },
    ]);
    expect(recentHits(articles, 0)).toEqual([]);
    expect(recentHits([], 5)).toEqual([]);
  });

  it('gives the order the database gives, ties included, so a stored list and a read of the database agree', async () => {
    const db = await openDatabase(new IDBFactory());
    const tx = db.transaction('articles', 'readwrite');
    await Promise.all([...articles.map((a) => tx.store.put(a)), tx.done]);
    for (const limit of [1, 3, 4, 10]) expect(recentHits(articles, limit)).toEqual(await recentArticles(db, limit));
    db.close();
  });

  it('leaves the articles it was given in their order', () => {
    const before = articles.map((a) => a.id);
    recentHits(articles, 4);
    expect(articles.map((a) => a.id)).toEqual(before);
  });
});
