/**
 * A sync in progress as IndexedDB keeps it, so that a service worker stopped
 * at any moment can continue it on its next wake: what the plan said, for
 * which wiki, since when. Pages already fetched are in the store's `staged`
 * set; what remains is the plan minus those, so the record is written once
 * per sync, not once per page.
 */
import type { FullCompareReason, SyncState } from './incremental';
import type { SyncKind } from './status';

export interface SyncRun {
  /** The wiki the run syncs from; a run for another wiki is discarded, never continued. */
  wikiUrl: string;
  kind: SyncKind;
  /** Why a full comparison was needed. */
  reason?: FullCompareReason;
  /** Unix ms when the run began: after its swap, the point changes are next asked from. */
  startedAt: number;
  /** Every page the plan fetches, in plan order. */
  toFetch: string[];
  /** Cached pages the plan removes at the swap. */
  toRemove: string[];
  /**
   * The cache holds another wiki's articles, or articles of unknown origin
   * (the bundled snapshot): the swap replaces the whole cache with the staged
   * set instead of merging into it, so two wikis never mix.
   */
  replaceAll: boolean;
  /** The wiki's time up to which the run's recent changes are complete (incremental runs, when the wiki said). */
  changesAsOf?: number;
  /** The full listing's text hashes (full comparisons only). */
  listedHashes?: Record<string, string>;
  /** How many times a worker has started this run: 1, then one more per resume. */
  attempts: number;
}

/** The plan's pages not yet staged, in plan order. */
export function remainingIds(run: Pick<SyncRun, 'toFetch'>, staged: ReadonlySet<string>): string[] {
  return run.toFetch.filter((id) => !staged.has(id));
}

export interface RunResult {
  /** Pages the run could not read; their cached copies (if any) stay. */
  skipped: readonly string[];
  /** Pages the swap stored, with the modification time of each. */
  stored: ReadonlyArray<readonly [id: string, modified: number]>;
  /** Cached pages the swap removed. */
  removed: readonly string[];
  /**
   * The cache before the swap: id -> modification time (when the swap
   * replaces the whole cache, nothing of it stays).
   */
  cached: ReadonlyMap<string, { modified: number }>;
}

/**
 * What the cache remembers after the run's swap: the run's start as the new
 * "last sync", each cached page's date and the hashes the cached pages now
 * match, and the pages to try again next time.
 */
export function nextSyncState(previous: SyncState | undefined, run: SyncRun, result: RunResult): SyncState {
  const sameWiki = previous !== undefined && previous.wikiUrl === run.wikiUrl && !run.replaceAll;
  const changed = [...result.stored.map(([id]) => id), ...result.removed];
  let hashes: Record<string, string>;
  if (run.kind === 'full') {
    hashes = { ...(run.listedHashes ?? {}) };
    for (const id of result.removed) delete hashes[id];
  } else {
    hashes = sameWiki ? { ...previous.hashes } : {};
    // A page fetched from its recent change has no listed hash: unknown until the next full listing.
    for (const id of changed) delete hashes[id];
  }
  // A skipped page's cached copy is older than the listing: its hash would be a lie.
  for (const id of result.skipped) delete hashes[id];

  const modified: Record<string, number> = {};
  if (!run.replaceAll) for (const [id, page] of result.cached) modified[id] = page.modified;
  for (const id of result.removed) delete modified[id];
  for (const [id, date] of result.stored) modified[id] = date;

  const state: SyncState = {
    wikiUrl: run.wikiUrl,
    lastSyncStartedAt: run.startedAt,
    lastFullCompareAt: run.kind === 'full' ? run.startedAt : sameWiki ? previous.lastFullCompareAt : 0,
    modified,
    hashes,
    retry: [...new Set(result.skipped)],
    generation: (previous?.generation ?? 0) + 1,
  };
  if (run.kind === 'incremental' && run.changesAsOf !== undefined) state.changesAsOf = run.changesAsOf;
  return state;
}
