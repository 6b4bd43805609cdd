/**
 * The content script: marks the knowledge base's terms on every page and
 * shows their hover card. It runs in the top frame only and reads same-origin
 * frames from there (services/page/page-session.ts): a script in every frame
 * would read and compile the term table once per frame.
 *
 * Built as a plain script and declared in the manifest by wxt.config.ts,
 * rather than through WXT's content-script wrapper: the wrapper's context
 * posts a message to the page and listens for newer copies of the script on
 * every page load, which cost 1–2 ms of the page's main thread (Chrome trace
 * of a page without terms) for a case this extension does not have; an
 * orphaned copy is caught by watchExtensionContext instead.
 */
import { browser } from 'wxt/browser';
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import type { ToContent } from '../lib/protocol';
import { completeSettings } from '../lib/settings/settings';
import { DEFAULT_WIKI_URL, loadLocal, watchLocal } from '../services/local-state';
import { handleMessages, sendToBackground } from '../services/messaging';
import { watchExtensionContext } from '../services/page/extension-context';
import { startPageController } from '../services/page/page-controller';
import { readStorage } from '../services/page/term-table-store';

export default defineUnlistedScript({
  main() {
    // Stopped when the extension turns out to be gone (disabled, removed,
    // reloaded): then the page is left as it was.
    const stop = new AbortController();
    const isAlive = () => browser.runtime?.id != null;
    watchExtensionContext({ doc: document, isAlive, onGone: () => stop.abort(), signal: stop.signal });
    const askingBackground =
      <T>(ask: () => Promise<T>) =>
      (): Promise<T> =>
        ask().catch((error: unknown) => {
          if (!isAlive()) stop.abort();
          throw error;
        });

    // Settings and term table in one storage read: each read is a round trip
    // to the browser and a task on the page's main thread. The table's index
    // is read even on a site where marking is off, which is the rare case.
    const firstRead = browser.storage.local.get(['settings', 'termTable']);
    let firstTable: Promise<unknown> | null = firstRead.then((got) => got['termTable']);
    const controller = startPageController({
      doc: document,
      hostname: location.hostname,
      signal: stop.signal,
      loadSettings: () => firstRead.then((got) => completeSettings(got['settings'], DEFAULT_WIKI_URL)),
      // Later reads (the table went stale while the page read it) go to storage afresh.
      loadTermTable: () => {
        const table = firstTable ?? loadLocal('termTable');
        firstTable = null;
        return table;
      },
      loadStorage: readStorage,
      watchSettings: (onChange) => watchLocal('settings', (value) => onChange(completeSettings(value, DEFAULT_WIKI_URL))),
      watchTermTable: (onChange) => watchLocal('termTable', onChange),
      lookup: (id) => askingBackground(() => sendToBackground('card:get', { id }))(),
      openInSidePanel: (id) => askingBackground(() => sendToBackground('sidepanel:open', { id }))(),
      onTableError: (error) => console.warn(`AgentWiki Companion: ${error}`),
    });
    const stopHandling = handleMessages<ToContent>({
      'page:terms': () => controller.terms(),
      'page:next-term': () => controller.nextTerm(),
    });
    stop.signal.addEventListener('abort', stopHandling, { once: true });
  },
});
