/**
 * The content script's second stage: marks the knowledge base's terms on the
 * page and shows their hover card (services/page/page-controller.ts). The
 * first stage (content-script.ts) loads it with a dynamic import when the
 * page may hold a term, or when the side panel or the keyboard command asks
 * for the page's terms; it runs in the same isolated world and offers its
 * start function there (services/page/full-page.ts). Listed among the web
 * accessible resources under a per-session address (wxt.config.ts), so that
 * no page can find the extension by asking for it.
 */
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { loadLocal, watchLocal, watchSettings } from '../services/local-state';
import { sendToBackground } from '../services/messaging';
import { offerFullPage } from '../services/page/full-page';
import { startPageController } from '../services/page/page-controller';
import { readStorage } from '../services/page/term-table-store';

export default defineUnlistedScript({
  main() {
    offerFullPage(({ signal, stillAlive, first }) => {
      // A background that cannot answer may be an extension that is gone: then both stages stop.
      const askingBackground = <T>(ask: () => Promise<T>): Promise<T> =>
        ask().catch((error: unknown) => {
          stillAlive();
          throw error;
        });
      let firstTable: Promise<unknown> | null = first.then((got) => got.table);
      return startPageController({
        doc: document,
        hostname: location.hostname,
        signal,
        loadSettings: () => first.then((got) => got.settings),
        // Later reads (the table went stale while the page read it) go to storage afresh.
        loadTermTable: () => {
          const table = firstTable ?? loadLocal('termTable');
          firstTable = null;
          return table;
        },
        loadStorage: readStorage,
        watchSettings,
        watchTermTable: (onChange) => watchLocal('termTable', onChange),
        lookup: (id) => askingBackground(() => sendToBackground('card:get', { id })),
        openInSidePanel: (id) => askingBackground(() => sendToBackground('sidepanel:open', { id })),
        onTableError: (error) => console.warn(`AgentWiki Companion: ${error}`),
      });
    });
  },
});
