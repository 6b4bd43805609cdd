/**
 * The content script, first stage: on every page, tests the page's text
 * against the term table's filter and loads the rest of the content script
 * (content-main.ts: marking, hover card, page following) only when the page
 * may hold a term, or when the side panel or the keyboard command asks
 * (services/page/page-gate.ts says why). It runs in the top frame only and
 * reads same-origin frames from there: a script in every frame would read
 * the term table once per frame.
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
import { errorMessage } from '../lib/result';
import { completeSettings } from '../lib/settings/settings';
import { DEFAULT_WIKI_URL, watchLocal, watchSettings } from '../services/local-state';
import { handleMessages } from '../services/messaging';
import { watchExtensionContext } from '../services/page/extension-context';
import { CONTENT_MAIN_PATH, takeFullPage } from '../services/page/full-page';
import { startPageGate } from '../services/page/page-gate';

export default defineUnlistedScript({
  main() {
    // Stopped when the extension turns out to be gone (disabled, removed,
    // reloaded): then the page is left as it was.
    const stop = new AbortController();
    const isAlive = () => browser.runtime?.id != null;
    const stillAlive = () => {
      if (isAlive()) return true;
      stop.abort();
      return false;
    };

    // Settings and term table in one storage read: each read is a round trip
    // to the browser and a task on the page's main thread. The second stage
    // starts from the same answer, settings completed once.
    const first = browser.storage.local
      .get(['settings', 'termTable'])
      .then((got) => ({ settings: completeSettings(got['settings'], DEFAULT_WIKI_URL), table: got['termTable'] }));
    const gate = startPageGate({
      doc: document,
      hostname: location.hostname,
      signal: stop.signal,
      first,
      watchSettings,
      watchTermTable: (onChange) => watchLocal('termTable', onChange),
      startFull: async () => {
        if (!stillAlive()) throw new Error('The extension is gone.');
        // Watched from here on, when the page gets marks and a card to take
        // down: until then an orphaned first stage holds nothing but an
        // observer, and its storage listeners never fire again.
        watchExtensionContext({ doc: document, isAlive, onGone: () => stop.abort(), signal: stop.signal });
        try {
          await import(/* @vite-ignore */ browser.runtime.getURL(CONTENT_MAIN_PATH));
          return takeFullPage()({ signal: stop.signal, stillAlive, first });
        } catch (error) {
          console.warn(`AgentWiki Companion: marking could not start on this page: ${errorMessage(error)}`);
          throw error;
        }
      },
    });
    const stopHandling = handleMessages<ToContent>({
      'page:terms': async () => (await gate.full()).terms(),
      'page:next-term': async () => {
        const controller = await gate.full();
        await controller.ready;
        return controller.nextTerm();
      },
    });
    stop.signal.addEventListener('abort', stopHandling, { once: true });
  },
});
