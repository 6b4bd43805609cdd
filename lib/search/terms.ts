/**
 * How the search cuts text into terms and compares short strings. The same
 * rules run when the index is built and when a query is typed, so a term
 * always meets itself.
 */

/**
 * English function words left out of the index. They occur in nearly every
 * article, so they add postings to the index without telling articles apart,
 * and with AND semantics a query like "how to use mcp" would otherwise only
 * match pages that happen to contain "how" and "to" in a field. The list is
 * the short core of classic IR stop lists (the SMART and Snowball English
 * lists), not a long one: words like "agent" or "model" stay searchable.
 */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'has', 'have', 'how', 'if', 'in',
  'into', 'is', 'it', 'its', 'of', 'on', 'or', 'so', 'such', 'than', 'that', 'the', 'their', 'them', 'then',
  'there', 'these', 'they', 'this', 'those', 'to', 'was', 'were', 'what', 'when', 'where', 'which', 'while',
  'who', 'why', 'will', 'with',
]);

/**
 * Tokens longer than this are hashes, base64 or glued URLs: nobody types
 * them, and each would add a term to the index for one article.
 */
const MAX_TERM_LENGTH = 40;

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Splits on whitespace, punctuation and symbols in any script:
 * "Retrieval-Augmented" is two words, and so is `agent=writer` in a code block.
 */
const SEPARATORS = /[\s\p{P}\p{Z}\p{S}]+/u;

export function tokenize(text: string): string[] {
  return text.split(SEPARATORS).filter((token) => token.length > 0);
}

/**
 * The index form of one token, or null to leave it out: lowercased (NFKC, so
 * full-width letters and ligatures meet their plain forms), stop words,
 * single letters (the "s" of "model's") and over-long tokens dropped. Digits
 * stay, so "GPT-4" is found by "gpt 4".
 */
export function indexTerm(token: string): string | null {
  // NFKC changes nothing in ASCII. Skipping it there took normalising the 1.9
  // million tokens of 3,000 synthetic articles from about 200 ms to about 110.
  const term = (ASCII.test(token) ? token : token.normalize('NFKC')).toLowerCase();
  if (term.length > MAX_TERM_LENGTH) return null;
  if (term.length === 1 && !/\p{N}/u.test(term)) return null;
  if (STOP_WORDS.has(term)) return null;
  return singular(term);
}

/**
 * Harman's "S" stemmer (Harman, "How effective is suffixing?", JASIS 1991):
 * folds English plurals only ("agents" -> "agent", "LLMs" -> "llm",
 * "policies" -> "policy"), the lightest stemming that helps. Without it
 * "agent" met "AI Agents" only as a prefix match, scored at a third of an
 * exact one, and ranked it ninth of ten.
 */
export function singular(term: string): string {
  if (term.length <= 3 || /\d$/.test(term)) return term;
  if (term.endsWith('ies') && !term.endsWith('eies') && !term.endsWith('aies')) return `${term.slice(0, -3)}y`;
  if (term.endsWith('es') && !term.endsWith('aes') && !term.endsWith('ees') && !term.endsWith('oes')) return term.slice(0, -1);
  if (term.endsWith('s') && !term.endsWith('us') && !term.endsWith('ss')) return term.slice(0, -1);
  return term;
}

/** One query term and how loosely it may match. */
export interface QueryTerm {
  term: string;
  /** The word still being typed: also matches longer words it starts. */
  prefix: boolean;
  /** Edits allowed (typos): 0 below 4 letters, 1 up to 7, 2 from 8. */
  fuzzy: number;
}

/**
 * The terms of a typed query. The last word is taken as a prefix because the
 * user is probably still typing it ("retrieval aug"). Stop words are dropped
 * as at index time, except the last word, which may still grow into a real
 * one ("the" -> "theory").
 */
export function queryTerms(query: string): QueryTerm[] {
  const tokens = tokenize(query.normalize('NFKC').toLowerCase()).filter((t) => t.length <= MAX_TERM_LENGTH);
  const terms: QueryTerm[] = [];
  tokens.forEach((token, i) => {
    const last = i === tokens.length - 1;
    const kept = indexTerm(token);
    if (kept === null && !last) return;
    const term = kept ?? token;
    terms.push({ term, prefix: last, fuzzy: fuzzyDistance(term) });
  });
  return terms;
}

export function fuzzyDistance(term: string): number {
  if (term.length < 4) return 0;
  return term.length < 8 ? 1 : 2;
}

/**
 * A form of a short string for equality and "starts with" tests between a
 * query and titles or aliases: case, accents of compatibility forms,
 * punctuation and spacing do not count ("Open-Closed" = "open closed").
 */
export function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
