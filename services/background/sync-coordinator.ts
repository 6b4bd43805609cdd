/**
 * Runs syncs for the background: one at a time however many contexts ask
 * (the running sync's promise in this worker, a Web Lock across contexts),
 * with its progress, time left and outcome published as the `syncStatus`
 * every page watches. The sync itself (planning, fetching, the atomic swap)
 * is services/sync.
 */
import { errorMessage } from '../../lib/result';
import type { Settings } from '../../lib/settings/settings';
import { createProgressTracker } from '../../lib/sync/progress';
import type { SyncKind, SyncPhase, SyncStatus } from '../../lib/sync/status';
import { isAbortError, WikiError } from '../../lib/wiki/errors';
import type { WikiGateway } from '../../lib/wiki/gateway';
import type { Database } from '../store/db';
import { StorageFullError } from '../sync/storage-full';
import type { StorageUsage } from '../sync/storage-usage';
import { runExclusive, type LockManagerLike } from '../sync/sync-lock';

export interface SyncRunReport {
  fetched: number;
  removed: number;
  articleCount: number;
  kind?: SyncKind;
  resumed?: boolean;
  skipped?: ReadonlyArray<{ id: string; error: string }>;
}

export interface CoordinatorProgress {
  phase: SyncPhase;
  done: number;
  total: number;
  kind?: SyncKind;
  resumed?: boolean;
}

export interface SyncRequest {
  /** Compare the full page list even when recent changes would do. */
  full?: boolean;
}

export interface SyncCoordinatorDeps {
  openDb: () => Promise<Database>;
  loadSettings: () => Promise<Settings>;
  loadStatus: () => Promise<SyncStatus>;
  saveStatus: (status: SyncStatus) => Promise<void>;
  /** The gateway for the wiki the settings name, read the way they say (source, credentials). */
  detectGateway: (settings: Settings) => Promise<WikiGateway>;
  runSync: (deps: {
    gateway: WikiGateway;
    db: Database;
    onProgress: (progress: CoordinatorProgress) => void;
    full?: boolean;
    /** Aborted when the wiki URL changes under the running sync. */
    signal?: AbortSignal;
  }) => Promise<SyncRunReport>;
  /** Rebuilds what is derived from the articles (term table, search index). */
  rebuildDerived: (db: Database) => Promise<void>;
  /** navigator.storage.estimate, for the status; default: none. */
  estimateStorage?: () => Promise<StorageUsage>;
  /** navigator.locks; default: none (the in-worker promise alone). */
  locks?: LockManagerLike;
  now?: () => number;
  /** Least time between two progress writes to storage. */
  progressIntervalMs?: number;
}

export interface SyncCoordinator {
  /** Starts a sync unless one is running (here or in another context); resolves at once with the status. */
  start(request?: SyncRequest): Promise<SyncStatus>;
  /** Resolves when the running sync (if any) has ended. */
  idle(): Promise<void>;
}

export function createSyncCoordinator(deps: SyncCoordinatorDeps): SyncCoordinator {
  const now = deps.now ?? Date.now;
  const progressIntervalMs = deps.progressIntervalMs ?? 250;
  const estimate = deps.estimateStorage ?? (async () => ({}));
  let running: Promise<void> | null = null;
  let status: SyncStatus | null = null;
  /** The running sync's wiki, and how to stop it. */
  let current: { wikiUrl: string; controller: AbortController } | null = null;
  /** A sync to start as soon as the running one has stopped (the wiki URL changed under it). */
  let restart: SyncRequest | null = null;

  async function publish(next: SyncStatus): Promise<void> {
    status = next;
    await deps.saveStatus(next);
  }

  async function syncOnce(request: SyncRequest, announced: () => void): Promise<void> {
    const settings = await deps.loadSettings();
    const controller = new AbortController();
    current = { wikiUrl: settings.wikiUrl, controller };
    const before = await deps.loadStatus();
    const startedAt = now();
    // status.wikiUrl names the wiki the cache holds: it changes with the swap, not before.
    await publish({
      ...withoutRunFields(before),
      phase: 'detecting',
      done: 0,
      total: 0,
      startedAt,
    });
    announced();

    const tracker = createProgressTracker();
    let lastWrite = 0;
    let lastPhase: SyncPhase = 'detecting';
    const onProgress = (progress: CoordinatorProgress) => {
      const t = now();
      if (progress.phase === 'fetching') tracker.record({ at: t, done: progress.done }, progress.total);
      else tracker.reset();
      const phaseChanged = progress.phase !== lastPhase;
      lastPhase = progress.phase;
      const finalOfPhase = progress.done === progress.total;
      if (!phaseChanged && !finalOfPhase && t - lastWrite < progressIntervalMs) return;
      lastWrite = t;
      const next: SyncStatus = { ...status!, phase: progress.phase, done: progress.done, total: progress.total };
      if (progress.kind) next.kind = progress.kind;
      if (progress.resumed) next.resumed = true;
      const eta = progress.phase === 'fetching' ? tracker.secondsLeft() : undefined;
      if (eta === undefined) delete next.etaSeconds;
      else next.etaSeconds = eta;
      void publish(next).catch(() => undefined);
    };

    // Set once the sync's swap has changed the cache: what the status names from then on.
    let swapped: Pick<SyncStatus, 'wikiUrl' | 'source'> | null = null;
    try {
      const gateway = await deps.detectGateway(settings);
      const db = await deps.openDb();
      const report = await deps.runSync({
        gateway,
        db,
        onProgress,
        signal: controller.signal,
        ...(request.full ? { full: true } : {}),
      });
      swapped = { wikiUrl: settings.wikiUrl, source: gateway.kind };
      const indexing: SyncStatus = { ...status!, phase: 'indexing', done: 0, total: report.articleCount };
      delete indexing.etaSeconds;
      await publish(indexing);
      await deps.rebuildDerived(db);
      const finished = now();
      await publish({
        wikiUrl: settings.wikiUrl,
        source: gateway.kind,
        articleCount: report.articleCount,
        phase: 'idle',
        done: 0,
        total: 0,
        last: {
          ok: true,
          finishedAt: finished,
          fetched: report.fetched,
          removed: report.removed,
          ...(report.kind ? { kind: report.kind } : {}),
          ...(report.skipped?.length ? { skipped: report.skipped.length } : {}),
          durationMs: finished - startedAt,
        },
        ...(await estimate()),
      });
    } catch (thrown) {
      // Stopped for a sync of the new wiki, which starts at once and says so itself.
      if (controller.signal.aborted && restart) return;
      // The swap is all or nothing: a sync that failed before it changed no
      // article, and what it fetched waits in IndexedDB for the next attempt.
      // (Derived data a failure left stale is rebuilt on the next wake.)
      let articleCount = before.articleCount;
      try {
        articleCount = await (await deps.openDb()).count('articles');
      } catch {
        // The store itself is unreadable: the sync's own error says more.
      }
      const finished = now();
      await publish({
        ...withoutRunFields(before),
        // A failure after the swap (rebuilding the search index, say) leaves the new articles.
        ...(swapped ?? {}),
        articleCount,
        phase: 'idle',
        done: 0,
        total: 0,
        last: {
          ok: false,
          finishedAt: finished,
          fetched: 0,
          removed: 0,
          error: swapped
            ? `The articles were updated, but searching and marking them could not be prepared (${errorMessage(thrown)}). ` +
              'This is retried when the extension next starts, or with the next sync.'
            : plainError(thrown),
          durationMs: finished - startedAt,
        },
        ...(await estimate()),
      });
    }
  }

  /** Resolves once the running sync has published that it runs (or found the lock held elsewhere). */
  let started: Promise<void> = Promise.resolve();

  const coordinator: SyncCoordinator = {
    async start(request = {}) {
      if (!running) {
        let announced!: () => void;
        started = new Promise<void>((resolve) => (announced = resolve));
        // syncOnce reports its own failures in the status; a failure to even
        // read the settings or status leaves the previous status standing.
        running = runExclusive(deps.locks, () => syncOnce(request, announced))
          .then(() => undefined)
          .catch(() => undefined)
          .finally(() => {
            running = null;
            current = null;
            announced();
            const next = restart;
            restart = null;
            if (next) void coordinator.start(next);
          });
      } else if (current) {
        // A new wiki while another syncs: its articles are no use any more
        // (the stopped run is discarded by the next one), so stop it and
        // sync the new wiki straight after.
        const settings = await deps.loadSettings().catch(() => null);
        if (current && settings && settings.wikiUrl !== current.wikiUrl && !current.controller.signal.aborted) {
          restart = request;
          current.controller.abort(new DOMException('The wiki address changed.', 'AbortError'));
        }
      }
      // Reply once the status says a sync is under way (or that another context runs one).
      await started;
      return status ?? (await deps.loadStatus());
    },
    async idle() {
      // Through a restart too: idle means no sync runs and none is about to.
      while (running) await running;
    },
  };
  return coordinator;
}

/** The status without what describes a running sync. */
function withoutRunFields(status: SyncStatus): SyncStatus {
  const { startedAt: _startedAt, etaSeconds: _eta, kind: _kind, resumed: _resumed, ...rest } = status;
  return rest;
}

/**
 * The error as a sentence for the options page. Wiki and storage errors are
 * written for people already; anything else is a fault of ours, said as such.
 */
export function plainError(thrown: unknown): string {
  if (thrown instanceof WikiError || thrown instanceof StorageFullError) return thrown.message;
  if (isAbortError(thrown)) return 'The sync was stopped before it finished. The cached articles are unchanged; it continues with the next sync.';
  return `The sync stopped on an unexpected error (${errorMessage(thrown)}). The cached articles are unchanged; try again.`;
}
