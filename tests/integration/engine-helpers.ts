/**
 * What the sync engine's integration tests share: a fetch that records every
 * request (and, for XML-RPC, which method on which page), a gateway detected
 * through it without the politeness ceiling (the tests are the only client
 * of their own wiki), and a sync through the real runner.
 */
import { IDBFactory } from 'fake-indexeddb';
import { openDatabase, type Database } from '../../services/store/db';
import { runSync, type SyncDeps, type SyncReport } from '../../services/sync/sync-runner';
import { detectGateway } from '../../services/wiki/detect';
import type { WikiGateway } from '../../lib/wiki/gateway';

export interface RecordedRequest {
  url: string;
  /** The XML-RPC method, for calls to lib/exe/xmlrpc.php. */
  method?: string;
  /** Its first string parameter (the page id of wiki.getPage and friends). */
  page?: string;
}

/** The XML-RPC methods that read one page. */
export const PAGE_METHODS = new Set(['wiki.getPage', 'wiki.getPageHTML', 'wiki.getPageInfo']);

const decodeXmlText = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * globalThis.fetch, recording each request. `before` runs before a request
 * is sent and may throw (the request then fails as a network error would) or
 * act (stop the wiki, abort a sync).
 */
export function recordingFetch(before?: (request: RecordedRequest, count: number) => Promise<void> | void) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: string, init?: RequestInit): Promise<Response> => {
    const request: RecordedRequest = { url: input };
    if (typeof init?.body === 'string' && input.endsWith('lib/exe/xmlrpc.php')) {
      // Test bookkeeping over our own encoder's output, not a parser of anyone's XML.
      const method = /<methodName>([^<]+)<\/methodName>/.exec(init.body)?.[1];
      const page = /<param><value><string>([^<]*)<\/string><\/value><\/param>/.exec(init.body)?.[1];
      if (method) request.method = method;
      if (page !== undefined) request.page = decodeXmlText(page);
    }
    requests.push(request);
    await before?.(request, requests.length);
    return fetch(input, init);
  };
  return {
    fetch: fetchImpl,
    requests,
    /** Requests that read one page, by page id. */
    pageRequests: () => requests.filter((r) => r.method && PAGE_METHODS.has(r.method)),
    methods: () => requests.map((r) => r.method ?? new URL(r.url).pathname),
    clear: () => void requests.splice(0),
  };
}

/** The gateway the background would choose, its requests going through `fetchImpl`, with no per-second ceiling. */
export function gatewayFor(wikiUrl: string, fetchImpl: typeof fetch | ((input: string, init?: RequestInit) => Promise<Response>) = fetch) {
  return detectGateway(wikiUrl, fetchImpl as (input: string, init?: RequestInit) => Promise<Response>, {
    politeness: { maxPerSecond: Infinity },
  });
}

export function freshDatabase(): Promise<Database> {
  return openDatabase(new IDBFactory());
}

export function syncWith(gateway: WikiGateway, db: Database, extra: Partial<SyncDeps> = {}): Promise<SyncReport> {
  return runSync({ gateway, db, onProgress: () => {}, ...extra });
}
