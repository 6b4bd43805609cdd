/**
 * One sync of the article cache with a wiki:
 * 1. continue the run a stopped worker left in IndexedDB, or plan a new one:
 *    incremental (the wiki's recent changes since the last sync) when that
 *    cannot miss a change, else a full comparison of the page list
 *    (lib/sync/incremental.ts, lib/sync/plan.ts);
 * 2. fetch what the plan says, a few pages at a time, into the `staged`
 *    store, in batches;
 * 3. swap the staged set into the cache in one transaction.
 *
 * Readers see the cache as it was until the swap, and as the sync left it
 * after: never half a sync, never two wikis mixed. A sync that fails or is
 * stopped keeps its plan and what it staged, so the next one (in this worker
 * or the next) fetches only what is still missing.
 */
import type { Article } from '../../lib/article';
import { chooseSync, type FullCompareReason, type SyncDecision } from '../../lib/sync/incremental';
import { planFromChanges, planSync, tooManyPageFailures, type SyncPlan } from '../../lib/sync/plan';
import { nextSyncState, remainingIds, type SyncRun } from '../../lib/sync/run';
import type { SyncKind, SyncPhase } from '../../lib/sync/status';
import { extractArticle } from '../../lib/wiki/extract';
import { isAbortError, WikiError } from '../../lib/wiki/errors';
import type { ChangesSince, FetchedPage, WikiGateway } from '../../lib/wiki/gateway';
import type { Database, StagedPage } from '../store/db';
import { yieldToEventLoop } from './event-loop';
import { isQuotaExceeded, StorageFullError } from './storage-full';
import { estimateStorage } from './storage-usage';
import {
  beginRun,
  discardRun,
  readCacheState,
  readStagedIds,
  saveRun,
  stagePages,
  swapIn,
  type CacheState,
} from './sync-store';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
  /** Known once the sync has decided how to find what changed. */
  kind?: SyncKind;
  /** The sync continues one that was cut short. */
  resumed?: boolean;
}

export interface SyncDeps {
  gateway: WikiGateway;
  db: Database;
  onProgress: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  /** Pages in progress at the same time (the gateway's HTTP client bounds the requests); default DEFAULT_CONCURRENCY. */
  concurrency?: number;
  /** Turns a fetched page into an article; default lib/wiki/extract.ts. */
  extract?: (page: FetchedPage) => Article;
  /** Unix ms; default Date.now. */
  now?: () => number;
  /** Compare the full page list even when recent changes would do. */
  full?: boolean;
}

export interface SyncReport {
  kind: SyncKind;
  /** Why the sync compared the full page list. */
  reason?: FullCompareReason;
  /** The sync continued one that was cut short. */
  resumed: boolean;
  /** Pages fetched and stored by the sync (over all its attempts). */
  fetched: number;
  /** Cached articles removed because the wiki no longer has them (or the cache held another wiki). */
  removed: number;
  /** Articles in the cache now. */
  articleCount: number;
  /** Pages that could not be read this time (their cached version, if any, stays; the next sync tries again). */
  skipped: Array<{ id: string; error: string }>;
}

/** Staged pages written per transaction: one per page would cost a commit each. */
export const WRITE_BATCH = 32;
/** ...or after this long, so a worker stopped mid-sync loses at most about this much work. */
export const FLUSH_INTERVAL_MS = 1_000;
/**
 * Pages in progress at once. The wiki's HTTP client (services/wiki/http.ts)
 * lets 4 requests reach the wiki at a time; twice as many pages in progress
 * keep a request waiting behind each running one, so the wiki never idles
 * while this side reads an answer. On the sync benchmark with the wiki on a
 * core of its own (tests/bench/sync.bench.ts), 4 pages in progress reached
 * about 0.6 of the wiki's own throughput, 8 reached 0.8-0.9.
 */
export const DEFAULT_CONCURRENCY = 8;

export async function runSync(deps: SyncDeps): Promise<SyncReport> {
  const { gateway, db, onProgress, signal } = deps;
  const now = deps.now ?? Date.now;
  signal?.throwIfAborted();

  const cache = await readCacheState(db);
  let run = cache.run;
  let resumed = false;
  if (run && run.wikiUrl !== gateway.wikiUrl) {
    // Cut short while syncing another wiki: its pages must never reach this cache.
    await discardRun(db);
    run = undefined;
  }
  if (run) {
    resumed = true;
    run = { ...run, attempts: run.attempts + 1 };
    await storing(db, cache, (store) => saveRun(store, run!));
  } else {
    run = await planRun(deps, cache, now());
    await storing(db, cache, (store) => beginRun(store, run!));
  }
  const current = run;

  const staged = await readStagedIds(db);
  const remaining = remainingIds(current, staged);
  const total = current.toFetch.length;
  const progress = (phase: SyncPhase, done: number, of: number) =>
    onProgress({ phase, done, total: of, kind: current.kind, resumed });
  progress('fetching', total - remaining.length, total);

  const skipped = await fetchInto(db, cache, remaining, {
    ...deps,
    total,
    onPageDone: (done) => progress('fetching', done, total),
    alreadyDone: total - remaining.length,
  });

  progress('indexing', 0, 0);
  const skippedIds = skipped.map((s) => s.id);
  const swap = await storing(db, cache, (store) =>
    swapIn(store, current, (outcome) =>
      nextSyncState(cache.syncState, current, { skipped: skippedIds, ...outcome, cached: cache.stored }),
    ),
  );
  const report: SyncReport = {
    kind: current.kind,
    resumed,
    fetched: swap.stored,
    removed: swap.removed,
    articleCount: swap.articleCount,
    skipped,
  };
  if (current.reason) report.reason = current.reason;
  return report;
}

// ---------------------------------------------------------------------------
// Planning

async function planRun(deps: SyncDeps, cache: CacheState, startedAt: number): Promise<SyncRun> {
  const { gateway, signal, onProgress } = deps;
  // Articles whose wiki is not this one (another wiki's, or the bundled
  // snapshot's, which records none) are replaced as a whole at the swap.
  const replaceAll = cache.articleCount > 0 && cache.wikiUrl !== gateway.wikiUrl;
  let decision: SyncDecision = chooseSync(cache.syncState, gateway.wikiUrl, startedAt, deps.full ? { full: true } : {});

  if (decision.kind === 'incremental') {
    onProgress({ phase: 'listing', done: 0, total: 0, kind: 'incremental' });
    const changes = await listChanges(gateway, decision.since, signal);
    if (changes === 'unavailable') decision = { kind: 'full', reason: 'changes-unavailable' };
    else if (!changes.complete) decision = { kind: 'full', reason: 'changes-incomplete' };
    else {
      const plan = planFromChanges(changes.changes, cache.stored, cache.syncState?.retry ?? []);
      onProgress({ phase: 'listing', done: changes.changes.length, total: changes.changes.length, kind: 'incremental' });
      const run = runOf(gateway.wikiUrl, 'incremental', undefined, startedAt, plan, false);
      if (typeof changes.asOf === 'number' && Number.isFinite(changes.asOf)) run.changesAsOf = changes.asOf;
      return run;
    }
  }

  onProgress({ phase: 'listing', done: 0, total: 0, kind: 'full' });
  const listing = await gateway.listPages(signal);
  onProgress({ phase: 'listing', done: listing.length, total: listing.length, kind: 'full' });
  const plan = planSync(listing, cache.stored, { refetchAll: replaceAll });
  if (plan.wouldEmptyCache) {
    throw new WikiError(
      'bad-response',
      `${gateway.wikiUrl} lists no pages at all, so the ${cache.stored.size} cached articles were kept. ` +
        'If the wiki really is empty now, clear the cache from the options page.',
      { url: gateway.wikiUrl },
    );
  }
  const listedHashes: Record<string, string> = {};
  for (const page of listing) if (page.hash) listedHashes[page.id] = page.hash;
  const run = runOf(gateway.wikiUrl, 'full', decision.kind === 'full' ? decision.reason : undefined, startedAt, plan, replaceAll);
  run.listedHashes = listedHashes;
  return run;
}

function runOf(
  wikiUrl: string,
  kind: SyncKind,
  reason: FullCompareReason | undefined,
  startedAt: number,
  plan: SyncPlan,
  replaceAll: boolean,
): SyncRun {
  const run: SyncRun = { wikiUrl, kind, startedAt, toFetch: plan.toFetch, toRemove: plan.toRemove, replaceAll, attempts: 1 };
  if (reason) run.reason = reason;
  return run;
}

/**
 * The wiki's changes, or 'unavailable' when it cannot tell them (the method
 * is refused or unknown, the answer unreadable): then the sync compares the
 * full page list instead. A wiki that cannot be reached fails the sync here.
 */
async function listChanges(
  gateway: WikiGateway,
  since: number,
  signal: AbortSignal | undefined,
): Promise<ChangesSince | 'unavailable'> {
  if (typeof gateway.listChanges !== 'function') return 'unavailable';
  try {
    return await gateway.listChanges(since, signal);
  } catch (error) {
    if (signal?.aborted || isAbortError(error)) throw error;
    if (error instanceof WikiError && (error.kind === 'unreachable' || error.kind === 'timeout')) throw error;
    return 'unavailable';
  }
}

// ---------------------------------------------------------------------------
// Fetching

interface FetchOptions extends SyncDeps {
  total: number;
  alreadyDone: number;
  onPageDone: (done: number) => void;
}

/**
 * Fetches `ids` into the staging area and returns the pages skipped. Fetching
 * and extracting overlap: `concurrency` pages stay in progress (their
 * requests queued at the wiki's HTTP client, which sends a few at a time)
 * while the client extracts the pages already received, one at a time,
 * yielding to the event loop before each so that responses and new requests
 * are never held up by extraction. Rejects on the first failure that
 * concerns the wiki rather than a page, after staging what was already
 * fetched.
 */
async function fetchInto(
  db: Database,
  cache: CacheState,
  ids: readonly string[],
  options: FetchOptions,
): Promise<Array<{ id: string; error: string }>> {
  const { gateway, signal } = options;
  const extract = options.extract ?? extractArticle;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  const skipped: Array<{ id: string; error: string }> = [];
  if (ids.length === 0) return skipped;

  // Aborted on the first fatal failure, so pages in flight stop at once.
  const stop = new AbortController();
  const fetchSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    if (!failure) failure = { error };
    stop.abort(error);
  };

  // Pages received and not yet extracted. Bounded, so a client slower than
  // the wiki holds a few pages in memory, not the whole wiki.
  const received: Array<{ id: string; page: FetchedPage | null }> = [];
  const maxReceived = concurrency * 4;
  let wakeProcessor: (() => void) | null = null;
  let wakeFetchers: Array<() => void> = [];
  const notifyProcessor = () => {
    const wake = wakeProcessor;
    wakeProcessor = null;
    wake?.();
  };
  const notifyFetchers = () => {
    const waiting = wakeFetchers;
    wakeFetchers = [];
    for (const wake of waiting) wake();
  };

  let done = options.alreadyDone;
  const pageDone = () => options.onPageDone(++done);
  const skip = (id: string, message: string, error: unknown) => {
    skipped.push({ id, error: message });
    if (tooManyPageFailures(skipped.length, options.total)) fail(error);
  };

  let next = 0;
  let fetchersLeft = Math.min(concurrency, ids.length);
  const fetcher = async () => {
    try {
      while (!failure && next < ids.length) {
        while (received.length >= maxReceived && !failure) await new Promise<void>((r) => wakeFetchers.push(r));
        // Other fetchers may have taken the last pages while this one waited.
        if (failure || next >= ids.length) return;
        const id = ids[next++]!;
        try {
          // A signal of its own per page: the listeners each request adds
          // (limiter, timeout, backoff) then sit on it, not by the dozen on
          // the sync's one signal (Node warns past 10 on one target).
          const page = await gateway.fetchPage(id, AbortSignal.any([fetchSignal]));
          received.push({ id, page });
          notifyProcessor();
        } catch (error) {
          if (failure) return;
          if (isPageOnlyFailure(error)) {
            skip(id, (error as Error).message, error);
            pageDone();
          } else {
            fail(error);
          }
        }
      }
    } finally {
      fetchersLeft--;
      notifyProcessor();
    }
  };

  // Staging: batches written one transaction at a time, in order.
  let batch: StagedPage[] = [];
  let lastFlush = Date.now();
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: unknown = null;
  let writesQueued = 0;
  const flush = () => {
    const pages = batch;
    batch = [];
    lastFlush = Date.now();
    if (pages.length === 0) return;
    writesQueued++;
    writing = writing.then(async () => {
      try {
        if (writeFailure === null) await stagePages(db, pages);
      } catch (error) {
        writeFailure ??= error;
        fail(error);
      } finally {
        writesQueued--;
      }
    });
  };

  const processor = async () => {
    for (;;) {
      const item = received.shift();
      if (!item) {
        if (fetchersLeft === 0) return;
        await new Promise<void>((r) => (wakeProcessor = r));
        continue;
      }
      notifyFetchers();
      // Nothing more can be staged: let the fetchers wind down, extract nothing.
      if (writeFailure !== null) continue;
      // A new task: the fetchers' next requests go out and responses are
      // read before this page's extraction takes the thread.
      await yieldToEventLoop();
      if (item.page === null) {
        batch.push({ id: item.id, article: null });
      } else {
        try {
          batch.push({ id: item.id, article: extract(item.page) });
        } catch (error) {
          // A page the extractor cannot read must not block every sync.
          skip(item.id, `${item.id} could not be read: ${error instanceof Error ? error.message : String(error)}`, error);
        }
      }
      pageDone();
      if (batch.length >= WRITE_BATCH || Date.now() - lastFlush >= FLUSH_INTERVAL_MS) flush();
      // Writes that fall behind hold the extraction back rather than piling up in memory.
      if (writesQueued > 2) await writing;
    }
  };

  await Promise.all([processor(), ...Array.from({ length: fetchersLeft }, fetcher)]);
  // What was fetched before a failure is staged: the next attempt need not fetch it again.
  flush();
  await writing;

  if (writeFailure !== null) {
    if (isQuotaExceeded(writeFailure)) throw await storageFull(db, cache, writeFailure);
    throw writeFailure;
  }
  const failed = failure as { error: unknown } | null;
  if (failed) {
    if (signal?.aborted) throw signal.reason;
    throw failed.error;
  }
  return skipped;
}

/**
 * Failures that concern one page, not the wiki: the server failed to render
 * it (HTTP 5xx) or answered it with something unreadable. Anything else
 * (unreachable, timeout, refused, aborted) stops the sync.
 */
function isPageOnlyFailure(error: unknown): boolean {
  if (!(error instanceof WikiError)) return false;
  if (error.kind === 'bad-response') return true;
  return error.kind === 'http' && error.status !== undefined && error.status >= 500;
}

// ---------------------------------------------------------------------------
// Storage

/**
 * Runs a write; when the browser has no room left, forgets the run and its
 * staged pages (the space they hold is given back) and rejects with a
 * StorageFullError that says, in plain words, that the cache stayed as it was.
 */
async function storing<T>(db: Database, cache: CacheState, write: (db: Database) => Promise<T>): Promise<T> {
  try {
    return await write(db);
  } catch (error) {
    if (isQuotaExceeded(error)) throw await storageFull(db, cache, error);
    throw error;
  }
}

async function storageFull(db: Database, cache: CacheState, cause: unknown): Promise<StorageFullError> {
  await discardRun(db).catch(() => undefined);
  let kept = cache.articleCount;
  try {
    kept = await db.count('articles');
  } catch {
    // The count read before the sync is close enough for the message.
  }
  const estimate = await estimateStorage();
  return new StorageFullError(kept, { cause, ...estimate });
}
