/**
 * THE one place where markup from the wiki becomes DOM. Article HTML comes
 * from whatever server the user configured, so it is hostile until this
 * module has been through it; every other file renders text (a convention
 * test fails on `innerHTML` or `dangerouslySetInnerHTML` anywhere else).
 *
 * Built on DOMPurify, configured with an allow-list of the markup DokuWiki
 * produces: headings, paragraphs, lists, tables, code, inline emphasis,
 * footnotes, links and images. Everything else goes, with its content when
 * the content is not text (scripts, styles, forms, frames, objects, SVG,
 * MathML). On top of DOMPurify, for the reader:
 *
 * - links to pages of the wiki get `data-wiki-id` (the reader opens them in
 *   the panel) and an absolute href on the wiki (for "copy link" and
 *   middle-click); other http(s) and mailto links open in a new tab with
 *   `rel="noopener noreferrer"`; anything else loses its href;
 * - images keep only an http(s) source, or an inline raster `data:` image (an
 *   <img> never runs script, and inline images keep a page readable offline;
 *   SVG is excluded as it has been the vector of several sanitizer bypasses);
 * - ids get DOMPurify's `user-content-` prefix so an article cannot clobber
 *   the page's own names, and its `#fn__1` links are rewritten to match;
 * - classes are kept (code highlighting and wiki links are styled by them)
 *   but prefixed `dw-`, so an article's markup can never take on the reader's
 *   own styles.
 *
 * DOMPurify needs a real DOM: this runs in extension pages, never in the
 * background service worker.
 */
import DOMPurify, { type Config, type DOMPurify as Purifier } from 'dompurify';
import { wikiPageUrl } from '../../lib/wiki/urls';

export interface SanitizeOptions {
  /**
   * The wiki's base URL (ending in '/'): resolves relative links and images,
   * and tells links to the wiki's own pages from others. Without it, relative
   * links and images are dropped.
   */
  wikiUrl?: string;
}

/** The prefix DOMPurify puts before ids and names with SANITIZE_NAMED_PROPS. */
const ID_PREFIX = 'user-content-';
/** The prefix put before every class of article markup. */
export const CLASS_PREFIX = 'dw-';

const ALLOWED_TAGS = [
  'a', 'abbr', 'acronym', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup', 'dd',
  'del', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img',
  'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup',
  'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
];

const ALLOWED_ATTR = [
  'href', 'title', 'class', 'id', 'src', 'alt', 'width', 'height', 'colspan', 'rowspan', 'scope', 'start', 'reversed',
  'lang', 'dir', 'datetime', 'data-wiki-id',
];

const CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // Elements whose content is not text for the reader: dropped whole.
  ADD_FORBID_CONTENTS: ['form', 'button', 'select', 'textarea', 'object', 'embed', 'iframe', 'frame', 'frameset', 'canvas', 'dialog'],
  SANITIZE_NAMED_PROPS: true,
  RETURN_DOM_FRAGMENT: true,
};

const RASTER_DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif);base64,[a-z0-9+/=\s]*$/i;
const WIKI_CLASS = /\bwikilink[12]\b/;

/** Hooks read the options of the call in progress (sanitizing is synchronous). */
let current: { base: URL | null } = { base: null };
let purifier: Purifier | null = null;

function getPurifier(): Purifier {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  if (!instance.isSupported) throw new Error('Article HTML can only be shown where there is a DOM.');
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') fixLink(node);
    else if (node.tagName === 'IMG') fixImage(node);
    if (node.hasAttribute('class')) prefixClasses(node);
  });
  purifier = instance;
  return instance;
}

/** Sanitizes untrusted article HTML into a fragment ready to be inserted. */
export function sanitizeArticleHtml(html: string, options: SanitizeOptions = {}): DocumentFragment {
  const base = parseBase(options.wikiUrl);
  const instance = getPurifier();
  current = { base };
  try {
    const fragment = instance.sanitize(html, CONFIG);
    // An image whose source was refused would show as a broken icon.
    for (const image of fragment.querySelectorAll('img:not([src])')) image.remove();
    return fragment;
  } finally {
    current = { base: null };
  }
}

function parseBase(wikiUrl: string | undefined): URL | null {
  if (!wikiUrl) return null;
  try {
    const url = new URL(wikiUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.search = '';
    url.hash = '';
    return url;
  } catch {
    return null;
  }
}

function prefixClasses(element: Element): void {
  const classes = (element.getAttribute('class') ?? '')
    .split(/\s+/)
    .filter((name) => /^[A-Za-z0-9_-]{1,64}$/.test(name))
    .map((name) => CLASS_PREFIX + name);
  if (classes.length > 0) element.setAttribute('class', classes.join(' '));
  else element.removeAttribute('class');
}

function fixLink(link: Element): void {
  const href = link.getAttribute('href')?.trim() ?? '';
  link.removeAttribute('target');
  link.removeAttribute('rel');
  const wikiId = internalPageId(link, href);
  if (wikiId !== null) {
    link.setAttribute('data-wiki-id', wikiId);
    // Without the wiki's address, "#" keeps the link a link (focusable, in the
    // link list of a screen reader); the reader follows data-wiki-id anyway.
    link.setAttribute('href', current.base ? wikiPageUrl(current.base.href, wikiId) : '#');
    return;
  }
  link.removeAttribute('data-wiki-id');
  if (!href) return;
  if (href.startsWith('#')) {
    const target = href.slice(1);
    if (target && !target.startsWith(ID_PREFIX)) link.setAttribute('href', `#${ID_PREFIX}${target}`);
    return;
  }
  const url = resolve(href);
  if (!url || !['http:', 'https:', 'mailto:'].includes(url.protocol)) {
    link.removeAttribute('href');
    return;
  }
  link.setAttribute('href', url.href);
  if (url.protocol !== 'mailto:') {
    link.setAttribute('target', '_blank');
    link.setAttribute('rel', 'noopener noreferrer');
  }
}

function fixImage(image: Element): void {
  const src = image.getAttribute('src')?.trim() ?? '';
  image.removeAttribute('src');
  if (RASTER_DATA_IMAGE.test(src)) {
    image.setAttribute('src', src);
  } else {
    const url = src && !src.toLowerCase().startsWith('data:') ? resolve(src) : null;
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) image.setAttribute('src', url.href);
  }
  image.setAttribute('loading', 'lazy');
  image.setAttribute('decoding', 'async');
  // The wiki need not learn which extension page shows its images.
  image.setAttribute('referrerpolicy', 'no-referrer');
}

function resolve(href: string): URL | null {
  try {
    return current.base ? new URL(href, current.base) : new URL(href);
  } catch {
    return null;
  }
}

/**
 * The page id a link points to on the configured wiki, or null. DokuWiki
 * marks its page links with `data-wiki-id` (2022 releases on) and the classes
 * `wikilink1` (page exists) / `wikilink2` (it does not); older releases and
 * pretty URLs leave only the href, `doku.php?id=ns:page`, `/ns:page` or
 * `/doku.php/ns/page`.
 */
function internalPageId(link: Element, href: string): string | null {
  const marked = cleanPageId(link.getAttribute('data-wiki-id'));
  if (marked) return marked;
  const base = current.base;
  if (!base || !href || href.startsWith('#')) return null;
  const url = resolve(href);
  if (!url || url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
  let rest: string;
  try {
    rest = decodeURIComponent(url.pathname.slice(base.pathname.length));
  } catch {
    return null;
  }
  const param = url.searchParams.get('id');
  const action = url.searchParams.get('do');
  if ((rest === 'doku.php' || rest === '') && param && (!action || action === 'show')) return cleanPageId(param);
  if (!WIKI_CLASS.test(link.getAttribute('class') ?? '')) return null;
  // A page link under a pretty URL: /ns:page (userewrite 1) or /doku.php/ns/page (2).
  const path = rest.replace(/^doku\.php\/?/, '').replace(/\//g, ':');
  return cleanPageId(path);
}

function cleanPageId(raw: string | null): string | null {
  if (!raw) return null;
  const id = raw.trim().toLowerCase().replace(/^:+|:+$/g, '');
  return id && id.length <= 255 && !/[\s?#<>"'\\/]/.test(id) ? id : null;
}
