/**
 * Keeps one page session in step with the settings and the term table: starts
 * it when marking is on for the site and a table is there, tears it down when
 * marking is turned off, and starts a fresh one (a rescan) when a new table
 * arrives after a sync. Storage access comes in as functions, so tests drive
 * it with plain fakes.
 */
import { compileMatcher, type Matcher } from '../../lib/match/matcher';
import { parseTermTable, type TermTable } from '../../lib/match/table';
import type { CardData, PageTerm } from '../../lib/protocol';
import { highlightingOnFor, type Settings } from '../../lib/settings/settings';
import { wikiPageUrl } from '../../lib/wiki/urls';
import type { HighlightApi } from './painter';
import { pageTerms } from './page-terms';
import { DEFAULT_PAGE_SESSION_OPTIONS, startPageSession, type PageSession, type PageSessionOptions } from './page-session';

export interface PageControllerDeps {
  doc: Document;
  hostname: string;
  signal: AbortSignal;
  loadSettings(): Promise<Settings>;
  loadTermTable(): Promise<unknown>;
  /** Calls back with the new settings on every change; returns the function that stops watching. */
  watchSettings(onChange: (settings: Settings) => void): () => void;
  watchTermTable(onChange: (table: unknown) => void): () => void;
  lookup(id: string): Promise<CardData | null>;
  openInSidePanel(id: string): unknown;
  sessionOptions?: Partial<PageSessionOptions>;
  highlights?: HighlightApi | null;
  /** Told why a stored table was refused; the page then stays unmarked. */
  onTableError?(error: string): void;
}

export interface PageController {
  /** Resolves when settings and table are read and the first scan (if any) is done. */
  readonly ready: Promise<void>;
  terms(): PageTerm[];
  nextTerm(): boolean;
  /** The running session, if marking is on (tests, diagnostics). */
  session(): PageSession | null;
}

export function startPageController(deps: PageControllerDeps): PageController {
  let settings: Settings | null = null;
  let table: TermTable | null = null;
  let matcher: Matcher | null = null;
  let titles: Map<string, string> | null = null;
  let session: PageSession | null = null;
  let sessionAbort: AbortController | null = null;

  const titleOf = (id: string) => {
    titles ??= new Map(table!.ids.map((tableId, i) => [tableId, table!.titles[i]!]));
    return titles.get(id) ?? id;
  };
  const matcherOf = () => (matcher ??= table ? compileMatcher(table) : null);
  const markingOn = () => !!settings && highlightingOnFor(settings, deps.hostname);

  function acceptTable(value: unknown): void {
    const parsed = parseTermTable(value);
    if (!parsed.ok) {
      if (value !== undefined) deps.onTableError?.(parsed.error);
      table = null;
    } else table = parsed.value;
    matcher = null;
    titles = null;
  }

  /** Stops the running session and starts a new one if marking is on. */
  function restart(): Promise<void> {
    sessionAbort?.abort();
    sessionAbort = null;
    session = null;
    if (deps.signal.aborted || !markingOn() || !matcherOf()) return Promise.resolve();
    const wikiUrl = settings!.wikiUrl;
    const abort = new AbortController();
    sessionAbort = abort;
    session = startPageSession({
      doc: deps.doc,
      matcher: matcherOf()!,
      titleOf,
      pageUrlOf: (id) => wikiPageUrl(wikiUrl, id),
      lookup: deps.lookup,
      openInSidePanel: deps.openInSidePanel,
      signal: abort.signal,
      options: deps.sessionOptions,
      highlights: deps.highlights,
    });
    return session.ready;
  }

  const stopWatchingSettings = deps.watchSettings((next) => {
    const wasOn = markingOn();
    const wikiChanged = settings?.wikiUrl !== next.wikiUrl;
    settings = next;
    if (wasOn !== markingOn() || wikiChanged) void restart();
  });
  const stopWatchingTable = deps.watchTermTable((value) => {
    acceptTable(value);
    void restart();
  });
  deps.signal.addEventListener(
    'abort',
    () => {
      stopWatchingSettings();
      stopWatchingTable();
      sessionAbort?.abort();
      session = null;
    },
    { once: true },
  );

  const ready = (async () => {
    const [loadedSettings, loadedTable] = await Promise.all([deps.loadSettings(), deps.loadTermTable()]);
    // A change that arrived while loading is newer than what was loaded.
    settings ??= loadedSettings;
    if (!table) acceptTable(loadedTable);
    await restart();
  })();

  return {
    ready,
    terms: () => {
      if (session) return session.terms();
      const m = matcherOf();
      const options = { ...DEFAULT_PAGE_SESSION_OPTIONS, ...deps.sessionOptions };
      return m && !deps.signal.aborted
        ? pageTerms(deps.doc, m, { skipLinks: options.skipLinks }, titleOf, options.gateOnTopic)
        : [];
    },
    nextTerm: () => session?.nextTerm() ?? false,
    session: () => session,
  };
}
