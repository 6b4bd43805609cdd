/**
 * Running out of storage, recognised whichever way the browser says it, and
 * told in plain words. IndexedDB reports a full disk or an exhausted quota as
 * a DOMException named QuotaExceededError (Chrome, Safari, the spec), as
 * NS_ERROR_DOM_QUOTA_REACHED (older Firefox), or only as the abort of the
 * transaction whose `error` is one of those; idb rejects the pending requests
 * of that transaction with a plain AbortError.
 */

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
/** The legacy DOMException code of QUOTA_EXCEEDED_ERR. */
const QUOTA_CODE = 22;

export function isQuotaExceeded(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null) return false;
  const { name, code } = thrown as { name?: unknown; code?: unknown };
  return (typeof name === 'string' && QUOTA_NAMES.has(name)) || code === QUOTA_CODE;
}

/** A sync that stopped because the browser has no room left for it. The cache as it was stays. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';

  constructor(keptArticles: number, options: { cause?: unknown; usageBytes?: number; quotaBytes?: number } = {}) {
    super(storageFullMessage(keptArticles, options), options.cause === undefined ? undefined : { cause: options.cause });
  }
}

export function storageFullMessage(keptArticles: number, usage: { usageBytes?: number; quotaBytes?: number } = {}): string {
  const kept =
    keptArticles > 0
      ? `the ${keptArticles.toLocaleString('en')} ${keptArticles === 1 ? 'article' : 'articles'} already cached are kept as they were`
      : 'nothing cached was changed';
  const used =
    usage.usageBytes !== undefined && usage.quotaBytes !== undefined && usage.quotaBytes > 0
      ? ` (the extension uses ${formatBytes(usage.usageBytes)} of the ${formatBytes(usage.quotaBytes)} the browser allows)`
      : '';
  return (
    `The browser has no room left to store the wiki's articles${used}, so the sync stopped and ${kept}. ` +
    'Free some disk space, then sync again.'
  );
}

/** "512 kB", "3.4 MB", "1.2 GB": decimal units, as browsers and file managers show disk space. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
