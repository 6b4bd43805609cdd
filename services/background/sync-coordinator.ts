/**
 * Runs syncs for the background: one at a time however many contexts ask,
 * with its progress and outcome published as the `syncStatus` every page
 * watches. The sync itself (listing, fetching, storing) is services/sync.
 */
import type { Settings } from '../../lib/settings/settings';
import type { ArticleSource, SyncPhase, SyncStatus } from '../../lib/sync/status';
import type { WikiGateway } from '../../lib/wiki/gateway';
import { errorMessage } from '../../lib/result';
import type { Database } from '../store/db';

export interface SyncRunReport {
  fetched: number;
  removed: number;
  articleCount: number;
}

export interface SyncCoordinatorDeps {
  openDb: () => Promise<Database>;
  loadSettings: () => Promise<Settings>;
  loadStatus: () => Promise<SyncStatus>;
  saveStatus: (status: SyncStatus) => Promise<void>;
  detectGateway: (wikiUrl: string) => Promise<WikiGateway>;
  runSync: (deps: {
    gateway: WikiGateway;
    db: Database;
    onProgress: (progress: { phase: SyncPhase; done: number; total: number }) => void;
  }) => Promise<SyncRunReport>;
  /** Rebuilds what is derived from the articles (term table, search index). */
  rebuildDerived: (db: Database) => Promise<void>;
  now?: () => number;
  /** Least time between two progress writes to storage. */
  progressIntervalMs?: number;
}

export interface SyncCoordinator {
  /** Starts a sync unless one is running; resolves at once with the status. */
  start(): Promise<SyncStatus>;
  /** Resolves when the running sync (if any) has ended. */
  idle(): Promise<void>;
}

export function createSyncCoordinator(deps: SyncCoordinatorDeps): SyncCoordinator {
  const now = deps.now ?? Date.now;
  const progressIntervalMs = deps.progressIntervalMs ?? 250;
  let running: Promise<void> | null = null;
  let status: SyncStatus | null = null;

  async function publish(next: SyncStatus): Promise<void> {
    status = next;
    await deps.saveStatus(next);
  }

  async function syncOnce(announced: () => void): Promise<void> {
    const settings = await deps.loadSettings();
    const before = await deps.loadStatus();
    const startedAt = now();
    await publish({ ...before, wikiUrl: settings.wikiUrl, phase: 'detecting', done: 0, total: 0, startedAt });
    announced();

    let lastWrite = 0;
    const onProgress = (progress: { phase: SyncPhase; done: number; total: number }) => {
      const t = now();
      const finalOfPhase = progress.done === progress.total;
      if (!finalOfPhase && t - lastWrite < progressIntervalMs) return;
      lastWrite = t;
      void publish({ ...status!, ...progress });
    };

    try {
      const gateway = await deps.detectGateway(settings.wikiUrl);
      const db = await deps.openDb();
      const report = await deps.runSync({ gateway, db, onProgress });
      await publish({ ...status!, phase: 'indexing', done: 0, total: report.articleCount });
      await deps.rebuildDerived(db);
      const source: ArticleSource = gateway.kind;
      await publish({
        wikiUrl: settings.wikiUrl,
        source,
        articleCount: report.articleCount,
        phase: 'idle',
        done: 0,
        total: 0,
        last: { ok: true, finishedAt: now(), fetched: report.fetched, removed: report.removed },
      });
    } catch (thrown) {
      // Whatever was cached stays; the derived data is rebuilt from what the
      // store now holds so that pages fetched before the failure are usable.
      let articleCount = before.articleCount;
      try {
        const db = await deps.openDb();
        articleCount = await db.count('articles');
        await deps.rebuildDerived(db);
      } catch {
        // The store itself is unreadable: report the sync's own error below.
      }
      await publish({
        ...before,
        articleCount,
        phase: 'idle',
        done: 0,
        total: 0,
        startedAt: undefined,
        last: { ok: false, finishedAt: now(), fetched: 0, removed: 0, error: errorMessage(thrown) },
      });
    }
  }

  return {
    async start() {
      if (!running) {
        let announced!: () => void;
        const started = new Promise<void>((resolve) => (announced = resolve));
        // syncOnce reports its own failures in the status; a failure to even
        // read the settings or status leaves the previous status standing.
        running = syncOnce(announced)
          .catch(() => undefined)
          .finally(() => {
            running = null;
            announced();
          });
        // Reply once the status says a sync is under way.
        await started;
      }
      return status ?? (await deps.loadStatus());
    },
    async idle() {
      await running;
    },
  };
}
