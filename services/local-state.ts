/**
 * The small state every context shares through browser.storage.local:
 * settings, the sync status, the compact term table and the recent articles.
 * Storage events carry changes to every context, so nothing polls. Every
 * context includes the content script in every page: the wiki's credentials
 * are kept elsewhere (services/store/wiki-access.ts, which also saves the
 * settings).
 */
import { browser } from 'wxt/browser';
import type { SearchHit } from '../lib/protocol';
import { completeSettings, type Settings } from '../lib/settings/settings';
import type { SyncStatus } from '../lib/sync/status';

/** The default wiki, fixed at build time (WIKI_URL) by wxt.config.ts. */
declare const __DEFAULT_WIKI_URL__: string;
export const DEFAULT_WIKI_URL: string =
  typeof __DEFAULT_WIKI_URL__ === 'string' ? __DEFAULT_WIKI_URL__ : 'https://agentwiki.org/';

export interface LocalState {
  settings: Settings;
  syncStatus: SyncStatus;
  /** The compact term table the content script compiles (lib/match). */
  termTable: unknown;
  /**
   * The RECENT_ARTICLES_KEPT most recently modified articles, written with
   * the derived data: the list the popup shows before anything is typed,
   * read without opening the database
   * (services/search/page-search.ts says why).
   */
  recentArticles: SearchHit[];
}

/** How many recent articles `recentArticles` holds: at least as many as the popup lists. */
export const RECENT_ARTICLES_KEPT = 12;

export type LocalKey = keyof LocalState;

export async function loadSettings(): Promise<Settings> {
  const { settings } = await browser.storage.local.get('settings');
  return completeSettings(settings, DEFAULT_WIKI_URL);
}

export function initialSyncStatus(wikiUrl: string): SyncStatus {
  return { wikiUrl, source: 'snapshot', articleCount: 0, phase: 'idle', done: 0, total: 0 };
}

export async function loadSyncStatus(): Promise<SyncStatus> {
  const { syncStatus } = await browser.storage.local.get('syncStatus');
  return (syncStatus as SyncStatus | undefined) ?? initialSyncStatus((await loadSettings()).wikiUrl);
}

export async function saveSyncStatus(syncStatus: SyncStatus): Promise<void> {
  await browser.storage.local.set({ syncStatus });
}

export async function loadLocal<K extends LocalKey>(key: K): Promise<LocalState[K] | undefined> {
  const got = await browser.storage.local.get(key);
  return got[key] as LocalState[K] | undefined;
}

export async function saveLocal<K extends LocalKey>(key: K, value: LocalState[K]): Promise<void> {
  await browser.storage.local.set({ [key]: value });
}

/**
 * Calls `onChange` with the new value whenever `key` changes in local storage;
 * returns the function that stops watching.
 */
export function watchLocal<K extends LocalKey>(
  key: K,
  onChange: (value: LocalState[K] | undefined) => void,
): () => void {
  const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && key in changes) onChange(changes[key]!.newValue as LocalState[K] | undefined);
  };
  browser.storage.onChanged.addListener(listener);
  return () => browser.storage.onChanged.removeListener(listener);
}

/** Calls `onChange` with the settings, completed with their defaults, whenever they change; returns the function that stops watching. */
export function watchSettings(onChange: (settings: Settings) => void): () => void {
  return watchLocal('settings', (value) => onChange(completeSettings(value, DEFAULT_WIKI_URL)));
}
