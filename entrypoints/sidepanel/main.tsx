/**
 * The side panel page: reads articles and the active tab's terms through
 * the background and the content script.
 */
import { render } from 'preact';
import '../../assets/styles/base.css';
import '../../assets/styles/reader.css';
import '../../assets/styles/pages.css';
import { loadSettings } from '../../services/local-state';
import { sendToBackground } from '../../services/messaging';
import { sanitizeArticleHtml } from '../../services/sanitize/article-html';
import { activeTabTerms, watchActiveTab } from './active-tab';
import { SidePanelApp, type SidePanelServices } from './SidePanelApp';

/** Results the panel lists for a query. */
const SEARCH_LIMIT = 12;

const services: SidePanelServices = {
  getArticle: (id) => sendToBackground('article:get', { id }),
  search: (query) => sendToBackground('search:query', { query, limit: SEARCH_LIMIT }),
  sanitize: (html, wikiUrl) => sanitizeArticleHtml(html, { wikiUrl }),
  pageTerms: activeTabTerms,
  watchActiveTab,
  wikiUrl: async () => (await loadSettings()).wikiUrl,
};

render(<SidePanelApp services={services} />, document.getElementById('app')!);
