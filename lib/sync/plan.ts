/**
 * What a sync must do, decided from the wiki's listing and what the cache
 * holds: pure, so every rule below is a unit test.
 */
import type { PageListing } from '../article';

export interface SyncPlan {
  /** Pages to fetch: new, changed, or of unknown age. In listing order. */
  toFetch: string[];
  /** Cached pages the wiki no longer lists. */
  toRemove: string[];
  /** Listed pages the cache already holds at the same modification time. */
  unchanged: number;
  /**
   * The wiki lists nothing while the cache holds articles. A wiki that
   * suddenly shows an anonymous reader no page at all is far more often
   * misconfigured (ACL, a maintenance page) than emptied, so the sync keeps
   * the cache and says so instead of removing everything.
   */
  wouldEmptyCache: boolean;
}

export interface PlanOptions {
  /**
   * Ignore what the cache holds when choosing what to fetch (it came from
   * another wiki, or was written by an older format): every listed page is
   * fetched, and cached pages not listed are still removed.
   */
  refetchAll?: boolean;
}

export function planSync(
  listing: readonly PageListing[],
  stored: ReadonlyMap<string, { modified: number }>,
  options: PlanOptions = {},
): SyncPlan {
  const toFetch: string[] = [];
  const listed = new Set<string>();
  let unchanged = 0;
  for (const page of listing) {
    // A listing may name a page twice (a wiki's index and its files
    // disagreeing); fetching it once is enough.
    if (listed.has(page.id)) continue;
    listed.add(page.id);
    const cached = stored.get(page.id);
    // modified 0 means the wiki did not say when the page changed (its public
    // pages carry no date), so only fetching it again can tell.
    if (options.refetchAll || !cached || page.modified === 0 || cached.modified !== page.modified) {
      toFetch.push(page.id);
    } else {
      unchanged++;
    }
  }
  const toRemove: string[] = [];
  for (const id of stored.keys()) if (!listed.has(id)) toRemove.push(id);
  return { toFetch, toRemove, unchanged, wouldEmptyCache: listed.size === 0 && stored.size > 0 };
}

/**
 * Whether a sync should give up on the wiki rather than skip the pages it
 * could not read. A few broken pages (a plugin that fails to render one page
 * with HTTP 500) must not block every sync; many mean the wiki itself is
 * failing, and reporting success would hide it.
 */
export function tooManyPageFailures(failed: number, total: number): boolean {
  return failed > Math.max(MAX_PAGE_FAILURES, Math.floor(total * MAX_PAGE_FAILURE_SHARE));
}

/** Up to this many unreadable pages are skipped whatever the wiki's size... */
export const MAX_PAGE_FAILURES = 5;
/** ...and up to this share of the pages to fetch on a larger sync. */
export const MAX_PAGE_FAILURE_SHARE = 0.02;
