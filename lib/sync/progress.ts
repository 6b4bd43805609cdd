/**
 * Time left of a running phase, estimated from its rate so far, for a
 * progress bar that says "about 2 minutes left". Pure: the caller records
 * samples (when, how many done) and asks.
 *
 * The rate is read over the recent samples only (RATE_WINDOW_MS), so the
 * estimate follows a wiki that slows down or speeds up (a cold page cache
 * renders ~110 pages a second, a warm one ~450, notes/dokuwiki.md) instead of
 * averaging over the whole sync.
 */

export interface ProgressSample {
  /** Unix ms. */
  at: number;
  done: number;
}

/** The rate is read over this much recent time. */
export const RATE_WINDOW_MS = 20_000;
/** Least time between two kept samples. */
export const SAMPLE_SPACING_MS = 250;
/** No estimate before the phase has run this long... */
export const MIN_ELAPSED_MS = 1_500;
/** ...and done this many items: a first burst says little about the rest. */
export const MIN_DONE = 3;

export interface ProgressTracker {
  /** Records progress; a `total` or `done` that goes back starts a new series (a new phase). */
  record(sample: ProgressSample, total: number): void;
  /** Whole seconds left, or undefined while there is no rate to tell. */
  secondsLeft(): number | undefined;
  reset(): void;
}

export function createProgressTracker(): ProgressTracker {
  let samples: ProgressSample[] = [];
  let total = 0;
  return {
    record(sample, newTotal) {
      const last = samples[samples.length - 1];
      if (newTotal !== total || (last && sample.done < last.done)) samples = [];
      total = newTotal;
      // Samples closer than SAMPLE_SPACING_MS replace the latest one, so a
      // 10,000-page sync keeps a few dozen samples, not 10,000.
      const before = samples[samples.length - 2];
      if (before && samples.length >= 2 && sample.at - before.at < SAMPLE_SPACING_MS) samples[samples.length - 1] = sample;
      else samples.push(sample);
      // Keep the first sample older than the window, so the window is always covered.
      const cutoff = sample.at - RATE_WINDOW_MS;
      let drop = 0;
      while (drop + 1 < samples.length && samples[drop + 1]!.at <= cutoff) drop++;
      if (drop > 0) samples = samples.slice(drop);
    },
    secondsLeft() {
      return estimateSecondsLeft(samples, total);
    },
    reset() {
      samples = [];
      total = 0;
    },
  };
}

/** Seconds left at the rate between the first and the last sample; undefined when that says nothing yet. */
export function estimateSecondsLeft(samples: readonly ProgressSample[], total: number): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || total <= 0) return undefined;
  if (last.done >= total) return 0;
  const elapsed = last.at - first.at;
  const progressed = last.done - first.done;
  if (elapsed < MIN_ELAPSED_MS || progressed < MIN_DONE) return undefined;
  const perMs = progressed / elapsed;
  return Math.ceil((total - last.done) / perMs / 1000);
}
