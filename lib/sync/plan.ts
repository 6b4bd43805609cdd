/**
 * What a sync must do, decided from the wiki's listing and what the cache
 * holds: pure, so every rule below is a unit test.
 */
import type { PageListing } from '../article';
import type { PageChange } from '../wiki/gateway';

/** What the sync knows of a cached page: its modification time, and the md5 of its text when a listing said. */
export interface StoredPage {
  modified: number;
  hash?: string;
}

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
  stored: ReadonlyMap<string, StoredPage>,
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
    // Same date but another text hash: the page changed without its date
    // moving (copied with its times kept, restored by an admin).
    const hashDiffers = page.hash !== undefined && cached?.hash !== undefined && page.hash !== cached.hash;
    if (options.refetchAll || !cached || page.modified === 0 || cached.modified !== page.modified || hashDiffers) {
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
 * The plan of an incremental sync, from the wiki's recent changes (oldest
 * first, as gateways return them) and what the cache holds:
 * - a page changed more than once counts once, as its last change says;
 * - a changed page is fetched unless the cache already holds it at that very
 *   time (the changes are asked from a little before the last sync began, so
 *   some were already fetched by it);
 * - a deleted page is removed if cached;
 * - `retry` (pages an earlier sync could not read) are fetched again unless
 *   the wiki deleted them since.
 */
export function planFromChanges(
  changes: readonly PageChange[],
  stored: ReadonlyMap<string, StoredPage>,
  retry: readonly string[] = [],
): SyncPlan {
  const last = new Map<string, PageChange>();
  for (const change of changes) {
    // delete + set: the map's order becomes the order of each page's last change.
    last.delete(change.id);
    last.set(change.id, change);
  }
  const toFetch: string[] = [];
  const toRemove: string[] = [];
  let unchanged = 0;
  for (const change of last.values()) {
    const cached = stored.get(change.id);
    if (change.deleted) {
      if (cached) toRemove.push(change.id);
    } else if (!cached || change.modified === 0 || cached.modified !== change.modified) {
      toFetch.push(change.id);
    } else {
      unchanged++;
    }
  }
  const planned = new Set(toFetch);
  for (const id of retry) {
    if (planned.has(id) || last.get(id)?.deleted) continue;
    planned.add(id);
    toFetch.push(id);
  }
  return { toFetch, toRemove, unchanged, wouldEmptyCache: false };
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
