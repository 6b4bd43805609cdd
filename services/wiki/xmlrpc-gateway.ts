/**
 * Reads a DokuWiki through its XML-RPC API (lib/exe/xmlrpc.php, API version
 * 11 in the 2022 releases): one call lists every page with its modification
 * time and text hash, two calls fetch a page.
 */
import type { PageListing } from '../../lib/article';
import { WikiError } from '../../lib/wiki/errors';
import type { FetchedPage, WikiGateway } from '../../lib/wiki/gateway';
import { siteOf } from './http';
import { expectType, isStruct, XmlRpcClient, type XmlRpcClientOptions, type XmlRpcValue } from './xmlrpc';

export class XmlRpcGateway implements WikiGateway {
  readonly kind = 'xmlrpc' as const;
  readonly client: XmlRpcClient;
  /** Modification times from the last listing: saves a wiki.getPageInfo per page. */
  private readonly listedModified = new Map<string, number>();

  constructor(
    readonly wikiUrl: string,
    options: XmlRpcClientOptions = {},
  ) {
    this.client = new XmlRpcClient(wikiUrl, options);
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

  private async modifiedOf(id: string, signal?: AbortSignal): Promise<number> {
    const listed = this.listedModified.get(id);
    if (listed) return listed;
    const info: XmlRpcValue = await this.client.call('wiki.getPageInfo', [id], signal);
    // An empty struct here means the page vanished between the two calls:
    // the text is still good, its date unknown.
    if (!isStruct(info)) throw this.badShape('wiki.getPageInfo', 'no struct');
    const last = info['lastModified'];
    if (last instanceof Date) return last.getTime();
    if (typeof last === 'number') return last * 1000;
    return 0;
  }

  private badShape(method: string, detail: string): WikiError {
    return new WikiError('bad-response', `${siteOf(this.wikiUrl)} answered ${method} in an unexpected shape (${detail}).`, {
      url: this.client.endpoint,
    });
  }
}
