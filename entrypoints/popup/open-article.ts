/**
 * Opening the reader from the popup. Chrome's side panel (and Firefox's
 * sidebar) opens only inside a user gesture, so everything the click needs
 * is looked up when the popup opens, and the click itself calls the panel
 * API without awaiting anything first. When the popup page runs as an
 * ordinary tab (opened by address, as tests do) there is no toolbar popup to
 * hang a panel on: the reader opens in a new tab.
 */
import { browser } from 'wxt/browser';
import { openReader, readerPath } from '../../services/reader-panel';

export interface ArticleOpener {
  open(id: string): void;
}

export function createArticleOpener(onOpened: () => void = () => window.close()): ArticleOpener {
  let context: { inTab: boolean; tabId: number | undefined } | null = null;
  void Promise.all([browser.tabs.getCurrent(), browser.tabs.query({ active: true, currentWindow: true })]).then(
    ([self, [active]]) => {
      context = { inTab: self !== undefined, tabId: active?.id };
    },
    () => {
      context = { inTab: true, tabId: undefined };
    },
  );

  const inNewTab = (id: string) => browser.tabs.create({ url: browser.runtime.getURL(`/${readerPath(id)}` as '/') });

  return {
    open(id) {
      if (!context || context.inTab || context.tabId === undefined) {
        void inNewTab(id);
        return;
      }
      // openReader calls the panel API synchronously, inside this gesture.
      void openReader(id, context.tabId).then((besidePage) => {
        if (besidePage) onOpened();
      }, () => inNewTab(id));
    },
  };
}
