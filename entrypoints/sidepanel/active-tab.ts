/**
 * The active tab as the side panel sees it: the terms its content script
 * found, and when to ask again (another tab, a new page, a new window).
 */
import { browser, type Browser } from 'wxt/browser';
import type { PageTermsState } from '../../components/OnThisPage';
import { sendToContent } from '../../services/messaging';

type Tab = Browser.tabs.Tab;

/** Pages no extension may script, whatever its permissions. */
const CLOSED_SCHEMES = /^(chrome|chrome-extension|chrome-search|chrome-untrusted|edge|brave|opera|vivaldi|about|moz-extension|resource|view-source|devtools|data|blob):/i;
const STORES = /^https:\/\/(chromewebstore\.google\.com|chrome\.google\.com\/webstore|microsoftedge\.microsoft\.com\/addons|addons\.mozilla\.org)(\/|$)/i;

/** Why the terms of a page at `url` cannot be read, or null when they can be. */
export function closedPageReason(url: string | undefined): string | null {
  if (!url) return null;
  if (STORES.test(url)) return 'This is the extension store: the browser lets no extension read it, so it has no marked terms.';
  if (CLOSED_SCHEMES.test(url)) return 'This is a page of the browser itself: no extension may read it, so it has no marked terms.';
  return null;
}

async function activeTab(): Promise<{ tab: Tab | undefined; self: Tab | undefined }> {
  // When the panel is open as an ordinary tab, it is itself the active tab of
  // its window; the page the user means is then the one of the last focused window.
  const [self, [inWindow]] = await Promise.all([browser.tabs.getCurrent(), browser.tabs.query({ active: true, currentWindow: true })]);
  if (!self || inWindow?.id !== self.id) return { tab: inWindow, self };
  const [focused] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return { tab: focused, self };
}

export async function activeTabTerms(): Promise<PageTermsState> {
  const { tab, self } = await activeTab();
  if (!tab || tab.id === undefined || (self && tab.id === self.id)) {
    return { state: 'unavailable', reason: 'Switch to a tab to see the terms on its page.' };
  }
  const closed = closedPageReason(tab.url);
  if (closed) return { state: 'unavailable', reason: closed };
  try {
    return { state: 'ready', terms: await sendToContent(tab.id, 'page:terms', {}) };
  } catch {
    // No content script answered: the page is still loading, predates the
    // extension (installed or updated since), or is closed to extensions.
    if (tab.status === 'loading') return { state: 'loading' };
    return {
      state: 'unavailable',
      reason:
        'The terms of this page cannot be shown: it may have been open since before the extension was installed or updated (reload it), or the browser may not let extensions read it.',
    };
  }
}

/**
 * Calls `onChange` when the page the panel describes may have changed: a tab
 * switch, a page load in the active tab, another window focused. The content
 * script marks terms a moment after a page loads, so a load is followed by a
 * second look shortly after.
 */
export function watchActiveTab(onChange: () => void): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      onChange();
    }, ms);
    timers.add(timer);
  };
  const onActivated = () => {
    onChange();
    later(1000);
  };
  const onUpdated = (_tabId: number, change: { status?: string; url?: string }, tab: Tab) => {
    if (!tab.active) return;
    if (change.status === 'complete') {
      onChange();
      later(800);
      later(2500);
    } else if (change.url || change.status === 'loading') onChange();
  };
  const onFocus = (windowId: number) => {
    if (windowId !== browser.windows.WINDOW_ID_NONE) onChange();
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') onChange();
  };
  browser.tabs.onActivated.addListener(onActivated);
  browser.tabs.onUpdated.addListener(onUpdated);
  browser.windows.onFocusChanged.addListener(onFocus);
  document.addEventListener('visibilitychange', onVisible);
  return () => {
    browser.tabs.onActivated.removeListener(onActivated);
    browser.tabs.onUpdated.removeListener(onUpdated);
    browser.windows.onFocusChanged.removeListener(onFocus);
    document.removeEventListener('visibilitychange', onVisible);
    for (const timer of timers) clearTimeout(timer);
  };
}
