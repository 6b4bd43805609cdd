import { describe, expect, it } from 'vitest';
import { runExclusive, SYNC_LOCK_NAME } from '../../../../services/sync/sync-lock';
import { FakeLocks } from './fake-locks';

describe('runExclusive', () => {
  it('runs the task holding the lock, and not while another holder has it', async () => {
    const locks = new FakeLocks();
    let release!: () => void;
    const first = runExclusive(locks, async () => {
      expect(locks.held.has(SYNC_LOCK_NAME)).toBe(true);
      await new Promise<void>((r) => (release = r));
      return 'first';
    });
    let ran = false;
    await expect(runExclusive(locks, async () => (ran = true))).resolves.toEqual({ ran: false });
    expect(ran).toBe(false);
    release();
    await expect(first).resolves.toEqual({ ran: true, value: 'first' });
    expect(locks.held.size).toBe(0);
    await expect(runExclusive(locks, async () => 'again')).resolves.toEqual({ ran: true, value: 'again' });
  });

  it('releases the lock when the task fails', async () => {
    const locks = new FakeLocks();
    await expect(runExclusive(locks, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(locks.held.size).toBe(0);
  });

  it('runs the task where there is no lock manager', async () => {
    await expect(runExclusive(undefined, async () => 42)).resolves.toEqual({ ran: true, value: 42 });
  });
});
