/**
 * The settings with the wiki's credentials kept apart from them. Settings
 * live in browser.storage.local, which every content script may read and
 * whose every change is sent to every page the content script runs in: a
 * password among them reached the renderer process of each page the reader
 * opened. The credentials live in the extension's own IndexedDB instead
 * (the meta store), which only the background and the extension's pages
 * open, bound to the wiki they were given for, so that setting up another
 * wiki never sends them there. For the background and the options page; the
 * content script reads the settings without them (services/local-state.ts).
 */
import { browser } from 'wxt/browser';
import { completeCredentials, completeSettings, type Settings } from '../../lib/settings/settings';
import { DEFAULT_WIKI_URL, watchLocal } from '../local-state';
import { getMeta, type Database, type WikiAccess } from './db';

const ACCESS_KEY = 'wikiAccess';

function sameWiki(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** The settings with the credentials stored for their wiki, if any. */
function withAccess(settings: Settings, access: WikiAccess | undefined): Settings {
  const { credentials: _inSettings, ...rest } = settings;
  const credentials = access && sameWiki(access.wikiUrl, settings.wikiUrl) ? completeCredentials(access.credentials) : undefined;
  return credentials ? { ...rest, credentials } : rest;
}

/** The settings with their wiki's credentials. Credentials an earlier version kept in the settings move out of them here. */
export async function loadSettingsWithAccess(openDb: () => Promise<Database>): Promise<Settings> {
  const { settings: stored } = await browser.storage.local.get('settings');
  const settings = completeSettings(stored, DEFAULT_WIKI_URL);
  const db = await openDb();
  if (stored && typeof stored === 'object' && 'credentials' in stored) {
    if (settings.credentials) await db.put('meta', { wikiUrl: settings.wikiUrl, credentials: settings.credentials }, ACCESS_KEY);
    const { credentials: _moved, ...rest } = stored as Record<string, unknown>;
    await browser.storage.local.set({ settings: rest });
  }
  return withAccess(settings, await getMeta(db, ACCESS_KEY));
}

/**
 * Saves the settings, and their credentials apart, for their wiki. Settings
 * without credentials remove those of the same wiki ("no account"), never
 * another wiki's.
 */
export async function saveSettingsWithAccess(openDb: () => Promise<Database>, settings: Settings): Promise<void> {
  const { credentials, ...shared } = settings;
  const db = await openDb();
  if (credentials) {
    await db.put('meta', { wikiUrl: settings.wikiUrl, credentials }, ACCESS_KEY);
  } else {
    const access = await getMeta(db, ACCESS_KEY);
    if (access && sameWiki(access.wikiUrl, settings.wikiUrl)) await db.delete('meta', ACCESS_KEY);
  }
  // The time of the save changes the stored settings even when only the
  // credentials changed, so every context that follows them hears of it.
  await browser.storage.local.set({ settings: { ...shared, accessSavedAt: Date.now() } });
}

/** Calls `onChange` with the settings and their wiki's credentials whenever they change; returns the function that stops. */
export function watchSettingsWithAccess(openDb: () => Promise<Database>, onChange: (settings: Settings) => void): () => void {
  let latest = 0;
  return watchLocal('settings', (value) => {
    const call = ++latest;
    void openDb()
      .then((db) => getMeta(db, ACCESS_KEY))
      // The credentials unreadable: the settings are still told, without them.
      .catch(() => undefined)
      .then((access) => {
        // A newer change may have been read first: only the latest is told.
        if (call === latest) onChange(withAccess(completeSettings(value, DEFAULT_WIKI_URL), access));
      });
  });
}
