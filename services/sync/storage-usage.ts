/**
 * How much the extension stores and may store, as the browser says
 * (navigator.storage.estimate): shown beside the cache so a user can see
 * what the knowledge base costs, and quoted when the disk is full.
 */
export interface StorageUsage {
  usageBytes?: number;
  quotaBytes?: number;
}

interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

/** The estimate, or {} where the browser gives none (or refuses). Never rejects. */
export async function estimateStorage(
  storage: StorageManagerLike | undefined = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator
    ?.storage,
): Promise<StorageUsage> {
  if (typeof storage?.estimate !== 'function') return {};
  try {
    const { usage, quota } = await storage.estimate();
    const result: StorageUsage = {};
    if (typeof usage === 'number' && Number.isFinite(usage)) result.usageBytes = usage;
    if (typeof quota === 'number' && Number.isFinite(quota)) result.quotaBytes = quota;
    return result;
  } catch {
    return {};
  }
}
