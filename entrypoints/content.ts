/**
 * The content script: marks the knowledge base's terms on every page and
 * shows their hover card. Top frame only: frames would each load and compile
 * the term table again, and a same-origin iframe is a later concern.
 */
import { defineContentScript } from 'wxt/utils/define-content-script';
import type { ToContent } from '../lib/protocol';
import { completeSettings } from '../lib/settings/settings';
import { DEFAULT_WIKI_URL, loadLocal, loadSettings, watchLocal } from '../services/local-state';
import { handleMessages, sendToBackground } from '../services/messaging';
import { startPageController } from '../services/page/page-controller';

export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_idle',
  allFrames: false,
  main(ctx) {
    const controller = startPageController({
      doc: document,
      hostname: location.hostname,
      signal: ctx.signal,
      loadSettings,
      loadTermTable: () => loadLocal('termTable'),
      watchSettings: (onChange) => watchLocal('settings', (value) => onChange(completeSettings(value, DEFAULT_WIKI_URL))),
      watchTermTable: (onChange) => watchLocal('termTable', onChange),
      lookup: (id) => sendToBackground('card:get', { id }),
      openInSidePanel: (id) => sendToBackground('sidepanel:open', { id }),
      onTableError: (error) => console.warn(`AgentWiki Companion: ${error}`),
    });
    ctx.onInvalidated(
      handleMessages<ToContent>({
        'page:terms': () => controller.terms(),
        'page:next-term': () => controller.nextTerm(),
      }),
    );
  },
});
