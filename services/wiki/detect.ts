/**
 * Finds out how a wiki can be read, the best way first:
 * 1. its XML-RPC API (`dokuwiki.getXMLRPCAPIVersion`; fault -32605 = off),
 *    if an anonymous reader may use it (`dokuwiki.getVersion`: HTTP 401 or
 *    an empty struct = not allowed);
 * 2. otherwise its public pages, once `doku.php` proves it is a DokuWiki
 *    (`<meta name="generator" content="DokuWiki"/>`).
 * The JSON-RPC API of 2024+ releases also serves these legacy XML-RPC
 * methods, so one client covers every release.
 */
import { normalizeWikiUrl } from '../../lib/settings/settings';
import { WikiError } from '../../lib/wiki/errors';
import type { WikiGateway } from '../../lib/wiki/gateway';
import { requestText, type FetchLike, type HttpOptions } from './http';
import { PublicGateway, isDokuWikiPage } from './public-gateway';
import { expectType } from './xmlrpc';
import { XmlRpcGateway } from './xmlrpc-gateway';

/** A base URL ending in '/', as the gateways build addresses from it (a pasted page address is cut back to its wiki). */
function baseOf(wikiUrl: string): string {
  const checked = normalizeWikiUrl(wikiUrl);
  if (!checked.ok) throw new WikiError('not-dokuwiki', checked.error);
  return checked.url;
}

const isNetworkFailure = (error: unknown) =>
  error instanceof WikiError && (error.kind === 'unreachable' || error.kind === 'timeout');

export async function detectGateway(
  wikiUrl: string,
  fetchImpl?: FetchLike,
  options: Omit<HttpOptions, 'fetch'> & { signal?: AbortSignal } = {},
): Promise<WikiGateway> {
  const base = baseOf(wikiUrl);
  const http: HttpOptions = { ...options, ...(fetchImpl ? { fetch: fetchImpl } : {}) };
  const { signal } = options;

  const xmlrpc = new XmlRpcGateway(base, http);
  try {
    const version = await xmlrpc.client.call('dokuwiki.getXMLRPCAPIVersion', [], signal);
    expectType(version, 'number', 'dokuwiki.getXMLRPCAPIVersion', xmlrpc.client.endpoint);
    // The API answers; may an anonymous reader use it?
    const release = await xmlrpc.client.call('dokuwiki.getVersion', [], signal);
    expectType(release, 'string', 'dokuwiki.getVersion', xmlrpc.client.endpoint);
    return xmlrpc;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    // Nothing answers at all: no use trying the public pages of the same host.
    if (isNetworkFailure(error)) throw error;
    // Any other failure (API off, not allowed, no such endpoint, not XML-RPC)
    // leaves the public pages.
  }

  const start = await requestText(`${base}doku.php`, { credentials: 'omit', cache: 'no-store' }, { ...http, signal });
  const isDokuWiki = start.contentType === 'text/html' && isDokuWikiPage(start.text);
  if (!isDokuWiki) {
    const answer =
      start.status >= 200 && start.status <= 299 ? `a page that is not from DokuWiki` : `${start.status}`;
    throw new WikiError(
      'not-dokuwiki',
      `${base} answered ${answer}: it does not look like a DokuWiki. Check the wiki's address.`,
      { url: start.url, status: start.status },
    );
  }
  if (start.status === 401 || start.status === 403) {
    throw new WikiError('denied', `${base} is a DokuWiki that does not let anonymous readers in (HTTP ${start.status}).`, {
      url: start.url,
      status: start.status,
    });
  }
  return new PublicGateway(base, http);
}
