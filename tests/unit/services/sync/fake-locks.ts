/**
 * The Web Locks API's `ifAvailable` requests, in memory: what the sync lock
 * needs of navigator.locks, shared by every "context" given the same instance.
 */
import type { LockManagerLike } from '../../../../services/sync/sync-lock';

export class FakeLocks implements LockManagerLike {
  readonly held = new Set<string>();

  async request<T>(name: string, _options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T> {
    if (this.held.has(name)) return callback(null);
    this.held.add(name);
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      this.held.delete(name);
    }
  }
}
