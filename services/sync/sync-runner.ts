/**
 * One sync of the article cache with a wiki: list, plan (lib/sync/plan.ts),
 * fetch what changed a few pages at a time, store as it goes, and only when
 * every page is in, remove what the wiki no longer has.
 *
 * A sync that fails half-way (the wiki goes down, the service worker is
 * stopped) leaves every article already cached in place, with the pages
 * fetched so far stored at their new modification time, so the next sync
 * fetches only what is still missing.
 */
import type { Article } from '../../lib/article';
import { planSync, tooManyPageFailures } from '../../lib/sync/plan';
import type { SyncPhase } from '../../lib/sync/status';
import { extractArticle } from '../../lib/wiki/extract';
import { WikiError } from '../../lib/wiki/errors';
import type { FetchedPage, WikiGateway } from '../../lib/wiki/gateway';
import type { Database } from '../store/db';

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number;
}

export interface SyncDeps {
  gateway: WikiGateway;
  db: Database;
  onProgress: (progress: SyncProgress) => void;
  signal?: AbortSignal;
  /** Pages fetched at the same time; default 4. */
  concurrency?: number;
  /** Turns a fetched page into an article; default lib/wiki/extract.ts. */
  extract?: (page: FetchedPage) => Article;
}

export interface SyncReport {
  /** Pages fetched and stored. */
  fetched: number;
  /** Cached articles removed because the wiki no longer has them. */
  removed: number;
  /** Articles in the cache now. */
  articleCount: number;
  /** Pages that could not be read this time (their cached version, if any, stays). */
  skipped: Array<{ id: string; error: string }>;
}

/** Articles written per transaction: one per page would cost a commit each. */
export const WRITE_BATCH = 25;

export async function runSync(deps: SyncDeps): Promise<SyncReport> {
  const { gateway, db, onProgress, signal } = deps;
  const extract = deps.extract ?? extractArticle;
  const concurrency = Math.max(1, Math.floor(deps.concurrency ?? 4));
  signal?.throwIfAborted();

  onProgress({ phase: 'listing', done: 0, total: 0 });
  const listing = await gateway.listPages(signal);
  onProgress({ phase: 'listing', done: listing.length, total: listing.length });

  const stored = await readStoredModified(db);
  const storedWiki = await db.get('meta', 'wikiUrl');
  const plan = planSync(listing, stored, {
    // Articles of another wiki may share ids and even dates: never trust them.
    refetchAll: typeof storedWiki === 'string' && storedWiki !== gateway.wikiUrl,
  });
  if (plan.wouldEmptyCache) {
    throw new WikiError(
      'bad-response',
      `${gateway.wikiUrl} lists no pages at all, so the ${stored.size} cached articles were kept. ` +
        'If the wiki really is empty now, clear the cache from the options page.',
      { url: gateway.wikiUrl },
    );
  }

  const total = plan.toFetch.length;
  let done = 0;
  onProgress({ phase: 'fetching', done, total });

  // Aborted on the first fatal failure, so pages in flight stop at once.
  const stop = new AbortController();
  const fetchSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let failure: { error: unknown } | null = null;
  const fail = (error: unknown) => {
    if (!failure) failure = { error };
    stop.abort();
  };

  const gone: string[] = [];
  const skipped: SyncReport['skipped'] = [];
  const pending: Article[] = [];
  let fetched = 0;
  let writes: Promise<void> = Promise.resolve();
  const write = (): Promise<void> => {
    const batch = pending.splice(0);
    if (!batch.length) return writes;
    writes = writes.then(async () => {
      try {
        const tx = db.transaction('articles', 'readwrite');
        await Promise.all([...batch.map((article) => tx.store.put(article)), tx.done]);
        fetched += batch.length;
      } catch (error) {
        fail(error);
      }
    });
    return writes;
  };

  let next = 0;
  const worker = async () => {
    while (!failure && next < total) {
      const id = plan.toFetch[next++]!;
      let page: FetchedPage | null;
      try {
        page = await gateway.fetchPage(id, fetchSignal);
      } catch (error) {
        if (isPageOnlyFailure(error)) {
          skipped.push({ id, error: (error as Error).message });
          if (tooManyPageFailures(skipped.length, total)) fail(error);
        } else {
          fail(error);
        }
        if (failure) return;
        onProgress({ phase: 'fetching', done: ++done, total });
        continue;
      }
      if (page === null) {
        gone.push(id);
      } else {
        try {
          pending.push(extract(page));
        } catch (error) {
          // A page the extractor cannot read must not block every sync.
          skipped.push({ id, error: `${id} could not be read: ${error instanceof Error ? error.message : String(error)}` });
          if (tooManyPageFailures(skipped.length, total)) fail(error);
        }
        if (pending.length >= WRITE_BATCH) await write();
      }
      onProgress({ phase: 'fetching', done: ++done, total });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  // What was fetched before a failure is kept: the next sync need not fetch it again.
  await write();

  const failed = failure as { error: unknown } | null;
  if (failed) {
    if (signal?.aborted) throw signal.reason;
    throw failed.error;
  }

  // Only a sync that read every page it had to may remove anything.
  const toDelete = [...plan.toRemove, ...gone.filter((id) => stored.has(id))];
  const tx = db.transaction(['articles', 'meta'], 'readwrite');
  await Promise.all([
    ...toDelete.map((id) => tx.objectStore('articles').delete(id)),
    tx.objectStore('meta').put(gateway.wikiUrl, 'wikiUrl'),
    tx.done,
  ]);
  const articleCount = await db.count('articles');
  return { fetched, removed: toDelete.length, articleCount, skipped };
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

/** id -> modified of every cached article, read from the index's keys without loading any article. */
async function readStoredModified(db: Database): Promise<Map<string, { modified: number }>> {
  const tx = db.transaction('articles');
  const stored = new Map<string, { modified: number }>();
  let cursor = await tx.store.index('byModified').openKeyCursor();
  while (cursor) {
    stored.set(cursor.primaryKey, { modified: cursor.key });
    cursor = await cursor.continue();
  }
  // An article without a valid date is missing from the index: still cached,
  // so it must be planned too (-1 never equals a listed time: refetched).
  if (stored.size !== (await tx.store.count())) {
    for (const id of await tx.store.getAllKeys()) if (!stored.has(id)) stored.set(id, { modified: -1 });
  }
  await tx.done;
  return stored;
}
