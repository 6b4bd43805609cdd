/**
 * When a sync may ask the wiki only what changed, and from when; when it must
 * compare the wiki's whole page list instead. Pure: the clock and the stored
 * state are parameters, so every rule is a unit test.
 *
 * The rule behind every choice: a change is never silently missed. Recent
 * changes are trusted only while they can hold every change since the last
 * complete sync; anything else costs one full listing, which for the XML-RPC
 * API is a single request (0.4 s for 10,000 pages, notes/dokuwiki.md).
 */
/** What the cache remembers of its last complete sync (kept in IndexedDB with the articles, swapped with them). */
export interface SyncState {
  /** The wiki the cache holds, as a base URL. */
  wikiUrl: string;
  /** Unix ms (this machine's clock) when the last complete sync began. */
  lastSyncStartedAt: number;
  /** Unix ms when the last full comparison began. */
  lastFullCompareAt: number;
  /**
   * The wiki's own time (its clock, unix ms) up to which the last sync's
   * recent changes were complete (ChangesSince.asOf): the next incremental
   * sync asks from there, immune to this machine's clock. Absent after a
   * full comparison or when the wiki did not say.
   */
  changesAsOf?: number;
  /**
   * Each cached page's modification time: a mirror of the articles' own
   * `modified`, swapped in with them, so that planning a sync reads one
   * record instead of walking every article (a cursor over 10,000 articles
   * costs seconds). Absent in a state written before it existed.
   */
  modified?: Record<string, number>;
  /** md5 of a cached page's text as the wiki last listed it (XML-RPC and JSON-RPC listings carry it). */
  hashes: Record<string, string>;
  /** Pages the last sync could not read (their older copies stay cached): the next sync fetches them again. */
  retry: string[];
  /** Counts the swaps; derived data remembers the generation it was built from. */
  generation: number;
}

/**
 * How long a wiki keeps its recent changes: DokuWiki's `recent_days`, 7 by
 * default; older lines are trimmed from its changelog, so a longer gap cannot
 * be bridged by asking what changed.
 */
export const RECENT_CHANGES_WINDOW_MS = 7 * 24 * 3600_000;

/**
 * Without the wiki's own time (after a full comparison, or from a wiki that
 * does not say), changes are asked from this long before the last sync began
 * by this machine's clock. It absorbs the difference between this clock and
 * the wiki's (changelog dates are the server's; NTP keeps both within
 * seconds, a hand-set clock within minutes) and edits saved while that sync
 * was listing. It costs only a longer answer: pages the cache already holds
 * at the changed date are not fetched again (planFromChanges).
 */
export const CHANGES_MARGIN_MS = 15 * 60_000;

/**
 * Recent changes do not report everything: a page made readable or unreadable
 * by an ACL change, files copied onto the server by hand. A full comparison
 * at least this often catches those too.
 */
export const FULL_COMPARE_EVERY_MS = 7 * 24 * 3600_000;

export type FullCompareReason =
  /** Nothing synced yet (or only the bundled snapshot). */
  | 'first-sync'
  /** The cache holds another wiki. */
  | 'new-wiki'
  /** Longer since the last sync than the wiki keeps recent changes. */
  | 'gap-too-long'
  /** The periodic check (FULL_COMPARE_EVERY_MS). */
  | 'periodic-check'
  /** The wiki said its answer may miss changes (cut at a limit, or older than it keeps). */
  | 'changes-incomplete'
  /** The wiki could not list its changes (the method is missing or refused). */
  | 'changes-unavailable'
  /** Asked for explicitly. */
  | 'requested'
  /** The last sync's record is from this machine's future: its clock was changed. */
  | 'clock-changed';

export type SyncDecision = { kind: 'full'; reason: FullCompareReason } | { kind: 'incremental'; since: number };

export interface SyncChoiceOptions {
  /** Compare the full page list whatever the state says. */
  full?: boolean;
  windowMs?: number;
  marginMs?: number;
  fullCompareEveryMs?: number;
}

/** Whether the next sync of `wikiUrl` may be incremental, and from when (unix ms) it must ask. */
export function chooseSync(
  state: SyncState | undefined,
  wikiUrl: string,
  now: number,
  options: SyncChoiceOptions = {},
): SyncDecision {
  const windowMs = options.windowMs ?? RECENT_CHANGES_WINDOW_MS;
  const marginMs = options.marginMs ?? CHANGES_MARGIN_MS;
  const fullEvery = options.fullCompareEveryMs ?? FULL_COMPARE_EVERY_MS;
  if (!state) return { kind: 'full', reason: 'first-sync' };
  if (state.wikiUrl !== wikiUrl) return { kind: 'full', reason: 'new-wiki' };
  if (options.full) return { kind: 'full', reason: 'requested' };
  // A last sync "in the future" means the clock went back: the margin can no
  // longer be trusted to cover the difference.
  if (state.lastSyncStartedAt > now + marginMs) return { kind: 'full', reason: 'clock-changed' };
  // The wiki's own time when it gave one: its changelog is dated by its
  // clock, so that is right however far this machine's clock is off. Else
  // this machine's time, less the margin.
  const since =
    state.changesAsOf !== undefined && Number.isFinite(state.changesAsOf)
      ? state.changesAsOf
      : state.lastSyncStartedAt - marginMs;
  if (now - since > windowMs) return { kind: 'full', reason: 'gap-too-long' };
  if (now - state.lastFullCompareAt > fullEvery) return { kind: 'full', reason: 'periodic-check' };
  return { kind: 'incremental', since: Math.max(0, since) };
}
