/**
 * The one interface through which the sync reads a wiki, whatever the wiki
 * offers: its JSON-RPC API (2024+ releases, services/wiki/jsonrpc-gateway.ts),
 * its XML-RPC API (services/wiki/xmlrpc-gateway.ts) or only its public pages
 * (services/wiki/public-gateway.ts). services/wiki/detect.ts picks one; tests
 * pass a small fake.
 */
import type { PageListing } from '../article';

/** One page as the wiki serves it, before lib/wiki/extract.ts derives an Article. */
export interface FetchedPage {
  id: string;
  /** The DokuWiki source text. */
  raw: string;
  /** The body HTML the wiki renders for it. Untrusted. */
  html: string;
  /** Last modification, unix milliseconds; 0 when the wiki does not say. */
  modified: number;
}

/**
 * What the core needs of an AbortSignal. lib/ compiles without the DOM and
 * Node types, where AbortSignal is not declared; the real AbortSignal of
 * browsers and Node satisfies this, and implementations take that one.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** One page's change since a point in time, as the wiki's recent changes tell it. */
export interface PageChange {
  id: string;
  /** When it changed, unix milliseconds. */
  modified: number;
  /** The page was deleted (or is no longer readable). */
  deleted: boolean;
}

export interface ChangesSince {
  changes: PageChange[];
  /**
   * false when the answer cannot be trusted to hold every change since the
   * asked time: the gap is longer than the wiki keeps recent changes
   * (`recent_days`, 7 by default), the feed was cut at its item limit, or the
   * wiki cannot say. The sync then compares the full page list instead.
   */
  complete: boolean;
  /**
   * The wiki's own time (unix ms) up to which this answer is known to hold
   * every change: the next call should ask `since` this. It is the server's
   * clock (its Date header), not this computer's, and for the public feed the
   * time the wiki built the feed, which it caches for minutes (`rss_update`):
   * changes after that time are only in the next feed. Absent when unknown.
   *
   * `changes` may also hold pages changed shortly before `since` (a margin
   * against clock skew and feed caching): compare with the stored time.
   */
  asOf?: number;
}

export interface WikiGateway {
  readonly kind: 'jsonrpc' | 'xmlrpc' | 'public';
  /** The wiki's base URL, ending in '/'. */
  readonly wikiUrl: string;
  /** Every page the wiki lets its reader see. Rejects with a WikiError. */
  listPages(signal?: AbortSignalLike): Promise<PageListing[]>;
  /** null when the wiki no longer has the page. Rejects with a WikiError. */
  fetchPage(id: string, signal?: AbortSignalLike): Promise<FetchedPage | null>;
  /** Pages changed since `since` (unix ms), oldest first. Rejects with a WikiError. */
  listChanges(since: number, signal?: AbortSignalLike): Promise<ChangesSince>;
}
