import { IDBFactory } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { beforeEach, describe, expect, it } from 'vitest';
import { completeSettings, type Settings } from '../../../../lib/settings/settings';
import { DEFAULT_WIKI_URL, loadSettings } from '../../../../services/local-state';
import { openDatabase, type Database } from '../../../../services/store/db';
import { loadSettingsWithAccess, saveSettingsWithAccess, watchSettingsWithAccess } from '../../../../services/store/wiki-access';

const WIKI = 'https://wiki.example.org/';
const OTHER = 'https://other.example.org/';
const ACCOUNT = { user: 'ada', password: 's3cret-pass' };

let db: Promise<Database>;
const openDb = () => db;
const settingsFor = (wikiUrl: string, extra: Partial<Settings> = {}): Settings => ({ ...completeSettings(undefined, DEFAULT_WIKI_URL), wikiUrl, ...extra });
/** Everything browser.storage.local holds, as one string: what any content script could read. */
const storedLocally = async () => JSON.stringify(await fakeBrowser.storage.local.get(null));

beforeEach(() => {
  fakeBrowser.reset();
  db = openDatabase(new IDBFactory());
});

describe('the wiki credentials', () => {
  it('are kept out of browser.storage.local, and come back with the settings in the background and the options page', async () => {
    await saveSettingsWithAccess(openDb, settingsFor(WIKI, { credentials: ACCOUNT, markInLinks: true }));
    expect(await storedLocally()).not.toContain(ACCOUNT.password);
    expect(await storedLocally()).not.toContain(ACCOUNT.user);
    // What the content script reads: the settings, without credentials.
    expect(await loadSettings()).toMatchObject({ wikiUrl: WIKI, markInLinks: true });
    expect((await loadSettings()).credentials).toBeUndefined();
    expect(await loadSettingsWithAccess(openDb)).toMatchObject({ wikiUrl: WIKI, markInLinks: true, credentials: ACCOUNT });
  });

  it('are bound to their wiki: settings for another wiki carry none, and leave them to their own', async () => {
    await saveSettingsWithAccess(openDb, settingsFor(WIKI, { credentials: { token: 'tok-123' } }));
    await saveSettingsWithAccess(openDb, settingsFor(OTHER));
    expect((await loadSettingsWithAccess(openDb)).credentials).toBeUndefined();
    // The settings name the first wiki again (written by another context): its credentials apply again.
    await fakeBrowser.storage.local.set({ settings: { ...settingsFor(WIKI) } });
    expect((await loadSettingsWithAccess(openDb)).credentials).toEqual({ token: 'tok-123' });
  });

  it('are removed by settings of the same wiki without them ("no account")', async () => {
    await saveSettingsWithAccess(openDb, settingsFor(WIKI, { credentials: { token: 'tok-123' } }));
    await saveSettingsWithAccess(openDb, settingsFor(WIKI, { syncIntervalMinutes: 60 }));
    const loaded = await loadSettingsWithAccess(openDb);
    expect(loaded.syncIntervalMinutes).toBe(60);
    expect(loaded.credentials).toBeUndefined();
  });

  it('move out of settings stored by an earlier version, for the wiki those settings name', async () => {
    await fakeBrowser.storage.local.set({ settings: { wikiUrl: WIKI, highlightEnabled: false, credentials: ACCOUNT } });
    const loaded = await loadSettingsWithAccess(openDb);
    expect(loaded).toMatchObject({ wikiUrl: WIKI, highlightEnabled: false, credentials: ACCOUNT });
    expect(await storedLocally()).not.toContain(ACCOUNT.password);
    expect((await loadSettings()).highlightEnabled).toBe(false);
    expect((await loadSettingsWithAccess(openDb)).credentials).toEqual(ACCOUNT);
  });

  it('are told to a watcher when only they change', async () => {
    await saveSettingsWithAccess(openDb, settingsFor(WIKI));
    const seen: Settings[] = [];
    const stop = watchSettingsWithAccess(openDb, (settings) => seen.push(settings));
    await saveSettingsWithAccess(openDb, settingsFor(WIKI, { credentials: ACCOUNT }));
    await expect.poll(() => seen.at(-1)?.credentials).toEqual(ACCOUNT);
    await saveSettingsWithAccess(openDb, settingsFor(WIKI));
    await expect.poll(() => seen.at(-1) && 'credentials' in seen.at(-1)!).toBe(false);
    stop();
  });
});
