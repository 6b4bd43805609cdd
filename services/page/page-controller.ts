/**
 * Keeps one page session in step with the settings and the term table: starts
 * it when marking is on for the site and a table is there, tears it down when
 * marking is turned off, and starts a fresh one (a rescan) when a new table
 * arrives after a sync or when a setting of the marking changes (every
 * occurrence or the first, links or not). Storage access comes in as
 * functions, so tests drive it with plain fakes.
 *
 * The table is read only when it is needed: on a site where marking is off it
 * is read when the side panel asks for the page's terms, not on every load.
 * A sharded table (the stored form, see docs/decisions/term-table-delivery.md)
 * is read as its index, and then shard by shard as the page's words ask.
 */
import { compileMatcher, compileShardedMatcher, type Matcher } from '../../lib/match/matcher';
import { parseTermTable, TERM_TABLE_VERSION, type TermTable } from '../../lib/match/table';
import {
  parseTermTableIndex,
  parseTermTableShard,
  SHARDED_TABLE_VERSION,
  shardKey,
  type TermTableIndex,
} from '../../lib/match/table-shards';
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
  /** The stored term table: a whole table, or the index of a sharded one (lib/match/table-shards.ts). */
  loadTermTable(): Promise<unknown>;
  /** Reads storage keys (the shards of a sharded table). */
  loadStorage?(keys: string[]): Promise<Record<string, unknown>>;
  /** Calls back with the new settings on every change; returns the function that stops watching. */
  watchSettings(onChange: (settings: Settings) => void): () => void;
  watchTermTable(onChange: (table: unknown) => void): () => void;
  lookup(id: string): Promise<CardData | null>;
  openInSidePanel(id: string): unknown;
  /** Defaults for the session; the settings decide `firstOccurrenceOnly` and `skipLinks`. */
  sessionOptions?: Partial<PageSessionOptions>;
  highlights?: HighlightApi | null;
  /** Told why a stored table was refused; the page then stays unmarked. */
  onTableError?(error: string): void;
}

export interface PageController {
  /** Resolves when settings (and, if marking is on, the table) are read and the first scan is done. */
  readonly ready: Promise<void>;
  /** The page's terms for the side panel, marking on or off. */
  terms(): Promise<PageTerm[]>;
  nextTerm(): boolean;
  /** The running session, if marking is on (tests, diagnostics). */
  session(): PageSession | null;
}

/** The session options the user's settings ask for. */
export function sessionOptionsFrom(settings: Settings): Pick<PageSessionOptions, 'firstOccurrenceOnly' | 'skipLinks'> {
  return { firstOccurrenceOnly: !settings.markEveryOccurrence, skipLinks: !settings.markInLinks };
}

/** What an unreadable shard becomes: nothing to match, so the scan does not wait for it again. */
const EMPTY_SHARD: TermTable = { v: TERM_TABLE_VERSION, ids: [], titles: [], terms: [], owners: [], heads: [], headStarts: [] };

type StoredTable = { kind: 'whole'; table: TermTable } | { kind: 'sharded'; index: TermTableIndex };

export function startPageController(deps: PageControllerDeps): PageController {
  let settings: Settings | null = null;
  /** undefined: not read yet (or stale); null: none stored, or refused. */
  let table: StoredTable | null | undefined;
  let tableLoad: Promise<void> | null = null;
  let matcher: Matcher | null = null;
  let session: PageSession | null = null;
  let sessionAbort: AbortController | null = null;

  const titleOf = (id: string) => matcher?.titleOf(id) ?? id;
  const matcherOf = () =>
    (matcher ??= !table ? null : table.kind === 'whole' ? compileMatcher(table.table) : compileShardedMatcher(table.index));
  const markingOn = () => !!settings && highlightingOnFor(settings, deps.hostname);
  const optionsFor = (s: Settings): Partial<PageSessionOptions> => ({ ...deps.sessionOptions, ...sessionOptionsFrom(s) });

  function acceptTable(value: unknown): void {
    const sharded = !!value && typeof value === 'object' && (value as { v?: unknown }).v === SHARDED_TABLE_VERSION;
    const parsed = sharded ? parseTermTableIndex(value) : parseTermTable(value);
    if (!parsed.ok) {
      if (value !== undefined) deps.onTableError?.(parsed.error);
      table = null;
    } else {
      table = sharded
        ? { kind: 'sharded', index: parsed.value as TermTableIndex }
        : { kind: 'whole', table: parsed.value as TermTable };
    }
    matcher = null;
  }

  /**
   * Reads shards into the current matcher. A shard of another build (the
   * table was rewritten meanwhile) means the index is stale: it is read
   * again and the page scanned afresh.
   */
  async function loadShards(wanted: number[]): Promise<void> {
    const current = table;
    const target = matcher;
    if (!current || current.kind !== 'sharded' || !target) return;
    const keys = wanted.filter((k) => !target.hasShard(k));
    let items: Record<string, unknown> = {};
    try {
      items = keys.length && deps.loadStorage ? await deps.loadStorage(keys.map(shardKey)) : {};
    } catch (error) {
      deps.onTableError?.(`Part of the term table could not be read: ${String(error)}`);
    }
    let stale = false;
    for (const k of keys) {
      const value = items[shardKey(k)];
      const parsed = parseTermTableShard(value, current.index.hashes[k] ?? '');
      if (parsed.ok) target.addShard(k, parsed.value);
      else {
        target.addShard(k, EMPTY_SHARD);
        if (value !== undefined) stale = true;
      }
    }
    if (stale && table === current) {
      table = undefined;
      matcher = null;
      if (markingOn()) void restart();
    }
  }

  /** Reads the stored table unless it is read already or on its way. */
  function ensureTable(): Promise<void> {
    if (table !== undefined) return Promise.resolve();
    tableLoad ??= deps.loadTermTable().then(
      (value) => {
        tableLoad = null;
        // A table that arrived by a change meanwhile is newer.
        if (table === undefined) acceptTable(value);
      },
      (error: unknown) => {
        tableLoad = null;
        table = null;
        deps.onTableError?.(`The term table could not be read: ${String(error)}`);
      },
    );
    return tableLoad;
  }

  /** Stops the running session and starts a new one if marking is on; resolves when its first scan is done. */
  function restart(): Promise<void> {
    sessionAbort?.abort();
    sessionAbort = null;
    session = null;
    if (deps.signal.aborted || !markingOn()) return Promise.resolve();
    // Synchronous when the table is at hand, so a change of settings takes effect at once.
    if (table !== undefined) return startSession();
    return ensureTable().then(() => (session ? session.ready : startSession()));
  }

  function startSession(): Promise<void> {
    if (deps.signal.aborted || !markingOn() || !matcherOf()) return Promise.resolve();
    const current = settings!;
    const abort = new AbortController();
    sessionAbort = abort;
    session = startPageSession({
      doc: deps.doc,
      matcher: matcherOf()!,
      titleOf,
      pageUrlOf: (id) => wikiPageUrl(current.wikiUrl, id),
      lookup: deps.lookup,
      loadShards,
      openInSidePanel: deps.openInSidePanel,
      signal: abort.signal,
      options: optionsFor(current),
      highlights: deps.highlights,
    });
    return session.ready;
  }

  const stopWatchingSettings = deps.watchSettings((next) => {
    const previous = settings;
    const wasOn = markingOn();
    settings = next;
    const changed =
      !previous ||
      wasOn !== markingOn() ||
      previous.wikiUrl !== next.wikiUrl ||
      previous.markEveryOccurrence !== next.markEveryOccurrence ||
      previous.markInLinks !== next.markInLinks;
    if (changed) void restart();
  });
  const stopWatchingTable = deps.watchTermTable((value) => {
    acceptTable(value);
    if (markingOn()) void restart();
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
    const loaded = await deps.loadSettings();
    // A change that arrived while loading is newer than what was loaded.
    settings ??= loaded;
    if (!session) await restart();
  })();

  return {
    ready,
    terms: async () => {
      if (session) return session.terms();
      await ensureTable();
      const m = matcherOf();
      const options = { ...DEFAULT_PAGE_SESSION_OPTIONS, ...(settings ? optionsFor(settings) : deps.sessionOptions) };
      return m && !deps.signal.aborted
        ? pageTerms(deps.doc, m, { skipLinks: options.skipLinks }, titleOf, {
            gateOnTopic: options.gateOnTopic,
            withFrames: options.scanFrames,
            loadShards,
          })
        : [];
    },
    nextTerm: () => session?.nextTerm() ?? false,
    session: () => session,
  };
}
