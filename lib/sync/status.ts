/**
 * What every context shows about the cache and its sync. The background keeps
 * it in browser.storage.local under `syncStatus`; pages watch that key.
 */
export type SyncPhase = 'idle' | 'detecting' | 'listing' | 'fetching' | 'indexing';

/** How the articles were read: the wiki's JSON-RPC or XML-RPC API, its public pages, or the bundled snapshot. */
export type ArticleSource = 'jsonrpc' | 'xmlrpc' | 'public' | 'snapshot';

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
}

export const isSyncing = (status: SyncStatus): boolean => status.phase !== 'idle';
