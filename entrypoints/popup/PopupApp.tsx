/**
 * The toolbar popup: instant search over every cached article (recently
 * updated ones before anything is typed), the cache's state, "Sync now", and
 * the way to the options.
 */
import { useEffect, useState } from 'preact/hooks';
import { SearchPanel } from '../../components/SearchPanel';
import { SyncStatusView } from '../../components/SyncStatusView';
import type { SearchHit } from '../../lib/protocol';
import { isSyncing, type SyncStatus } from '../../lib/sync/status';
import { errorMessage } from '../../lib/result';

export interface PopupServices {
  search(query: string): Promise<SearchHit[]>;
  /** Opens the reader on an article; called inside the click or key press that chose it. */
  openArticle(id: string): void;
  loadStatus(): Promise<SyncStatus>;
  watchStatus(onChange: (status: SyncStatus) => void): () => void;
  syncNow(): Promise<unknown>;
  openOptions(): void;
}

export function PopupApp({ services }: { services: PopupServices }) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    services.loadStatus().then((loaded) => current && setStatus(loaded), () => undefined);
    const stop = services.watchStatus((next) => current && setStatus(next));
    return () => {
      current = false;
      stop();
    };
  }, [services]);

  const syncing = status !== null && isSyncing(status);
  const syncNow = () => {
    setSyncError(null);
    services.syncNow().catch((thrown: unknown) => setSyncError(errorMessage(thrown)));
  };
  return (
    <div class="popup">
      <header class="popup-header">
        <h1 class="app-title">AgentWiki Companion</h1>
        <a
          href="options.html"
          class="quiet-link"
          onClick={(event) => {
            event.preventDefault();
            services.openOptions();
          }}
        >
          Options
        </a>
      </header>
      <main>
        <SearchPanel search={services.search} onChoose={(hit) => services.openArticle(hit.id)} suggestionsLabel="Recently updated" autoFocus />
      </main>
      <footer class="popup-footer">
        <SyncStatusView status={status} onRetry={syncNow} />
        <button type="button" class="button-quiet" disabled={syncing} onClick={syncNow}>
          Sync now
        </button>
        {syncError && (
          <p class="notice is-error" role="alert">
            The sync could not start: {syncError}
          </p>
        )}
      </footer>
    </div>
  );
}
