/**
 * The background service worker: owns the IndexedDB cache, syncs it from the
 * wiki, and answers the other contexts. It may be stopped at any moment, so
 * everything it knows lives in IndexedDB or browser.storage.
 */
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import type { ToBackground } from '../lib/protocol';
import { wikiPageUrl } from '../lib/wiki/urls';
import { getArticleView } from '../services/article-view';
import { ensureDerivedDataCurrent, rebuildDerivedData } from '../services/background/derived-data';
import { openReader } from '../services/reader-panel';
import { installStarterSnapshot } from '../services/background/starter-snapshot';
import { createSyncCoordinator } from '../services/background/sync-coordinator';
import { scheduleSync, SYNC_ALARM } from '../services/background/sync-schedule';
import { loadLocal, loadSettings, loadSyncStatus, RECENT_ARTICLES_KEPT, saveLocal, saveSyncStatus, watchLocal } from '../services/local-state';
import { handleMessages, sendToContent } from '../services/messaging';
import { createSearchService, recentArticles } from '../services/search/search-service';
import { openDatabase, type Database } from '../services/store/db';
import { loadSettingsWithAccess } from '../services/store/wiki-access';
import { runSync } from '../services/sync/sync-runner';
import { browserLocks } from '../services/sync/sync-lock';
import { estimateStorage } from '../services/sync/storage-usage';
import { detectGateway } from '../services/wiki/detect';

export default defineBackground(() => {
  let database: Promise<Database> | null = null;
  const openDb = () => (database ??= openDatabase());
  const search = createSearchService(openDb);
  const derivedDeps = { search, termSettings: loadSettings };
  const rebuildDerived = (db: Database) => rebuildDerivedData(db, derivedDeps);

  // One sync at a time: this worker's promise, and a Web Lock across contexts.
  const sync = createSyncCoordinator({
    openDb,
    // With the wiki's credentials, which only a sync needs (services/store/wiki-access.ts).
    loadSettings: () => loadSettingsWithAccess(openDb),
    loadStatus: loadSyncStatus,
    saveStatus: saveSyncStatus,
    detectGateway: (settings) =>
      detectGateway(settings.wikiUrl, undefined, {
        source: settings.source,
        ...(settings.credentials ? { credentials: settings.credentials } : {}),
      }),
    runSync: (request) => runSync(request),
    rebuildDerived,
    estimateStorage: () => estimateStorage(),
    locks: browserLocks(),
  });

  handleMessages<ToBackground>({
    'card:get': async ({ id }) => {
      const [db, settings] = await Promise.all([openDb(), loadSettings()]);
      const article = await db.get('articles', id);
      if (!article) return null;
      const { title, summary } = article;
      return { id, title, summary, wikiPageUrl: wikiPageUrl(settings.wikiUrl, id) };
    },
    'search:query': ({ query, limit }) => search.query(query, limit),
    'search:prepare': () => {
      search.prepare();
      return true;
    },
    'article:get': async ({ id }) => getArticleView(await openDb(), id, (await loadSettings()).wikiUrl),
    'sync:start': () => sync.start(),
    'sidepanel:open': ({ id }, sender) => openReader(id, sender.tabId),
  });

  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason !== 'install' && reason !== 'update') return;
    void (async () => {
      const db = await openDb();
      if ((await db.count('articles')) === 0) {
        const count = await installStarterSnapshot(db);
        await rebuildDerived(db);
        await saveSyncStatus({ ...(await loadSyncStatus()), source: 'snapshot', articleCount: count });
      } else if (reason === 'update' && (await loadLocal('recentArticles')) === undefined) {
        // A cache kept from a version that stored no recent list: the popup
        // would read the database itself until the next sync rebuilds it.
        await saveLocal('recentArticles', await recentArticles(db, RECENT_ARTICLES_KEPT));
      }
      await scheduleSync(await loadSettings());
      if (reason === 'install') await sync.start();
    })();
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void sync.start();
  });

  watchLocal('settings', (settings) => {
    if (!settings) return;
    void scheduleSync(settings);
    void loadSyncStatus().then((status) => {
      // A new wiki: fetch its articles now rather than at the next alarm.
      if (status.wikiUrl !== settings.wikiUrl) void sync.start();
    });
    // New aliases or the everyday-words choice: rebuild the term table now.
    void openDb()
      .then((db) => ensureDerivedDataCurrent(db, derivedDeps))
      .catch(() => undefined);
  });

  void (async () => {
    // Credentials an earlier version kept in the settings leave them before any page reads them again.
    await loadSettingsWithAccess(openDb).catch(() => undefined);
    // A worker stopped between a sync's swap and the rebuild of what derives
    // from it finishes the rebuild now.
    await ensureDerivedDataCurrent(await openDb(), derivedDeps).catch(() => undefined);
    // A sync cut short when the worker was stopped continues its stored run
    // on the next wake. (One that failed waits for the next alarm or a
    // "Sync now", so a wiki that is down is not asked on every wake.)
    const status = await loadSyncStatus();
    if (status.phase !== 'idle') void sync.start();
  })();

  browser.commands.onCommand.addListener((command) => {
    if (command !== 'next-term') return;
    void browser.tabs.query({ active: true, currentWindow: true }).then(([tab]) => {
      if (tab?.id !== undefined) void sendToContent(tab.id, 'page:next-term', {}).catch(() => undefined);
    });
  });
});
