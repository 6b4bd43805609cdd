import { describe, expect, it } from 'vitest';
import type { SyncState } from '../../../../lib/sync/incremental';
import { nextSyncState, remainingIds, type RunResult, type SyncRun } from '../../../../lib/sync/run';

const WIKI = 'https://wiki.example.org/';

function run(overrides: Partial<SyncRun> = {}): SyncRun {
  return { wikiUrl: WIKI, kind: 'incremental', startedAt: 5000, toFetch: [], toRemove: [], replaceAll: false, attempts: 1, ...overrides };
}

const previous: SyncState = {
  wikiUrl: WIKI,
  lastSyncStartedAt: 1000,
  lastFullCompareAt: 900,
  modified: { kept: 10, edited: 20, removed: 30 },
  hashes: { kept: 'h1', edited: 'h2', removed: 'h3' },
  retry: ['edited'],
  generation: 7,
};

const cached = new Map(Object.entries(previous.modified!).map(([id, modified]) => [id, { modified }]));

function result(overrides: Partial<RunResult> = {}): RunResult {
  return { skipped: [], stored: [], removed: [], cached, ...overrides };
}

describe('remainingIds', () => {
  it('is the plan minus what is staged, in plan order', () => {
    expect(remainingIds({ toFetch: ['c', 'a', 'b', 'd'] }, new Set(['a', 'd', 'x']))).toEqual(['c', 'b']);
  });
});

describe('nextSyncState', () => {
  it('after an incremental run: its start becomes the last sync, dates follow the swap, hashes of what changed are forgotten', () => {
    const next = nextSyncState(previous, run(), result({ stored: [['edited', 25], ['created', 40]], removed: ['removed'] }));
    expect(next).toEqual({
      wikiUrl: WIKI,
      lastSyncStartedAt: 5000,
      lastFullCompareAt: 900,
      modified: { kept: 10, edited: 25, created: 40 },
      hashes: { kept: 'h1' },
      retry: [],
      generation: 8,
    });
  });

  it('after a full run: the listing hashes (less what is gone) and the run start as the last full comparison', () => {
    const next = nextSyncState(
      previous,
      run({ kind: 'full', listedHashes: { kept: 'h1', edited: 'x', skipped: 'y', removed: 'h3' } }),
      result({ stored: [['edited', 25]], removed: ['removed'], skipped: ['skipped'] }),
    );
    expect(next).toMatchObject({
      lastSyncStartedAt: 5000,
      lastFullCompareAt: 5000,
      modified: { kept: 10, edited: 25 },
      hashes: { kept: 'h1', edited: 'x' },
      retry: ['skipped'],
    });
  });

  it('starts afresh for a new wiki whose pages replace the whole cache', () => {
    const next = nextSyncState(
      previous,
      run({ kind: 'full', wikiUrl: 'https://other.example.org/', replaceAll: true }),
      result({ stored: [['only', 1]], removed: ['kept', 'edited', 'removed'] }),
    );
    expect(next).toEqual({
      wikiUrl: 'https://other.example.org/',
      lastSyncStartedAt: 5000,
      lastFullCompareAt: 5000,
      modified: { only: 1 },
      hashes: {},
      retry: [],
      generation: 8,
    });
  });

  it('keeps the wiki’s own time of an incremental run, and drops it after a full one', () => {
    expect(nextSyncState(previous, run({ changesAsOf: 4321 }), result()).changesAsOf).toBe(4321);
    const full = nextSyncState({ ...previous, changesAsOf: 1 }, run({ kind: 'full', changesAsOf: 4321 }), result());
    expect(full.changesAsOf).toBeUndefined();
  });

  it('never counts an incremental run without a state of the same wiki as a full comparison', () => {
    expect(nextSyncState(undefined, run(), result({ skipped: ['x', 'x'] }))).toMatchObject({
      lastFullCompareAt: 0,
      retry: ['x'],
      generation: 1,
    });
  });
});
