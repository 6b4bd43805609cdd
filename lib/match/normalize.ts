/**
 * Text normalization shared by the term table (alias phrases) and the matcher
 * (page text), so that both sides agree on what a word is and when two words
 * are "the same".
 *
 * - A token is a run of letters, digits and combining marks (`\p{L}\p{N}\p{M}`)
 *   in any script. Scripts written without spaces (Han, Hiragana, Katakana)
 *   have no word boundaries to find, so each of their characters is a token of
 *   its own and a CJK term matches wherever its characters stand in sequence.
 *   Intl.Segmenter would find real CJK words but measured ~10 s per MB of text
 *   in Node 20 (≈1 s per 100 kB), three orders of magnitude over the page-scan
 *   budget, so it is not used.
 * - Format characters (`\p{Cf}`: soft hyphen, zero-width space and joiners) are
 *   invisible: inside a token they are dropped from its key, between tokens they
 *   are ignored.
 * - Between two tokens, whitespace, hyphens, dashes and underscores are all one
 *   "soft" separator, so "open-closed" = "open closed" = "open–closed" =
 *   "open_closed". Any other punctuation is kept (curly quotes made straight),
 *   so "Node.js" needs its dot and a term never runs across "agents. Memory".
 * - Keys are NFKC-normalized and case-folded ("ＧＰＴ" = "gpt", "Straße" =
 *   "strasse"); a token that is an acronym keeps its case in the alias phrase
 *   ("RAG", "LLMs", "CoT") and then matches only with that case.
 *
 * Offsets always refer to the original text: tokens are found on the original
 * string and normalized one at a time, so NFKC never shifts an offset.
 */

/** Character classes of the tokenizer. */
export const CharClass = {
  Separator: 0,
  Word: 1,
  /** A character of a script without spaces: always a token of its own. */
  Ideograph: 2,
  /** A combining mark: continues the token before it, or starts a word. */
  Mark: 3,
  /** Invisible format character: continues a token, never starts one. */
  Format: 4,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

/** The canonical separator for whitespace, hyphens, dashes and underscores. */
export const SOFT_GAP = ' ';

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const isWord = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  ASCII_CLASS[c] = isWord ? CharClass.Word : CharClass.Separator;
}

/**
 * A regular expression built on its first use. V8 checks a RegExp literal as
 * it parses the script, and builds a Unicode property class (`\p{L}`,
 * `\p{scx=Han}`) as the literal is evaluated: the five literals of the
 * content script's first stage cost about 1 ms on every page, before any of
 * them was needed — a third of the budget for a page without terms (Chrome
 * trace; docs/decisions/two-stage-content-script.md). Given as a string, a
 * pattern costs nothing until a character outside ASCII asks for it. For
 * the patterns the content script loads; code that runs elsewhere keeps its
 * literals.
 */
export function lazyRegExp(source: string, flags: string): () => RegExp {
  let pattern: RegExp | undefined;
  return () => (pattern ??= new RegExp(source, flags));
}

const LETTER_OR_DIGIT = lazyRegExp('^[\\p{L}\\p{N}]$', 'u');
const MARK = lazyRegExp('^\\p{M}$', 'u');
const FORMAT = lazyRegExp('^\\p{Cf}$', 'u');
// Script_Extensions rather than Script so that the prolonged sound mark "ー"
// (Common script, used by Hiragana and Katakana) counts as Japanese.
const IDEOGRAPHIC = lazyRegExp('^[\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}]$', 'u');
const HAS_LETTER_OR_DIGIT = lazyRegExp('[\\p{L}\\p{N}]', 'u');

/** Whether a text holds a letter or a digit of any script: ASCII answers without a RegExp. */
export function hasLetterOrDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return HAS_LETTER_OR_DIGIT().test(text);
    if (ASCII_CLASS[c] === CharClass.Word) return true;
  }
  return false;
}

/**
 * Bit set in a character's info when slicing and lower-casing a token is not
 * enough to fold it: NFKC changes the character ("ﬁ", "Ｇ", "²"), it is a
 * mark or a format character, or its full case fold differs ("ß", "ς").
 */
const NEEDS_FULL_FOLD = 8;

// Info of the non-ASCII code points seen so far: pages repeat the same few
// hundred characters, and a Map hit is far cheaper than the RegExp tests.
const NON_ASCII_INFO = new Map<number, number>();
const NON_ASCII_INFO_LIMIT = 20_000;

function infoOf(codePoint: number): number {
  const known = NON_ASCII_INFO.get(codePoint);
  if (known !== undefined) return known;
  const ch = String.fromCodePoint(codePoint);
  let info: number;
  if (LETTER_OR_DIGIT().test(ch)) info = IDEOGRAPHIC().test(ch) ? CharClass.Ideograph : CharClass.Word;
  else if (MARK().test(ch)) info = CharClass.Mark | NEEDS_FULL_FOLD;
  else if (FORMAT().test(ch)) info = CharClass.Format | NEEDS_FULL_FOLD;
  else info = CharClass.Separator;
  if (info !== CharClass.Separator) {
    const lower = ch.toLowerCase();
    // Capital sigma lower-cases to σ or ς depending on its place in the word.
    const unstable = ch.normalize('NFKC') !== ch || lower.length !== ch.length || foldSpecial(lower) !== lower;
    if (unstable || ch === '\u03a3') info |= NEEDS_FULL_FOLD;
  }
  if (NON_ASCII_INFO.size < NON_ASCII_INFO_LIMIT) NON_ASCII_INFO.set(codePoint, info);
  return info;
}

/** The tokenizer class of one code point. */
export function classOf(codePoint: number): CharClass {
  if (codePoint < 128) return ASCII_CLASS[codePoint] as CharClass;
  return (infoOf(codePoint) & 7) as CharClass;
}

/** FNV-1a offset basis and prime: the hash of token keys (see `hashKey`). */
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a over UTF-16 code units; the cursor computes the same for ASCII tokens as it scans. */
export function hashKey(key: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * Walks the tokens of a text without allocating per token: `next()` moves to
 * the following token and sets `start`/`end` (UTF-16 offsets, end exclusive)
 * and facts that spare the matcher string work: `ascii`, `upper` (has an
 * ASCII capital), `foldedHash` (`hashKey` of the folded token, for ASCII
 * tokens) and `simple` (its fold is its lower-cased slice: no character that
 * NFKC or full case folding would change). `tokenize` builds objects from it.
 */
export class TokenCursor {
  start = 0;
  end = 0;
  ascii = true;
  upper = false;
  simple = true;
  foldedHash = 0;
  private pos = 0;

  constructor(private readonly text: string) {}

  next(): boolean {
    const text = this.text;
    const length = text.length;
    let i = this.pos;
    // Skip separators (and format characters, which never start a token).
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_CLASS[c] !== CharClass.Separator) break;
        i++;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const cls = infoOf(cp) & 7;
      if (cls !== CharClass.Separator && cls !== CharClass.Format) break;
      i += cp > 0xffff ? 2 : 1;
    }
    if (i >= length) {
      this.pos = length;
      return false;
    }
    this.start = i;
    let ascii = true;
    let upper = false;
    let simple = true;
    let h = FNV_OFFSET;
    const first = text.charCodeAt(i);
    if (first >= 128) {
      const cp = text.codePointAt(i)!;
      const info = infoOf(cp);
      i += cp > 0xffff ? 2 : 1;
      ascii = false;
      if (info & NEEDS_FULL_FOLD) simple = false;
      if ((info & 7) === CharClass.Ideograph) {
        // An ideograph is a token of its own, with any marks that follow it.
        while (i < length) {
          const c = text.charCodeAt(i);
          if (c < 128) break;
          const next = text.codePointAt(i)!;
          const nextInfo = infoOf(next);
          const cls = nextInfo & 7;
          if (cls !== CharClass.Mark && cls !== CharClass.Format) break;
          simple = false;
          i += next > 0xffff ? 2 : 1;
        }
        return this.found(i, false, false, simple, 0);
      }
    } else if (first >= 65 && first <= 90) {
      upper = true;
      h = Math.imul(h ^ (first | 32), FNV_PRIME);
      i++;
    } else {
      h = Math.imul(h ^ first, FNV_PRIME);
      i++;
    }
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_CLASS[c] === CharClass.Separator) break;
        if (c >= 65 && c <= 90) {
          upper = true;
          h = Math.imul(h ^ (c | 32), FNV_PRIME);
        } else h = Math.imul(h ^ c, FNV_PRIME);
        i++;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const info = infoOf(cp);
      const cls = info & 7;
      if (cls === CharClass.Separator || cls === CharClass.Ideograph) break;
      ascii = false;
      if (info & NEEDS_FULL_FOLD) simple = false;
      i += cp > 0xffff ? 2 : 1;
    }
    return this.found(i, ascii, upper, simple, ascii ? h : 0);
  }

  private found(end: number, ascii: boolean, upper: boolean, simple: boolean, hash: number): true {
    this.end = end;
    this.pos = end;
    this.ascii = ascii;
    this.upper = upper;
    this.simple = simple;
    this.foldedHash = hash;
    return true;
  }
}

const FORMAT_CHARS = lazyRegExp('\\p{Cf}', 'gu');

/**
 * Case folding for matching: NFKC, lower case, and the full folds that
 * `toLowerCase` leaves out for the scripts we have seen in wiki titles
 * ("ß" → "ss", final sigma → sigma). Invisible format characters are dropped.
 */
export function foldCase(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  return foldSpecial(exactForm(text).toLowerCase());
}

function foldSpecial(lower: string): string {
  return lower.replace(/ß/g, 'ss').replace(/ς/g, 'σ');
}

/** NFKC without invisible format characters: the form that keeps case. */
export function exactForm(text: string): string {
  if (isAscii(text)) return text;
  return text.normalize('NFKC').replace(FORMAT_CHARS(), '');
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

const UPPER_AFTER_FIRST = lazyRegExp('^.+\\p{Lu}', 'su');

/**
 * Whether a token matches only with its own case: an acronym ("RAG", "AI"),
 * or a word with a capital after its first letter ("LLMs", "CoT", "ReAct",
 * "MetaGPT"). "Claude" or "Open" are ordinary words that may start a sentence.
 * Case matters for these because their folded forms are often everyday words
 * ("rag", "cot", "react").
 */
export function isCaseSensitiveToken(token: string): boolean {
  return hasCapitalAfterFirst(exactForm(token));
}

/** Whether a text has a capital letter after its first character ("LLMs", "MetaGPT", "RAG"). */
export function hasCapitalAfterFirst(text: string): boolean {
  return UPPER_AFTER_FIRST().test(text);
}

// Dashes (\p{Pd}, which includes the ASCII hyphen), underscores and the
// whitespace family, including no-break and ideographic spaces.
const SOFT_SEPARATOR = lazyRegExp('^[\\s\\p{Pd}_\\p{Cf}\\u00a0\\u3000]*$', 'u');
const WHITESPACE_OR_FORMAT = lazyRegExp('[\\s\\p{Cf}]+', 'gu');
const SINGLE_QUOTES = /[\u2018\u2019\u201a\u201b\u2032\u02bc]/g;
const DOUBLE_QUOTES = /[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g;

/**
 * The canonical form of the text between two tokens: `SOFT_GAP` for nothing,
 * whitespace, hyphens, dashes and underscores; otherwise its punctuation
 * without whitespace, quotes made straight ("agents. Memory" → ".").
 */
export function canonicalGap(raw: string): string {
  if (raw.length === 0) return SOFT_GAP;
  if (raw.length === 1) {
    const c = raw.charCodeAt(0);
    if (c === 32 || c === 45 || c === 95 || c === 10 || c === 9) return SOFT_GAP;
  }
  if (SOFT_SEPARATOR().test(raw)) return SOFT_GAP;
  return raw
    .normalize('NFKC')
    .replace(WHITESPACE_OR_FORMAT(), '')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"');
}

/** One token of a text, with its offsets in the original string. */
export interface Token {
  start: number;
  end: number;
  /** NFKC form with case kept (the acronym test reads it). */
  exact: string;
  /** Case-folded form: the matching key of an ordinary word. */
  folded: string;
  /** Canonical separator before it (`canonicalGap`); '' for the first token. */
  gap: string;
}

/** All tokens of a text. For hot loops use `TokenCursor`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const cursor = new TokenCursor(text);
  let previousEnd = -1;
  while (cursor.next()) {
    const raw = text.slice(cursor.start, cursor.end);
    tokens.push({
      start: cursor.start,
      end: cursor.end,
      exact: exactForm(raw),
      folded: foldCase(raw),
      gap: previousEnd < 0 ? '' : canonicalGap(text.slice(previousEnd, cursor.start)),
    });
    previousEnd = cursor.end;
  }
  return tokens;
}

/**
 * The canonical phrase of a text, as the term table stores aliases: tokens
 * joined by their canonical gaps, acronym tokens in their own case and every
 * other token folded. "Open–Closed  Gap" → "open closed gap"; "How to Use
 * MCP" → "how to use MCP". Punctuation before the first and after the last
 * token is not part of a phrase. `casing` maps folded tokens to the form they
 * must keep: acronyms spelt by a title ("metagpt" → "MetaGPT") and proper
 * names that match only capitalised ("llama" → "Llama").
 */
export function canonicalPhrase(text: string, casing?: ReadonlyMap<string, string>): string {
  let phrase = '';
  let previousEnd = -1;
  for (const token of tokenize(text)) {
    // Adjacent tokens (ideographs, "GPTモデル") stay adjacent: the gap is soft either way.
    const gap = token.start === previousEnd ? '' : token.gap;
    const cased = casing?.get(token.folded);
    phrase += gap + (cased ?? (isCaseSensitiveToken(token.exact) ? token.exact : token.folded));
    previousEnd = token.end;
  }
  return phrase;
}

/**
 * The matching key of a canonical phrase's first token: the token as stored
 * (acronyms in their case, other words already folded), or '' for none.
 */
export function firstKeyOf(phrase: string): string {
  const cursor = new TokenCursor(phrase);
  if (!cursor.next()) return '';
  const raw = phrase.slice(cursor.start, cursor.end);
  return cursor.ascii ? raw : exactForm(raw);
}
