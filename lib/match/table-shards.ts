/**
 * The term table as the content script reads it: a small index and many
 * small shards, so that a page pays for the part of the table its own words
 * need, not for the whole table. Decision and measurements:
 * docs/decisions/term-table-delivery.md (reading the whole table on every
 * page load cost 17–55 ms of main thread at 3,000 articles and 140–170 ms,
 * with +11.5 MB of heap per tab, at 50,000).
 *
 * - The index holds a Bloom filter of the table's heads (the first tokens of
 *   its phrases, as `firstKeyOf` gives them) and a content hash per shard.
 *   The content script reads it on every page (at 50,000 articles about
 *   140 KB, one string).
 * - Shard k holds every phrase whose head hashes to k (`shardOfHash`), with
 *   the ids and titles those phrases name: a TermTable of its own, about 4 KB.
 *   The scan reads the shards of the heads its page's words may be, a few
 *   keys per page, in one storage read.
 * - Shards are stored under their own keys (`shardKey`); storage.onChanged
 *   reports only the keys whose value changed, so a sync that touches ten
 *   articles sends every open tab the index and about ten shards, not 7 MB.
 *
 * Hashes are the FNV-1a of normalize.ts, which the tokenizer computes for
 * each ASCII token while scanning it, so testing a word costs no string.
 */
import { fail, ok, type Result } from '../result';
import { CharClass, classOf, hashKey } from './normalize';
import { parseTermTable, TERM_TABLE_VERSION, type TermTable } from './table';

export const SHARDED_TABLE_VERSION = 2;

/** Storage key of shard `k`; the index itself is stored under `termTable`. */
export const shardKey = (k: number): string => `termTable:${k}`;

export interface TermTableIndex {
  v: typeof SHARDED_TABLE_VERSION;
  /** Number of shards. */
  shards: number;
  /** Content hash of each shard: a shard whose hash differs belongs to another build of the table. */
  hashes: string[];
  /** The Bloom filter's bits, 15 to a character (see `HeadFilter`). */
  filter: string;
  filterBits: number;
  /** Number of phrases and articles in the whole table. */
  terms: number;
  articles: number;
  /** Whether any head is an acronym or inner-capital word (lib/match/topic-gate.ts). */
  hasSignals: boolean;
}

/** One shard: a term table of its own, with its content hash. */
export interface TermTableShard extends TermTable {
  hash: string;
}

/** Shards aim at about this many bytes of JSON: small enough that a page reads little it does not need. */
const TARGET_SHARD_BYTES = 4 * 1024;
const MAX_SHARDS = 4_096;
/** Filter bits per head and probes per test: about 1% false positives. */
const FILTER_BITS_PER_HEAD = 12;
const FILTER_PROBES = 3;
/** Bits per character of the filter string: code units 0x20–0x801F, never a surrogate. */
const BITS_PER_CHAR = 15;
const CHAR_OFFSET = 0x20;

/** The shard of a head, from its hash (a multiplicative mix, so that it is independent of the filter's probes). */
export function shardOfHash(hash: number, shards: number): number {
  return (Math.imul(hash, 0x9e3779b1) >>> 0) % shards;
}

/** FNV-1a as `hashKey` computes it (normalize.ts), for scanWords' own loop. */
const FNV_OFFSET = hashKey('');
const FNV_PRIME = 0x01000193;

/** scanWords' result bit for a letter, mark or format character beyond ASCII, where it stops: a token it does not read. */
export const SAW_OTHER_SCRIPT = 4;
/** mayHoldHead's own bit for a key the whole filter lets through. */
const MAY_BE_HEAD = 1;

/** What HeadFilter.scanWords tells each key of a word that passes the filter's first probe. */
export interface HeadVisitor {
  /** The key's hash, and the word text.slice(start, end), as it is (`exact`) or to be lower-cased; answers bits for the result. */
  visitKey(hash: number, text: string, start: number, end: number, exact: boolean): number;
  /** Written by scanWords: the end of the last word it tested (0 for none). */
  scannedTo: number;
}

/**
 * A Bloom filter over 32-bit hashes, stored as a string of 15-bit characters
 * (code units 0x20–0x801F: never a surrogate, so it survives storage). The
 * number of characters is a power of two, so that a probe finds its
 * character with a mask: the matcher tests every word of a page against it,
 * in code the engine has not optimised yet, and a division per probe showed
 * in profiles.
 */
export class HeadFilter implements HeadVisitor {
  /** Where mayHoldHead's scan stopped (HeadVisitor). */
  scannedTo = 0;

  private constructor(
    readonly chars: string,
    readonly bits: number,
  ) {}

  static of(chars: string, bits: number): HeadFilter {
    return new HeadFilter(chars, bits);
  }

  static fromHashes(hashes: readonly number[]): HeadFilter {
    let length = 8;
    while (length * BITS_PER_CHAR < hashes.length * FILTER_BITS_PER_HEAD) length *= 2;
    const words = new Uint16Array(length);
    const mask = length - 1;
    for (const hash of hashes) {
      const step = probeStep(hash);
      for (let i = 0, h = hash; i < FILTER_PROBES; i++, h = (h + step) | 0) {
        words[(h >>> 4) & mask]! |= 1 << (h & 15) % BITS_PER_CHAR;
      }
    }
    let chars = '';
    for (let i = 0; i < words.length; i += 4096) {
      chars += String.fromCharCode(...Array.from(words.subarray(i, i + 4096), (w) => w + CHAR_OFFSET));
    }
    return new HeadFilter(chars, length * BITS_PER_CHAR);
  }

  /** False: certainly no head has this hash. True: one may. */
  mayContain(hash: number): boolean {
    const chars = this.chars;
    const mask = chars.length - 1;
    const step = probeStep(hash);
    for (let i = 0, h = hash; i < FILTER_PROBES; i++, h = (h + step) | 0) {
      if (!(((chars.charCodeAt((h >>> 4) & mask) - CHAR_OFFSET) >> (h & 15) % BITS_PER_CHAR) & 1)) return false;
    }
    return true;
  }

  /**
   * The quick pass over a text, shared by the matcher (findAll and
   * shardsNeeded: matcher.ts says why it changes nothing) and the content
   * script's first stage (`mayHoldHead`): one loop over the text's UTF-16
   * code units that hashes each ASCII word as TokenCursor does — its folded
   * key, and its case-kept key from its first capital on — without a string
   * or a call per word, and tells `visitor` each key that passes the
   * filter's first probe (about one word in five). It ORs the bits the
   * visitor answers and returns them as soon as they meet `stopBits`; at a
   * letter, mark or format character beyond ASCII, which it does not
   * tokenize, it returns them with SAW_OTHER_SCRIPT.
   */
  scanWords(text: string, visitor: HeadVisitor, stopBits: number): number {
    const chars = this.chars;
    const mask = chars.length - 1;
    // A local, not Math.imul: in code not yet optimised, each Math.imul
    // reads the global; the local made the loop 5–15% faster there (Node,
    // --jitless and --no-opt, 50 kB of prose).
    const imul = Math.imul;
    const length = text.length;
    let seen = 0;
    let i = 0;
    visitor.scannedTo = 0;
    while (i < length) {
      let c = text.charCodeAt(i);
      if (c >= 128) {
        const cp = text.codePointAt(i)!;
        if (classOf(cp) !== CharClass.Separator) return seen | SAW_OTHER_SCRIPT;
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
      if (!(c >= 97 ? c <= 122 : c >= 65 ? c <= 90 : c >= 48 && c <= 57)) {
        i++;
        continue;
      }
      // A word: its folded hash, and its case-kept hash from its first capital
      // on (before that, both hash the same code units).
      const start = i;
      let folded = FNV_OFFSET;
      let exact = 0;
      let upper = false;
      for (;;) {
        if (c >= 97) {
          if (c > 122) break;
          folded = imul(folded ^ c, FNV_PRIME);
          if (upper) exact = imul(exact ^ c, FNV_PRIME);
        } else if (c >= 65) {
          if (c > 90) break;
          if (!upper) {
            upper = true;
            exact = folded;
          }
          folded = imul(folded ^ (c | 32), FNV_PRIME);
          exact = imul(exact ^ c, FNV_PRIME);
        } else if (c >= 48 && c <= 57) {
          folded = imul(folded ^ c, FNV_PRIME);
          if (upper) exact = imul(exact ^ c, FNV_PRIME);
        } else break;
        if (++i === length) break;
        c = text.charCodeAt(i);
      }
      // A letter, mark or format character beyond ASCII continues the word: not an ASCII token.
      if (c >= 128 && classOf(text.codePointAt(i)!) !== CharClass.Separator) return seen | SAW_OTHER_SCRIPT;
      // The first probe, inline (as in mayContain): it turns away about four words in five.
      if (((chars.charCodeAt((folded >>> 4) & mask) - CHAR_OFFSET) >> (folded & 15) % BITS_PER_CHAR) & 1) {
        seen |= visitor.visitKey(folded, text, start, i, false);
        if (seen & stopBits) return seen;
      }
      if (upper && ((chars.charCodeAt((exact >>> 4) & mask) - CHAR_OFFSET) >> (exact & 15) % BITS_PER_CHAR) & 1) {
        seen |= visitor.visitKey(exact, text, start, i, true);
        if (seen & stopBits) return seen;
      }
      visitor.scannedTo = i;
    }
    return seen;
  }

  /**
   * Whether a text may hold a term at all, from the filter alone: a word
   * whose folded or case-kept key passes it, or a letter of another script
   * (a token this loop does not read). The content script's first stage
   * (services/page/page-gate.ts) asks it of every text run of a page before
   * the matcher is loaded; it answers true wherever a sharded matcher's
   * `shardsNeeded` does (tests/unit/lib/match/quick-pass.test.ts).
   */
  mayHoldHead(text: string): boolean {
    return this.scanWords(text, this, MAY_BE_HEAD) !== 0;
  }

  /** HeadVisitor, for mayHoldHead: the whole filter's answer. */
  visitKey(hash: number): number {
    return this.mayContain(hash) ? MAY_BE_HEAD : 0;
  }

  get encoded(): string {
    return this.chars;
  }
}

/** The distance between probes (double hashing): a rotation of the hash, odd. */
function probeStep(hash: number): number {
  return ((hash >>> 15) | (hash << 17)) | 1;
}

/** Splits a table into its index and shards. Deterministic: same table, same JSON. */
export function shardTermTable(table: TermTable): { index: TermTableIndex; shards: TermTableShard[] } {
  const bytes = JSON.stringify(table).length;
  const count = Math.max(1, Math.min(MAX_SHARDS, Math.ceil(bytes / TARGET_SHARD_BYTES)));
  const groups: number[][] = Array.from({ length: count }, () => []); // head indexes per shard
  const hashes = table.heads.map(hashKey);
  hashes.forEach((hash, h) => groups[shardOfHash(hash, count)]!.push(h));
  const shards = groups.map((heads) => shardOf(table, heads));
  const filter = HeadFilter.fromHashes(hashes);
  const index: TermTableIndex = {
    v: SHARDED_TABLE_VERSION,
    shards: count,
    hashes: shards.map((s) => s.hash),
    filter: filter.encoded,
    filterBits: filter.bits,
    terms: table.terms.length,
    articles: table.ids.length,
    hasSignals: table.heads.some((head) => /^.+\p{Lu}/su.test(head)),
  };
  return { index, shards };
}

/** The sub-table of some heads (indexes into table.heads, ascending), with its own ids and titles. */
function shardOf(table: TermTable, headIndexes: number[]): TermTableShard {
  const ids: string[] = [];
  const titles: string[] = [];
  const local = new Map<number, number>();
  const localOf = (o: number) => {
    let i = local.get(o);
    if (i === undefined) {
      local.set(o, (i = ids.length));
      ids.push(table.ids[o]!);
      titles.push(table.titles[o]!);
    }
    return i;
  };
  const terms: string[] = [];
  const owners: (number | number[])[] = [];
  const heads: string[] = [];
  const headStarts: number[] = [];
  for (const h of headIndexes) {
    heads.push(table.heads[h]!);
    headStarts.push(terms.length);
    const end = table.headStarts[h + 1] ?? table.terms.length;
    for (let t = table.headStarts[h]!; t < end; t++) {
      terms.push(table.terms[t]!);
      const o = table.owners[t]!;
      owners.push(typeof o === 'number' ? localOf(o) : o.map(localOf));
    }
  }
  const body: TermTable = { v: TERM_TABLE_VERSION, ids, titles, terms, owners, heads, headStarts };
  return { ...body, hash: contentHash(JSON.stringify(body)) };
}

/** 64 bits of FNV-1a (two differently seeded 32-bit runs), as hex: tells two builds of a shard apart. */
function contentHash(text: string): string {
  let a = 0x811c9dc5 | 0;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Checks a stored index's shape (constant time, as parseTermTable). */
export function parseTermTableIndex(value: unknown): Result<TermTableIndex> {
  if (!value || typeof value !== 'object') return fail('The term table is missing.');
  const index = value as Partial<TermTableIndex>;
  if (index.v !== SHARDED_TABLE_VERSION) {
    return fail(`The term table index has version ${String(index.v)}; this version of the extension reads ${SHARDED_TABLE_VERSION}.`);
  }
  const { shards, hashes, filter, filterBits } = index;
  if (
    typeof shards !== 'number' ||
    !(shards >= 1) ||
    !Array.isArray(hashes) ||
    hashes.length !== shards ||
    typeof filter !== 'string' ||
    typeof filterBits !== 'number' ||
    filter.length * BITS_PER_CHAR !== filterBits ||
    (filter.length & (filter.length - 1)) !== 0
  ) {
    return fail('The term table index is damaged: its shards, hashes or filter do not fit together.');
  }
  return ok(index as TermTableIndex);
}

/** Checks a stored shard: a term table whose hash is the one the index expects. */
export function parseTermTableShard(value: unknown, expectedHash: string): Result<TermTableShard> {
  const table = parseTermTable(value);
  if (!table.ok) return table;
  const hash = (value as { hash?: unknown }).hash;
  if (hash !== expectedHash) return fail('The term table changed while it was being read.');
  return ok(table.value as TermTableShard);
}

