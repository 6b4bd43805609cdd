/**
 * The options page's state: the settings and the sync status as they are
 * in storage (also when another window changes them), the storage used, and
 * the saving of a new wiki behind a host permission.
 */
import { useEffect, useState } from 'preact/hooks';
import { OptionsForm, type StorageUse } from '../../components/OptionsForm';
import type { Settings } from '../../lib/settings/settings';
import type { SyncStatus } from '../../lib/sync/status';
import type { HostPermissions } from './host-permission';
import { errorMessage } from '../../lib/result';

export interface OptionsServices {
  loadSettings(): Promise<Settings>;
  watchSettings(onChange: (settings: Settings) => void): () => void;
  saveSettings(settings: Settings): Promise<void>;
  loadStatus(): Promise<SyncStatus>;
  watchStatus(onChange: (status: SyncStatus) => void): () => void;
  syncNow(): Promise<unknown>;
  /** The title of the cached article with this id, or null. */
  findArticle(id: string): Promise<string | null>;
  permissions: Pick<HostPermissions, 'covers' | 'request'>;
  estimateStorage(): Promise<StorageUse | null>;
}

export function OptionsPage({ services }: { services: OptionsServices }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [storage, setStorage] = useState<StorageUse | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    services.loadSettings().then(
      (loaded) => current && setSettings(loaded),
      (thrown: unknown) => current && setFailure(errorMessage(thrown)),
    );
    services.loadStatus().then((loaded) => current && setStatus(loaded), () => undefined);
    const stopSettings = services.watchSettings((next) => current && setSettings(next));
    const stopStatus = services.watchStatus((next) => current && setStatus(next));
    return () => {
      current = false;
      stopSettings();
      stopStatus();
    };
  }, [services]);

  // The cache grows and shrinks with each sync: measure again when one ends.
  const idle = status?.phase === 'idle';
  useEffect(() => {
    if (status !== null && !idle) return;
    let current = true;
    services.estimateStorage().then((use) => current && setStorage(use), () => undefined);
    return () => {
      current = false;
    };
  }, [idle, status?.last?.finishedAt, services]);

  if (failure) {
    return (
      <p class="notice is-error" role="alert">
        The settings could not be read: {failure}
      </p>
    );
  }
  if (!settings) return <p class="muted">Reading the settings…</p>;

  const onSaveWikiUrl = (url: string): Promise<string | null> => {
    const save = async () => {
      // Always another wiki (the form answers the same one itself), which
      // starts without an account: the credentials were given for this one.
      const { credentials: _forThisWiki, ...withoutCredentials } = settings;
      await services.saveSettings({ ...withoutCredentials, wikiUrl: url });
      return null;
    };
    if (services.permissions.covers(url)) return save();
    // Asked right away, inside the click: the browser prompts only during a gesture.
    return services.permissions.request(url).then(
      (granted) =>
        granted
          ? save()
          : `The browser was not allowed to read ${new URL(url).host}, so the wiki stays ${settings.wikiUrl}.`,
      (thrown: unknown) =>
        `Permission to read ${new URL(url).host} could not be asked for (${errorMessage(thrown)}), so the wiki stays ${settings.wikiUrl}.`,
    );
  };

  return (
    <OptionsForm
      settings={settings}
      status={status}
      storage={storage}
      onSaveWikiUrl={onSaveWikiUrl}
      onSaveSettings={services.saveSettings}
      onSyncNow={async () => {
        await services.syncNow();
      }}
      findArticle={services.findArticle}
    />
  );
}
