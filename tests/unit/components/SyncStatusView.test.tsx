import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSyncStatus, SyncStatusView, timeAgo } from '../../../components/SyncStatusView';
import type { SyncStatus } from '../../../lib/sync/status';

afterEach(cleanup);

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const minutes = (n: number) => n * 60_000;

const base: SyncStatus = {
  wikiUrl: 'https://agentwiki.org/',
  source: 'xmlrpc',
  articleCount: 3012,
  phase: 'idle',
  done: 0,
  total: 0,
};

describe('timeAgo', () => {
  it('speaks like a person', () => {
    expect(timeAgo(NOW - 10_000, NOW)).toBe('just now');
    expect(timeAgo(NOW - minutes(1), NOW)).toBe('1 minute ago');
    expect(timeAgo(NOW - minutes(5), NOW)).toBe('5 minutes ago');
    expect(timeAgo(NOW - minutes(90), NOW)).toBe('2 hours ago');
    expect(timeAgo(NOW - minutes(60 * 24), NOW)).toBe('yesterday');
    expect(timeAgo(NOW - minutes(60 * 24 * 21), NOW)).toBe('3 weeks ago');
    expect(timeAgo(NOW + 5000, NOW)).toBe('just now');
  });
});

describe('describeSyncStatus', () => {
  it('counts the cache with digit grouping and names the wiki', () => {
    expect(describeSyncStatus(base, NOW).cache).toBe('3,012 articles from agentwiki.org');
    expect(describeSyncStatus({ ...base, articleCount: 1 }, NOW).cache).toBe('1 article from agentwiki.org');
    expect(describeSyncStatus({ ...base, source: 'snapshot', articleCount: 43 }, NOW).cache).toBe('43 articles bundled with the extension');
  });

  it('says when the last sync ended, or why it failed', () => {
    expect(describeSyncStatus(base, NOW).last).toBe('Not synced yet');
    const ok = { ...base, last: { ok: true, finishedAt: NOW - minutes(5), fetched: 3, removed: 0 } };
    expect(describeSyncStatus(ok, NOW).last).toBe('Last synced 5 minutes ago');
    const failed = {
      ...base,
      last: { ok: false, finishedAt: NOW - minutes(2), fetched: 0, removed: 0, error: 'http://127.0.0.1:9/ did not answer.' },
    };
    expect(describeSyncStatus(failed, NOW).last).toBe('The last sync failed 2 minutes ago: http://127.0.0.1:9/ did not answer');
  });

  it('gives a running sync its count done of total', () => {
    expect(describeSyncStatus({ ...base, phase: 'fetching', done: 120, total: 3012 }, NOW).running).toEqual({
      text: 'Syncing: 120 of 3,012 pages',
      done: 120,
      total: 3012,
    });
    expect(describeSyncStatus({ ...base, phase: 'detecting' }, NOW).running?.text).toBe('Syncing: contacting agentwiki.org');
    expect(describeSyncStatus({ ...base, phase: 'indexing' }, NOW).running?.text).toBe('Syncing: indexing the articles');
    expect(describeSyncStatus(base, NOW).running).toBeNull();
  });
});

describe('SyncStatusView', () => {
  it('is a status live region stating the cache, the last sync and the progress', () => {
    const status: SyncStatus = {
      ...base,
      phase: 'fetching',
      done: 120,
      total: 3012,
      last: { ok: true, finishedAt: NOW - minutes(5), fetched: 3, removed: 0 },
    };
    render(<SyncStatusView status={status} now={() => NOW} />);
    const region = screen.getByRole('status');
    expect(region.textContent).toBe('3,012 articles from agentwiki.org.Last synced 5 minutes ago.Syncing: 120 of 3,012 pages');
    const bar = screen.getByRole('progressbar', { name: 'Sync progress' }) as HTMLProgressElement;
    expect(bar.getAttribute('max')).toBe('3012');
    expect(bar.getAttribute('value')).toBe('120');
  });

  it('shows no progress bar when idle, and says it is reading before the status is known', () => {
    const { rerender } = render(<SyncStatusView status={null} />);
    expect(screen.getByRole('status').textContent).toBe('Reading the cache…');
    rerender(<SyncStatusView status={base} now={() => NOW} />);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('time left and retry', () => {
  it('says how long the running sync still needs', () => {
    const words = describeSyncStatus(
      { wikiUrl: 'https://agentwiki.org/', source: 'xmlrpc', articleCount: 10, phase: 'fetching', done: 120, total: 3012, etaSeconds: 150 },
      0,
    );
    expect(words.running?.text).toBe('Syncing: 120 of 3,012 pages, about 3 minutes left');
  });

  it('offers "Try again" beside a failed sync', () => {
    let retried = 0;
    const view = render(
      <SyncStatusView
        status={{
          wikiUrl: 'https://agentwiki.org/',
          source: 'snapshot',
          articleCount: 43,
          phase: 'idle',
          done: 0,
          total: 0,
          last: { ok: false, finishedAt: 0, fetched: 0, removed: 0, error: 'https://agentwiki.org/ cannot be reached.' },
        }}
        now={() => 60_000}
        onRetry={() => retried++}
      />,
    );
    expect(view.getByRole('status').textContent).toContain('cannot be reached');
    fireEvent.click(view.getByRole('button', { name: 'Try again' }));
    expect(retried).toBe(1);
  });
});
