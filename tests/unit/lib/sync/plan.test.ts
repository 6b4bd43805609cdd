import { describe, expect, it } from 'vitest';
import type { PageListing } from '../../../../lib/article';
import { MAX_PAGE_FAILURES, planSync, tooManyPageFailures } from '../../../../lib/sync/plan';

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
