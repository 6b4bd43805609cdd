/**
 * Installs the starter knowledge base bundled with the extension, so hover
 * cards, search and reading work the moment it is installed, with no network.
 * A sync from the wiki later replaces it.
 */
import { browser } from 'wxt/browser';
import { parseSnapshot } from '../../lib/wiki/snapshot';
import type { Database } from '../store/db';

export const STARTER_SNAPSHOT_PATH = '/starter-snapshot.json';

/** Loads the bundled snapshot into an empty store; returns how many articles it holds. */
export async function installStarterSnapshot(db: Database): Promise<number> {
  const response = await fetch(browser.runtime.getURL(STARTER_SNAPSHOT_PATH as '/'));
  if (!response.ok) throw new Error(`The bundled starter knowledge base is missing (${response.status}).`);
  const snapshot = parseSnapshot(await response.json());
  const tx = db.transaction('articles', 'readwrite');
  await Promise.all([...snapshot.articles.map((article) => tx.store.put(article)), tx.done]);
  return snapshot.articles.length;
}
