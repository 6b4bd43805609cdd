/**
 * The plain-text excerpt shown under a search result: a window of about
 * SNIPPET_LENGTH characters around the place where the most query terms
 * meet, cut at word boundaries, with an ellipsis where text was left out.
 */

export const SNIPPET_LENGTH = 160;

export interface Snippet {
  text: string;
  /** Whether the excerpt contains a match (false: the text's opening). */
  matched: boolean;
}

interface Occurrence {
  at: number;
  end: number;
  term: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `terms` are the index terms that matched: lowercase, plurals folded
 * ("policies" is indexed as "policy"). A term is looked for at the start of a
 * word, without the final y or e that folding may have put there: "rag" finds
 * "RAG" and "RAG-based", not "storage"; "policy" finds "policies".
 */
export function makeSnippet(source: string, terms: readonly string[], length = SNIPPET_LENGTH): Snippet {
  const text = source.replace(/\s+/g, ' ').trim();
  const occurrences = findOccurrences(text, terms);
  if (occurrences.length === 0) return { text: cut(text, 0, length), matched: false };
  const best = bestWindow(occurrences, length);
  // Start a little before the first match so the reader sees its context.
  const leadIn = Math.min(30, Math.floor((length - (best.end - best.start)) / 3));
  let start = Math.max(0, best.start - Math.max(0, leadIn));
  if (text.length - start < length) start = Math.max(0, text.length - length);
  return { text: cut(text, start, length), matched: true };
}

function findOccurrences(text: string, terms: readonly string[]): Occurrence[] {
  const found: Occurrence[] = [];
  const unique = [...new Set(terms.map((t) => (t.length > 4 ? t.replace(/[ye]$/, '') : t)).filter((t) => t.length > 0))];
  unique.forEach((term, index) => {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}`, 'giu');
    // A long article may repeat a common term thousands of times; the first
    // few hundred are plenty to place the excerpt.
    let count = 0;
    for (const match of text.matchAll(pattern)) {
      found.push({ at: match.index, end: match.index + match[0].length, term: index });
      if (++count >= 200) break;
    }
  });
  return found.sort((a, b) => a.at - b.at);
}

/** The window holding the most distinct terms (then the most matches), earliest first. */
function bestWindow(occurrences: Occurrence[], length: number): { start: number; end: number } {
  let best = { start: occurrences[0]!.at, end: occurrences[0]!.end, distinct: 0, count: 0 };
  const inWindow = new Map<number, number>();
  let left = 0;
  for (let right = 0; right < occurrences.length; right++) {
    const added = occurrences[right]!;
    inWindow.set(added.term, (inWindow.get(added.term) ?? 0) + 1);
    while (added.end - occurrences[left]!.at > length) {
      const removed = occurrences[left]!;
      const remaining = inWindow.get(removed.term)! - 1;
      if (remaining === 0) inWindow.delete(removed.term);
      else inWindow.set(removed.term, remaining);
      left++;
    }
    const distinct = inWindow.size;
    const count = right - left + 1;
    if (distinct > best.distinct || (distinct === best.distinct && count > best.count)) {
      best = { start: occurrences[left]!.at, end: added.end, distinct, count };
    }
  }
  return best;
}

/** `length` characters from `start`, widened to whole words, with ellipses where cut. */
function cut(text: string, start: number, length: number): string {
  if (text.length <= length) return text;
  let from = start;
  if (from > 0) {
    const space = text.indexOf(' ', from);
    from = space === -1 || space - from > 20 ? from : space + 1;
  }
  let to = Math.min(text.length, from + length);
  if (to < text.length) {
    const space = text.lastIndexOf(' ', to);
    if (space > from + length / 2) to = space;
  }
  const body = text.slice(from, to).replace(/[\s,;:]+$/, '');
  return `${from > 0 ? '…' : ''}${body}${to < text.length ? '…' : ''}`;
}
