/**
 * The one IndexedDB schema of the extension. Only the background and the
 * extension pages open it; a content script's indexedDB is the visited page's.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Article } from '../../lib/article';

export const DB_NAME = 'agentwiki-companion';
export const DB_VERSION = 1;

/** Keys of the `meta` store and the values they hold. */
export interface MetaValues {
  /** The serialized search index over every cached article (MiniSearch JSON). */
  searchIndex: string;
  /** Which wiki the articles came from, as a base URL. */
  wikiUrl: string;
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
}

export type Database = IDBPDatabase<CompanionDB>;

/** Opens (and creates or migrates) the database. `factory` lets tests pass a fresh fake. */
export function openDatabase(factory?: IDBFactory): Promise<Database> {
  const open = () =>
    openDB<CompanionDB>(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        // Each step brings a database of version N-1 to N; add steps, never edit them.
        if (oldVersion < 1) {
          const articles = db.createObjectStore('articles', { keyPath: 'id' });
          articles.createIndex('byModified', 'modified');
          db.createObjectStore('meta');
        }
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
