/**
 * The term table in browser.storage.local, in the sharded form the content
 * script reads (lib/match/table-shards.ts; why: docs/decisions/term-table-delivery.md):
 * the index under `termTable`, shard k under `termTable:k`.
 *
 * Written by the background after each rebuild, in one `set` (one write, so
 * a reader sees one build or the other; a reader that meets a shard of
 * another build reads the index again). Unchanged shards are written with
 * the same value, and storage.onChanged reports only the keys whose value
 * changed, so every open tab hears of the shards a sync changed, not of the
 * whole table.
 */
import { browser } from 'wxt/browser';
import type { TermTable } from '../../lib/match/table';
import { SHARDED_TABLE_VERSION, shardKey, shardTermTable } from '../../lib/match/table-shards';

/** The part of a storage area the store uses. */
export interface TermTableStorageArea {
  get(keys: string | string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export const TERM_TABLE_KEY = 'termTable';

/** Stores a built table as index and shards, and removes the shards of an earlier, larger build. */
export async function storeTermTable(
  table: TermTable,
  area: TermTableStorageArea = browser.storage.local as unknown as TermTableStorageArea,
): Promise<void> {
  const { index, shards } = shardTermTable(table);
  const previous = (await area.get(TERM_TABLE_KEY))[TERM_TABLE_KEY] as { v?: unknown; shards?: unknown } | undefined;
  const items: Record<string, unknown> = { [TERM_TABLE_KEY]: index };
  shards.forEach((shard, k) => {
    items[shardKey(k)] = shard;
  });
  await area.set(items);
  const before = previous?.v === SHARDED_TABLE_VERSION && typeof previous.shards === 'number' ? previous.shards : 0;
  if (before > shards.length) {
    await area.remove(Array.from({ length: before - shards.length }, (_, i) => shardKey(shards.length + i)));
  }
}

/** Reads storage keys for the content script (the shards a page needs). */
export function readStorage(keys: string[]): Promise<Record<string, unknown>> {
  return browser.storage.local.get(keys) as Promise<Record<string, unknown>>;
}
