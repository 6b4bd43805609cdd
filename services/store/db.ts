/**
 * The one IndexedDB schema of the extension. Only the background and the
 * extension pages open it; a content script's indexedDB is the visited page's.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Article } from '../../lib/article';
import type { WikiCredentials } from '../../lib/settings/settings';
import type { SyncState } from '../../lib/sync/incremental';
import type { SyncRun } from '../../lib/sync/run';

export const DB_NAME = 'agentwiki-companion';
/**
 * 1: articles and meta.
 * 2: the `staged` store, where a running sync puts what it fetches until it
 *    swaps the whole set in at once; meta gains `syncRun`, `syncState`,
 *    `cacheGeneration` and `derivedGeneration`.
 */
export const DB_VERSION = 2;

/** Keys of the `meta` store and the values they hold. */
export interface MetaValues {
  /** The serialized search index over every cached article (MiniSearch JSON). */
  searchIndex: string;
  /** Which wiki the articles came from, as a base URL. */
  wikiUrl: string;
  /** The sync in progress, until its swap (lib/sync/run.ts). */
  syncRun: SyncRun;
  /** What the cache remembers of its last complete sync (lib/sync/incremental.ts). */
  syncState: SyncState;
  /** syncState.generation, kept apart so that checking it does not read the whole (large) sync state. */
  cacheGeneration: number;
  /** The cacheGeneration the derived data (term table, search index) was built from. */
  derivedGeneration: number;
  /** The user's term settings (aliases, everyday words) the term table was built with: lib/match termTableSettingsKey. */
  termTableKey: string;
  /** The credentials for a wiki, and which wiki (services/store/wiki-access.ts). */
  wikiAccess: WikiAccess;
}

/** Credentials and the wiki they were given for: they are sent to no other. */
export interface WikiAccess {
  wikiUrl: string;
  credentials: WikiCredentials;
}

/**
 * A page a running sync has settled: its new article, or null when the wiki
 * no longer has it (the swap removes it from the cache).
 */
export interface StagedPage {
  id: string;
  article: Article | null;
}

export interface CompanionDB extends DBSchema {
  articles: {
    key: string;
    value: Article;
    indexes: { byModified: number };
  };
  meta: {
    key: keyof MetaValues;
    value: MetaValues[keyof MetaValues];
  };
  staged: {
    key: string;
    value: StagedPage;
  };
}

export type Database = IDBPDatabase<CompanionDB>;

/** A value of the meta store, typed by its key. */
export async function getMeta<K extends keyof MetaValues>(db: Database, key: K): Promise<MetaValues[K] | undefined> {
  return (await db.get('meta', key)) as MetaValues[K] | undefined;
}

/** Opens (and creates or migrates) the database. `factory` lets tests pass a fresh fake. */
export function openDatabase(factory?: IDBFactory): Promise<Database> {
  const open = () =>
    openDB<CompanionDB>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        // Each step brings a database of version N-1 to N; add steps, never edit them.
        // Every step only adds, so a cache of an older version keeps its articles.
        if (oldVersion < 1) {
          const articles = db.createObjectStore('articles', { keyPath: 'id' });
          articles.createIndex('byModified', 'modified');
          db.createObjectStore('meta');
        }
        if (oldVersion < 2) {
          db.createObjectStore('staged', { keyPath: 'id' });
        }
      },
      // A newer version of the schema (an updated extension) waits for every
      // open connection to close: this one closes as soon as it is asked.
      blocking(_current, _next, event) {
        (event.target as IDBDatabase | null)?.close();
      },
    });
  if (!factory) return open();
  // idb opens through the global indexedDB; swap in the given factory for the call.
  const original = globalThis.indexedDB;
  globalThis.indexedDB = factory;
  try {
    return open();
  } finally {
    globalThis.indexedDB = original;
  }
}
