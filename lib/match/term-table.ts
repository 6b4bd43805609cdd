/**
 * Builds the term table (format in table.ts): every phrase that names an
 * article — its aliases — once per sync, in the background. The alias rules
 * live here; the content script imports only table.ts, so none of this (nor
 * the common-word list) weighs on every page.
 */
import type { Article } from '../article';
import { isCommonWord, isFunctionWord } from './common-words';
import { canonicalPhrase, firstKeyOf, foldCase, isCaseSensitiveToken, tokenize, type Token } from './normalize';
import { fail, ok, type Result } from '../result';
import { TERM_TABLE_VERSION, type TermTable } from './table';

export { ownerIds, parseTermTable, TERM_TABLE_VERSION, type TermTable } from './table';

export type TermSource = Pick<Article, 'id' | 'title' | 'summary' | 'boldTerms'>;

/** A phrase and the article it names, as the user adds or removes it (Settings.customAliases, removedAliases). */
export interface AliasRule {
  readonly alias: string;
  readonly id: string;
}

export interface TermTableOptions {
  /**
   * Glob patterns (`*` = any characters) of ids of articles that are not
   * terms: guides, comparisons, news. Matched against the whole id and its
   * last namespace segment. An acronym such an article defines is still a term.
   */
  nonTermIdPatterns?: readonly string[];
  /**
   * Phrases the user gave an article. Each names its article before any alias
   * the rules found (the user chose it), with its plural or singular, even
   * when it is an everyday word. A rule for an article not in `articles` waits
   * for that article; one that is no phrase (see `checkAlias`) is passed over.
   */
  customAliases?: readonly AliasRule[];
  /**
   * Phrases the user took from an article: that article no longer claims the
   * phrase, in any case, nor its plural or singular. Another article may.
   * A phrase both removed and added for one article is added.
   */
  removedAliases?: readonly AliasRule[];
  /** Let a single everyday word that names an article ("Memory") be a term; off by default. */
  includeCommonWords?: boolean;
}

/** The settings that shape the term table (lib/settings/settings.ts), by their names there. */
export interface TermTableSettings {
  customAliases: readonly AliasRule[];
  removedAliases: readonly AliasRule[];
  markCommonWords: boolean;
}

/** The term table options that the user's settings ask for. */
export function termTableOptionsFrom(settings: TermTableSettings): TermTableOptions {
  return {
    customAliases: settings.customAliases,
    removedAliases: settings.removedAliases,
    includeCommonWords: settings.markCommonWords,
  };
}

/**
 * A key that changes exactly when the table built with these settings would:
 * the background stores it beside the table and rebuilds when it differs.
 */
export function termTableSettingsKey(settings: TermTableSettings): string {
  // Rules as the table reads them: "a B" and "A b" are one phrase, "RAG" and "rag" are not.
  const rules = (list: readonly AliasRule[]) =>
    list
      .map((r) => {
        const phrase = checkAlias(r.alias);
        return `${phrase.ok ? phrase.value : r.alias.trim()}\u0000${r.id.trim()}`;
      })
      .sort(compareCodeUnits);
  return JSON.stringify([rules(settings.customAliases), rules(settings.removedAliases), settings.markCommonWords]);
}

/**
 * Whether a phrase typed by the user can be an alias: at least one word, at
 * most MAX_ALIAS_TOKENS. Returns the phrase as it will be matched (acronyms
 * keep their case, other words are folded), or why it cannot be one.
 */
export function checkAlias(alias: string): Result<string> {
  if (typeof alias !== 'string' || !alias.trim()) return fail('Type the word or phrase that should name the article.');
  const tokens = tokenize(alias);
  if (tokens.length === 0) return fail(`"${alias.trim()}" has no letters or digits to match.`);
  if (tokens.length > MAX_ALIAS_TOKENS) {
    return fail(`An alias can have at most ${MAX_ALIAS_TOKENS} words; "${alias.trim()}" has ${tokens.length}.`);
  }
  return ok(canonicalPhrase(alias));
}

export const DEFAULT_NON_TERM_ID_PATTERNS: readonly string[] = ['how_to_*', '*_comparison', '*_vs_*', 'digest_*'];

/** Aliases longer than this are sentences, not names. */
const MAX_ALIAS_TOKENS = 12;
/** A phrase claimed by more articles than this is too vague to pick from. */
const MAX_OWNERS = 8;
/** Phrases up to this many tokens get plural and singular variants. */
const MAX_INFLECTED_TOKENS = 4;
/** Abbreviations keep at most this many leading words. */
const MAX_ABBREVIATION_PREFIX_WORDS = 2;

/**
 * How well an alias names its article; lower is better. When several articles
 * claim one phrase, the card lists them in this order, so the article titled
 * "MCP" comes before the guide that merely defines it.
 */
const Score = {
  /** Given by the user in the options: their choice comes first. */
  custom: -2,
  title: 0,
  titlePart: 2,
  defined: 4,
  formerName: 6,
  abbreviation: 8,
  /** Added for a plural or singular of another alias. */
  inflected: 1,
  /** Added for every alias of an article that is not a term (a guide). */
  nonTerm: 20,
} as const;

/** Builds the term table of a knowledge base. Deterministic: same articles, same JSON. */
export function buildTermTable(articles: readonly TermSource[], options: TermTableOptions = {}): TermTable {
  const isNonTerm = nonTermIdMatcher(options.nonTermIdPatterns ?? DEFAULT_NON_TERM_ID_PATTERNS);
  const byId = new Map<string, TermSource>();
  for (const article of articles) {
    if (article && typeof article.id === 'string' && article.id && !byId.has(article.id)) byId.set(article.id, article);
  }
  const sortedIds = [...byId.keys()].sort(compareCodeUnits);

  const removed = removedPhrasesById(options.removedAliases ?? []);
  const includeCommonWords = options.includeCommonWords === true;

  // phrase -> [article index in sortedIds, score][]
  const claims = new Map<string, [number, number][]>();
  const claim = (phrase: string, index: number, score: number) => {
    let owners = claims.get(phrase);
    if (!owners) claims.set(phrase, (owners = []));
    const previous = owners.find(([i]) => i === index);
    if (!previous) owners.push([index, score]);
    else if (score < previous[1]) previous[1] = score;
  };
  sortedIds.forEach((id, index) => {
    const gone = removed.get(id);
    for (const [phrase, score] of aliasesOf(byId.get(id)!, isNonTerm(id), includeCommonWords)) {
      if (!gone?.has(foldCase(phrase))) claim(phrase, index, score);
    }
  });
  if (options.customAliases?.length) {
    const indexOf = new Map(sortedIds.map((id, index) => [id, index]));
    for (const rule of options.customAliases) {
      const index = typeof rule?.id === 'string' ? indexOf.get(rule.id.trim()) : undefined;
      const phrase = typeof rule?.alias === 'string' ? checkAlias(rule.alias) : null;
      if (index === undefined || !phrase?.ok) continue;
      claim(phrase.value, index, Score.custom);
      if (tokenize(phrase.value).length <= MAX_INFLECTED_TOKENS) {
        for (const variant of inflectionsOf(phrase.value)) claim(variant, index, Score.custom + Score.inflected);
      }
    }
  }

  // Grouped by first token, so the matcher finds a head's phrases as one slice.
  // Text that matches a phrase with capitals ("Transformer", "MCP") matches
  // its folded twin too ("transformer", "mcp"): the twin's articles are
  // choices there as well, after the phrase's own.
  for (const [phrase, owners] of claims) {
    const twin = claims.get(phrase.toLowerCase());
    if (!twin || twin === owners) continue;
    const worst = Math.max(...owners.map(([, score]) => score));
    for (const [index, score] of twin) {
      if (!owners.some(([i]) => i === index)) owners.push([index, Math.max(score, worst + 1)]);
    }
  }
  const terms = [...claims.keys()]
    .map((phrase) => [firstKeyOf(phrase), phrase] as const)
    .sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]))
    .map(([, phrase]) => phrase);
  const used = new Map<number, number>(); // index in sortedIds -> index in table ids
  const ranked = terms.map((phrase) =>
    claims
      .get(phrase)!
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, MAX_OWNERS)
      .map(([index]) => index),
  );
  // Table ids keep the sorted order of the articles they came from.
  for (const index of [...new Set(ranked.flat())].sort((a, b) => a - b)) used.set(index, used.size);
  const ids: string[] = [];
  const titles: string[] = [];
  for (const [index] of used) {
    const article = byId.get(sortedIds[index]!)!;
    ids.push(article.id);
    titles.push(displayTitle(article));
  }
  const owners = ranked.map((list) => (list.length === 1 ? used.get(list[0]!)! : list.map((i) => used.get(i)!)));
  const heads: string[] = [];
  const headStarts: number[] = [];
  terms.forEach((phrase, index) => {
    const head = firstKeyOf(phrase);
    if (head !== heads.at(-1)) {
      heads.push(head);
      headStarts.push(index);
    }
  });
  return { v: TERM_TABLE_VERSION, ids, titles, terms, owners, heads, headStarts };
}

/**
 * Every alias phrase of one article with its score. Exported for tests and
 * for tools that explain why a phrase is marked.
 */
export function aliasesOf(source: TermSource, nonTerm = false, includeCommonWords = false): Map<string, number> {
  const title = typeof source.title === 'string' ? source.title.trim() : '';
  const boldTerms = Array.isArray(source.boldTerms)
    ? source.boldTerms.filter((b): b is string => typeof b === 'string' && b.trim() !== '')
    : [];
  const summary = typeof source.summary === 'string' ? source.summary : '';
  const casing = caseOf([title, ...boldTerms]);
  for (const [folded, name] of properNamesOf(title, summary)) if (!casing.has(folded)) casing.set(folded, name);

  const found = new Map<string, number>();
  const put = (phrase: string, score: number) => {
    if (!phrase) return;
    const previous = found.get(phrase);
    if (previous === undefined || score < previous) found.set(phrase, score);
  };
  const add = (text: string, score: number) => {
    put(canonicalPhrase(text, casing), score);
    // "Multi-Agent Systems" is also written "multiagent systems".
    const closed = closedCompounds(text);
    if (closed !== text) put(canonicalPhrase(closed, casing), score + Score.inflected);
  };
  const defined: [string, number][] = []; // acronym definitions, kept even for non-terms

  if (title) {
    for (const d of definitionsIn(title)) defined.push([d, Score.defined]);
    for (const former of formerNamesIn(title)) add(former, Score.formerName);
    const head = subtitleHead(title);
    // A title with parentheses is named without them: "OpenHands (formerly
    // OpenDevin)" is written "OpenHands" in running text.
    // "MetaGPT: Multi-Agent Framework with SOPs" is mentioned as "MetaGPT":
    // the head names it, the whole title would only repeat it.
    if (head) add(withoutParentheticals(head), Score.title);
    else add(withoutParentheticals(title), Score.title);
    for (const abbreviation of abbreviationsOf(withoutParentheticals(head ?? title))) {
      add(abbreviation, Score.abbreviation);
    }
  }
  for (const bold of boldTerms) {
    if (tokenize(bold).length > MAX_ALIAS_TOKENS) continue;
    for (const d of definitionsIn(bold)) defined.push([d, Score.defined]);
    for (const former of formerNamesIn(bold)) add(former, Score.formerName);
    add(withoutParentheticals(bold), Score.defined);
  }
  const idPhrase = canonicalPhrase(idInWords(source.id), casing);
  // A short one-word id that the title does not spell ("cot", "rag") is most
  // likely an acronym written in lower case: as a folded term it would mark
  // everyday words.
  if (!/^[\p{Ll}\p{N}]{1,4}$/u.test(idPhrase)) add(idPhrase, Score.titlePart);

  // An acronym the opening defines for the article's own name:
  // "Retrieval-Augmented Generation (RAG) is ..." on the article of that title.
  if (summary) {
    const names = new Set([...found.keys()].map(foldCase));
    for (const { short, long } of acronymDefinitionsIn(firstSentence(summary))) {
      if (names.has(foldCase(canonicalPhrase(long)))) defined.push([short, Score.defined]);
    }
  }

  if (nonTerm) found.clear();
  for (const [text, score] of defined) add(text, score);

  const result = new Map<string, number>();
  const acceptable = (phrase: string) => acceptableAlias(phrase, includeCommonWords);
  const keep = (phrase: string, score: number) => {
    if (!acceptable(phrase)) return;
    const total = score + (nonTerm ? Score.nonTerm : 0);
    const previous = result.get(phrase);
    if (previous === undefined || total < previous) result.set(phrase, total);
  };
  for (const [phrase, score] of found) {
    // The plural of a refused name is refused too ("IT" → "ITs").
    if (!acceptable(phrase)) continue;
    keep(phrase, score);
    // Long names are rarely inflected in running text ("open-closed model
    // performance gaps"), and each variant costs table space on every page.
    if (tokenize(phrase).length <= MAX_INFLECTED_TOKENS) {
      for (const variant of inflectionsOf(phrase)) keep(variant, score + Score.inflected);
    }
  }
  return result;
}

/** The title shown for an article: its title, or its id in words. */
function displayTitle(article: TermSource): string {
  const title = typeof article.title === 'string' ? article.title.trim() : '';
  return title || idInWords(article.id);
}

function idInWords(id: string): string {
  const last = id.slice(id.lastIndexOf(':') + 1);
  return last.replace(/[_\s]+/g, ' ').trim();
}

/** Folded token -> its cased form, for every case-sensitive token of the texts. */
function caseOf(texts: string[]): Map<string, string> {
  const cased = new Map<string, string>();
  for (const text of texts) {
    for (const token of tokenize(text)) {
      if (!isCaseSensitiveToken(token.exact)) continue;
      if (!cased.has(token.folded)) cased.set(token.folded, token.exact);
      // The id "llm" of "Large Language Models (LLMs)" names the singular.
      if (/\p{Lu}s$/u.test(token.exact) && !cased.has(token.folded.slice(0, -1))) {
        cased.set(token.folded.slice(0, -1), token.exact.slice(0, -1));
      }
    }
  }
  return cased;
}

/**
 * Words of a title that are proper names by the opening's own spelling: a
 * title word the summary writes, away from the start of a sentence, only
 * with a capital ("… The first version, styled LLaMA, …" for "Llama").
 * Such a name then matches only capitalised, so "the llama refused to
 * cross" is left alone. Without such evidence a word matches in any case.
 */
function properNamesOf(title: string, summary: string): Map<string, string> {
  const names = new Map<string, string>();
  // Only a one-word name: in "Model Context Protocol" every word is already
  // specific by the company it keeps, and German capitalises every noun.
  const titleTokens = tokenize(withoutParentheticals(subtitleHead(title) ?? title));
  if (!summary || titleTokens.length !== 1) return names;
  const candidates = new Map<string, string>();
  for (const token of titleTokens) {
    if (/^\p{Lu}\p{Ll}{2,}$/u.test(token.exact)) candidates.set(token.folded, token.exact);
  }
  if (!candidates.size) return names;
  const seen = new Map<string, boolean>(); // folded -> every mid-sentence use was capitalised
  const tokens = tokenize(summary);
  tokens.forEach((token, i) => {
    if (!candidates.has(token.folded)) return;
    const sentenceStart = i === 0 || /[.!?:;"]$/u.test(token.gap) || /\n\s*$/u.test(summary.slice(tokens[i - 1]!.end, token.start));
    if (sentenceStart) return;
    const capitalised = /^\p{Lu}/u.test(token.exact);
    seen.set(token.folded, (seen.get(token.folded) ?? true) && capitalised);
  });
  for (const [folded, capitalised] of seen) if (capitalised) names.set(folded, candidates.get(folded)!);
  return names;
}

/** "Multi-Agent Systems" → "Multiagent Systems": two-part hyphenated words of ordinary letters, closed up. */
function closedCompounds(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}-])(\p{L}+)[-\u2010\u2011](\p{L}+)(?![\p{L}\p{N}-])/gu, (whole, a: string, b: string) =>
    isCaseSensitiveToken(a) || isCaseSensitiveToken(b) ? whole : a + b.toLowerCase(),
  );
}

/** "MetaGPT: Multi-Agent Framework" → "MetaGPT"; also "X – subtitle" and "X - subtitle". */
function subtitleHead(title: string): string | null {
  const match = /^(.+?)(?::\s|\s[-\u2013\u2014]\s)/u.exec(title);
  return match && match[1]!.trim() ? match[1]!.trim() : null;
}

function withoutParentheticals(text: string): string {
  return text.replace(/\s*\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
}

interface Parenthetical {
  inner: string;
  /** The text before the opening parenthesis, within the same title part. */
  before: string;
}

function parentheticalsIn(text: string): Parenthetical[] {
  const found: Parenthetical[] = [];
  for (const match of text.matchAll(/\(([^()]+)\)/g)) {
    const before = text.slice(0, match.index);
    // Only the part after a subtitle colon can be defined by what follows it.
    const colon = before.lastIndexOf(': ');
    found.push({ inner: match[1]!.trim(), before: colon >= 0 ? before.slice(colon + 2) : before });
  }
  return found;
}

const FORMER_NAME = /^(?:formerly|previously|originally|once|n[ée]e|also known as|aka|a\.k\.a\.|also called|short for)\s+(.+)$/iu;

/** "OpenHands (formerly OpenDevin)" → ["OpenDevin"]. */
function formerNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const { inner } of parentheticalsIn(text)) {
    const match = FORMER_NAME.exec(inner);
    if (!match) continue;
    for (const name of match[1]!.split(/\s*(?:,|;|\bor\b|\band\b)\s*/u)) {
      const cleaned = name.replace(/^["'\u201c\u2018]+|["'\u201d\u2019]+$/gu, '').trim();
      if (cleaned) names.push(cleaned);
    }
  }
  return names;
}

/** Acronyms and their expansions defined by parentheses in a title or bold term. */
function definitionsIn(text: string): string[] {
  const out: string[] = [];
  for (const { short, long } of acronymDefinitionsIn(text)) out.push(short, long);
  return out;
}

interface AcronymDefinition {
  short: string;
  long: string;
}

/**
 * "Chain of Thought (CoT)" and "MCP (Model Context Protocol)": the acronym and
 * its expansion, when the acronym's letters can be found in the expansion by
 * the Schwartz–Hearst rule.
 */
function acronymDefinitionsIn(text: string): AcronymDefinition[] {
  const found: AcronymDefinition[] = [];
  for (const { inner, before } of parentheticalsIn(text)) {
    if (looksLikeAcronym(inner)) {
      const long = longFormOf(inner, before);
      if (long) found.push({ short: inner, long });
      continue;
    }
    // Acronym first, expansion inside: "MCP (Model Context Protocol)".
    const words = before.trim().split(/\s+/);
    const short = words.at(-1) ?? '';
    if (looksLikeAcronym(short) && longFormOf(short, inner) === inner.trim()) {
      found.push({ short, long: inner.trim() });
    }
  }
  return found;
}

/** A single token of 2–10 characters with a capital after its first character: "RAG", "CoT", "LLMs". */
function looksLikeAcronym(text: string): boolean {
  const tokens = tokenize(text);
  return (
    tokens.length === 1 &&
    tokens[0]!.start === 0 &&
    tokens[0]!.end === text.trim().length &&
    text.trim().length >= 2 &&
    text.trim().length <= 10 &&
    isCaseSensitiveToken(tokens[0]!.exact)
  );
}

/**
 * The expansion of `short` at the end of `candidate` (Schwartz & Hearst, "A
 * simple algorithm for identifying abbreviation definitions in biomedical
 * text", PSB 2003): match the acronym's characters right to left, the first
 * one at the start of a word, within min(|A| + 5, 2|A|) words.
 */
function longFormOf(short: string, candidate: string): string | null {
  // "LLMs" is the plural of "LLM": its final "s" is not a letter of the expansion.
  const letters = (/\p{Lu}s$/u.test(short) ? short.slice(0, -1) : short).toLowerCase();
  const maxWords = Math.min(letters.length + 5, letters.length * 2);
  const words = candidate.trim().split(/\s+/).filter(Boolean).slice(-maxWords);
  const long = words.join(' ');
  const lower = long.toLowerCase();
  const isAlnum = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
  let s = letters.length - 1;
  let l = lower.length - 1;
  while (s >= 0) {
    const ch = letters[s]!;
    if (!isAlnum(ch)) {
      s--;
      continue;
    }
    while (l >= 0 && (lower[l] !== ch || (s === 0 && l > 0 && isAlnum(lower[l - 1])))) l--;
    if (l < 0) return null;
    l--;
    s--;
  }
  const start = lower.lastIndexOf(' ', l) + 1;
  const result = long.slice(start).trim();
  const resultTokens = tokenize(result);
  if (resultTokens.length < 2 || resultTokens.length > maxWords * 2) return null;
  if (foldCase(result).includes(foldCase(short))) return null;
  return result;
}

/**
 * Abbreviated mentions of long titles: "Open-Closed Model Performance Gap" is
 * often written "open-closed gap". Only for titles of 3+ words, from the first
 * word (or two) plus the last, and only when the leading words are specific
 * (a compound, an acronym or a rare word) so that "Large Language Model
 * Agents" does not become "large agents".
 */
function abbreviationsOf(title: string): string[] {
  const words = title.split(/\s+/).filter((w) => tokenize(w).length > 0);
  if (words.length < 3) return [];
  const last = words.at(-1)!;
  if (isPlainCommon(last, true)) return [];
  const first = words[0]!;
  const firstTokens = tokenize(first);
  const specific =
    firstTokens.length > 1 || firstTokens.some((t) => isCaseSensitiveToken(t.exact)) || !isCommonWord(firstTokens[0]!.folded);
  if (!specific) return [];
  const out: string[] = [];
  for (let k = 1; k <= Math.min(MAX_ABBREVIATION_PREFIX_WORDS, words.length - 2); k++) {
    // Never skip over a function word: "Chain of Thought Agents" is not "chain agents".
    if (words.slice(k, -1).some((w) => isPlainCommon(w, true)) || isPlainCommon(words[k - 1]!, true)) continue;
    out.push(`${words.slice(0, k).join(' ')} ${last}`);
  }
  return out;
}

/** Whether a word is a function word ("of", "the") — or, without `functionOnly`, any common word. */
function isPlainCommon(word: string, functionOnly: boolean): boolean {
  const tokens = tokenize(word);
  if (tokens.length !== 1) return false;
  return functionOnly ? isFunctionWord(tokens[0]!.folded) : isCommonWord(tokens[0]!.folded);
}

function firstSentence(text: string): string {
  const head = text.slice(0, 400);
  const end = head.search(/[.!?](\s|$)/u);
  return end >= 0 ? head.slice(0, end + 1) : head;
}

/**
 * Whether a canonical phrase may be a term: 1 to MAX_ALIAS_TOKENS tokens; a
 * single token must be an acronym or a specific word (3+ characters, not a
 * number, not an everyday word); a phrase of function words is no name.
 */
function acceptableAlias(phrase: string, includeCommonWords: boolean): boolean {
  const tokens = tokenize(phrase);
  if (tokens.length === 0 || tokens.length > MAX_ALIAS_TOKENS) return false;
  if (tokens.length === 1) return acceptableSingleToken(tokens[0]!, includeCommonWords);
  return !tokens.every((t) => isFunctionWord(t.folded) || /^\p{N}+$/u.test(t.folded));
}

function acceptableSingleToken(token: Token, includeCommonWords: boolean): boolean {
  if (/^\p{N}+$/u.test(token.folded)) return false;
  if (isCaseSensitiveToken(token.exact)) {
    // An all-capitals everyday word ("IT", "US", "AND") is shouting, not an
    // acronym; a mixed-case one ("CoT", "ReAct") is a name.
    const mixedCase = /\p{Ll}/u.test(token.exact);
    return mixedCase || !isCommonWord(token.folded);
  }
  // One CJK character is a syllable or a morpheme, not a name.
  if ([...token.folded].length < (/^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u.test(token.folded) ? 2 : 3)) {
    return false;
  }
  // The user asked for everyday words; function words ("the", "with") are still no names.
  if (includeCommonWords) return !isFunctionWord(token.folded);
  return !isCommonWord(token.folded);
}

/**
 * Article id -> the folded phrases the user removed from it, with their
 * plurals and singulars, so that removing "agent" also removes "agents".
 */
function removedPhrasesById(rules: readonly AliasRule[]): Map<string, Set<string>> {
  const byId = new Map<string, Set<string>>();
  for (const rule of rules) {
    if (!rule || typeof rule.id !== 'string' || typeof rule.alias !== 'string') continue;
    const phrase = checkAlias(rule.alias);
    if (!phrase.ok) continue;
    let set = byId.get(rule.id.trim());
    if (!set) byId.set(rule.id.trim(), (set = new Set()));
    // Inflected from both spellings: "RAG" gives "RAGs", "rag" gives "rags".
    for (const form of new Set([phrase.value, foldCase(phrase.value)])) {
      set.add(foldCase(form));
      for (const variant of inflectionsOf(form)) set.add(foldCase(variant));
    }
  }
  return byId;
}

/**
 * Simple plurals and singulars of a phrase's last word: "LLM" ↔ "LLMs",
 * "agent" ↔ "agents", "ontology" ↔ "ontologies", "process" → "processes".
 */
function inflectionsOf(phrase: string): string[] {
  const tokens = tokenize(phrase);
  const last = tokens.at(-1);
  if (!last) return [];
  const head = phrase.slice(0, last.start);
  const word = phrase.slice(last.start, last.end);
  const out: string[] = [];
  if (/^\p{Lu}{2,}$/u.test(word)) out.push(`${word}s`);
  else if (/^\p{Lu}{2,}s$/u.test(word)) out.push(word.slice(0, -1));
  // "-ing" words are activities ("prompting"), not countable names.
  else if (/^[a-z]{3,}$/.test(word) && !word.endsWith('ing')) {
    if (/(ss|x|z|ch|sh)$/.test(word)) out.push(`${word}es`);
    else if (/[^aeiou]y$/.test(word)) out.push(`${word.slice(0, -1)}ies`);
    else if (/ies$/.test(word) && word.length > 4) out.push(`${word.slice(0, -3)}y`);
    else if (/[^su]s$/.test(word) && !/is$/.test(word)) out.push(word.slice(0, -1));
    else if (!word.endsWith('s')) out.push(`${word}s`);
  }
  return out.map((w) => head + w);
}

function nonTermIdMatcher(patterns: readonly string[]): (id: string) => boolean {
  if (patterns.length === 0) return () => false;
  const source = patterns.map((p) => p.split('*').map(escapeRegExp).join('.*')).join('|');
  const re = new RegExp(`^(?:${source})$`, 'u');
  return (id) => re.test(id) || re.test(id.slice(id.lastIndexOf(':') + 1));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
