/**
 * Finds out how a wiki can be read, the best way first:
 * 1. its JSON-RPC API (2024+ releases): `core.getAPIVersion`, then
 *    `core.getWikiVersion`, which unlike the first is not public and so
 *    proves this reader may use the API. A 404 without a JSON-RPC answer
 *    means an older release; "API off" (-32605) or a refusal (401/403) means
 *    the XML-RPC API of the same wiki is off or refused too (one setting
 *    governs both), so it is skipped;
 * 2. its XML-RPC API (`dokuwiki.getXMLRPCAPIVersion`; fault -32605 = off),
 *    if this reader may use it (`dokuwiki.getVersion`: HTTP 401 or an empty
 *    struct = not allowed);
 * 3. otherwise its public pages, once `doku.php` proves it is a DokuWiki
 *    (`<meta name="generator" content="DokuWiki"/>`).
 *
 * The source can be forced (settings `source`), and credentials (an account
 * or a token) go with every request. An API chosen automatically that later
 * refuses to list (its admin closed it) falls back to the public pages.
 *
 * A pasted page address of a wiki with rewritten URLs
 * (`https://wiki.example.org/ns:page`) does not look like a page address;
 * the DokuWiki page it leads to names the wiki's real base (its `lib/exe/`
 * links), and detection starts again from there.
 */
import type { PageListing } from '../../lib/article';
import { normalizeWikiUrl, type WikiSource } from '../../lib/settings/settings';
import { WikiError } from '../../lib/wiki/errors';
import type { ChangesSince, FetchedPage, WikiGateway } from '../../lib/wiki/gateway';
import { WikiHttp, type FetchLike, type HttpOptions } from './http';
import { JsonRpcFault } from './jsonrpc';
import { JsonRpcGateway } from './jsonrpc-gateway';
import { readDokuWikiPage } from './dokuwiki-page';
import { PublicGateway, type PublicGatewaySettings } from './public-gateway';
import { XmlRpcFault, XmlRpcRefusal, expectType } from './xmlrpc';
import { XmlRpcGateway } from './xmlrpc-gateway';

export interface DetectOptions extends Omit<HttpOptions, 'fetch'>, PublicGatewaySettings {
  signal?: AbortSignal;
  /** 'auto' (default) tries JSON-RPC, XML-RPC, then the public pages; the others use only that one. */
  source?: WikiSource;
  /** The HTTP client of this wiki, when the caller keeps one; else one is made from the options. */
  http?: WikiHttp;
}

/** A base URL ending in '/', as the gateways build addresses from it (a pasted page address is cut back to its wiki). */
function baseOf(wikiUrl: string): string {
  const checked = normalizeWikiUrl(wikiUrl);
  if (!checked.ok) throw new WikiError('not-dokuwiki', checked.error);
  return checked.url;
}

const isNetworkFailure = (error: unknown) =>
  error instanceof WikiError && (error.kind === 'unreachable' || error.kind === 'timeout');

/**
 * The API said no to this reader: switched off (-32605), or not for this
 * caller (HTTP 401/403, or the XML-RPC empty struct). A refusal is not an
 * absence: the wiki has the API, its admin closed it.
 */
export function isApiRefusal(error: unknown): boolean {
  if (error instanceof XmlRpcRefusal) return true;
  if (!(error instanceof WikiError) || error.kind !== 'denied') return false;
  return error instanceof JsonRpcFault || error instanceof XmlRpcFault || error.status === 401 || error.status === 403;
}

type Probe = { found: WikiGateway } | { refused: unknown } | { absent: unknown };

export async function detectGateway(wikiUrl: string, fetchImpl?: FetchLike, options: DetectOptions = {}): Promise<WikiGateway> {
  const base = baseOf(wikiUrl);
  const http = options.http ?? new WikiHttp({ ...options, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return detectAt(base, wikiUrl, http, options, true);
}

async function detectAt(
  base: string,
  entered: string,
  http: WikiHttp,
  options: DetectOptions,
  mayMove: boolean,
): Promise<WikiGateway> {
  const { signal } = options;
  const source = options.source ?? 'auto';
  const settings: PublicGatewaySettings = {};
  if (options.recentDays !== undefined) settings.recentDays = options.recentDays;
  if (options.feedItems !== undefined) settings.feedItems = options.feedItems;
  const publicGateway = () => new PublicGateway(base, http, settings);

  if (source === 'jsonrpc' || source === 'xmlrpc') {
    const probe = source === 'jsonrpc' ? await probeJsonRpc(base, http, settings, signal) : await probeXmlRpc(base, http, settings, signal);
    if ('found' in probe) return probe.found;
    // Forced, so no fallback: say why this source does not work here.
    throw 'refused' in probe ? probe.refused : probe.absent;
  }

  if (source === 'auto') {
    const json = await probeJsonRpc(base, http, settings, signal);
    if ('found' in json) return new PublicFallbackGateway(json.found, publicGateway);
    if ('absent' in json) {
      const xml = await probeXmlRpc(base, http, settings, signal);
      if ('found' in xml) return new PublicFallbackGateway(xml.found, publicGateway);
    }
  }

  const start = await http.text(`${base}doku.php`, { credentials: 'omit', cache: 'no-store' }, signal);
  const page = start.contentType === 'text/html' ? readDokuWikiPage(start.text, start.url) : null;
  if (page?.isDokuWiki) {
    // `base/doku.php` can be a DokuWiki page of ANOTHER base: a rewritten
    // wiki answers any path with its "page does not exist" page.
    if (page.base && page.base !== base && mayMove) {
      try {
        return await detectAt(page.base, entered, http, options, false);
      } catch (error) {
        // The page named a base that is no wiki (a proxy that hides a
        // prefix from DokuWiki): the address that answered stays.
        if (!(error instanceof WikiError && error.kind === 'not-dokuwiki')) throw error;
      }
    }
  } else if (mayMove && entered !== `${base}doku.php`) {
    const moved = await baseFromPage(entered, http, signal);
    if (moved && moved !== base) return detectAt(moved, entered, http, options, false);
  }
  const denied = start.status === 401 || start.status === 403 || page?.action === 'denied' || page?.action === 'login';
  if (denied) {
    throw new WikiError(
      'denied',
      `${base} is a DokuWiki that does not let this reader in${start.status >= 400 ? ` (HTTP ${start.status})` : ''}. ` +
        (http.authenticated ? 'Check the user name and password or token.' : 'If it is a private wiki, enter an account or a token.'),
      { url: start.url, status: start.status },
    );
  }
  if (!page?.isDokuWiki) {
    const answer = start.status >= 200 && start.status <= 299 ? `a page that is not from DokuWiki` : `${start.status}`;
    throw new WikiError('not-dokuwiki', `${base} answered ${answer}: it does not look like a DokuWiki. Check the wiki's address.`, {
      url: start.url,
      status: start.status,
    });
  }
  return publicGateway();
}

/** The wiki base named by the DokuWiki page at the address as entered, if it is one. */
async function baseFromPage(entered: string, http: WikiHttp, signal?: AbortSignal): Promise<string | null> {
  let url: string;
  try {
    url = new URL(entered.trim()).href;
  } catch {
    return null;
  }
  try {
    const page = await http.text(url, { credentials: 'omit', cache: 'no-store' }, signal);
    if (page.contentType !== 'text/html') return null;
    const facts = readDokuWikiPage(page.text, page.url);
    return facts.isDokuWiki ? facts.base : null;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    return null;
  }
}

async function probeJsonRpc(base: string, http: WikiHttp, settings: PublicGatewaySettings, signal?: AbortSignal): Promise<Probe> {
  const gateway = new JsonRpcGateway(base, http, settings);
  try {
    const version = await gateway.client.call('core.getAPIVersion', [], signal);
    if (typeof version !== 'number') {
      return { absent: new WikiError('bad-response', `${base} answered core.getAPIVersion without a version number.`) };
    }
    // getAPIVersion is public; getWikiVersion is not, so it tells whether this reader may use the API.
    const release = await gateway.client.call('core.getWikiVersion', [], signal);
    if (typeof release !== 'string') {
      return { absent: new WikiError('bad-response', `${base} answered core.getWikiVersion without a release name.`) };
    }
    return { found: gateway };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isNetworkFailure(error)) throw error;
    // Only DokuWiki's own refusal (a JSON-RPC error) speaks for its XML-RPC
    // too: a web server that blocks jsonrpc.php alone may let xmlrpc.php be.
    return error instanceof JsonRpcFault && isApiRefusal(error) ? { refused: error } : { absent: error };
  }
}

async function probeXmlRpc(base: string, http: WikiHttp, settings: PublicGatewaySettings, signal?: AbortSignal): Promise<Probe> {
  const gateway = new XmlRpcGateway(base, http, settings);
  try {
    const version = await gateway.client.call('dokuwiki.getXMLRPCAPIVersion', [], signal);
    expectType(version, 'number', 'dokuwiki.getXMLRPCAPIVersion', gateway.client.endpoint);
    // The API answers; may this reader use it?
    const release = await gateway.client.call('dokuwiki.getVersion', [], signal);
    expectType(release, 'string', 'dokuwiki.getVersion', gateway.client.endpoint);
    return { found: gateway };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Nothing answers at all: no use trying the public pages of the same host.
    if (isNetworkFailure(error)) throw error;
    return isApiRefusal(error) ? { refused: error } : { absent: error };
  }
}

/**
 * An API gateway that turns to the public pages of the same wiki when the
 * API refuses a listing (its admin switched it off or restricted it since it
 * was detected). Only listings switch: a refusal in the middle of fetching
 * fails that sync, and the next one starts with a listing.
 */
export class PublicFallbackGateway implements WikiGateway {
  private current: WikiGateway;

  constructor(
    readonly api: WikiGateway,
    private readonly makePublic: () => WikiGateway,
  ) {
    this.current = api;
  }

  get kind(): WikiGateway['kind'] {
    return this.current.kind;
  }

  get wikiUrl(): string {
    return this.current.wikiUrl;
  }

  listPages(signal?: AbortSignal): Promise<PageListing[]> {
    return this.listing((gateway) => gateway.listPages(signal));
  }

  listChanges(since: number, signal?: AbortSignal): Promise<ChangesSince> {
    return this.listing((gateway) => gateway.listChanges(since, signal));
  }

  fetchPage(id: string, signal?: AbortSignal): Promise<FetchedPage | null> {
    return this.current.fetchPage(id, signal);
  }

  private async listing<T>(call: (gateway: WikiGateway) => Promise<T>): Promise<T> {
    const gateway = this.current;
    try {
      return await call(gateway);
    } catch (error) {
      if (gateway !== this.api || !isApiRefusal(error)) throw error;
      this.current = this.makePublic();
      return call(this.current);
    }
  }
}
