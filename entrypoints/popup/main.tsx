/**
 * The toolbar popup page: search (the recent list read here, typed queries
 * through the background: services/search/page-search.ts), the sync status
 * from local storage, the reader opened beside the page.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../assets/styles/base.css';
import '../../assets/styles/pages.css';
import { loadLocal, loadSyncStatus, RECENT_ARTICLES_KEPT, watchLocal } from '../../services/local-state';
import { sendToBackground } from '../../services/messaging';
import { createPageSearch } from '../../services/search/page-search';
import { openDatabase } from '../../services/store/db';
import { createArticleOpener } from './open-article';
import { PopupApp, type PopupServices } from './PopupApp';

/** Results that fit the popup without scrolling. */
const SEARCH_LIMIT = 8;

const opener = createArticleOpener();

const services: PopupServices = {
  search: createPageSearch(
    {
      loadRecent: () => loadLocal('recentArticles'),
      recentKept: RECENT_ARTICLES_KEPT,
      openDb: () => openDatabase(),
      ask: (query, limit) => sendToBackground('search:query', { query, limit }),
      prepare: () => sendToBackground('search:prepare', {}),
    },
    SEARCH_LIMIT,
  ),
  openArticle: (id) => opener.open(id),
  loadStatus: loadSyncStatus,
  watchStatus: (onChange) => watchLocal('syncStatus', (status) => status && onChange(status)),
  syncNow: () => sendToBackground('sync:start', {}),
  openOptions: () => void browser.runtime.openOptionsPage(),
};

render(<PopupApp services={services} />, document.getElementById('app')!);
