/**
 * DokuWiki's XHTML renderer (inc/parser/xhtml.php, 2022-07-31 "Igor"),
 * ported for the instructions of markup-parser.ts: the same elements, class
 * names, ids, whitespace and escaping as `doku.php?do=export_xhtmlbody` on a
 * default installation under PHP's built-in server (DOKU_BASE "/",
 * userewrite 0, typography 1, maxseclevel 3, mailguard "hex").
 *
 * Where the wiki's output depends on things a build without PHP cannot have,
 * the output is the nearest equivalent, and says so:
 * - Code blocks carry the language class (`<pre class="code python">`) but
 *   not GeSHi's highlighting spans; the text is the same.
 * - No section-edit comments (`<!-- EDIT{...} -->`): they are editor
 *   plumbing, and extractArticle removes them from the wiki's HTML too.
 * - Media: no media files exist here, so internal media render as missing
 *   (as the wiki renders them when the file is absent); external images link
 *   to their own URL instead of the wiki's fetch.php proxy, whose token is
 *   keyed by the wiki's secret.
 * - `{{rss>...}}` feeds are not fetched and render nothing.
 */
import { INTERWIKI, MIME_TYPES, SCHEMES, SMILEYS, ACRONYMS, ENTITIES } from './markup-config';
import type { Call, LinkTitle, MediaSpec } from './markup-parser';
import { START_PAGE, cleanId, resolveMediaId, resolvePageId, sectionId, simpleName, withoutNamespace } from './page-id';

export interface XhtmlOptions {
  /** The page being rendered. */
  currentId: string;
  /** Whether a page exists (decides wikilink1 / wikilink2). */
  pageExists: (id: string) => boolean;
  /**
   * The first heading of a page, for links written without text, as the wiki
   * shows them when `useheading` is on. Without it, such links show the page
   * name, as a default DokuWiki does.
   */
  pageTitle?: (id: string) => string | undefined;
}

/** DOKU_BASE of a wiki served at the root, as under `php -S`. */
const BASE = '/';
/** $conf['maxseclevel']: headings up to this level get a section-edit class. */
const MAX_SECTION_LEVEL = 3;

const entityMap = new Map(ENTITIES);
const acronymMap = new Map(ACRONYMS);
const smileyMap = new Map(SMILEYS);
const interwikiMap = new Map(INTERWIKI);
const mimeMap = new Map(MIME_TYPES);

/** hsc(): htmlspecialchars with ENT_QUOTES. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#039;';
    }
  });
}

/** PHP's rawurlencode(): RFC 3986, everything but A-Z a-z 0-9 - _ . ~ encoded. */
export function rawUrlEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** idfilter(): a page id for a URL, colons kept. */
const idFilter = (id: string): string => rawUrlEncode(id).replace(/%3A/g, ':').replace(/%3B/g, ';').replace(/%2F/g, '/');

/** wl(): the address of a page (an empty id is the start page). */
function pageUrl(id: string, params = ''): string {
  const query = params.replace(/,/g, '&amp;');
  return `${BASE}doku.php?id=${idFilter(id === '' ? START_PAGE : id)}${query ? `&amp;${query}` : ''}`;
}

/** mimetype($file, false): the extension and its MIME type. */
function mimeType(file: string): { ext: string | null; mime: string | null } {
  const dot = file.lastIndexOf('.');
  if (dot === -1) return { ext: null, mime: null };
  const ext = file.slice(dot + 1).toLowerCase();
  const mime = mimeMap.get(ext);
  if (mime === undefined) return { ext, mime: 'application/octet-stream' };
  return { ext, mime: mime.startsWith('!') ? mime.slice(1) : mime };
}

const cssToken = (text: string): string => text.replace(/[^_\-a-z0-9]+/gi, '_');
/** PHP's trim($text, $chars). */
const trimChars = (text: string, chars: string): string => {
  let start = 0;
  let end = text.length;
  while (start < end && chars.includes(text[start]!)) start++;
  while (end > start && chars.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
};
/** PHP empty() for strings: '' and '0'. */
const phpEmpty = (text: string | null | undefined): boolean => !text || text === '0';

interface Link {
  url: string;
  name: string;
  class?: string;
  title?: string;
  rel?: string;
  more?: string;
}

/** _formatLink() */
function formatLink(link: Link): string {
  let url = link.url;
  if (!url.startsWith('mailto:')) url = url.replace(/&/g, '&amp;').replace(/&amp;amp;/g, '&amp;');
  url = url.replace(/>/g, '%3E').replace(/</g, '%3C').replace(/"/g, '%22');
  let title = (link.title ?? '').replace(/&amp;amp;/g, '&amp;');
  title = title.replace(/>/g, '&gt;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  let html = `<a href="${url}"`;
  if (!phpEmpty(link.class)) html += ` class="${link.class}"`;
  if (!phpEmpty(title)) html += ` title="${title}"`;
  if (!phpEmpty(link.rel)) html += ` rel="${(link.rel ?? '').trim()}"`;
  if (!phpEmpty(link.more)) html += ` ${link.more}`;
  return `${html}>${link.name}</a>`;
}

/** Renders an instruction list to the HTML DokuWiki's xhtml renderer produces. */
export function renderCalls(calls: Call[], options: XhtmlOptions): string {
  return new XhtmlRenderer(options).render(calls);
}

class XhtmlRenderer {
  private doc = '';
  private store = '';
  private readonly footnotes = new Map<number, string>();
  /** First footnote id of each footnote text (PHP searches the array; a page of 70,000 notes needs a map). */
  private readonly footnoteIds = new Map<string, number>();
  /** Later footnotes that repeat a footnote's text, by the first one's id. */
  private readonly footnoteRepeats = new Map<number, number[]>();
  private footnoteCount = 0;
  /** Anchors already given out, for unique heading ids. */
  private readonly headers: string[] = [];
  private lastSectionId = 0;
  private codeBlock = 0;
  private rowCounter = 0;
  private cellCounter = 0;

  constructor(private readonly options: XhtmlOptions) {}

  render(calls: Call[]): string {
    this.calls(calls);
    this.documentEnd();
    return this.doc;
  }

  private calls(calls: Call[]): void {
    for (const call of calls) this.call(call);
  }

  private call(call: Call): void {
    switch (call.name) {
      case 'cdata':
      case 'unformatted':
        this.doc += escapeHtml(call.text);
        return;
      case 'nest':
        return this.calls(call.calls);
      case 'header':
        return this.header(call.text, call.level);
      case 'section_open':
        this.doc += `<div class="level${call.level}">\n`;
        return;
      case 'section_close':
        this.doc += '\n</div>\n';
        return;
      case 'p_open':
        this.doc += '\n<p>\n';
        return;
      case 'p_close':
        this.doc += '\n</p>\n';
        return;
      case 'linebreak':
        this.doc += '<br/>\n';
        return;
      case 'hr':
        this.doc += '<hr />\n';
        return;
      case 'strong_open':
        this.doc += '<strong>';
        return;
      case 'strong_close':
        this.doc += '</strong>';
        return;
      case 'emphasis_open':
        this.doc += '<em>';
        return;
      case 'emphasis_close':
      case 'underline_close':
        this.doc += '</em>';
        return;
      case 'underline_open':
        this.doc += '<em class="u">';
        return;
      case 'monospace_open':
        this.doc += '<code>';
        return;
      case 'monospace_close':
        this.doc += '</code>';
        return;
      case 'subscript_open':
        this.doc += '<sub>';
        return;
      case 'subscript_close':
        this.doc += '</sub>';
        return;
      case 'superscript_open':
        this.doc += '<sup>';
        return;
      case 'superscript_close':
        this.doc += '</sup>';
        return;
      case 'deleted_open':
        this.doc += '<del>';
        return;
      case 'deleted_close':
        this.doc += '</del>';
        return;
      case 'footnote_open':
        this.store = this.doc;
        this.doc = '';
        return;
      case 'footnote_close':
        return this.footnoteClose();
      case 'listu_open':
        this.doc += '<ul>\n';
        return;
      case 'listu_close':
        this.doc += '</ul>\n';
        return;
      case 'listo_open':
        this.doc += '<ol>\n';
        return;
      case 'listo_close':
        this.doc += '</ol>\n';
        return;
      case 'listitem_open':
        this.doc += `<li class="level${call.level}${call.node ? ' node' : ''}">`;
        return;
      case 'listitem_close':
        this.doc += '</li>\n';
        return;
      case 'listcontent_open':
        this.doc += '<div class="li">';
        return;
      case 'listcontent_close':
        this.doc += '</div>\n';
        return;
      case 'php':
        this.doc += this.plainHighlight(call.text, 'php', 'code');
        return;
      case 'phpblock':
        this.doc += this.plainHighlight(call.text, 'php', 'pre');
        return;
      case 'html':
        this.doc += this.plainHighlight(call.text, 'html4strict', 'code');
        return;
      case 'htmlblock':
        this.doc += this.plainHighlight(call.text, 'html4strict', 'pre');
        return;
      case 'quote_open':
        this.doc += '<blockquote><div class="no">\n';
        return;
      case 'quote_close':
        this.doc += '</div></blockquote>\n';
        return;
      case 'preformatted':
        this.doc += `<pre class="code">${trimChars(escapeHtml(call.text), '\n\r')}</pre>\n`;
        return;
      case 'code':
      case 'file':
        return this.highlight(call.name, call.text, call.language, call.filename);
      case 'acronym': {
        const title = acronymMap.get(call.text);
        this.doc +=
          title === undefined
            ? escapeHtml(call.text)
            : `<abbr title="${escapeHtml(title)}">${escapeHtml(call.text)}</abbr>`;
        return;
      }
      case 'smiley': {
        const image = smileyMap.get(call.text);
        this.doc +=
          image === undefined
            ? escapeHtml(call.text)
            : `<img src="${BASE}lib/images/smileys/${image}" class="icon smiley" alt="${escapeHtml(call.text)}" />`;
        return;
      }
      case 'entity':
        this.doc += entityMap.get(call.text) ?? escapeHtml(call.text);
        return;
      case 'multiplyentity':
        this.doc += `${call.x}&times;${call.y}`;
        return;
      case 'doublequoteopening':
        this.doc += '“';
        return;
      case 'doublequoteclosing':
        this.doc += '”';
        return;
      case 'singlequoteopening':
        this.doc += '‘';
        return;
      case 'singlequoteclosing':
      case 'apostrophe':
        this.doc += '’';
        return;
      case 'locallink':
        this.doc += this.localLink(call.target, call.title);
        return;
      case 'internallink':
        this.doc += this.internalLink(call.target, call.title);
        return;
      case 'externallink':
        this.doc += this.externalLink(call.target, call.title);
        return;
      case 'interwikilink':
        this.doc += this.interwikiLink(call.title, call.wikiName, call.wikiUri);
        return;
      case 'windowssharelink':
        this.doc += this.windowsShareLink(call.target, call.title);
        return;
      case 'emaillink':
        this.doc += this.emailLink(call.target, call.title);
        return;
      case 'internalmedia':
        this.doc += this.internalMedia(call.media);
        return;
      case 'externalmedia':
        this.doc += this.externalMedia(call.media);
        return;
      case 'table_open':
        return this.tableOpen(call.tablePos);
      case 'table_close':
        this.doc += '</table></div>\n';
        return;
      case 'tablethead_open':
        this.doc += '\t<thead>\n';
        return;
      case 'tablethead_close':
        this.doc += '\t</thead>\n';
        return;
      case 'tablerow_open':
        this.cellCounter = 0;
        this.doc += `\t<tr class="row${this.rowCounter++}">\n\t\t`;
        return;
      case 'tablerow_close':
        this.doc += '\n\t</tr>\n';
        return;
      case 'tableheader_open':
      case 'tablecell_open': {
        const tag = call.name === 'tableheader_open' ? 'th' : 'td';
        let html = `<${tag} class="col${this.cellCounter++}${call.align === null ? '' : ` ${call.align}align`}"`;
        if (call.colspan !== false && call.colspan > 1) {
          this.cellCounter += call.colspan - 1;
          html += ` colspan="${call.colspan}"`;
        }
        if (call.rowspan !== false && call.rowspan > 1) html += ` rowspan="${call.rowspan}"`;
        this.doc += `${html}>`;
        return;
      }
      case 'tableheader_close':
        this.doc += '</th>';
        return;
      case 'tablecell_close':
        this.doc += '</td>';
        return;
      default:
        // notoc, nocache, rss and rewriter-internal calls render nothing.
        return;
    }
  }

  private startSectionEdit(): string {
    return `sectionedit${++this.lastSectionId}`;
  }

  private header(text: string, level: number): void {
    if (text === '') return;
    const anchor = sectionId(text, this.headers);
    let html = `\n<h${level}`;
    if (level <= MAX_SECTION_LEVEL) html += ` class="${this.startSectionEdit()}"`;
    html += ` id="${anchor}">${escapeHtml(text)}</h${level}>\n`;
    this.doc += html;
  }

  private tableOpen(tablePos: number | null): void {
    this.rowCounter = 0;
    let className = 'table';
    if (tablePos !== null) {
      // table_open() registers "table" as an anchor: a later heading "Table" becomes "table1".
      sectionId(className, this.headers);
      className += ` ${this.startSectionEdit()}`;
    }
    this.doc += `<div class="${className}"><table class="inline">\n`;
  }

  private footnoteClose(): void {
    const id = ++this.footnoteCount;
    const footnote = this.doc;
    this.doc = this.store;
    this.store = '';
    const seen = this.footnoteIds.get(footnote);
    if (seen === undefined) {
      this.footnoteIds.set(footnote, id);
      this.footnotes.set(id, footnote);
    } else {
      this.footnotes.set(id, `@@FNT${seen}`);
      const repeats = this.footnoteRepeats.get(seen);
      if (repeats) repeats.push(id);
      else this.footnoteRepeats.set(seen, [id]);
    }
    this.doc += `<sup><a href="#fn__${id}" id="fnt__${id}" class="fn_top">${id})</a></sup>`;
  }

  private documentEnd(): void {
    if (this.footnotes.size > 0) {
      let html = '<div class="footnotes">\n';
      for (const [id, footnote] of this.footnotes) {
        if (footnote.startsWith('@@FNT')) continue;
        html += `<div class="fn"><sup><a href="#fnt__${id}" id="fn__${id}" class="fn_bot">${id})</a></sup> \n`;
        for (const ref of this.footnoteRepeats.get(id) ?? []) {
          html += `, <sup><a href="#fnt__${ref}" id="fn__${ref}" class="fn_bot">${ref})</a></sup> \n`;
        }
        html += `<div class="content">${footnote}</div></div>\n`;
      }
      this.doc += `${html}</div>\n`;
    }
    // "make sure there are no empty paragraphs" (PCRE \s without /u: ASCII whitespace).
    this.doc = this.doc.replace(/<p>[ \t\n\r\f\x0B]*<\/p>/g, '');
  }

  /** _highlight() without GeSHi: the same wrappers, the code as escaped text. */
  private highlight(type: 'code' | 'file', source: string, rawLanguage: string | null, filename: string | null): void {
    const language = (rawLanguage ?? '').replace(/[^a-zA-Z0-9\-_]/g, '');
    if (filename) {
      const { ext } = mimeType(filename);
      const className = `mediafile mf_${cssToken(ext ?? '')}`;
      const href = `${BASE}doku.php?do=export_code&amp;id=${idFilter(this.options.currentId)}&amp;codeblock=${this.codeBlock}`;
      this.doc += `<dl class="${type}">\n<dt><a href="${href}" title="Download Snippet" class="${className}">${escapeHtml(filename)}</a></dt>\n<dd>`;
    }
    let text = source;
    if (text.startsWith('\n')) text = text.slice(1);
    if (text.endsWith('\n')) text = text.slice(0, -1);
    if (phpEmpty(language)) {
      this.doc += `<pre class="${type}">${escapeHtml(text)}</pre>\n`;
    } else {
      const className = type === 'code' ? 'code' : `code ${type}`;
      this.doc += `<pre class="${className} ${language}">${this.plainHighlight(text, language, '')}</pre>\n`;
    }
    if (filename) this.doc += '</dd></dl>\n';
    this.codeBlock++;
  }

  /**
   * p_xhtml_cached_geshi() with the highlighting left out. What GeSHi does
   * to the text is kept: a blank line becomes a non-breaking space
   * (measured against php-geshi 1.0.9 as Debian ships it).
   */
  private plainHighlight(source: string, language: string, wrapper: string): string {
    // preg_replace('/^\s*?\n|\s*?\n$/', ''): PCRE's "$" also matches before a final newline.
    const code = source.replace(/^[ \t\n\r\f\x0B]*?\n|[ \t\n\r\f\x0B]*?\n(?=\n?$)/g, '');
    const lines = code.split('\n').map((line) => (trimChars(line, ' \t\n\r\0\x0B') === '' ? '&nbsp;' : escapeHtml(line)));
    const html = trimChars(lines.join('\n'), '\n\r');
    return wrapper ? `<${wrapper} class="code ${language.toLowerCase()}">${html}</${wrapper}>` : html;
  }

  /** _getLinkTitle() */
  private linkTitle(title: LinkTitle, fallback: string, id?: string): { name: string; isImage: boolean } {
    if (title !== null && typeof title === 'object') return { name: this.imageTitle(title), isImage: true };
    if (title === null || title.trim() === '') {
      if (id !== undefined && this.options.pageTitle && !id.includes('#')) {
        const heading = this.options.pageTitle(id);
        if (heading) return { name: escapeHtml(heading), isImage: false };
      }
      return { name: escapeHtml(fallback), isImage: false };
    }
    return { name: escapeHtml(title), isImage: false };
  }

  private localLink(hash: string, title: LinkTitle): string {
    const { name } = this.linkTitle(title, hash);
    return `<a href="#${sectionId(hash)}" title="${this.options.currentId} ↵" class="wikilink1">${name}</a>`;
  }

  private internalLink(target: string, title: LinkTitle): string {
    let id = target;
    let params = '';
    const question = id.indexOf('?');
    if (question !== -1) {
      params = id.slice(question + 1);
      id = id.slice(0, question);
    }
    if (id === '') id = this.options.currentId;
    const hashAt = id.indexOf('#');
    const fallback = hashAt !== -1 && !phpEmpty(id.slice(hashAt + 1)) ? id.slice(hashAt + 1) : simpleName(id.replace(/;/g, ':').replace(/#.*$/s, ''));
    const resolved = resolvePageId(this.options.currentId, id, this.options.pageExists);
    const [pageId = '', hash = ''] = splitOnce(resolved, '#');
    const exists = this.options.pageExists(pageId);
    const { name, isImage } = this.linkTitle(title, fallback, resolved);
    const link: Link = {
      url: pageUrl(pageId, params),
      name,
      class: isImage ? 'media' : exists ? 'wikilink1' : 'wikilink2',
      title: pageId,
      more: `data-wiki-id="${pageId}"`,
    };
    if (!isImage && !exists) link.rel = 'nofollow';
    if (hash) link.url += `#${sectionId(hash)}`;
    return formatLink(link);
  }

  private externalLink(target: string, title: LinkTitle): string {
    const { name, isImage } = this.linkTitle(title, target);
    const scheme = (target.split('://')[0] ?? '').toLowerCase();
    // "url might be an attack vector, only allow registered protocols"
    if (!SCHEMES.includes(scheme)) return name;
    return formatLink({
      url: target,
      name,
      class: isImage ? 'media' : 'urlextern',
      title: escapeHtml(target),
      rel: ' ugc nofollow',
    });
  }

  private interwikiLink(title: LinkTitle, wikiName: string, wikiUri: string): string {
    const { name, isImage } = this.linkTitle(title, wikiUri);
    const resolved = this.resolveInterwiki(wikiName, wikiUri);
    if (resolved.url === '') return name;
    let className = isImage ? 'media' : `interwiki iw_${cssToken(resolved.shortcut)}`;
    let rel = '';
    if (resolved.exists !== null && !isImage) {
      if (resolved.exists) {
        className += ' wikilink1';
      } else {
        className += ' wikilink2';
        rel += ' nofollow';
      }
    }
    return formatLink({ url: resolved.url, name, class: className, title: escapeHtml(resolved.url), rel });
  }

  /** _resolveInterWiki() */
  private resolveInterwiki(wikiName: string, reference: string): { url: string; shortcut: string; exists: boolean | null } {
    let shortcut = wikiName;
    let url = interwikiMap.get(shortcut);
    if (url === undefined) {
      url = interwikiMap.get('default');
      shortcut = url === undefined ? '' : 'default';
      url ??= '';
    }
    let exists: boolean | null = null;
    let ref = reference;
    let hash = '';
    const hashAt = ref.lastIndexOf('#');
    if (hashAt !== -1) {
      hash = ref.slice(hashAt + 1);
      ref = ref.slice(0, hashAt);
    }
    if (/\{(URL|NAME|SCHEME|HOST|PORT|PATH|QUERY)\}/.test(url)) {
      url = url.split('{URL}').join(rawUrlEncode(ref));
      url = url
        .split('{NAME}')
        .join(url.startsWith(':') ? ref : ref.replace(/[[\\\]^`{|}#%]/g, (char) => rawUrlEncode(char)));
      const parts = parseUrlParts(ref);
      url = url
        .split('{SCHEME}').join(parts.scheme)
        .split('{HOST}').join(parts.host)
        .split('{PORT}').join(parts.port)
        .split('{PATH}').join(parts.path)
        .split('{QUERY}').join(parts.query);
    } else if (url !== '') {
      url += rawUrlEncode(ref);
    }
    if (url.startsWith(':')) {
      const [id = '', params = ''] = splitOnce(url, '?');
      url = pageUrl(cleanId(id), params);
      exists = this.options.pageExists(cleanId(id));
    }
    if (hash) url += `#${rawUrlEncode(hash)}`;
    return { url, shortcut, exists };
  }

  private windowsShareLink(target: string, title: LinkTitle): string {
    const { name, isImage } = this.linkTitle(title, target);
    return formatLink({
      url: `file:///${target.replace(/\\/g, '/')}`,
      name,
      class: isImage ? 'media' : 'windows',
      title: escapeHtml(target),
    });
  }

  private emailLink(address: string, title: LinkTitle): string {
    const { name, isImage } = this.linkTitle(title, '');
    // $conf['mailguard'] = 'hex': every character as a numeric reference.
    const obfuscated = [...escapeHtml(address)]
      .map((char) => {
        const code = char.codePointAt(0) ?? 0;
        return code < 0x100 ? `&#${code};` : `&#x${code.toString(16)};`;
      })
      .join('');
    return formatLink({
      url: `mailto:${obfuscated}`,
      name: name === '' ? obfuscated : name,
      class: isImage ? 'media' : 'mail',
      title: obfuscated,
    });
  }

  private resolveMediaId(src: string): string {
    return resolveMediaId(this.options.currentId, src);
  }

  private internalMedia(media: MediaSpec): string {
    const [rawSrc = '', hash = ''] = splitOnce(media.src, '#');
    const src = this.resolveMediaId(rawSrc);
    const render = media.linking !== 'linkonly';
    const { ext, mime } = mimeType(src);
    const link: Link = { url: '', name: this.media(src, media, render), class: 'media', title: escapeHtml(src) };
    let noLink = false;
    if (mime?.startsWith('image') && render) {
      const params = media.linking === 'direct' ? '' : `id=${rawUrlEncode(this.options.currentId)}`;
      link.url = media.linking === 'direct' ? mediaUrl(src, '', true) : mediaUrl(src, params, false);
    } else if (mime && isAudioVideo(mime) && render) {
      noLink = true;
    } else {
      link.class += ` mediafile mf_${cssToken(ext ?? '')}`;
      link.url = mediaUrl(src, '', true);
    }
    if (hash) link.url += `#${hash}`;
    // No media files ship with the knowledge base: the wiki marks absent files.
    link.class += ' wikilink2';
    return media.linking === 'nolink' || noLink ? link.name : formatLink(link);
  }

  private externalMedia(media: MediaSpec): string {
    let src = media.src;
    let title = media.title;
    if (/^[a-zA-Z0-9.]+>/.test(src)) {
      const [shortcut = '', reference = ''] = splitOnce(src, '>');
      src = this.resolveInterwiki(shortcut, reference).url;
      if (src === '' && phpEmpty(title)) title = reference;
    }
    const [url = '', hash = ''] = splitOnce(src, '#');
    if (url === '') return escapeHtml(title ?? '');
    const render = media.linking !== 'linkonly';
    const { ext, mime } = mimeType(url);
    const spec = { ...media, title };
    const link: Link = { url, name: this.media(url, spec, render), class: 'media', title: escapeHtml(url) };
    let noLink = false;
    if (mime?.startsWith('image') && render) {
      // linked to the image itself
    } else if (mime && isAudioVideo(mime) && render) {
      noLink = true;
    } else {
      link.class += ` mediafile mf_${cssToken(ext ?? '')}`;
    }
    if (hash) link.url += `#${hash}`;
    return media.linking === 'nolink' || noLink ? link.name : formatLink(link);
  }

  /** _media(): an image, or the title or file name of anything else. */
  private media(src: string, media: MediaSpec, render: boolean): string {
    const { mime } = mimeType(src);
    const external = /^(https?|ftp):\/\//i.test(src);
    const baseName = withoutNamespace(src).split('/').pop() ?? src;
    if (mime?.startsWith('image')) {
      const title = media.title === null ? null : escapeHtml(media.title);
      if (!render) return title === null || title === '' ? escapeHtml(baseName) : title;
      const params = [media.width ? `w=${media.width}` : '', media.height ? `h=${media.height}` : '']
        .filter(Boolean)
        .join('&amp;');
      let html = `<img src="${external ? escapeHtml(src) : mediaUrl(src, params, true)}" class="media${media.align ?? ''}" loading="lazy"`;
      html += title ? ` title="${title}" alt="${title}"` : ' alt=""';
      if (media.width !== null) html += ` width="${escapeHtml(media.width)}"`;
      if (media.height !== null) html += ` height="${escapeHtml(media.height)}"`;
      return `${html} />`;
    }
    if (media.title) return escapeHtml(media.title);
    return escapeHtml(baseName);
  }

  private imageTitle(image: MediaSpec): string {
    const [src = ''] = splitOnce(image.src, '#');
    const resolved = image.type === 'internalmedia' ? this.resolveMediaId(src) : src;
    return this.media(resolved, image, true);
  }
}

const isAudioVideo = (mime: string): boolean => /^(audio|video)\//.test(mime) || mime === 'application/x-shockwave-flash';

/** ml(): fetch.php (the file) or detail.php (its page) for a media id. */
function mediaUrl(id: string, params: string, direct: boolean): string {
  const script = direct ? 'lib/exe/fetch.php' : 'lib/exe/detail.php';
  const media = idFilter(cleanId(id));
  return params ? `${BASE}${script}?${params}&amp;media=${media}` : `${BASE}${script}?media=${media}`;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function parseUrlParts(reference: string): { scheme: string; host: string; port: string; path: string; query: string } {
  const found = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/:?#]*)(?::(\d+))?)?([^?#]*)(?:\?([^#]*))?/.exec(reference);
  return {
    scheme: found?.[1] ?? '',
    host: found?.[2] ?? '',
    port: found?.[3] ?? '80',
    path: found?.[4] ?? '',
    query: found?.[5] ?? '',
  };
}

