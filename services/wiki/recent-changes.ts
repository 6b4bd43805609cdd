/**
 * What every source's "changes since" shares: how far back a wiki's recent
 * changes can be trusted, and how much earlier than asked to look.
 *
 * DokuWiki answers recent changes from its global changelog
 * (`data/meta/_dokuwiki.changes`), which its housekeeping trims to the last
 * `recent_days` days (7 by default; inc/TaskRunner.php runTrimRecentChanges).
 * No API says what a wiki set, so 7 days is assumed unless told otherwise.
 */
import type { PageChange } from '../../lib/wiki/gateway';

export const DEFAULT_RECENT_DAYS = 7;

/** What a gateway may know of its wiki beyond its address. */
export interface GatewaySettings {
  /** The wiki's `recent_days`, when known. Default 7. */
  recentDays?: number;
}

const DAY_MS = 86_400_000;

/**
 * Asked this much before `since`: a clock here that runs ahead of the
 * wiki's, or a feed built minutes before the last sync asked for it
 * (`rss_update`, 5 minutes by default), would otherwise hide changes made
 * just before `since`. The few pages this repeats are already stored with
 * the same time.
 */
export const CHANGES_MARGIN_MS = 10 * 60_000;

/**
 * Whether changes since `since` are all still in a changelog trimmed to
 * `recentDays`, judged on the wiki's clock, an hour short of the limit
 * because trimming runs whenever a visitor triggers housekeeping.
 */
export function withinRecentWindow(since: number, serverNow: number, recentDays = DEFAULT_RECENT_DAYS): boolean {
  if (!Number.isFinite(since) || since <= 0) return false;
  return serverNow - since <= recentDays * DAY_MS - 3_600_000;
}

/**
 * One entry per page (its latest change), oldest first: how the sync wants
 * them, whichever order and repetition a source used.
 */
export function latestChangePerPage(changes: Iterable<PageChange>): PageChange[] {
  const latest = new Map<string, PageChange>();
  for (const change of changes) {
    const seen = latest.get(change.id);
    if (!seen || change.modified >= seen.modified) latest.set(change.id, change);
  }
  return [...latest.values()].sort((a, b) => a.modified - b.modified || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
