/**
 * Reads a DokuWiki through the JSON-RPC API of its 2024+ releases
 * (`core.*` methods of inc/Remote/ApiCore.php, API version 12 and later):
 * one call lists every page with its modification time and text hash, one
 * lists what changed (with the change type, so deletions are known), and a
 * page is its source and its rendered body.
 */
import type { PageListing } from '../../lib/article';
import { WikiError } from '../../lib/wiki/errors';
import type { ChangesSince, FetchedPage, PageChange, WikiGateway } from '../../lib/wiki/gateway';
import { siteOf, type HttpOptions, type WikiHttp } from './http';
import { isObject, JsonRpcClient, JsonRpcFault, PAGE_MISSING } from './jsonrpc';
import {
  CHANGES_MARGIN_MS,
  DEFAULT_RECENT_DAYS,
  latestChangePerPage,
  withinRecentWindow,
  type GatewaySettings,
} from './recent-changes';

/** A change type of DokuWiki's changelog (inc/ChangeLog/ChangeLog.php): C create, E edit, e minor, D delete, R revert. */
const DELETED = 'D';

export class JsonRpcGateway implements WikiGateway {
  readonly kind = 'jsonrpc' as const;
  readonly client: JsonRpcClient;
  private readonly recentDays: number;
  /** Modification times from the last listing or changes: saves a core.getPageInfo per page. */
  private readonly listedModified = new Map<string, number>();

  constructor(
    readonly wikiUrl: string,
    http: HttpOptions | WikiHttp = {},
    settings: GatewaySettings = {},
  ) {
    this.client = new JsonRpcClient(wikiUrl, http);
    this.recentDays = settings.recentDays ?? DEFAULT_RECENT_DAYS;
  }

  get http(): WikiHttp {
    return this.client.http;
  }

  /**
   * `core.listPages("", 0, true)`: the whole wiki from its page index, each
   * page readable by this reader with its `revision` (= modification time)
   * and md5 hash of its trimmed text.
   */
  async listPages(signal?: AbortSignal): Promise<PageListing[]> {
    const method = 'core.listPages';
    const value = await this.client.call(method, { namespace: '', depth: 0, hash: true }, signal);
    if (!Array.isArray(value)) throw this.badShape(method, `${describe(value)}, not a list`);
    const pages: PageListing[] = [];
    for (const item of value) {
      if (!isObject(item) || typeof item['id'] !== 'string' || item['id'] === '') throw this.badShape(method, 'an item without an id');
      const revision = item['revision'];
      const listing: PageListing = { id: item['id'], modified: typeof revision === 'number' && revision > 0 ? revision * 1000 : 0 };
      if (typeof item['hash'] === 'string' && item['hash']) listing.hash = item['hash'];
      pages.push(listing);
    }
    this.listedModified.clear();
    for (const page of pages) this.listedModified.set(page.id, page.modified);
    return pages;
  }

  /**
   * `core.getPage` and `core.getPageHTML` at once. A missing page is known by
   * getPageHTML's error 121: getPage answers a missing page with "" or, where
   * the wiki has a page template, with the template's text.
   */
  async fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    let raw: unknown;
    let html: unknown;
    let modified: number;
    try {
      [raw, html, modified] = await Promise.all([
        this.client.call('core.getPage', { page: id }, signal),
        this.client.call('core.getPageHTML', { page: id }, signal),
        this.modifiedOf(id, signal),
      ]);
    } catch (error) {
      if (isPageMissing(error)) return null;
      throw error;
    }
    if (typeof raw !== 'string') throw this.badShape('core.getPage', `${describe(raw)}, not text`);
    if (typeof html !== 'string') throw this.badShape('core.getPageHTML', `${describe(html)}, not text`);
    // DokuWiki deletes a page saved empty: an existing page is never "".
    if (raw === '') return null;
    return { id, raw, html, modified };
  }

  /**
   * `core.getRecentPageChanges(seconds)`: each page changed since then once,
   * with its latest change, oldest first; type 'D' is a deletion.
   */
  async listChanges(since: number, signal?: AbortSignal): Promise<ChangesSince> {
    const method = 'core.getRecentPageChanges';
    const from = Math.max(0, Math.floor((since - CHANGES_MARGIN_MS) / 1000));
    const { value, serverTime } = await this.client.callAt(method, { timestamp: from }, signal);
    if (!Array.isArray(value)) throw this.badShape(method, `${describe(value)}, not a list`);
    const changes: PageChange[] = [];
    for (const item of value) {
      if (!isObject(item) || typeof item['id'] !== 'string') throw this.badShape(method, 'a change without a page id');
      const revision = item['revision'];
      if (typeof revision !== 'number' || revision <= 0) throw this.badShape(method, `a change of "${item['id']}" without a time`);
      changes.push({ id: item['id'], modified: revision * 1000, deleted: item['type'] === DELETED });
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
    const info = await this.client.call('core.getPageInfo', { page: id }, signal);
    if (!isObject(info)) throw this.badShape('core.getPageInfo', `${describe(info)}, not a page`);
    const revision = info['revision'];
    return typeof revision === 'number' && revision > 0 ? revision * 1000 : 0;
  }

  private badShape(method: string, detail: string): WikiError {
    return new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered ${method} in an unexpected shape (${detail}).`, {
      url: this.client.endpoint,
    });
  }
}

function isPageMissing(error: unknown): boolean {
  return error instanceof JsonRpcFault && error.code === PAGE_MISSING;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
