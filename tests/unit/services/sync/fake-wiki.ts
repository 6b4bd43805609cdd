/**
 * A small wiki in memory behind the WikiGateway interface, for testing the
 * sync without a server: pages can be edited, deleted, made to fail, and
 * every fetch is recorded with how many ran at once.
 */
import type { Article, PageListing } from '../../../../lib/article';
import type { FetchedPage, WikiGateway } from '../../../../lib/wiki/gateway';

export interface FakePage {
  raw: string;
  modified: number;
}

export class FakeWiki implements WikiGateway {
  readonly kind = 'xmlrpc' as const;
  readonly pages = new Map<string, FakePage>();
  readonly fetched: string[] = [];
  /** Makes fetchPage of an id throw. */
  readonly failures = new Map<string, () => Error>();
  /** Ids whose fetch answers null though they are listed (deleted meanwhile). */
  readonly vanishing = new Set<string>();
  /** Milliseconds each fetch takes. */
  delayMs = 0;
  /** Called before each fetch; throwing there fails that fetch. */
  beforeFetch: ((id: string, count: number) => void) | null = null;
  inFlight = 0;
  maxInFlight = 0;
  listCalls = 0;
  datedListing = true;

  constructor(
    readonly wikiUrl = 'http://wiki.test/',
    pages: Record<string, FakePage> = {},
  ) {
    for (const [id, page] of Object.entries(pages)) this.pages.set(id, page);
  }

  async listPages(): Promise<PageListing[]> {
    this.listCalls++;
    return [...this.pages].map(([id, page]) => ({ id, modified: this.datedListing ? page.modified : 0 }));
  }

  async fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      this.fetched.push(id);
      this.beforeFetch?.(id, this.fetched.length);
      if (this.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            clearTimeout(timer);
            reject(signal!.reason);
          };
          const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, this.delayMs);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      signal?.throwIfAborted();
      const failure = this.failures.get(id);
      if (failure) throw failure();
      const page = this.pages.get(id);
      if (!page || this.vanishing.has(id)) return null;
      return { id, raw: page.raw, html: `<p>${page.raw}</p>`, modified: page.modified };
    } finally {
      this.inFlight--;
    }
  }
}

/** A stand-in for lib/wiki/extract.ts: enough of an Article to check what the sync stores. */
export function fakeExtract(page: FetchedPage): Article {
  return {
    id: page.id,
    title: page.raw.split('\n')[0] ?? page.id,
    html: page.html,
    text: page.raw,
    summary: page.raw.slice(0, 40),
    boldTerms: [],
    links: [],
    tags: [],
    modified: page.modified,
  };
}

export function manyPages(count: number, modified = 1_000): Record<string, FakePage> {
  const pages: Record<string, FakePage> = {};
  for (let i = 0; i < count; i++) pages[`page_${String(i).padStart(4, '0')}`] = { raw: `Page ${i}`, modified };
  return pages;
}
