/**
 * The state of the cache in words, as a live region: how many articles are
 * cached, when the last sync ended (or why it failed), and a running sync
 * with its count done of total and a progress bar. Screen readers hear the
 * changes; the words are the same for everyone.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SyncStatus } from '../lib/sync/status';

const count = new Intl.NumberFormat('en');
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function timeAgo(then: number, now: number): string {
  const elapsed = Math.max(0, now - then);
  if (elapsed < 45_000) return 'just now';
  const [unit, size] = UNITS.find(([, length]) => elapsed >= length) ?? ['minute', 60_000];
  return relative.format(-Math.max(1, Math.round(elapsed / size)), unit);
}

/** "about 2 minutes left", "less than a minute left". */
export function timeLeft(seconds: number): string {
  if (seconds < 50) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} left`;
  const hours = Math.round(minutes / 60);
  return `about ${hours} ${hours === 1 ? 'hour' : 'hours'} left`;
}

export function articleCount(n: number): string {
  return `${count.format(n)} ${n === 1 ? 'article' : 'articles'}`;
}

export interface SyncStatusWords {
  /** "3,012 articles from agentwiki.org" */
  cache: string;
  /** "Last synced 5 minutes ago", "The last sync failed 2 minutes ago: ...", or "Not synced yet". */
  last: string;
  /** The running sync in words, with its progress where there is a count. */
  running: { text: string; done: number; total: number } | null;
}

function hostOf(wikiUrl: string): string {
  try {
    return new URL(wikiUrl).host;
  } catch {
    return wikiUrl;
  }
}

export function describeSyncStatus(status: SyncStatus, now: number): SyncStatusWords {
  const from = status.source === 'snapshot' ? 'bundled with the extension' : `from ${hostOf(status.wikiUrl)}`;
  const cache = `${articleCount(status.articleCount)} ${from}`;

  let last: string;
  if (!status.last) last = 'Not synced yet';
  else if (status.last.ok) last = `Last synced ${timeAgo(status.last.finishedAt, now)}`;
  else {
    const why = status.last.error?.trim();
    last = `The last sync failed ${timeAgo(status.last.finishedAt, now)}${why ? `: ${why.replace(/\.$/, '')}` : ''}`;
  }

  let running: SyncStatusWords['running'] = null;
  if (status.phase === 'detecting') running = { text: `Syncing: contacting ${hostOf(status.wikiUrl)}`, done: 0, total: 0 };
  else if (status.phase === 'listing') running = { text: 'Syncing: listing the wiki’s pages', done: 0, total: 0 };
  else if (status.phase === 'fetching') {
    const eta = status.etaSeconds !== undefined && status.done < status.total ? `, ${timeLeft(status.etaSeconds)}` : '';
    running = {
      text: `Syncing: ${count.format(status.done)} of ${count.format(status.total)} ${status.total === 1 ? 'page' : 'pages'}${eta}`,
      done: status.done,
      total: status.total,
    };
  } else if (status.phase === 'indexing') running = { text: 'Syncing: indexing the articles', done: 0, total: 0 };
  return { cache, last, running };
}

export interface SyncStatusViewProps {
  status: SyncStatus | null;
  /** The clock, for tests; the view re-reads it every minute so "5 minutes ago" stays true. */
  now?: () => number;
  /** Offered as "Try again" beside a failed sync's reason. */
  onRetry?: () => void;
}

export function SyncStatusView({ status, now = Date.now, onRetry }: SyncStatusViewProps) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 60_000);
    return () => clearInterval(timer);
  }, []);

  if (!status) {
    return (
      <div class="sync-status" role="status">
        <p>Reading the cache…</p>
      </div>
    );
  }
  const words = describeSyncStatus(status, now());
  const failed = status.last !== undefined && !status.last.ok;
  return (
    <div class="sync-status" role="status">
      <p class="sync-status-cache">{words.cache}.</p>
      <p class={failed ? 'sync-status-last is-error' : 'sync-status-last'}>
        {words.last}.
        {failed && !words.running && onRetry && (
          <>
            {' '}
            <button type="button" class="button-quiet sync-status-retry" onClick={onRetry}>
              Try again
            </button>
          </>
        )}
      </p>
      {words.running && (
        <div class="sync-status-running">
          <p>{words.running.text}</p>
          {/* Without a total the bar is indeterminate: it says work is going on. */}
          {words.running.total > 0 ? (
            <progress max={words.running.total} value={words.running.done} aria-label="Sync progress" />
          ) : (
            <progress aria-label="Sync progress" />
          )}
        </div>
      )}
    </div>
  );
}
