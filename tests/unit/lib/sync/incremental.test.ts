import { describe, expect, it } from 'vitest';
import {
  CHANGES_MARGIN_MS,
  chooseSync,
  FULL_COMPARE_EVERY_MS,
  RECENT_CHANGES_WINDOW_MS,
  type SyncState,
} from '../../../../lib/sync/incremental';

const WIKI = 'https://wiki.example.org/';
const NOW = Date.UTC(2026, 5, 1, 12);
const HOUR = 3600_000;

function state(overrides: Partial<SyncState> = {}): SyncState {
  return {
    wikiUrl: WIKI,
    lastSyncStartedAt: NOW - 12 * HOUR,
    lastFullCompareAt: NOW - 24 * HOUR,
    hashes: {},
    retry: [],
    generation: 3,
    ...overrides,
  };
}

describe('chooseSync', () => {
  it('asks what changed since a margin before the last sync began', () => {
    expect(chooseSync(state(), WIKI, NOW)).toEqual({ kind: 'incremental', since: NOW - 12 * HOUR - CHANGES_MARGIN_MS });
  });

  it('compares the full list on the first sync and for another wiki', () => {
    expect(chooseSync(undefined, WIKI, NOW)).toEqual({ kind: 'full', reason: 'first-sync' });
    expect(chooseSync(state({ wikiUrl: 'https://other.example.org/' }), WIKI, NOW)).toEqual({ kind: 'full', reason: 'new-wiki' });
  });

  it('compares the full list when asking from the margin would reach past the recent-changes window', () => {
    const edge = NOW - RECENT_CHANGES_WINDOW_MS + CHANGES_MARGIN_MS;
    expect(chooseSync(state({ lastSyncStartedAt: edge, lastFullCompareAt: edge }), WIKI, NOW).kind).toBe('incremental');
    expect(chooseSync(state({ lastSyncStartedAt: edge - 1, lastFullCompareAt: edge }), WIKI, NOW)).toEqual({
      kind: 'full',
      reason: 'gap-too-long',
    });
  });

  it('compares the full list periodically, to catch what recent changes never report', () => {
    expect(chooseSync(state({ lastFullCompareAt: NOW - FULL_COMPARE_EVERY_MS - 1 }), WIKI, NOW)).toEqual({
      kind: 'full',
      reason: 'periodic-check',
    });
  });

  it('compares the full list when the last sync seems to lie in the future (the clock went back)', () => {
    expect(chooseSync(state({ lastSyncStartedAt: NOW + 2 * CHANGES_MARGIN_MS }), WIKI, NOW)).toEqual({
      kind: 'full',
      reason: 'clock-changed',
    });
    // Within the margin the changes still cover it.
    expect(chooseSync(state({ lastSyncStartedAt: NOW + CHANGES_MARGIN_MS / 2 }), WIKI, NOW).kind).toBe('incremental');
  });

  it('compares the full list when asked to', () => {
    expect(chooseSync(state(), WIKI, NOW, { full: true })).toEqual({ kind: 'full', reason: 'requested' });
  });

  it('takes the window, margin and period as options', () => {
    const custom = { windowMs: 2 * HOUR, marginMs: 0, fullCompareEveryMs: 100 * HOUR };
    expect(chooseSync(state({ lastSyncStartedAt: NOW - HOUR }), WIKI, NOW, custom)).toEqual({ kind: 'incremental', since: NOW - HOUR });
    expect(chooseSync(state({ lastSyncStartedAt: NOW - 3 * HOUR }), WIKI, NOW, custom).kind).toBe('full');
  });
});

describe('chooseSync with the wiki’s own time', () => {
  it('asks from the time the wiki gave with its last changes, whatever this machine’s clock says', () => {
    // The wiki's clock runs three hours behind this machine's.
    const asOf = NOW - 12 * HOUR - 3 * HOUR;
    expect(chooseSync(state({ changesAsOf: asOf }), WIKI, NOW)).toEqual({ kind: 'incremental', since: asOf });
  });

  it('still compares the full list when even the wiki’s time is older than its window', () => {
    expect(chooseSync(state({ changesAsOf: NOW - RECENT_CHANGES_WINDOW_MS - 1 }), WIKI, NOW)).toEqual({
      kind: 'full',
      reason: 'gap-too-long',
    });
  });
});
