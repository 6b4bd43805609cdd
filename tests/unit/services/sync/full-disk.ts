/**
 * A database whose disk fills up: writes to the chosen stores fail with the
 * DOMException browsers raise when the quota is exhausted, after a number of
 * successful ones. Everything else passes through to the real database.
 */
import type { Database } from '../../../../services/store/db';

export interface FullDiskOptions {
  /** Stores whose puts fail; default every store. */
  stores?: string[];
  /** Puts that still succeed before the disk is full; default 0. */
  after?: number;
  /** 'throw': put throws at once; 'reject': put returns a rejected request, as an aborting transaction does. */
  mode?: 'throw' | 'reject';
}

export function quotaError(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}

export function withFullDisk(db: Database, options: FullDiskOptions = {}): { db: Database; failedPuts: () => number } {
  let puts = 0;
  let failed = 0;
  const full = (store: string) => (!options.stores || options.stores.includes(store)) && puts++ >= (options.after ?? 0);
  const wrapStore = (store: object, name: string) =>
    new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === 'put' && typeof value === 'function') {
          return (...args: unknown[]) => {
            if (full(name)) {
              failed++;
              if (options.mode === 'reject') return Promise.reject(quotaError());
              throw quotaError();
            }
            return value.apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const wrapTx = (tx: { objectStore(name: string): object; store?: object; objectStoreNames: DOMStringList }) =>
    new Proxy(tx, {
      get(target, key, receiver) {
        if (key === 'objectStore') return (name: string) => wrapStore(target.objectStore(name), name);
        if (key === 'store') {
          const names = [...(target.objectStoreNames as unknown as Iterable<string>)];
          return wrapStore(Reflect.get(target, key, receiver) as object, names[0]!);
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const wrapped = new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'transaction') {
        return (...args: unknown[]) => wrapTx((target.transaction as (...a: unknown[]) => never)(...args));
      }
      if (key === 'put') {
        return (store: string, ...rest: unknown[]) => {
          if (full(store)) {
            failed++;
            return Promise.reject(quotaError());
          }
          return (target.put as (...a: unknown[]) => unknown)(store, ...rest);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: wrapped, failedPuts: () => failed };
}
