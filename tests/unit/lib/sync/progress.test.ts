import { describe, expect, it } from 'vitest';
import { createProgressTracker, estimateSecondsLeft, MIN_ELAPSED_MS, RATE_WINDOW_MS } from '../../../../lib/sync/progress';

describe('estimateSecondsLeft', () => {
  it('divides what is left by the rate between the first and last sample', () => {
    // 100 pages in 10 s: 10 a second; 900 left.
    expect(estimateSecondsLeft([{ at: 0, done: 0 }, { at: 10_000, done: 100 }], 1000)).toBe(90);
  });

  it('says nothing before there is a rate worth telling', () => {
    expect(estimateSecondsLeft([], 10)).toBeUndefined();
    expect(estimateSecondsLeft([{ at: 0, done: 0 }, { at: MIN_ELAPSED_MS - 1, done: 50 }], 100)).toBeUndefined();
    expect(estimateSecondsLeft([{ at: 0, done: 0 }, { at: 5_000, done: 2 }], 100)).toBeUndefined();
    expect(estimateSecondsLeft([{ at: 0, done: 0 }, { at: 5_000, done: 5 }], 0)).toBeUndefined();
  });

  it('is zero when everything is done', () => {
    expect(estimateSecondsLeft([{ at: 0, done: 0 }, { at: 10, done: 10 }], 10)).toBe(0);
  });
});

describe('createProgressTracker', () => {
  it('follows the recent rate, not the average since the start', () => {
    const tracker = createProgressTracker();
    // 60 s at 1 page a second, then 10 pages a second.
    for (let t = 0; t <= 60; t++) tracker.record({ at: t * 1000, done: t }, 10_000);
    for (let t = 1; t <= 30; t++) tracker.record({ at: 60_000 + t * 1000, done: 60 + 10 * t }, 10_000);
    // Rate over the last RATE_WINDOW_MS: 10 a second; 10,000 - 360 left.
    expect(RATE_WINDOW_MS).toBe(20_000);
    expect(tracker.secondsLeft()).toBe(964);
  });

  it('starts over when the total changes (a new phase) or the count goes back', () => {
    const tracker = createProgressTracker();
    tracker.record({ at: 0, done: 0 }, 100);
    tracker.record({ at: 10_000, done: 50 }, 100);
    expect(tracker.secondsLeft()).toBe(10);
    tracker.record({ at: 11_000, done: 0 }, 200);
    expect(tracker.secondsLeft()).toBeUndefined();
    tracker.record({ at: 21_000, done: 100 }, 200);
    expect(tracker.secondsLeft()).toBe(10);
    tracker.record({ at: 22_000, done: 10 }, 200);
    expect(tracker.secondsLeft()).toBeUndefined();
  });

  it('keeps a few samples however often it is told', () => {
    const tracker = createProgressTracker();
    // 10,000 pages at one every millisecond: rate 1 page/ms.
    for (let i = 0; i <= 10_000; i++) tracker.record({ at: i, done: i }, 20_000);
    expect(tracker.secondsLeft()).toBe(10);
  });
});
