/**
 * How the content script's first stage (entrypoints/content-script.ts, the
 * page gate) hands a page to the rest of the content script
 * (entrypoints/content-main.ts), which it loads with a dynamic import only
 * when the page may hold a term. Both run in the extension's isolated world,
 * whose globals the page cannot see: the second stage offers its start
 * function there, and the first takes it once the import has run.
 */
import type { Settings } from '../../lib/settings/settings';
import type { PageController } from './page-controller';

/** The page's first storage read: the settings (completed) and the stored term table. */
export interface FirstRead {
  settings: Settings;
  table: unknown;
}

/** What the first stage has that the second needs. */
export interface FullPageInit {
  /** Stops the page's marking: the extension is gone. */
  signal: AbortSignal;
  /** Whether the extension is still there; when it is not, everything on the page stops (`signal` aborts). */
  stillAlive(): boolean;
  /** The page's first storage read, not repeated. */
  first: Promise<FirstRead>;
}

export type StartFullPage = (init: FullPageInit) => PageController;

/** The second stage in a build (entrypoints/content-main.ts), as runtime.getURL takes it. */
export const CONTENT_MAIN_PATH = '/content-main.js';

const OFFERED = 'agentwikiStartFullPage';

/** Called by the second stage when it is evaluated. */
export function offerFullPage(start: StartFullPage): void {
  (globalThis as Record<string, unknown>)[OFFERED] = start;
}

/** The second stage's start function, once its import has run. */
export function takeFullPage(): StartFullPage {
  const start = (globalThis as Record<string, unknown>)[OFFERED];
  if (typeof start !== 'function') throw new Error('The content script’s second stage did not start.');
  return start as StartFullPage;
}
