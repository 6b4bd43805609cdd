/**
 * A small wiki in memory behind the WikiGateway interface, for testing the
 * sync without a server: pages can be edited, deleted, made to fail, and
 * every fetch is recorded with how many ran at once. Edits made through
 * `edit`/`remove` are also logged as recent changes, like DokuWiki's
 * changelog; edits made on `pages` directly are not (an edit recent changes
 * never report).
 */
import type { Article, PageListing } from '../../../../lib/article';
import type { ChangesSince, FetchedPage, PageChange, WikiGateway } from '../../../../lib/wiki/gateway';
import { systemClock } from '../../../../services/wiki/http';

export interface FakePage {
  raw: string;
  modified: number;
}

export class FakeWiki implements WikiGateway {
  readonly kind = 'xmlrpc' as const;
  readonly pages = new Map<string, FakePage>();
  /** The changelog: every edit and deletion made through edit() and remove(), oldest first. */
  readonly changelog: PageChange[] = [];
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
  /** Every `since` listChanges was asked with. */
  readonly changesAsked: number[] = [];
  datedListing = true;
  /** Text hashes in the listing, as DokuWiki's getPagelist gives them. */
  hashedListing = false;
  /** Changes older than this are forgotten (DokuWiki's recent_days); asking from before it is answered incomplete. */
  keepsChangesSince = 0;
  /** Makes listChanges throw. */
  changesFailure: (() => Error) | null = null;
  /** The wiki's clock, for ChangesSince.asOf; null: the wiki does not say. */
  clock: (() => number) | null = null;

  constructor(
    readonly wikiUrl = 'http://wiki.test/',
    pages: Record<string, FakePage> = {},
  ) {
    for (const [id, page] of Object.entries(pages)) this.pages.set(id, page);
  }

  /** Creates or edits a page, logging the change. */
  edit(id: string, raw: string, modified: number): void {
    this.pages.set(id, { raw, modified });
    this.changelog.push({ id, modified, deleted: false });
  }

  /** Deletes a page, logging the change. */
  remove(id: string, at: number): void {
    this.pages.delete(id);
    this.changelog.push({ id, modified: at, deleted: true });
  }

  async listPages(): Promise<PageListing[]> {
    this.listCalls++;
    return [...this.pages].map(([id, page]) => {
      const listing: PageListing = { id, modified: this.datedListing ? page.modified : 0 };
      if (this.hashedListing) listing.hash = fakeHash(page.raw);
      return listing;
    });
  }

  async listChanges(since: number): Promise<ChangesSince> {
    this.changesAsked.push(since);
    if (this.changesFailure) throw this.changesFailure();
    const answer: ChangesSince = {
      changes: this.changelog.filter((change) => change.modified >= since),
      complete: since >= this.keepsChangesSince,
    };
    if (this.clock) answer.asOf = this.clock();
    return answer;
  }

  async fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      this.fetched.push(id);
      this.beforeFetch?.(id, this.fetched.length);
      if (this.delayMs) {
        await systemClock.sleep(this.delayMs, signal);
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

/** Stands in for md5: any function of the text that changes with it will do. */
export function fakeHash(raw: string): string {
  let h = 0;
  for (let i = 0; i < raw.length; i++) h = (Math.imul(h, 31) + raw.charCodeAt(i)) | 0;
  return `h${(h >>> 0).toString(16)}`;
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
