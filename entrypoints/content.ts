/**
 * The content script: marks the knowledge base's terms on every page and
 * shows their hover card. It runs in the top frame only and reads same-origin
 * frames from there (services/page/page-session.ts): a script in every frame
 * would read and compile the term table once per frame.
 */
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { ToContent } from '../lib/protocol';
import { completeSettings } from '../lib/settings/settings';
import { DEFAULT_WIKI_URL, loadLocal, loadSettings, watchLocal } from '../services/local-state';
import { handleMessages, sendToBackground } from '../services/messaging';
import { watchExtensionContext } from '../services/page/extension-context';
import { startPageController } from '../services/page/page-controller';
import { readStorage } from '../services/page/term-table-store';

export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_idle',
  allFrames: false,
  main(ctx) {
    // Stopped when WXT invalidates the script, or when the extension turns out
    // to be gone (disabled, removed, reloaded): then the page is left as it was.
    const stop = new AbortController();
    ctx.onInvalidated(() => stop.abort());
    const isAlive = () => browser.runtime?.id != null;
    watchExtensionContext({ doc: document, isAlive, onGone: () => stop.abort(), signal: stop.signal });
    const askingBackground =
      <T>(ask: () => Promise<T>) =>
      (): Promise<T> =>
        ask().catch((error: unknown) => {
          if (!isAlive()) stop.abort();
          throw error;
        });

    const controller = startPageController({
      doc: document,
      hostname: location.hostname,
      signal: stop.signal,
      loadSettings,
      loadTermTable: () => loadLocal('termTable'),
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
