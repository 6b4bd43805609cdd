/**
 * Reads a DokuWiki through the pages every readable wiki serves, for wikis
 * whose API is off (the default, and common on public wikis):
 * - the page index, `lib/exe/ajax.php` with `call=index&idx=NS`, one
 *   namespace level per request (the sitemap when the index is unavailable);
 * - `doku.php?id=ID&do=export_raw` for the source and `do=export_xhtmlbody`
 *   for the rendered body (addresses every DokuWiki answers, whatever its
 *   URL rewriting);
 * - the recent-changes feed, `feed.php`, for what changed since a time.
 * Neither list gives modification times that can be trusted (see listPages);
 * the feed does, and a page fetched after the feed named it gets its time.
 * HTML and XML are parsed with htmlparser2, never with regular expressions.
 */
import { Parser } from 'htmlparser2';
import type { PageListing } from '../../lib/article';
import { WikiError } from '../../lib/wiki/errors';
import type { ChangesSince, FetchedPage, PageChange, WikiGateway } from '../../lib/wiki/gateway';

import { wikiPageUrl } from '../../lib/wiki/urls';
import { siteOf, WikiHttp, type HttpOptions, type TextResponse } from './http';
import { isDokuWikiPage, readDokuWikiPage } from './dokuwiki-page';
import { pageIdFromUrl } from './page-address';
import {
  CHANGES_MARGIN_MS,
  DEFAULT_RECENT_DAYS,
  latestChangePerPage,
  withinRecentWindow,
  type GatewaySettings,
} from './recent-changes';

export interface IndexLevel {
  /** Page ids listed at this level (`data-wiki-id` of the items). */
  pages: string[];
  /** Sub-namespaces to open, as full namespace ids ("ai:sub"). */
  namespaces: string[];
}

const hasClass = (attribs: Record<string, string>, name: string) =>
  (attribs['class'] ?? '').split(/\s+/).includes(name);

/**
 * One level of the page index as `ajax.php?call=index` serves it: `<li>`
 * items whose link carries `data-wiki-id` (pages) or class `idx_dir`
 * (namespaces; the full id is in the link's `idx` parameter and its title).
 */
export function parseIndexLevel(html: string, baseUrl = 'http://wiki.invalid/'): IndexLevel {
  const pages: string[] = [];
  const namespaces: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name !== 'a') return;
        // data-wiki-id arrived in 2020 releases; before it, an index item's
        // title is the page id.
        const id = attribs['data-wiki-id'] || (hasClass(attribs, 'wikilink1') ? attribs['title'] : undefined);
        if (id) {
          pages.push(id);
          return;
        }
        if (hasClass(attribs, 'idx_dir')) {
          let ns: string | null = null;
          try {
            ns = new URL(attribs['href'] ?? '', baseUrl).searchParams.get('idx');
          } catch {
            // An unparsable href: fall back to the title.
          }
          ns = ns || attribs['title'] || null;
          if (ns) namespaces.push(ns.replace(/^:+|:+$/g, ''));
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return { pages, namespaces };
}

/** Whether a namespace listed under `parent` really lies below it (a server that ignores idx lists the root again). */
function isBelow(ns: string, parent: string): boolean {
  return ns !== '' && (parent === '' ? true : ns.startsWith(`${parent}:`));
}

/**
 * Page ids from `doku.php?do=sitemap` (sitemaps.org XML): the `id` parameter
 * of each `<loc>`, or its path below the wiki for rewritten URLs.
 */
export function parseSitemap(xml: string, wikiUrl: string): string[] {
  const locs: string[] = [];
  let inLoc = false;
  let text = '';
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'loc') {
          inLoc = true;
          text = '';
        }
      },
      ontext(data) {
        if (inLoc) text += data;
      },
      onclosetag(name) {
        if (name === 'loc' && inLoc) {
          inLoc = false;
          locs.push(text.trim());
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  const ids: string[] = [];
  for (const loc of locs) {
    const id = pageIdFromUrl(loc, wikiUrl, true);
    if (id) ids.push(id);
  }
  return ids;
}

export interface FeedItem {
  id: string;
  /** The item's pubDate, unix ms. */
  modified: number;
}

/**
 * The items of DokuWiki's recent-changes feed in RSS 2.0 (`type=rss2`): each
 * page from its `<link>` (any URL style, see page-address.ts), its time from
 * `<pubDate>`. null when the document is not an RSS feed at all.
 */
export function parseRecentChangesFeed(xml: string, wikiUrl: string): FeedItem[] | null {
  const items: FeedItem[] = [];
  let isRss = false;
  let item: { link: string; pubDate: string } | null = null;
  let field: 'link' | 'pubDate' | null = null;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'rss') isRss = true;
        else if (name === 'item') item = { link: '', pubDate: '' };
        else if (item && (name === 'link' || name === 'pubDate')) field = name;
      },
      ontext(text) {
        if (item && field) item[field] += text;
      },
      onclosetag(name) {
        if (name === 'link' || name === 'pubDate') field = null;
        if (name !== 'item' || !item) return;
        const id = pageIdFromUrl(item.link.trim(), wikiUrl, true);
        const modified = Date.parse(item.pubDate.trim());
        if (id && !Number.isNaN(modified)) items.push({ id, modified });
        item = null;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return isRss ? items : null;
}

export interface PublicGatewaySettings extends GatewaySettings {
  /**
   * Items asked of the feed. A feed that comes back this full may have been
   * cut, and then cannot prove it holds every change. Default 500: a week of
   * a busy wiki, about 300 kB with abstracts.
   */
  feedItems?: number;
}

export class PublicGateway implements WikiGateway {
  readonly kind = 'public' as const;
  readonly http: WikiHttp;
  private readonly recentDays: number;
  private readonly feedItems: number;
  /** The last feed this gateway read, for a conditional request. */
  private lastFeed: { etag: string | null; asOf: number } | null = null;
  /** Times the feed gave pages: a page fetched after it gets its time, which no page export carries. */
  private readonly changedAt = new Map<string, number>();

  constructor(
    readonly wikiUrl: string,
    http: HttpOptions | WikiHttp = {},
    settings: PublicGatewaySettings = {},
  ) {
    this.http = WikiHttp.from(http);
    this.recentDays = settings.recentDays ?? DEFAULT_RECENT_DAYS;
    this.feedItems = Math.max(1, Math.floor(settings.feedItems ?? 500));
  }

  /**
   * Every page, modified 0: the index has no dates, and the sitemap's
   * `lastmod` cannot prove a page unchanged because DokuWiki rebuilds the
   * sitemap only every `sitemap` days (inc/Sitemap/Mapper.php).
   */
  async listPages(signal?: AbortSignal): Promise<PageListing[]> {
    let ids: string[];
    try {
      ids = await this.listFromIndex(signal);
    } catch (error) {
      if (signal?.aborted || (error instanceof WikiError && (error.kind === 'unreachable' || error.kind === 'timeout'))) {
        throw error;
      }
      ids = await this.listFromSitemap(signal).catch(() => {
        throw error;
      });
    }
    const unique = [...new Set(ids)];
    return unique.map((id) => ({ id, modified: 0 }));
  }

  async fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    const pageUrl = wikiPageUrl(this.wikiUrl, id);
    const raw = await this.get(`${pageUrl}&do=export_raw`, signal);
    // With `send404` on, a missing page is a 404.
    if (raw.status === 404) return null;
    this.checkStatus(raw, `the source of "${id}"`);
    // Only text/plain is a source: a missing page, and a page this reader
    // may not read, are answered with 200 and a whole DokuWiki page.
    if (raw.contentType !== 'text/plain') return this.notASource(raw, id, 'source');
    const html = await this.get(`${pageUrl}&do=export_xhtmlbody`, signal);
    if (html.status === 404) return null;
    this.checkStatus(html, `the rendered page "${id}"`);
    // The body alone is a fragment; a whole DokuWiki page means the page
    // went (or was closed) between the two requests.
    if (isDokuWikiPage(html.text)) return this.notASource(html, id, 'rendered page');
    return { id, raw: raw.text, html: html.text, modified: this.changedAt.get(id) ?? 0 };
  }

  /**
   * What an HTML answer in place of a page means. Only DokuWiki's own page
   * for "this topic does not exist" (action "show" of this very id) proves
   * the page gone; a refusal is a refusal; anything else (a proxy's
   * maintenance page, a login portal) proves nothing, and the cached copy
   * must stay.
   */
  private notASource(response: TextResponse, id: string, what: string): null {
    const page = readDokuWikiPage(response.text, response.url);
    if (page.isDokuWiki && (page.action === 'denied' || page.action === 'login')) {
      throw new WikiError(
        'denied',
        `${siteOf(this.wikiUrl)} does not let this reader see "${id}" (it asks for a login). ` +
          (this.http.authenticated ? 'Check the user name and password or token.' : 'If it is a private wiki, enter an account or a token.'),
        { url: response.url },
      );
    }
    if (page.isDokuWiki && page.action === 'show' && (page.id === null || page.id === id)) return null;
    throw new WikiError(
      'bad-response',
      page.isDokuWiki
        ? `${siteOf(this.wikiUrl)} answered the ${what} of "${id}" with another DokuWiki page${page.action ? ` (${page.action})` : ''}.`
        : `${siteOf(this.wikiUrl)} answered the ${what} of "${id}" with a page that is not from DokuWiki.`,
      { url: response.url },
    );
  }

  /**
   * Changes from the recent-changes feed (RSS 2.0, page changes only, minor
   * edits included, which the feed leaves out by default).
   *
   * DokuWiki builds the feed at most every `rss_update` seconds and answers
   * 304 only to the exact Last-Modified or ETag of the feed it holds
   * (inc/httputils.php http_conditionalRequest): so `asOf` is the time the
   * feed was built, and asking again `since` that time gets a 304 for as long
   * as the wiki keeps serving the same feed.
   *
   * The feed cannot say for sure that a page was deleted (a deletion is an
   * item like any other, titled with the edit summary in the wiki's language),
   * so no change is marked deleted: fetching the page finds out (null).
   */
  async listChanges(since: number, signal?: AbortSignal): Promise<ChangesSince> {
    const url =
      `${this.wikiUrl}feed.php?type=rss2&mode=recent&view=pages&num=${this.feedItems}` +
      '&content=abstract&linkto=current&minor=1';
    // DokuWiki's 304 needs every validator sent to match: the ETag of the
    // feed this gateway last read (when the caller asks from its time on), or
    // else the feed's time as a date, which matches when `since` is the asOf
    // of an earlier answer (even from another gateway, after a restart).
    const headers: Record<string, string> = {};
    if (this.lastFeed?.etag && since >= this.lastFeed.asOf) headers['If-None-Match'] = this.lastFeed.etag;
    else if (Number.isFinite(since) && since > 0) headers['If-Modified-Since'] = new Date(since).toUTCString();
    const response = await this.http.text(url, { headers, credentials: 'omit', cache: 'no-store' }, signal);
    const builtAt = Date.parse(response.headers.get('last-modified') ?? '');
    const asOf = Number.isNaN(builtAt) ? this.http.serverTime(response) : builtAt;
    if (response.status === 304) {
      return { changes: [], complete: withinRecentWindow(since, this.http.serverTime(response), this.recentDays), asOf };
    }
    // `disableactions` = rss: the wiki has no feed, so changes cannot be listed.
    if (response.status === 404) return { changes: [], complete: false };
    this.checkStatus(response, 'its recent changes');
    const items = parseRecentChangesFeed(response.text, this.wikiUrl);
    if (items === null) {
      throw new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered its recent-changes feed with something that is not RSS.`, {
        url,
      });
    }
    this.lastFeed = { etag: response.headers.get('etag'), asOf };
    const changes: PageChange[] = [];
    for (const item of items) {
      if (item.modified < since - CHANGES_MARGIN_MS) continue;
      changes.push({ id: item.id, modified: item.modified, deleted: false });
      this.changedAt.set(item.id, Math.max(item.modified, this.changedAt.get(item.id) ?? 0));
    }
    const cut = items.length >= this.feedItems;
    return {
      changes: latestChangePerPage(changes),
      complete: !cut && withinRecentWindow(since, this.http.serverTime(response), this.recentDays),
      asOf,
    };
  }

  private async listFromIndex(signal?: AbortSignal): Promise<string[]> {
    const endpoint = new URL('lib/exe/ajax.php', this.wikiUrl).href;
    const pages: string[] = [];
    const seen = new Set<string>(['']);
    // Breadth first, one request per namespace: the index lists one level at
    // a time. idx must travel in a POST body: a GET answers with the root.
    const queue: string[] = [''];
    while (queue.length) {
      const ns = queue.shift()!;
      const response = await this.http.text(
        endpoint,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body: new URLSearchParams({ call: 'index', idx: ns }).toString(),
          credentials: 'omit',
          cache: 'no-store',
        },
        signal,
      );
      this.checkStatus(response, 'its page index');
      if (response.contentType && response.contentType !== 'text/html') {
        throw new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered its page index with ${response.contentType}, not HTML.`, {
          url: endpoint,
        });
      }
      const level = parseIndexLevel(response.text, this.wikiUrl);
      pages.push(...level.pages);
      for (const child of level.namespaces) {
        if (!seen.has(child) && isBelow(child, ns)) {
          seen.add(child);
          queue.push(child);
        }
      }
      if (ns === '' && level.pages.length === 0 && level.namespaces.length === 0 && response.text.trim() !== '') {
        throw new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered its page index with something that lists no page.`, {
          url: endpoint,
        });
      }
    }
    return pages;
  }

  private async listFromSitemap(signal?: AbortSignal): Promise<string[]> {
    const url = `${this.wikiUrl}doku.php?do=sitemap`;
    const response = await this.http.bytes(url, { credentials: 'omit', cache: 'no-store' }, signal);
    if (response.status < 200 || response.status > 299) {
      throw new WikiError('http', `${siteOf(url)} answered ${response.status} for its sitemap.`, { url, status: response.status });
    }
    const bytes = response.bytes;
    // Served as application/x-gzip without Content-Encoding, so fetch leaves it compressed.
    const xml = bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzip(bytes) : new TextDecoder().decode(bytes);
    return parseSitemap(xml, this.wikiUrl);
  }

  private get(url: string, signal?: AbortSignal): Promise<TextResponse> {
    return this.http.text(url, { credentials: 'omit', cache: 'no-store' }, signal);
  }

  private checkStatus(response: TextResponse, what: string): void {
    if (response.status >= 200 && response.status <= 299) return;
    if (response.status === 401 || response.status === 403) {
      throw new WikiError('denied', `${siteOf(response.url)} refused to show ${what} (HTTP ${response.status}).`, {
        url: response.url,
        status: response.status,
      });
    }
    throw new WikiError('http', `${siteOf(response.url)} answered ${response.status} for ${what}.`, {
      url: response.url,
      status: response.status,
    });
  }
}

async function gunzip(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}
