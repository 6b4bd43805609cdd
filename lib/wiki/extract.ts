/**
 * From a wiki page (its DokuWiki source and the body HTML the wiki renders
 * for it) to the Article the cache keeps: title, opening definition, bold
 * terms, plain text, links, tags, and the HTML without what a reader should
 * never see. Runs in the MV3 service worker (no DOM) and in Node, so the HTML
 * is read with htmlparser2, never with regular expressions. Hostile or broken
 * HTML costs linear time: nesting is bounded before parsing (html-nesting.ts)
 * and every walk over the tree is iterative.
 */
import { DomUtils, ElementType, parseDocument } from 'htmlparser2';
import type { AnyNode, Document, Element, ParentNode, Text } from 'domhandler';
import type { Article } from '../article';
import { boundNesting } from './html-nesting';
import { firstHeading } from './markup-lexer';
import { cleanId, withoutNamespace } from './page-id';

/** A page as the wiki serves it (lib/wiki/gateway.ts's FetchedPage has this shape). */
export interface WikiPage {
  id: string;
  /** DokuWiki source. */
  raw: string;
  /** Body HTML (`do=export_xhtmlbody` or `wiki.getPageHTML`). Untrusted. */
  html: string;
  /** Last modification, unix milliseconds. */
  modified: number;
}

/** The summary's length limit, and the shortest cut that may end at a sentence. */
export const SUMMARY_MAX = 500;
export const SUMMARY_MIN_SENTENCE = 200;

export function extractArticle(page: WikiPage): Article {
  for (const field of ['id', 'raw', 'html'] as const) {
    if (typeof page[field] !== 'string') {
      throw new TypeError(`Cannot read wiki page ${JSON.stringify(page.id)}: its ${field} is ${typeof page[field]}, not text`);
    }
  }
  const root = parseDocument(boundNesting(page.html));
  const tagMacros = findTagMacros(page.raw);
  const pluginTagLists: Element[] = [];
  cleanTree(root, pluginTagLists);
  if (pluginTagLists.length === 0 && tagMacros.length > 0) removeStrayTagText(root, tagMacros);

  const opening = openingBlock(root);
  const openingText = opening ? plainText(opening, { footnoteMarkers: false }) : '';

  return {
    id: page.id,
    title: titleOf(page, root),
    html: DomUtils.getOuterHTML(root, { encodeEntities: 'utf8' }),
    text: plainText(root, { footnoteMarkers: false, skipTagLists: true }),
    summary: summarize(collapse(openingText)),
    boldTerms: opening ? boldTerms(opening) : [],
    links: internalLinks(root, page.id),
    tags: uniqueTags([...tagMacros.flatMap((macro) => macro.tags), ...pluginTagLists.flatMap(tagsOfList)]),
    modified: page.modified,
  };
}

// ---------------------------------------------------------------------------
// Tree helpers

const isElement = (node: AnyNode): node is Element => ElementType.isTag(node);
const isText = (node: AnyNode): node is Text => node.type === ElementType.Text;
const hasClass = (element: Element, name: string): boolean =>
  (element.attribs['class'] ?? '').split(/\s+/).includes(name);

/** Depth-first, document order, without recursion. `visit` returns false to skip an element's children. */
function walk(root: ParentNode, visit: (node: AnyNode) => boolean | void): void {
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    if (isElement(node)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

function setChildren(parent: ParentNode, children: AnyNode[]): void {
  parent.children = children as ParentNode['children'];
  children.forEach((child, index) => {
    child.parent = parent;
    child.prev = children[index - 1] ?? null;
    child.next = children[index + 1] ?? null;
  });
}

function removeNode(node: AnyNode): void {
  const parent = node.parent;
  if (!parent) return;
  setChildren(
    parent,
    parent.children.filter((child) => child !== node),
  );
}

/**
 * Removes what a reader should never see and what the wiki adds only for its
 * editors: comments (DokuWiki's `<!-- EDIT{...} -->` section markers) and
 * section edit buttons (`div.secedit`, present in full page renders). Each
 * parent's children are rebuilt once, so a page of a million comments costs
 * linear time. Collects the tag plugin's lists (`div.tags`) on the way.
 */
function cleanTree(root: Document, pluginTagLists: Element[]): void {
  const stack: ParentNode[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const kept: AnyNode[] = [];
    const pending = [...parent.children].reverse();
    let changed = false;
    while (pending.length > 0) {
      const child = pending.pop()!;
      if (child.type === ElementType.Comment || child.type === ElementType.Directive) {
        changed = true;
        continue;
      }
      if (isElement(child)) {
        if (hasClass(child, 'secedit') || hasClass(child, 'btn_secedit')) {
          changed = true;
          continue;
        }
        if (child.name === 'div' && hasClass(child, 'tags')) pluginTagLists.push(child);
        stack.push(child);
      }
      kept.push(child);
    }
    if (changed) setChildren(parent, kept);
  }
}

// ---------------------------------------------------------------------------
// Tags

interface TagMacro {
  /** What DokuWiki prints for the macro when no tag plugin handles it. */
  strayText: string;
  tags: string[];
}

/**
 * The `{{tag>a b "c d"}}` macros of the source, read as the tag plugin reads
 * them (syntax/tag.php, helper.php parseTagList): quoted phrases become one
 * tag, whitespace separates tags. Macros shown as examples inside code,
 * nowiki or html blocks are not tags. One pass with indexOf: linear even
 * when a page opens many macros and closes none.
 */
function findTagMacros(raw: string): TagMacro[] {
  const macros: TagMacro[] = [];
  const verbatim = verbatimRanges(raw);
  let range = 0;
  for (let start = raw.indexOf('{{tag>'); start !== -1; start = raw.indexOf('{{tag>', start)) {
    while (range < verbatim.length && verbatim[range]![1] <= start) range++;
    const inside = verbatim[range];
    if (inside && inside[0] <= start) {
      start = inside[1];
      continue;
    }
    const end = raw.indexOf('}}', start + 6);
    if (end === -1) break;
    const body = raw.slice(start + 6, end);
    start = end + 2;
    macros.push({ strayText: strayTagText(body), tags: parseTagList(body) });
  }
  return macros;
}

/** DokuWiki's blocks whose content is not markup, as [start, end) ranges: each opener counts only when its closer follows, as in the lexer. */
const VERBATIM_OPENERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/<code\b/y, '</code>'],
  [/<file\b/y, '</file>'],
  [/<nowiki>/y, '</nowiki>'],
  [/%%/y, '%%'],
  [/<html>/y, '</html>'],
  [/<HTML>/y, '</HTML>'],
  [/<php>/y, '</php>'],
  [/<PHP>/y, '</PHP>'],
];

function verbatimRanges(raw: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const unclosed = new Set<string>();
  const openers = /<code\b|<file\b|<nowiki>|%%|<html>|<HTML>|<php>|<PHP>/g;
  for (let found = openers.exec(raw); found; found = openers.exec(raw)) {
    const entry = VERBATIM_OPENERS.find(([pattern]) => {
      pattern.lastIndex = found!.index;
      return pattern.test(raw);
    });
    const closer = entry?.[1];
    if (closer === undefined || unclosed.has(closer)) continue;
    const end = raw.indexOf(closer, found.index + found[0].length);
    if (end === -1) {
      // Never closed after here, so never closed after any later opener either.
      unclosed.add(closer);
      continue;
    }
    ranges.push([found.index, end + closer.length]);
    openers.lastIndex = end + closer.length;
  }
  return ranges;
}

function parseTagList(body: string): string[] {
  let list = body.replace(/\u200b/g, '').replace(/\s+/g, ' ').replace(/[\x00-\x1f\x7f]/g, '').trim();
  list = list.replace(/".*?"/g, (phrase) => phrase.slice(1, -1).replace(/ /g, '_'));
  return list.split(' ').filter((tag) => tag !== '');
}

/**
 * Without the tag plugin DokuWiki reads `{{tag>...}}` as media from an
 * unknown interwiki shortcut and prints its reference (or `|title`) as text:
 * `{{tag>agents "human feedback"}}` shows `agents "human feedback"`
 * (measured on DokuWiki 2022-07-31 without plugins).
 */
function strayTagText(body: string): string {
  const bar = body.indexOf('|');
  const title = bar === -1 ? '' : body.slice(bar + 1);
  if (title !== '' && title !== '0') return title;
  let source = (bar === -1 ? body : body.slice(0, bar)).trim();
  const question = source.lastIndexOf('?');
  if (question !== -1) source = source.slice(0, question);
  return source;
}

/**
 * A page carries one or two tag macros; past this many, the rest of their
 * stray text stays (each search may cover the whole page).
 */
const MAX_STRAY_TAG_TEXTS = 16;

/**
 * Removes the stray text of each macro, last first. The macro usually stands
 * on its own line (its text then fills a line of the paragraph), so a
 * whole-line occurrence is preferred over one inside running text, which
 * would otherwise lose a word of the article when the tags sit at the top.
 * A macro whose text is not there means the HTML was not rendered from this
 * source by a plugin-less wiki: the search stops rather than guess.
 */
function removeStrayTagText(root: Document, macros: TagMacro[]): void {
  const texts: Text[] = [];
  walk(root, (node) => {
    if (isText(node)) texts.push(node);
  });
  let cursor = texts.length - 1;
  const pending = macros.slice(-MAX_STRAY_TAG_TEXTS);
  for (let m = pending.length - 1; m >= 0; m--) {
    const stray = pending[m]!.strayText;
    if (stray === '') continue;
    const found = findStrayText(texts, cursor, stray, true) ?? findStrayText(texts, cursor, stray, false);
    if (!found) return;
    const { index, at } = found;
    const text = texts[index]!;
    text.data = text.data.slice(0, at) + text.data.slice(at + stray.length);
    const paragraph = text.parent;
    if (paragraph && isElement(paragraph) && paragraph.name === 'p' && collapse(plainText(paragraph, { footnoteMarkers: true })) === '') {
      removeNode(paragraph);
    }
    cursor = index;
  }
}

/** The last occurrence of `stray` in texts[0..cursor], optionally only where it fills a whole line. */
function findStrayText(texts: Text[], cursor: number, stray: string, wholeLine: boolean): { index: number; at: number } | null {
  for (let index = cursor; index >= 0; index--) {
    const data = texts[index]!.data;
    for (let at = data.lastIndexOf(stray); at !== -1; at = at === 0 ? -1 : data.lastIndexOf(stray, at - 1)) {
      if (!wholeLine) return { index, at };
      const end = at + stray.length;
      if ((at === 0 || data[at - 1] === '\n') && (end === data.length || data[end] === '\n')) return { index, at };
    }
  }
  return null;
}

/** Tags of the tag plugin's `div.tags`: each link's `tag=` parameter, else its page id without the tag namespace. */
function tagsOfList(list: Element): string[] {
  const tags: string[] = [];
  walk(list, (node) => {
    if (!isElement(node) || node.name !== 'a') return;
    const href = node.attribs['href'] ?? '';
    const fromQuery = queryParameter(href, 'tag');
    const tag = fromQuery ?? withoutNamespace(node.attribs['title'] ?? '');
    if (tag) tags.push(tag);
  });
  return tags;
}

/** Tags as the tag plugin shows them ("human_feedback" reads "human feedback"), unique by page id. */
function uniqueTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const tag of tags) {
    const key = cleanId(tag);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    unique.push(withoutNamespace(tag).replace(/_/g, ' '));
  }
  return unique;
}

// ---------------------------------------------------------------------------
// Title, opening paragraph, text

/**
 * Beyond this, the title comes from the HTML's first heading (the same
 * heading, rendered) instead of lexing megabytes of untrusted source: the
 * lexer is linear on real pages, but a page with no heading is read to its end.
 */
const RAW_TITLE_LIMIT = 1_000_000;

function titleOf(page: WikiPage, root: Document): string {
  const fromSource = page.raw.length <= RAW_TITLE_LIMIT ? firstHeading(page.raw) : null;
  if (fromSource) return fromSource;
  let fromHtml = '';
  walk(root, (node) => {
    if (fromHtml) return false;
    if (isElement(node) && /^h[1-5]$/.test(node.name)) {
      fromHtml = collapse(plainText(node, { footnoteMarkers: true }));
      return false;
    }
    return true;
  });
  return fromHtml || titleFromId(page.id);
}

/** "open_closed_performance_gap" reads "Open closed performance gap". */
export function titleFromId(id: string): string {
  const words = withoutNamespace(id).replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Containers whose text is not the article's body: footnotes, the tag list, and anything not shown. */
const isAside = (element: Element): boolean =>
  (element.name === 'div' && (hasClass(element, 'footnotes') || hasClass(element, 'tags'))) || isHidden(element);
const isHidden = (element: Element): boolean =>
  element.type === ElementType.Script ||
  element.type === ElementType.Style ||
  ['head', 'template', 'noscript'].includes(element.name);

/**
 * The opening definition: the first paragraph with text. A page without any
 * paragraph (all lists, say) opens with its first list item, cell or quote.
 */
function openingBlock(root: Document): Element | null {
  let paragraph: Element | null = null;
  let fallback: Element | null = null;
  walk(root, (node) => {
    if (paragraph) return false;
    if (!isElement(node)) return false;
    if (isAside(node)) return false;
    if (node.name === 'p') {
      if (collapse(plainText(node, { footnoteMarkers: false })) !== '') paragraph = node;
      return false;
    }
    if (!fallback && ['li', 'dd', 'td', 'th', 'blockquote'].includes(node.name)) {
      if (collapse(plainText(node, { footnoteMarkers: false })) !== '') fallback = node;
    }
    return true;
  });
  return paragraph ?? fallback;
}

/** DokuWiki's footnote reference: `<sup><a class="fn_top">1)</a></sup>` (and `fn_bot` in the notes). */
function isFootnoteMarker(element: Element): boolean {
  if (element.name === 'a') return hasClass(element, 'fn_top') || hasClass(element, 'fn_bot');
  if (element.name !== 'sup') return false;
  const anchors = element.children.filter(isElement);
  return anchors.length === 1 && (hasClass(anchors[0]!, 'fn_top') || hasClass(anchors[0]!, 'fn_bot'));
}

const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table',
  'tbody', 'tfoot', 'thead', 'tr', 'ul',
]);

/**
 * The text a reader sees, without markup: block boundaries become line
 * breaks, table cells are separated by spaces, footnote reference markers
 * ("1)") are left out unless asked for, scripts and styles are not text.
 */
function plainText(root: ParentNode, options: { footnoteMarkers: boolean; skipTagLists?: boolean }): string {
  const parts: string[] = [];
  const stack: Array<AnyNode | { close: string }> = [...root.children].reverse();
  // "ICLR 2024 ((note))." renders "ICLR 2024 <sup>1)</sup>.": without the
  // marker, the space before the full stop goes too.
  let afterMarker = false;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('close' in item) {
      parts.push(item.close);
      continue;
    }
    if (isText(item)) {
      // The ", " between a shared footnote's back-links is marker text too.
      const parent = item.parent;
      if (!options.footnoteMarkers && parent && isElement(parent) && parent.name === 'div' && hasClass(parent, 'fn')) continue;
      if (afterMarker && /^[.,;:!?)\]]/.test(item.data) && parts.length > 0) {
        parts[parts.length - 1] = parts[parts.length - 1]!.replace(/[ \t\u00a0]+$/, '');
      }
      afterMarker = false;
      parts.push(item.data);
      continue;
    }
    if (!isElement(item) || isHidden(item)) continue;
    if (!options.footnoteMarkers && isFootnoteMarker(item)) {
      afterMarker = true;
      continue;
    }
    if (options.skipTagLists && item.name === 'div' && hasClass(item, 'tags')) continue;
    const separator = BLOCKS.has(item.name) ? '\n' : item.name === 'td' || item.name === 'th' ? ' ' : '';
    if (separator) parts.push(separator);
    stack.push({ close: separator });
    for (let i = item.children.length - 1; i >= 0; i--) stack.push(item.children[i]!);
  }
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** All whitespace runs to one space. */
function collapse(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

function boldTerms(opening: Element): string[] {
  const terms: string[] = [];
  walk(opening, (node) => {
    if (!isElement(node)) return false;
    if (node.name === 'strong' || node.name === 'b') {
      const term = collapse(plainText(node, { footnoteMarkers: false }));
      if (term && !terms.includes(term)) terms.push(term);
      return false;
    }
    return true;
  });
  return terms;
}

/** Words before a full stop that do not end a sentence. */
const ABBREVIATIONS = new Set([
  'al', 'approx', 'ca', 'cf', 'dr', 'e.g', 'eg', 'etc', 'fig', 'i.e', 'ie', 'inc', 'incl', 'jr', 'ltd', 'mr', 'mrs',
  'ms', 'no', 'prof', 'sr', 'st', 'vol', 'vs',
]);

/**
 * At most SUMMARY_MAX characters: whole when it fits; else cut after the last
 * sentence that ends past SUMMARY_MIN_SENTENCE characters; else at the last
 * word boundary, with "…".
 */
export function summarize(text: string): string {
  if (text.length <= SUMMARY_MAX) return text;
  const head = text.slice(0, SUMMARY_MAX + 1);
  let sentenceEnd = -1;
  for (const found of head.matchAll(/[.!?]["'”’)\]]*(?=\s)/g)) {
    const end = found.index + found[0].length;
    if (end < SUMMARY_MIN_SENTENCE || end > SUMMARY_MAX) continue;
    if (found[0].startsWith('.') && !endsSentence(head.slice(0, found.index))) continue;
    sentenceEnd = end;
  }
  if (sentenceEnd !== -1) return head.slice(0, sentenceEnd);
  const room = text.slice(0, SUMMARY_MAX);
  const space = room.lastIndexOf(' ');
  const cut = space > SUMMARY_MAX / 2 ? room.slice(0, space) : room.slice(0, SUMMARY_MAX - 1);
  return `${cut.replace(/[\s,;:–—-]+$/, '')}…`;
}

/** A full stop after `before` ends a sentence unless it closes an abbreviation or an initial ("J."). */
function endsSentence(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1] ?? '';
  if (word === '') return true;
  if (/^\p{Lu}$/u.test(word)) return false;
  return !ABBREVIATIONS.has(word.toLowerCase());
}

// ---------------------------------------------------------------------------
// Links

/**
 * Ids of the existing wiki pages the body links to, unique, in order.
 * DokuWiki marks them `a.wikilink1` (a missing page is `wikilink2`). The id
 * comes from `data-wiki-id` (2020 releases on), else the address: the `id`
 * parameter (`doku.php?id=ai:rlhf`), or the path after `doku.php/`
 * (userewrite 2), else the `title` attribute, which holds the id in every
 * release, else a pretty path (`/ai:rlhf`). Tag lists, footnote back-links,
 * in-page anchors and links to the page itself are not links to articles.
 */
function internalLinks(root: Document, selfId: string): string[] {
  const links: string[] = [];
  const seen = new Set<string>([cleanId(selfId)]);
  walk(root, (node) => {
    if (!isElement(node)) return false;
    if (node.name === 'div' && hasClass(node, 'tags')) return false;
    if (node.name !== 'a') return true;
    if (!hasClass(node, 'wikilink1') || node.attribs['rel'] === 'tag') return true;
    const id = linkTarget(node);
    if (id !== null && !seen.has(id)) {
      seen.add(id);
      links.push(id);
    }
    return true;
  });
  return links;
}

function linkTarget(anchor: Element): string | null {
  const href = anchor.attribs['href'] ?? '';
  if (href.startsWith('#')) return null;
  const candidates = [
    anchor.attribs['data-wiki-id'],
    queryParameter(href, 'id'),
    scriptPathId(href),
    anchor.attribs['title'],
    prettyPathId(href),
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null) continue;
    const id = cleanId(candidate.split('#')[0] ?? '');
    if (id !== '') return id;
  }
  return null;
}

/** A query parameter of a possibly relative address, without URL's DOM types. */
function queryParameter(href: string, name: string): string | null {
  const query = href.split('#')[0]?.split('?')[1];
  if (query === undefined) return null;
  for (const pair of query.split('&')) {
    const [key = '', value = ''] = pair.split('=');
    if (key === name || key === `amp;${name}`) return safeDecode(value);
  }
  return null;
}

/** `/doku.php/ai:rlhf` (userewrite 2). */
function scriptPathId(href: string): string | null {
  const path = href.split(/[?#]/)[0] ?? '';
  const at = path.indexOf('doku.php/');
  return at === -1 ? null : safeDecode(path.slice(at + 'doku.php/'.length)).replace(/\//g, ':');
}

/** `/ai:rlhf` or `https://wiki.example.org/ai:rlhf` (userewrite 1): the last path segment. */
function prettyPathId(href: string): string | null {
  const path = (href.split(/[?#]/)[0] ?? '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const last = path.split('/').filter(Boolean).pop();
  return last === undefined || last.endsWith('.php') ? null : safeDecode(last);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
