/**
 * The options page: settings in browser.storage.local (they survive a
 * restart; the background follows their changes), host permission for a new
 * wiki, the sync status, and the storage the cache takes.
 */
import { render } from 'preact';
import '../../assets/styles/base.css';
import '../../assets/styles/pages.css';
import { OptionsPage } from './OptionsPage';
import { trackHostPermissions } from './host-permission';
import { loadSettings, loadSyncStatus, saveSettings, watchLocal, watchSettings } from '../../services/local-state';
import { sendToBackground } from '../../services/messaging';

const permissions = trackHostPermissions();

render(
  <OptionsPage
    services={{
      loadSettings,
      watchSettings,
      saveSettings,
      loadStatus: loadSyncStatus,
      watchStatus: (onChange) => watchLocal('syncStatus', (status) => status && onChange(status)),
      syncNow: () => sendToBackground('sync:start', {}),
      findArticle: async (id) => (await sendToBackground('card:get', { id }))?.title ?? null,
      permissions,
      estimateStorage: async () => {
        const { usage } = await navigator.storage.estimate();
        return usage === undefined ? null : { usage };
      },
    }}
  />,
  document.getElementById('app')!,
);
