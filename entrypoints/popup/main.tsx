/**
 * The toolbar popup page: search through the background, the sync status
 * from local storage, the reader opened beside the page.
 */
import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../assets/styles/base.css';
import '../../assets/styles/pages.css';
import { loadSyncStatus, watchLocal } from '../../services/local-state';
import { sendToBackground } from '../../services/messaging';
import { createArticleOpener } from './open-article';
import { PopupApp, type PopupServices } from './PopupApp';

/** Results that fit the popup without scrolling. */
const SEARCH_LIMIT = 8;

const opener = createArticleOpener();

const services: PopupServices = {
  search: (query) => sendToBackground('search:query', { query, limit: SEARCH_LIMIT }),
  openArticle: (id) => opener.open(id),
  loadStatus: loadSyncStatus,
  watchStatus: (onChange) => watchLocal('syncStatus', (status) => status && onChange(status)),
  syncNow: () => sendToBackground('sync:start', {}),
  openOptions: () => void browser.runtime.openOptionsPage(),
};

render(<PopupApp services={services} />, document.getElementById('app')!);
