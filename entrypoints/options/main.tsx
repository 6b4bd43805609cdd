/**
 * The options page: settings in browser.storage.local (they survive a
 * restart; the background follows their changes), the wiki's credentials
 * apart from them (services/store/wiki-access.ts), host permission for a new
 * wiki, the sync status, and the storage the cache takes.
 */
import { render } from 'preact';
import '../../assets/styles/base.css';
import '../../assets/styles/pages.css';
import { OptionsPage } from './OptionsPage';
import { trackHostPermissions } from './host-permission';
import { loadSyncStatus, watchLocal } from '../../services/local-state';
import { sendToBackground } from '../../services/messaging';
import { openDatabase, type Database } from '../../services/store/db';
import { loadSettingsWithAccess, saveSettingsWithAccess, watchSettingsWithAccess } from '../../services/store/wiki-access';

const permissions = trackHostPermissions();
let database: Promise<Database> | null = null;
const openDb = () => (database ??= openDatabase());

render(
  <OptionsPage
    services={{
      loadSettings: () => loadSettingsWithAccess(openDb),
      watchSettings: (onChange) => watchSettingsWithAccess(openDb, onChange),
      saveSettings: (settings) => saveSettingsWithAccess(openDb, settings),
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
