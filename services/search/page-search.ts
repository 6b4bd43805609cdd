/**
 * Search as the popup asks for it.
 *
 * The list shown before anything is typed, the most recently modified
 * articles, is read by the popup itself, without the background service
 * worker: Chrome stops the worker after half a minute idle, and asking it
 * meant waking it first, which made most of a popup's time to its first
 * list, and put it over the 150 ms budget (tests/bench/popup.bench.ts). The
 * background keeps the list in browser.storage.local (`recentArticles`,
 * written with the other derived data), a read of a few milliseconds.
 * Opening IndexedDB from a page while no other context holds it open cost
 * 30–45 ms more, so the database is read only when the stored list is
 * missing (a cache the background has not rebuilt since this version) or
 * too short for the page; the background answers when neither can be read.
 * The read starts with the page's script, while the page renders.
 *
 * Typed queries go to the background, which keeps the index in memory from
 * one query to the next: loading it costs more than waking the worker
 * (MiniSearch rebuilds its tree from the saved form: about 80 ms at 3,000
 * articles, a second at 50,000), and a page would pay that at every opening.
 * Once the list is painted, the page asks the background to load its index,
 * so that it is in memory when the first word is typed. Not before: with the
 * worker starting and loading its index while the popup started, its first
 * list came about 30 ms later (one comparison on this two-core machine).
 */
import type { SearchHit } from '../../lib/protocol';
import type { Database } from '../store/db';
import { recentArticles } from './search-service';

export interface PageSearchDeps {
  /** The recent articles the background stored, as stored (checked here). */
  loadRecent(): Promise<unknown>;
  /** How many the background stores: a shorter list holds every cached article. */
  recentKept: number;
  /** Opens the extension's database from the page. */
  openDb(): Promise<Database>;
  /** A query answered by the background. */
  ask(query: string, limit: number): Promise<SearchHit[]>;
  /** Asks the background to load its index now; a failure is of no consequence (the first query loads it). */
  prepare(): Promise<unknown>;
}

/**
 * The page's `search(query)`: the recent list read here, typed queries
 * through the background. Reading the list starts at once.
 */
export function createPageSearch(deps: PageSearchDeps, limit: number): (query: string) => Promise<SearchHit[]> {
  let prepared = false;
  const prepare = () => {
    if (prepared) return;
    prepared = true;
    deps.prepare().catch(() => undefined);
  };

  async function readRecent(): Promise<SearchHit[]> {
    try {
      const stored = await deps.loadRecent().catch(() => undefined);
      if (isHitList(stored) && (stored.length >= limit || stored.length < deps.recentKept)) return stored.slice(0, limit);
      try {
        return await recentArticles(await deps.openDb(), limit);
      } catch {
        // A database this page could not open or read: the background, which owns it, answers.
        return await deps.ask('', limit);
      }
    } finally {
      afterNextPaint(prepare);
    }
  }

  /** The read started with the page, for the first empty query; later ones read again (a sync may have changed the cache). */
  let firstRead: Promise<SearchHit[]> | null = readRecent();
  // Unhandled only until the first empty query takes it.
  firstRead.catch(() => undefined);

  return (query) => {
    if (query.trim()) {
      prepared = true;
      return deps.ask(query, limit);
    }
    const read = firstRead ?? readRecent();
    firstRead = null;
    return read;
  };
}

function isHitList(value: unknown): value is SearchHit[] {
  return (
    Array.isArray(value) &&
    value.every(
      (hit) =>
        !!hit &&
        typeof hit === 'object' &&
        typeof (hit as SearchHit).id === 'string' &&
        typeof (hit as SearchHit).title === 'string' &&
        typeof (hit as SearchHit).snippet === 'string',
    )
  );
}

/** Calls `task` once the next frame has been painted: after the frame's animation callbacks, a task of its own. */
function afterNextPaint(task: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(task, 0));
  else setTimeout(task, 0);
}
