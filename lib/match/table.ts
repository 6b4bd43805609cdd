/**
 * The term table's format: every phrase that names an article, as the
 * background stores it in browser.storage.local and the content script of
 * every page reads it. Stored as JSON, so it is compact: flat arrays of
 * strings and numbers, no object per entry. Phrases are canonical (see
 * normalize.ts: folded, acronyms in their own case, soft gaps as one space).
 * Built by term-table.ts.
 */
import { fail, ok, type Result } from '../result';

export const TERM_TABLE_VERSION = 1;

export interface TermTable {
  /** Format version; a table of another version is refused, never guessed at. */
  v: typeof TERM_TABLE_VERSION;
  /** Ids of the articles that some term names, sorted. */
  ids: string[];
  /** Their titles, parallel to `ids`, for the card and "On this page". */
  titles: string[];
  /** Canonical alias phrases, grouped by first token (in the order of `heads`), each group sorted by code unit. */
  terms: string[];
  /** Parallel to `terms`: index into `ids`, or indexes best first when several articles claim the phrase. */
  owners: (number | number[])[];
  /**
   * The distinct first tokens of `terms` (as `firstKeyOf` gives them), sorted
   * by code unit. Derivable, but listed so that the content script, which
   * compiles the table on every page load, never loops over every phrase.
   */
  heads: string[];
  /** Parallel to `heads`: index in `terms` of the first phrase of that head's group. */
  headStarts: number[];
}

/**
 * Checks the shape of a term table read from storage. It runs on every page
 * load, so it checks the structure only, in constant time; the matcher passes
 * over any single entry that is not what it should be.
 */
export function parseTermTable(value: unknown): Result<TermTable> {
  if (!value || typeof value !== 'object') return fail('The term table is missing.');
  const table = value as Partial<TermTable>;
  if (table.v !== TERM_TABLE_VERSION) {
    return fail(`The term table has version ${String(table.v)}; this version of the extension reads ${TERM_TABLE_VERSION}.`);
  }
  const { ids, titles, terms, owners, heads, headStarts } = table;
  if (![ids, titles, terms, owners, heads, headStarts].every(Array.isArray)) {
    return fail('The term table is damaged: ids, titles, terms, owners, heads and headStarts must be arrays.');
  }
  if (ids!.length !== titles!.length || terms!.length !== owners!.length || heads!.length !== headStarts!.length) {
    return fail('The term table is damaged: its parallel arrays differ in length.');
  }
  return ok(table as TermTable);
}


/** The article ids that claim term `index` of a table, best first. */
export function ownerIds(table: TermTable, index: number): string[] {
  const o = table.owners[index]!;
  return typeof o === 'number' ? [table.ids[o]!] : o.map((i) => table.ids[i]!);
}
