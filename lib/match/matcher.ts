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
import { canonicalGap, exactForm, firstKeyOf, foldCase, hasCapitalAfterFirst, hashKey, TokenCursor } from './normalize';
import type { TermTable } from './table';
import { HeadFilter, SAW_OTHER_SCRIPT, shardOfHash, type HeadVisitor, type TermTableIndex } from './table-shards';

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
  /**
   * Adds to `into` every shard not loaded yet in which a head among the
   * text's tokens may live: every shard `findAll(text, …, missing)` reports
   * missing, and possibly a few more (a token inside a match of a loaded
   * shard is one findAll never tests as a head). Once those shards are
   * added, `findAll(text)` needs no other: one storage read per batch of texts.
   *
   * Returns whether any token of the text is a head of a loaded shard or may
   * be one of a shard not loaded. False means `findAll(text)` finds nothing
   * and gathers no signal, so the text need not be matched at all. A whole
   * table adds nothing and still answers.
   */
  shardsNeeded(text: string, into: Set<number>): boolean;
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

/** Token flags in the matcher's arrays. */
const ASCII = 1;
const SIMPLE = 2;
const UPPER = 4;

/** What the quick pass (`TrieMatcher.scanWords`) saw, as bits, with HeadFilter's SAW_OTHER_SCRIPT (4). */
const SAW_HEAD = 1;
/** A key that passed the filter and whose shard is not loaded. */
const SAW_UNLOADED = 2;
/** shardState: the filter lets the hash pass and its shard is loaded (then `isHead` decides). */
const LOADED_SHARD = 8;

/**
 * Compiles a whole term table. Keys are the stored phrase tokens as they
 * are: the table keeps acronyms in their case and folds every other token, so
 * a token with a capital is matched exactly and any other case-insensitively.
 *
 * Compiling runs on every page load, in code the engine has not optimised
 * yet, so it does no work per phrase: it makes a Bloom filter of the hashes
 * of the table's `heads` (the distinct first tokens, listed by the builder,
 * sorted, so that a word is looked up among them by binary search). The trie below a head is built the first time a page
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
    heads.some((head) => hasCapitalAfterFirst(head)),
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

class TrieMatcher implements Matcher, HeadVisitor {
  private readonly shards: (TermTable | undefined)[];
  /** Head -> the trie of the phrases that start with it (null: none do). */
  private readonly roots = new Map<string, TrieNode | null>();
  private readonly ownerLists = new Map<string, string[] | null>();
  /** Titles of the loaded shards' articles, read into the map when first asked for. */
  private readonly titles = new Map<string, string>();
  /** Loaded shards whose titles are not in `titles` yet. */
  private readonly untitledShards: TermTable[] = [];

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
  /** Where the quick pass stopped: the end of the last word it tested (written by HeadFilter.scanWords). */
  scannedTo = 0;

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

  /**
   * Adding a shard costs nothing per entry: its heads are looked up in the
   * shard itself (`isHead`) and its titles are read when first asked for. A
   * page dense with terms adds a hundred shards as it loads; copying their
   * heads and titles into maps cost 4–5 ms of the page's main thread
   * (Chrome trace of the 1 MB benchmark page, 3,000 articles).
   */
  addShard(k: number, shard: TermTable): void {
    if (!(k >= 0 && k < this.shardCount) || this.shards[k]) return;
    this.shards[k] = shard;
    this.untitledShards.push(shard);
  }

  titleOf(id: string): string | undefined {
    for (const shard of this.untitledShards.splice(0)) {
      shard.ids.forEach((shardId, i) => {
        const title = shard.titles[i];
        if (typeof shardId === 'string' && typeof title === 'string' && !this.titles.has(shardId)) this.titles.set(shardId, title);
      });
    }
    return this.titles.get(id);
  }

  /** Whether `key` (of hash `hash`) is a head of a loaded shard: a binary search in the shard its hash names. */
  private isHead(key: string, hash = hashKey(key)): boolean {
    const k = this.shardCount === 1 ? 0 : shardOfHash(hash, this.shardCount);
    const table = this.shards[k];
    return !!table && headIndex(table.heads, key) >= 0;
  }

  findAll(text: string, evidence?: MatchEvidence, missing?: Set<number>): TermMatch[] {
    // Most text runs of most pages hold no head at all; scanWords tells so
    // without token arrays, and returning here changes nothing (see there).
    // Otherwise the full path takes over where it stopped.
    if (!(this.scanWords(text, missing, true) & (SAW_HEAD | SAW_OTHER_SCRIPT))) return [];
    const count = this.tokenize(text, this.resumeAt(text));
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
        candidate = this.mayBeHead(this.hashes[i]!) && this.isHead((folded = this.foldedKey(i)), this.hashes[i]!);
      } else {
        folded = this.foldedKey(i);
        candidate = this.mayBeHead(hashKey(folded)) && this.isHead(folded);
      }
      // Capitals: the token may start an acronym, whose key keeps its case.
      if (flags & UPPER) {
        const exact = this.exactKey(i);
        if (exact !== (folded ??= this.foldedKey(i)) && this.mayBeHead(hashKey(exact)) && this.isHead(exact)) {
          candidate = true;
          if (evidence && hasCapitalAfterFirst(exact)) evidence.signals.add(exact);
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

  shardsNeeded(text: string, into: Set<number>): boolean {
    const seen = this.scanWords(text, into, false);
    if (!(seen & SAW_OTHER_SCRIPT)) return seen !== 0;
    // Another script: the tokenizer's way, from where scanWords stopped.
    const count = this.tokenize(text, this.resumeAt(text));
    this.text = text;
    const lowered = text.toLowerCase();
    this.lower = lowered.length === text.length ? lowered : null;
    let any = (seen & (SAW_HEAD | SAW_UNLOADED)) !== 0;
    // The keys and hashes findAll's full path tests, token by token.
    for (let i = 0; i < count; i++) {
      const flags = this.flags[i]!;
      const folded = this.foldedKey(i);
      if (this.keyState(flags & ASCII ? this.hashes[i]! : hashKey(folded), folded, into)) any = true;
      if (flags & UPPER) {
        const exact = this.exactKey(i);
        if (exact !== folded && this.keyState(hashKey(exact), exact, into)) any = true;
      }
    }
    this.text = '';
    this.lower = null;
    return any;
  }

  /**
   * The quick pass: HeadFilter.scanWords, one loop over the text's UTF-16
   * code units, with this matcher testing each key that passes the filter's
   * first probe (`visitKey`): the same tests as findAll's full path, without
   * token arrays, without a string or a call per word. It returns SAW_HEAD when a
   * word is a head of a loaded shard (at the first, when `stopAtHead`),
   * SAW_UNLOADED when a word may be a head of a shard not loaded (that shard
   * added to `missing`), SAW_OTHER_SCRIPT when it met a character it does not
   * tokenize; 0 when no word can be a head.
   *
   * Why findAll may return [] when it saw neither a head nor another script:
   * - Tokens. Until it meets a letter, digit, mark or format character beyond
   *   ASCII, the text's tokens are its runs of [0-9A-Za-z], split by any other
   *   character: TokenCursor classes every ASCII character that way, and a
   *   separator beyond ASCII (classOf: "’", "—", no-break space, emoji) ends
   *   a token as an ASCII one does. Such a token is ASCII, its folded key is
   *   its lower case and its case-kept key is its raw text, whose FNV-1a
   *   hashes the loop computes as TokenCursor.foldedHash and `hashKey` do.
   * - Tests. For each token the full path asks mayBeHead(folded hash) and
   *   isHead(folded), then, when the token has a capital (so that its
   *   two keys differ), mayBeHead(exact hash) and isHead(exact). This
   *   loop asks the same of the same hashes and keys: the filter (first probe
   *   inline, then `mayContain`), then whether the shard is loaded (if not:
   *   the shard goes into `missing`, as mayBeHead puts it), then isHead.
   * - Outcome. With no head among the tokens, the full path has no candidate:
   *   it tests every token in turn, walks no trie, finds no match and adds no
   *   signal (signals come from candidates only); into `missing` it puts the
   *   shards of the hashes that passed the filter, not loaded: the shards
   *   this loop put there. So its result is [] and it adds nothing more.
   * - When the loop stops early (a head, another script), every token it
   *   tested lies before the full path's first candidate: no match starts
   *   there and no signal comes from there, and the full path would add the
   *   same shards for them. So the full path may start after them, at
   *   `scannedTo`, the end of the last word tested (0 for none): a place
   *   between tokens, where a TokenCursor over the rest of the text finds the
   *   very tokens a cursor from the start finds next (it does not look back).
   *   (`resumeAt` says when that is worth it.)
   * tests/unit/lib/match/quick-pass.test.ts compares both paths on generated
   * texts, with whole and partly loaded sharded tables.
   */
  private scanWords(text: string, missing: Set<number> | undefined, stopAtHead: boolean): number {
    this.missing = missing;
    const seen = this.filter.scanWords(text, this, stopAtHead ? SAW_HEAD : 0);
    this.missing = undefined;
    return seen;
  }

  /**
   * Where the full path starts after scanWords stopped: at `scannedTo` when
   * the words scanned are a tenth of the rest or more, else at 0. Starting
   * after them spares tokenizing them again (rescanning measured +22% on the
   * paragraphs of a synthetic page, each with a term in it, 3,000 articles);
   * but the TokenCursor then reads a slice of the text, and V8 reads each
   * code unit of a sliced string more slowly: +10% on the 1 MB text of
   * `npm run bench -- match`, whose first head comes after 929 characters.
   */
  private resumeAt(text: string): number {
    const from = this.scannedTo;
    return from * 10 >= text.length - from ? from : 0;
  }

  /**
   * The quick pass's test of one key (HeadVisitor): keyState for the word
   * text.slice(start, end), lower-cased unless `exact`, its missing shard put
   * into `missing`; the string is made only for a loaded shard.
   */
  visitKey(hash: number, text: string, start: number, end: number, exact: boolean): number {
    const state = this.shardState(hash, this.missing);
    if (state !== LOADED_SHARD) return state;
    const raw = text.slice(start, end);
    return this.isHead(exact ? raw : raw.toLowerCase(), hash) ? SAW_HEAD : 0;
  }

  /** SAW_HEAD when `key` is a head of a loaded shard, SAW_UNLOADED when it may be one of a shard not loaded (added to `into`), else 0. */
  private keyState(hash: number, key: string, into: Set<number> | undefined): number {
    const state = this.shardState(hash, into);
    if (state !== LOADED_SHARD) return state;
    return this.isHead(key, hash) ? SAW_HEAD : 0;
  }

  /** 0 when no head has this hash; SAW_UNLOADED, the shard added to `into`, when its shard is not loaded; else LOADED_SHARD. */
  private shardState(hash: number, into: Set<number> | undefined): number {
    if (!this.filter.mayContain(hash)) return 0;
    const k = this.shardCount === 1 ? 0 : shardOfHash(hash, this.shardCount);
    if (this.shards[k]) return LOADED_SHARD;
    into?.add(k);
    return SAW_UNLOADED;
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
      : this.isHead(key)
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
      const low = headIndex(heads, head);
      if (low >= 0) {
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
    let strong = hasCapitalAfterFirst(phrase.slice(cursor.start, cursor.end));
    while (cursor.next()) {
      const raw = phrase.slice(cursor.start, cursor.end);
      const key = canonicalGap(phrase.slice(previousEnd, cursor.start)) + (cursor.ascii ? raw : exactForm(raw));
      previousEnd = cursor.end;
      strong ||= hasCapitalAfterFirst(raw);
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

  /** The tokens of the text from offset `from`, a place between tokens, into the arrays; their number. */
  private tokenize(text: string, from: number): number {
    const cursor = new TokenCursor(from === 0 ? text : text.slice(from));
    let n = 0;
    while (cursor.next()) {
      if (n === this.starts.length) this.grow();
      this.starts[n] = cursor.start + from;
      this.ends[n] = cursor.end + from;
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

/** Index of `key` in a shard's heads (sorted by code unit), or -1. */
function headIndex(heads: readonly string[], key: string): number {
  let low = 0;
  let high = heads.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (heads[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return heads[low] === key ? low : -1;
}
