/**
 * One sync at a time across every context of the extension. Inside one
 * worker, the coordinator keeps the running sync's promise; across contexts
 * (a second background instance during an update, an extension page that
 * might one day sync), the Web Locks API (`navigator.locks`, in service
 * workers and pages of every current browser) holds a named lock for the
 * whole sync. The lock is released by the browser when its holder dies, so a
 * stopped worker never leaves it held.
 */

export const SYNC_LOCK_NAME = 'agentwiki-companion:sync';

/** The part of the Web Locks API used here. */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

/** navigator.locks where it exists. */
export function browserLocks(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return typeof locks?.request === 'function' ? locks : undefined;
}

/**
 * Runs `task` holding the sync lock, or resolves `{ ran: false }` at once when
 * another context holds it. Without a lock manager, runs the task: within one
 * worker the coordinator's own promise is the lock.
 */
export async function runExclusive<T>(
  locks: LockManagerLike | undefined,
  task: () => Promise<T>,
  name: string = SYNC_LOCK_NAME,
): Promise<Exclusive<T>> {
  if (!locks) return { ran: true, value: await task() };
  return locks.request(name, { ifAvailable: true }, async (lock): Promise<Exclusive<T>> => {
    if (lock === null) return { ran: false };
    return { ran: true, value: await task() };
  });
}
