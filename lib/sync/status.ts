/**
 * What every context shows about the cache and its sync. The background keeps
 * it in browser.storage.local under `syncStatus`; pages watch that key.
 */
export type SyncPhase = 'idle' | 'detecting' | 'listing' | 'fetching' | 'indexing';

/** How the articles were read: the wiki's JSON-RPC or XML-RPC API, its public pages, or the bundled snapshot. */
export type ArticleSource = 'jsonrpc' | 'xmlrpc' | 'public' | 'snapshot';

/**
 * How a sync finds what to fetch: 'incremental' asks the wiki what changed
 * since the last sync; 'full' compares the wiki's whole page list with the
 * cache (the first sync, a new wiki, a gap longer than the wiki keeps its
 * recent changes, or a periodic check).
 */
export type SyncKind = 'full' | 'incremental';

export interface SyncOutcome {
  ok: boolean;
  /** Unix ms when the sync ended. */
  finishedAt: number;
  /** Pages fetched and stored by this sync. */
  fetched: number;
  /** Pages removed because the wiki no longer has them. */
  removed: number;
  /** A sentence for the user when ok is false. */
  error?: string;
  /** How the sync found what to fetch. */
  kind?: SyncKind;
  /** Pages that could not be read this time; their cached copies stay and the next sync tries them again. */
  skipped?: number;
  /** How long the sync took, in milliseconds. */
  durationMs?: number;
}

export interface SyncStatus {
  /** Which wiki the cache holds. */
  wikiUrl: string;
  /** Where the cached articles came from. */
  source: ArticleSource;
  /** Articles in the cache now. */
  articleCount: number;
  /** The running sync, or 'idle'. */
  phase: SyncPhase;
  /** Pages done and to do in the running sync's current phase. */
  done: number;
  total: number;
  /** Unix ms when the running sync started. */
  startedAt?: number;
  /** The last finished sync. */
  last?: SyncOutcome;
  /** What the running sync does. */
  kind?: SyncKind;
  /** The running sync continues one that was cut short (the browser stopped the background, the network dropped). */
  resumed?: boolean;
  /** Seconds the running phase still needs, estimated from its rate so far; absent until there is a rate to tell. */
  etaSeconds?: number;
  /** Bytes the extension stores (navigator.storage.estimate), when the browser says. */
  usageBytes?: number;
  /** Bytes the browser lets the extension store, when it says. */
  quotaBytes?: number;
}

export const isSyncing = (status: SyncStatus): boolean => status.phase !== 'idle';
