/**
 * Reads a DokuWiki through its XML-RPC API (lib/exe/xmlrpc.php, API version
 * 11 in the 2022 releases; later releases still serve these legacy methods):
 * one call lists every page with its modification time and text hash, one
 * lists what changed, two calls fetch a page.
 */
import type { PageListing } from '../../lib/article';
import { WikiError } from '../../lib/wiki/errors';
import type { ChangesSince, FetchedPage, PageChange, WikiGateway } from '../../lib/wiki/gateway';
import { siteOf, type WikiHttp } from './http';
import {
  CHANGES_MARGIN_MS,
  DEFAULT_RECENT_DAYS,
  latestChangePerPage,
  withinRecentWindow,
  type GatewaySettings,
} from './recent-changes';
import {
  expectType,
  isEmptyStruct,
  isStruct,
  XmlRpcClient,
  XmlRpcFault,
  type XmlRpcClientOptions,
  type XmlRpcValue,
} from './xmlrpc';


/** "There are no changes in the specified timeframe" (inc/Remote/ApiCore.php, 2022). */
const NO_CHANGES = 321;

/**
 * The smallest unix time wiki.getRecentChanges accepts: the 2022 API refuses
 * any timestamp not written with exactly 10 digits (fault 311, which arrives
 * as the empty-struct trap).
 */
const TEN_DIGIT_SECONDS = 1_000_000_000;

export class XmlRpcGateway implements WikiGateway {
  readonly kind = 'xmlrpc' as const;
  readonly client: XmlRpcClient;
  private readonly recentDays: number;
  /** Modification times from the last listing or changes: saves a wiki.getPageInfo per page. */
  private readonly listedModified = new Map<string, number>();

  constructor(
    readonly wikiUrl: string,
    http: XmlRpcClientOptions | WikiHttp = {},
    settings: GatewaySettings = {},
  ) {
    this.client = new XmlRpcClient(wikiUrl, http);
    this.recentDays = settings.recentDays ?? DEFAULT_RECENT_DAYS;
  }

  get http(): WikiHttp {
    return this.client.http;
  }

  async listPages(signal?: AbortSignal): Promise<PageListing[]> {
    const method = 'dokuwiki.getPagelist';
    // depth 0 = every namespace; hash = md5 of each page's text.
    const value = await this.client.call(method, ['', { depth: 0, hash: true }], signal);
    const items = expectType(value, 'array', method, this.client.endpoint);
    const pages: PageListing[] = [];
    for (const item of items) {
      if (!isStruct(item) || typeof item['id'] !== 'string') {
        throw this.badShape(method, 'an item without an id');
      }
      const mtime = item['mtime'] ?? item['rev'];
      const listing: PageListing = { id: item['id'], modified: typeof mtime === 'number' ? mtime * 1000 : 0 };
      if (typeof item['hash'] === 'string' && item['hash']) listing.hash = item['hash'];
      pages.push(listing);
    }
    this.listedModified.clear();
    for (const page of pages) this.listedModified.set(page.id, page.modified);
    return pages;
  }

  async fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    // Raw first: "" means the page does not exist (any more), and then its
    // HTML is not worth a request.
    const raw = expectType(await this.client.call('wiki.getPage', [id], signal), 'string', 'wiki.getPage', this.client.endpoint);
    if (raw === '') return null;
    const [html, modified] = await Promise.all([
      this.client.call('wiki.getPageHTML', [id], signal),
      this.modifiedOf(id, signal),
    ]);
    return { id, raw, html: expectType(html, 'string', 'wiki.getPageHTML', this.client.endpoint), modified };
  }

  /**
   * `wiki.getRecentChanges(seconds)`: each changed page once, with its latest
   * change. It carries no change type; a deleted page is told by its `size`,
   * which is `false` once its file is gone (measured on 2022-07-31b).
   */
  async listChanges(since: number, signal?: AbortSignal): Promise<ChangesSince> {
    const method = 'wiki.getRecentChanges';
    const from = Math.max(TEN_DIGIT_SECONDS, Math.floor((since - CHANGES_MARGIN_MS) / 1000));
    let value: XmlRpcValue;
    let serverTime: number;
    try {
      ({ value, serverTime } = await this.client.callAt(method, [from], signal));
    } catch (error) {
      // Releases that send real faults say "no changes" as fault 321.
      if (!(error instanceof XmlRpcFault && error.code === NO_CHANGES)) throw error;
      value = [];
      serverTime = this.http.clock.now();
    }
    // The 2022 trap: "no changes" arrives as a normal answer holding an empty
    // struct. (A refusal is HTTP 401 and was thrown above; the method is known
    // to every release; the timestamp has its 10 digits.)
    const items = isEmptyStruct(value) ? [] : expectType(value, 'array', method, this.client.endpoint);
    const changes: PageChange[] = [];
    for (const item of items) {
      if (!isStruct(item) || typeof item['name'] !== 'string') throw this.badShape(method, 'a change without a page name');
      const modified = changeTime(item);
      if (modified === null) throw this.badShape(method, `a change of "${item['name']}" without a time`);
      changes.push({ id: item['name'], modified, deleted: item['size'] === false });
    }
    // A page fetched after this answer is dated by it: no page-info request each.
    for (const change of changes) if (!change.deleted) this.listedModified.set(change.id, change.modified);
    return {
      changes: latestChangePerPage(changes),
      complete: withinRecentWindow(since, serverTime, this.recentDays),
      asOf: serverTime,
    };
  }

  private async modifiedOf(id: string, signal?: AbortSignal): Promise<number> {
    const listed = this.listedModified.get(id);
    if (listed) return listed;
    const info: XmlRpcValue = await this.client.call('wiki.getPageInfo', [id], signal);
    // An empty struct here means the page vanished between the two calls:
    // the text is still good, its date unknown.
    if (!isStruct(info)) throw this.badShape('wiki.getPageInfo', 'no struct');
    return changeTime(info) ?? 0;
  }

  private badShape(method: string, detail: string): WikiError {
    return new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered ${method} in an unexpected shape (${detail}).`, {
      url: this.client.endpoint,
    });
  }
}

/** `version` (unix seconds) or `lastModified` (a date, or seconds from older releases), in ms. */
function changeTime(item: Record<string, XmlRpcValue>): number | null {
  const version = item['version'];
  if (typeof version === 'number' && version > 0) return version * 1000;
  const last = item['lastModified'];
  if (last instanceof Date) return last.getTime();
  if (typeof last === 'number') return last * 1000;
  return null;
}
