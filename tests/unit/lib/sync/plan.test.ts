import { describe, expect, it } from 'vitest';
import type { PageListing } from '../../../../lib/article';
import { MAX_PAGE_FAILURES, planFromChanges, planSync, tooManyPageFailures } from '../../../../lib/sync/plan';

const stored = (entries: Record<string, number>) =>
  new Map(Object.entries(entries).map(([id, modified]) => [id, { modified }]));

describe('planSync', () => {
  it('fetches every page into an empty cache', () => {
    const listing: PageListing[] = [
      { id: 'a', modified: 1000 },
      { id: 'ns:b', modified: 2000 },
    ];
    expect(planSync(listing, new Map())).toEqual({ toFetch: ['a', 'ns:b'], toRemove: [], unchanged: 0, wouldEmptyCache: false });
  });

  it('fetches only new and changed pages, and removes pages no longer listed', () => {
    const listing: PageListing[] = [
      { id: 'same', modified: 1000 },
      { id: 'edited', modified: 3000 },
      { id: 'new', modified: 500 },
    ];
    const plan = planSync(listing, stored({ same: 1000, edited: 2000, deleted: 1000 }));
    expect(plan.toFetch).toEqual(['edited', 'new']);
    expect(plan.toRemove).toEqual(['deleted']);
    expect(plan.unchanged).toBe(1);
  });

  it('refetches a page whose listed date went back in time (a restored revision)', () => {
    expect(planSync([{ id: 'p', modified: 1000 }], stored({ p: 2000 })).toFetch).toEqual(['p']);
  });

  it('always fetches pages the listing gives no date for', () => {
    const plan = planSync([{ id: 'p', modified: 0 }], stored({ p: 0 }));
    expect(plan.toFetch).toEqual(['p']);
    expect(plan.unchanged).toBe(0);
  });

  it('fetches a page listed twice only once, and does not remove it', () => {
    const plan = planSync(
      [
        { id: 'p', modified: 5 },
        { id: 'p', modified: 5 },
      ],
      stored({}),
    );
    expect(plan.toFetch).toEqual(['p']);
    expect(plan.toRemove).toEqual([]);
  });

  it('with refetchAll, fetches every listed page but still removes the unlisted ones', () => {
    const plan = planSync([{ id: 'same', modified: 1000 }], stored({ same: 1000, other: 1 }), { refetchAll: true });
    expect(plan.toFetch).toEqual(['same']);
    expect(plan.toRemove).toEqual(['other']);
    expect(plan.unchanged).toBe(0);
  });

  it('refetches a page whose listed text hash differs from the cached one, though its date did not move', () => {
    const cached = new Map([
      ['copied', { modified: 1000, hash: 'aaa' }],
      ['same', { modified: 1000, hash: 'bbb' }],
      ['unknown', { modified: 1000 }],
    ]);
    const plan = planSync(
      [
        { id: 'copied', modified: 1000, hash: 'zzz' },
        { id: 'same', modified: 1000, hash: 'bbb' },
        // No cached hash to compare with: the date decides.
        { id: 'unknown', modified: 1000, hash: 'ccc' },
      ],
      cached,
    );
    expect(plan.toFetch).toEqual(['copied']);
    expect(plan.unchanged).toBe(2);
  });

  it('flags an empty listing over a filled cache, and only then', () => {
    expect(planSync([], stored({ a: 1 })).wouldEmptyCache).toBe(true);
    expect(planSync([], new Map()).wouldEmptyCache).toBe(false);
    expect(planSync([{ id: 'a', modified: 1 }], stored({ a: 1 })).wouldEmptyCache).toBe(false);
  });
});

describe('tooManyPageFailures', () => {
  it('tolerates a few broken pages on any wiki', () => {
    expect(tooManyPageFailures(MAX_PAGE_FAILURES, 10)).toBe(false);
    expect(tooManyPageFailures(MAX_PAGE_FAILURES + 1, 10)).toBe(true);
  });

  it('tolerates a small share of a large sync', () => {
    expect(tooManyPageFailures(60, 3000)).toBe(false);
    expect(tooManyPageFailures(61, 3000)).toBe(true);
  });
});

describe('planFromChanges', () => {
  const change = (id: string, modified: number, deleted = false) => ({ id, modified, deleted });

  it('fetches changed pages the cache does not hold at that date, and removes deleted cached pages', () => {
    const plan = planFromChanges(
      [change('edited', 3000), change('already', 1000), change('created', 4000), change('deleted', 5000, true), change('never_cached', 6000, true)],
      stored({ edited: 2000, already: 1000, deleted: 1000 }),
    );
    expect(plan).toEqual({ toFetch: ['edited', 'created'], toRemove: ['deleted'], unchanged: 1, wouldEmptyCache: false });
  });

  it('follows the last change of a page changed several times, in the order of last changes', () => {
    const plan = planFromChanges(
      [change('a', 1), change('b', 2), change('a', 3, true), change('b', 4, true), change('b', 5)],
      stored({ a: 0, b: 0 }),
    );
    expect(plan.toFetch).toEqual(['b']);
    expect(plan.toRemove).toEqual(['a']);
  });

  it('fetches a change without a date, whatever the cache holds', () => {
    expect(planFromChanges([change('p', 0)], stored({ p: 0 })).toFetch).toEqual(['p']);
  });

  it('adds the pages to retry, once, unless the wiki deleted them since', () => {
    const plan = planFromChanges([change('a', 5), change('gone', 6, true)], stored({ a: 1, gone: 1, broken: 1 }), ['a', 'broken', 'gone']);
    expect(plan.toFetch).toEqual(['a', 'broken']);
    expect(plan.toRemove).toEqual(['gone']);
  });

  it('never asks to empty the cache: recent changes only add, edit and delete', () => {
    expect(planFromChanges([], stored({ a: 1 })).wouldEmptyCache).toBe(false);
  });
});
