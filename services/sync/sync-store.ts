/**
 * What the sync reads from and writes to IndexedDB, each step one
 * transaction, so the store is never half-written:
 * - `beginRun` records the plan and empties the staging area;
 * - `stagePages` adds fetched pages to `staged`, a batch per transaction;
 * - `swapIn` moves the staged set into `articles`, removes what the plan
 *   removes and records the new sync state, all in ONE transaction: a reader
 *   sees the cache before the sync or after it, never a mix, and a failure
 *   (a full disk, a stopped worker) leaves the cache as it was.
 */
import type { StoredPage } from '../../lib/sync/plan';
import type { SyncState } from '../../lib/sync/incremental';
import type { SyncRun } from '../../lib/sync/run';
import type { Database, StagedPage } from '../store/db';

export interface CacheState {
  /** id -> modification time (and listed hash) of every cached article. */
  stored: Map<string, StoredPage>;
  /** The wiki the cached articles came from; undefined for the bundled snapshot or an empty cache. */
  wikiUrl: string | undefined;
  syncState: SyncState | undefined;
  /** A sync that was cut short. */
  run: SyncRun | undefined;
  articleCount: number;
}

/**
 * Everything the sync needs to plan, read in one transaction without loading
 * a single article: the dates come from the sync state's mirror of them when
 * it matches the cache (same wiki, same count), else from the articles'
 * date index (a cache written by an older version, or the bundled snapshot).
 */
export async function readCacheState(db: Database): Promise<CacheState> {
  const tx = db.transaction(['articles', 'meta']);
  const meta = tx.objectStore('meta');
  const articles = tx.objectStore('articles');
  const [wikiUrl, syncState, run, articleCount] = await Promise.all([
    meta.get('wikiUrl') as Promise<string | undefined>,
    meta.get('syncState') as Promise<SyncState | undefined>,
    meta.get('syncRun') as Promise<SyncRun | undefined>,
    articles.count(),
  ]);
  const trusted = syncState !== undefined && typeof wikiUrl === 'string' && syncState.wikiUrl === wikiUrl;
  const stored = new Map<string, StoredPage>();
  const mirror = trusted ? syncState.modified : undefined;
  if (mirror && Object.keys(mirror).length === articleCount) {
    for (const id in mirror) stored.set(id, { modified: mirror[id]! });
  } else {
    // The index's keys are the dates and its cursor's primary keys the ids.
    let cursor = await articles.index('byModified').openKeyCursor();
    while (cursor) {
      stored.set(cursor.primaryKey, { modified: cursor.key });
      cursor = await cursor.continue();
    }
    // An article without a valid date is missing from the index: still cached,
    // so it must be planned too (-1 never equals a listed time: refetched).
    if (stored.size !== articleCount) {
      for (const id of await articles.getAllKeys()) if (!stored.has(id)) stored.set(id, { modified: -1 });
    }
  }
  await tx.done;
  if (trusted) {
    for (const [id, page] of stored) {
      const hash = syncState.hashes[id];
      if (hash !== undefined) page.hash = hash;
    }
  }
  return { stored, wikiUrl: typeof wikiUrl === 'string' ? wikiUrl : undefined, syncState, run, articleCount };
}

/** Ids already staged by the current run. */
export async function readStagedIds(db: Database): Promise<Set<string>> {
  return new Set(await db.getAllKeys('staged'));
}

/** Records a new run and empties the staging area of anything an older run left. */
export async function beginRun(db: Database, run: SyncRun): Promise<void> {
  const tx = db.transaction(['staged', 'meta'], 'readwrite');
  await settle(tx, [tx.objectStore('staged').clear(), tx.objectStore('meta').put(run, 'syncRun')]);
}

/** Updates the record of the running run (its attempt count). */
export async function saveRun(db: Database, run: SyncRun): Promise<void> {
  const tx = db.transaction('meta', 'readwrite');
  await settle(tx, [tx.store.put(run, 'syncRun')]);
}

/** Forgets a run and what it staged; the cache itself is untouched. */
export async function discardRun(db: Database): Promise<void> {
  const tx = db.transaction(['staged', 'meta'], 'readwrite');
  await settle(tx, [tx.objectStore('staged').clear(), tx.objectStore('meta').delete('syncRun')]);
}

/** Adds settled pages to the staging area in one transaction. */
export async function stagePages(db: Database, pages: readonly StagedPage[]): Promise<void> {
  if (pages.length === 0) return;
  const tx = db.transaction('staged', 'readwrite');
  await settle(
    tx,
    pages.map((page) => tx.store.put(page)),
  );
}

export interface SwapResult {
  /** Articles written by the swap (the run's fetched pages). */
  stored: number;
  /** Cached articles the swap removed. */
  removed: number;
  /** Articles in the cache after the swap. */
  articleCount: number;
}

/** What the swap did, for the sync state it records. */
export interface SwapOutcome {
  /** Pages stored, with their modification times. */
  stored: Array<[string, number]>;
  /** Cached pages removed. */
  removed: string[];
}

/** Staged pages are read this many at a time during the swap, so a 10,000-page run never sits in memory whole. */
export const SWAP_CHUNK = 256;

/**
 * Moves the run's staged pages into the cache, removes what the run removes,
 * forgets the run and records the sync state `stateFor` makes of what the
 * swap did, in one transaction.
 */
export async function swapIn(db: Database, run: SyncRun, stateFor: (outcome: SwapOutcome) => SyncState): Promise<SwapResult> {
  const tx = db.transaction(['articles', 'staged', 'meta'], 'readwrite');
  const articles = tx.objectStore('articles');
  const staged = tx.objectStore('staged');
  const meta = tx.objectStore('meta');
  const requests: Promise<unknown>[] = [];
  const outcome: SwapOutcome = { stored: [], removed: [] };
  const written = new Set<string>();
  try {
    let before: Set<string> | null = null;
    if (run.replaceAll) {
      before = new Set(await articles.getAllKeys());
      requests.push(articles.clear());
    }
    const deletions: string[] = [...run.toRemove];
    let after: IDBKeyRange | undefined;
    for (;;) {
      const chunk: StagedPage[] = await staged.getAll(after, SWAP_CHUNK);
      if (chunk.length === 0) break;
      for (const page of chunk) {
        if (page.article) {
          requests.push(articles.put(page.article));
          written.add(page.id);
          outcome.stored.push([page.id, page.article.modified]);
        } else {
          deletions.push(page.id);
        }
      }
      after = IDBKeyRange.lowerBound(chunk[chunk.length - 1]!.id, true);
    }
    if (before) {
      // The whole cache was replaced: removed is what it held and no longer does.
      for (const id of before) if (!written.has(id)) outcome.removed.push(id);
    } else {
      const unique = [...new Set(deletions)].filter((id) => !written.has(id));
      const present = await Promise.all(unique.map((id) => articles.getKey(id)));
      unique.forEach((id, i) => {
        if (present[i] === undefined) return;
        outcome.removed.push(id);
        requests.push(articles.delete(id));
      });
    }
    requests.push(staged.clear(), meta.delete('syncRun'), meta.put(run.wikiUrl, 'wikiUrl'));
    const state = stateFor(outcome);
    requests.push(meta.put(state, 'syncState'), meta.put(state.generation, 'cacheGeneration'));
    const counted = articles.count();
    requests.push(counted);
    await settle(tx, requests);
    return { stored: outcome.stored.length, removed: outcome.removed.length, articleCount: await counted };
  } catch (error) {
    abortQuietly(tx);
    throw await transactionError(tx, error);
  }
}

/**
 * Waits for every request and the commit. When the transaction aborts, idb
 * rejects each pending request with a bare AbortError while the reason (a
 * QuotaExceededError, say) is only in `tx.error`: this rejects with that
 * reason.
 */
async function settle(tx: IDBTransactionLike, requests: Promise<unknown>[]): Promise<void> {
  let first: unknown = null;
  for (const request of requests) {
    request.catch((error: unknown) => {
      first ??= error;
    });
  }
  try {
    await Promise.all(requests);
    await tx.done;
  } catch (error) {
    abortQuietly(tx);
    throw await transactionError(tx, first ?? error);
  }
}

interface IDBTransactionLike {
  readonly done: Promise<void>;
  readonly error: DOMException | null;
  abort(): void;
}

function abortQuietly(tx: IDBTransactionLike): void {
  try {
    tx.abort();
  } catch {
    // Already finished or aborted.
  }
}

/** The transaction's own error when it has one (the real cause of an abort), else what was thrown. */
async function transactionError(tx: IDBTransactionLike, thrown: unknown): Promise<unknown> {
  await tx.done.catch(() => undefined);
  let own: DOMException | null = null;
  try {
    own = tx.error;
  } catch {
    // Reading error before the transaction finished throws in some engines.
  }
  return own ?? thrown;
}
