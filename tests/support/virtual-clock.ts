/**
 * A clock whose time moves only when someone waits on it: every sleep ends
 * at once and moves the time forward by its length. Tests of backoff and
 * rate limits read the waits asked for (`sleeps`) instead of sleeping.
 */
import type { Clock } from '../../services/wiki/http';

export class VirtualClock implements Clock {
  /** Every wait asked for, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    // Time moves in a microtask, after what was already due "now" has run.
    return Promise.resolve().then(() => {
      this.time += Math.max(0, ms);
    });
  }
}
