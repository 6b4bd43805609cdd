/**
 * Finds the terms of a term table in a text in one pass, whatever the number
 * of terms: a trie over tokens (not characters), walked from each token of the
 * text, longest match first, matches never overlapping.
 *
 * Why a token trie and not RegExps: one RegExp per term costs a pass over the
 * text per term (50,000 passes for a large wiki), and one giant alternation
 * compiles slowly and still backtracks per position. The trie costs one Map
 * look-up per token of the text; only the rare token that starts a term walks
 * further, at most MAX_ALIAS_TOKENS deep. Word boundaries come for free:
 * tokens are whole words, so "RAG" is never found inside "RAGE" nor "agent"
 * inside "reagent".
 */
import { canonicalGap, exactForm, firstKeyOf, foldCase, hashKey, TokenCursor } from './normalize';
import type { TermTable } from './table';
import { HeadFilter, shardOfHash, type TermTableIndex } from './table-shards';

export interface TermMatch {
  /** Offsets in the original text, end exclusive. */
  start: number;
  end: number;
  /** Article ids, best first. Shared between matches: do not modify. */
  ids: string[];
  /** The phrase has an acronym or a word with an inner capital ("RAG", "MetaGPT"). */
  strong: boolean;
}

/**
 * What a text says about being on the knowledge base's subject, gathered by
 * `findAll` as it goes: `signals` collects the acronyms and inner-capital
 * words that the term table uses ("AI" of "AI agents", "LLM", "LangChain"),
 * whether or not a whole term was found there.
 */
export interface MatchEvidence {
  signals: Set<string>;
}

export interface Matcher {
  /**
   * Every term in the text, leftmost first, longest at each position, never
   * overlapping. With a sharded table, `missing` receives the shards the text
   * may need that are not loaded yet: when it grew, the matches may be
   * incomplete — load those shards (`addShard`) and ask again.
   */
  findAll(text: string, evidence?: MatchEvidence, missing?: Set<number>): TermMatch[];
  /** Number of alias phrases in the table. */
  readonly termCount: number;
  /** Whether the table has any acronym or inner-capital word that can serve as a signal. */
  readonly hasSignals: boolean;
  /** Shards of the table: 1 for a whole table, which is loaded from the start. */
  readonly shardCount: number;
  hasShard(k: number): boolean;
  /** Adds shard `k`, read from storage; an empty table for one that could not be read. */
  addShard(k: number, shard: TermTable): void;
  /** The title of an article that a loaded shard names. */
  titleOf(id: string): string | undefined;
}

interface TrieNode {
  /** Set when a phrase ends here: the ids that claim it, best first. */
  ids: string[] | null;
  /** Keyed by the next token's key prefixed with its canonical gap. */
  children: Map<string, TrieNode> | null;
  /** The phrase ending here has an acronym or inner-capital word. */
  strong: boolean;
}

const INNER_CAPITAL = /^.+\p{Lu}/su;

/** Token flags in the matcher's arrays. */
const ASCII = 1;
const SIMPLE = 2;
const UPPER = 4;

/**
 * Compiles a whole term table. Keys are the stored phrase tokens as they
 * are: the table keeps acronyms in their case and folds every other token, so
 * a token with a capital is matched exactly and any other case-insensitively.
 *
 * Compiling runs on every page load, in code the engine has not optimised
 * yet, so it does no work per phrase: it makes a Set of the table's `heads`
 * (the distinct first tokens, listed by the builder) and a Bloom filter of
 * their hashes. The trie below a head is built the first time a page
 * contains that head, from the head's group of phrases. Measured in Chromium
 * on a fresh page, 3,000 articles: a per-phrase compile loop took 7–8 ms cold.
 *
 * In the hot loop, an ASCII token is first tested against the filter with
 * the hash the tokenizer computed while scanning it, so most tokens are
 * rejected without making a string.
 */
export function compileMatcher(table: TermTable): Matcher {
  const heads = table.heads.filter((h): h is string => typeof h === 'string');
  const matcher = new TrieMatcher(
    HeadFilter.fromHashes(heads.map(hashKey)),
    1,
    // Heads are sorted by code unit, capitals first: this stops early.
    heads.some((head) => INNER_CAPITAL.test(head)),
    table.terms.length,
  );
  matcher.addShard(0, table);
  return matcher;
}

/**
 * A matcher over a sharded table (table-shards.ts): it knows from the index
 * which words may be heads, and matches those whose shard has been added.
 */
export function compileShardedMatcher(index: TermTableIndex): Matcher {
  return new TrieMatcher(HeadFilter.of(index.filter, index.filterBits), index.shards, index.hasSignals, index.terms);
}

class TrieMatcher implements Matcher {
  /** Heads of the loaded shards. */
  private readonly heads = new Set<string>();
  private readonly shards: (TermTable | undefined)[];
  /** Head -> the trie of the phrases that start with it (null: none do). */
  private readonly roots = new Map<string, TrieNode | null>();
  private readonly ownerLists = new Map<string, string[] | null>();
  private readonly titles = new Map<string, string>();

  // Token arrays reused between calls: findAll runs once per block of a page.
  private starts = new Int32Array(256);
  private ends = new Int32Array(256);
  private flags = new Uint8Array(256);
  private hashes = new Int32Array(256);
  private text = '';
  private lower: string | null = null;
  private bestEnd = -1;
  private best: TrieNode | null = null;
  private missing: Set<number> | undefined;

  constructor(
    private readonly filter: HeadFilter,
    readonly shardCount: number,
    readonly hasSignals: boolean,
    readonly termCount: number,
  ) {
    this.shards = new Array<TermTable | undefined>(shardCount);
  }

  hasShard(k: number): boolean {
    return this.shards[k] !== undefined;
  }

  addShard(k: number, shard: TermTable): void {
    if (!(k >= 0 && k < this.shardCount) || this.shards[k]) return;
    this.shards[k] = shard;
    for (const head of shard.heads) if (typeof head === 'string') this.heads.add(head);
    shard.ids.forEach((id, i) => {
      const title = shard.titles[i];
      if (typeof id === 'string' && typeof title === 'string' && !this.titles.has(id)) this.titles.set(id, title);
    });
  }

  titleOf(id: string): string | undefined {
    return this.titles.get(id);
  }

  findAll(text: string, evidence?: MatchEvidence, missing?: Set<number>): TermMatch[] {
    const count = this.tokenize(text);
    const matches: TermMatch[] = [];
    if (count === 0) return matches;
    this.text = text;
    this.missing = missing;
    const lowered = text.toLowerCase();
    // toLowerCase can change the length ("İ" → "i̇"): then fold token by token.
    this.lower = lowered.length === text.length ? lowered : null;
    let i = 0;
    while (i < count) {
      const flags = this.flags[i]!;
      let candidate: boolean;
      let folded: string | null = null;
      if (flags & ASCII) {
        candidate = this.mayBeHead(this.hashes[i]!) && this.heads.has((folded = this.foldedKey(i)));
      } else {
        folded = this.foldedKey(i);
        candidate = this.mayBeHead(hashKey(folded)) && this.heads.has(folded);
      }
      // Capitals: the token may start an acronym, whose key keeps its case.
      if (flags & UPPER) {
        const exact = this.exactKey(i);
        if (exact !== (folded ??= this.foldedKey(i)) && this.mayBeHead(hashKey(exact)) && this.heads.has(exact)) {
          candidate = true;
          if (evidence && INNER_CAPITAL.test(exact)) evidence.signals.add(exact);
        }
      }
      if (!candidate) {
        i++;
        continue;
      }
      this.bestEnd = -1;
      this.best = null;
      this.walk(null, i, i, count);
      const best = this.best as TrieNode | null;
      if (best) {
        matches.push({ start: this.starts[i]!, end: this.ends[this.bestEnd]!, ids: best.ids!, strong: best.strong });
        i = this.bestEnd + 1;
      } else {
        i++;
      }
    }
    this.text = '';
    this.lower = null;
    this.missing = undefined;
    return matches;
  }

  /**
   * Whether a key of this hash may be a head of a loaded shard; a head of a
   * shard not loaded yet is reported missing and counts as none.
   */
  private mayBeHead(hash: number): boolean {
    // The first probe, inline: it turns away about four words in five.
    const chars = this.filter.chars;
    if (!(((chars.charCodeAt((hash >>> 4) & (chars.length - 1)) - 0x20) >> (hash & 15) % 15) & 1)) return false;
    if (!this.filter.mayContain(hash)) return false;
    const k = this.shardCount === 1 ? 0 : shardOfHash(hash, this.shardCount);
    if (this.shards[k]) return true;
    this.missing?.add(k);
    return false;
  }

  /**
   * Depth-first walk from token `j` below `node` (null: the root); records
   * the longest phrase that ends in the text. The exact (case-kept) key is
   * tried before the folded one, so on a tie "ReAct" beats "react".
   */
  private walk(node: TrieNode | null, first: number, j: number, count: number): void {
    if (j >= count || (node && !node.children)) return;
    const folded = this.foldedKey(j);
    if (this.flags[j]! & UPPER) {
      const exact = this.exactKey(j);
      if (exact !== folded) this.step(node, first, j, count, exact);
    }
    this.step(node, first, j, count, folded);
  }

  private step(node: TrieNode | null, first: number, j: number, count: number, key: string): void {
    const child = node
      ? node.children!.get(canonicalGap(this.text.slice(this.ends[j - 1]!, this.starts[j]!)) + key)
      : this.heads.has(key)
        ? this.rootFor(key)
        : null;
    if (!child) return;
    if (child.ids && j > this.bestEnd) {
      this.bestEnd = j;
      this.best = child;
    }
    this.walk(child, first, j + 1, count);
  }

  /**
   * The trie of the phrases whose first token is `head`, built on first use
   * from the head's group in its shard (found by binary search in the shard's
   * `heads`). A phrase whose first token is not the head (a damaged table)
   * is passed over.
   */
  private rootFor(head: string): TrieNode | null {
    const known = this.roots.get(head);
    if (known !== undefined) return known;
    const k = this.shardCount === 1 ? 0 : shardOfHash(hashKey(head), this.shardCount);
    const table = this.shards[k];
    let root: TrieNode | null = null;
    if (table) {
      const { heads, headStarts, terms } = table;
      let low = 0;
      let high = heads.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (heads[mid]! < head) low = mid + 1;
        else high = mid;
      }
      if (heads[low] === head) {
        const end = Math.min(headStarts[low + 1] ?? terms.length, terms.length);
        for (let t = Math.max(0, headStarts[low]!); t < end; t++) {
          const phrase = terms[t];
          if (typeof phrase !== 'string' || firstKeyOf(phrase) !== head) continue;
          const ids = this.idsOf(table, k, table.owners[t]);
          if (!ids) continue;
          root ??= { ids: null, children: null, strong: false };
          this.insert(root, phrase, ids);
        }
      }
    }
    this.roots.set(head, root);
    return root;
  }

  private insert(root: TrieNode, phrase: string, ids: string[]): void {
    const cursor = new TokenCursor(phrase);
    cursor.next();
    let node = root;
    let previousEnd = cursor.end;
    let strong = INNER_CAPITAL.test(phrase.slice(cursor.start, cursor.end));
    while (cursor.next()) {
      const raw = phrase.slice(cursor.start, cursor.end);
      const key = canonicalGap(phrase.slice(previousEnd, cursor.start)) + (cursor.ascii ? raw : exactForm(raw));
      previousEnd = cursor.end;
      strong ||= INNER_CAPITAL.test(raw);
      const children = (node.children ??= new Map());
      let child = children.get(key);
      if (!child) children.set(key, (child = { ids: null, children: null, strong: false }));
      node = child;
    }
    // The first claim of a phrase wins; built tables have unique phrases.
    if (node.ids) return;
    node.ids = ids;
    node.strong = strong;
  }

  /** The ids of a term's owners; null when the entry points nowhere (a damaged table). */
  private idsOf(table: TermTable, k: number, owners: number | number[] | undefined): string[] | null {
    if (owners === undefined) return null;
    const key = `${k}:${String(owners)}`;
    let ids = this.ownerLists.get(key);
    if (ids === undefined) {
      const list = (Array.isArray(owners) ? owners : [owners]).map((o) => table.ids[o]);
      ids = list.length && list.every((id): id is string => typeof id === 'string') ? list : null;
      this.ownerLists.set(key, ids);
    }
    return ids;
  }

  private foldedKey(i: number): string {
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    const flags = this.flags[i]!;
    if (flags & SIMPLE && this.lower !== null) return this.lower.slice(start, end);
    if (flags & ASCII) return this.text.slice(start, end).toLowerCase();
    return foldCase(this.text.slice(start, end));
  }

  private exactKey(i: number): string {
    const raw = this.text.slice(this.starts[i]!, this.ends[i]!);
    return this.flags[i]! & SIMPLE ? raw : exactForm(raw);
  }

  private tokenize(text: string): number {
    const cursor = new TokenCursor(text);
    let n = 0;
    while (cursor.next()) {
      if (n === this.starts.length) this.grow();
      this.starts[n] = cursor.start;
      this.ends[n] = cursor.end;
      this.hashes[n] = cursor.foldedHash;
      // A non-ASCII token may have capitals too ("Ü", "Ｇ"): compare its forms later.
      this.flags[n] = (cursor.ascii ? ASCII : 0) | (cursor.simple ? SIMPLE : 0) | (cursor.upper || !cursor.ascii ? UPPER : 0);
      n++;
    }
    return n;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const flags = new Uint8Array(size);
    const hashes = new Int32Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    flags.set(this.flags);
    hashes.set(this.hashes);
    this.starts = starts;
    this.ends = ends;
    this.flags = flags;
    this.hashes = hashes;
  }
}
