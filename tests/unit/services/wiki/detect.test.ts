// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { detectGateway, PublicFallbackGateway, type DetectOptions } from '../../../../services/wiki/detect';
import { VirtualClock } from '../../../support/virtual-clock';
import { asResponse, captured, fakeFetch, methodOf, type RecordedRequest } from './captured';

const isJsonRpc = (r: RecordedRequest) => r.url.endsWith('lib/exe/jsonrpc.php');
const isXmlRpc = (r: RecordedRequest) => r.url.endsWith('lib/exe/xmlrpc.php');
const isStartPage = (r: RecordedRequest) => r.url.endsWith('/doku.php');
const rpcMethod = (r: RecordedRequest) => (isJsonRpc(r) ? (JSON.parse(r.body) as { method: string }).method : methodOf(r));

/** No waiting between retries. */
const options = (): DetectOptions => ({ clock: new VirtualClock() });

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
/** A 2024+ wiki's answer to core.getAPIVersion and core.getWikiVersion. */
const jsonRpcWiki = (r: RecordedRequest) => {
  const { id, method } = JSON.parse(r.body) as { id: number; method: string };
  return json(200, { jsonrpc: '2.0', id, result: method === 'core.getAPIVersion' ? 14 : 'Release 2025-05-14b "Librarian"' });
};
/** The captured start page of a wiki at /, as a wiki under /wiki/ serves it. */
const startPageUnder = (folder: string) =>
  new Response(captured('start-page').text.replaceAll('href="/', `href="/${folder}/`).replaceAll('src="/', `src="/${folder}/`), {
    headers: { 'content-type': 'text/html; charset=utf-8' },
  });

describe('detectGateway', () => {
  it('picks JSON-RPC first, when the API answers and lets this reader in', async () => {
    const { fetch, requests } = fakeFetch((r) => (isJsonRpc(r) ? jsonRpcWiki(r) : undefined));
    const gateway = await detectGateway('http://127.0.0.1:8080', fetch, options());
    expect(gateway.kind).toBe('jsonrpc');
    expect(gateway).toBeInstanceOf(PublicFallbackGateway);
    expect(requests.map(rpcMethod)).toEqual(['core.getAPIVersion', 'core.getWikiVersion']);
  });

  it('picks XML-RPC on a wiki older than JSON-RPC (404 without a JSON-RPC answer)', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      isXmlRpc(r) ? asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version' : 'xmlrpc-api-version') : undefined,
    );
    const gateway = await detectGateway('http://127.0.0.1:8080', fetch, options());
    expect(gateway.kind).toBe('xmlrpc');
    expect(gateway.wikiUrl).toBe('http://127.0.0.1:8080/');
    expect(requests.map(rpcMethod)).toEqual(['core.getAPIVersion', 'dokuwiki.getXMLRPCAPIVersion', 'dokuwiki.getVersion']);
  });

  it('goes straight to the public pages when JSON-RPC says the API is off (-32605): XML-RPC is off too', async () => {
    const { fetch, requests } = fakeFetch((r) => {
      if (isJsonRpc(r)) return json(404, { error: { code: -32605, message: 'JSON-RPC server not enabled.' } });
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch, options())).kind).toBe('public');
    expect(requests.map((r) => new URL(r.url).pathname)).toEqual(['/lib/exe/jsonrpc.php', '/doku.php']);
  });

  it('goes straight to the public pages when JSON-RPC refuses this reader (401)', async () => {
    const { fetch, requests } = fakeFetch((r) => {
      if (isJsonRpc(r)) return json(401, { error: { code: -32603, message: 'server error. not authorized to call method core.getAPIVersion' } });
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    const gateway = await detectGateway('http://127.0.0.1:8080/', fetch, options());
    expect(gateway.kind).toBe('public');
    expect(requests.some(isXmlRpc)).toBe(false);
  });

  it('still tries XML-RPC when a web server (not DokuWiki) blocks jsonrpc.php', async () => {
    const { fetch } = fakeFetch((r) => {
      if (isJsonRpc(r)) return new Response('<h1>403 Forbidden</h1>', { status: 403, headers: { 'content-type': 'text/html' } });
      return isXmlRpc(r) ? asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version' : 'xmlrpc-api-version') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch, options())).kind).toBe('xmlrpc');
  });

  it('picks the public pages when the XML-RPC API is off (fault -32605)', async () => {
    const { fetch } = fakeFetch((r) => (isXmlRpc(r) ? asResponse('xmlrpc-api-disabled') : isStartPage(r) ? asResponse('start-page') : undefined));
    expect((await detectGateway('http://127.0.0.1:8080/', fetch, options())).kind).toBe('public');
  });

  it('picks the public pages when anonymous callers may not use XML-RPC (401 + empty struct)', async () => {
    const { fetch } = fakeFetch((r) => {
      if (isXmlRpc(r)) {
        return asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version-not-anonymous' : 'xmlrpc-api-version-not-anonymous');
      }
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch, options())).kind).toBe('public');
  });

  it('picks the public pages when getVersion answers an empty struct with 200', async () => {
    const { fetch } = fakeFetch((r) => {
      if (isXmlRpc(r)) return asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-unknown-method' : 'xmlrpc-api-version');
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch, options())).kind).toBe('public');
  });

  it('keeps a wiki\'s sub-folder', async () => {
    const { fetch, requests } = fakeFetch((r) => (r.url === 'https://example.org/wiki/doku.php' ? startPageUnder('wiki') : undefined));
    const gateway = await detectGateway('https://example.org/wiki', fetch, options());
    expect(gateway.wikiUrl).toBe('https://example.org/wiki/');
    expect(requests.map((r) => r.url)).toEqual([
      'https://example.org/wiki/lib/exe/jsonrpc.php',
      'https://example.org/wiki/lib/exe/xmlrpc.php',
      'https://example.org/wiki/doku.php',
    ]);
  });

  it('cuts a pasted page address back to its wiki', async () => {
    const { fetch, requests } = fakeFetch((r) => (r.url === 'https://example.org/wiki/doku.php' ? startPageUnder('wiki') : undefined));
    const gateway = await detectGateway('https://example.org/wiki/doku.php?id=start', fetch, options());
    expect(gateway.wikiUrl).toBe('https://example.org/wiki/');
    expect(requests[0]!.url).toBe('https://example.org/wiki/lib/exe/jsonrpc.php');
  });

  it('finds the wiki of a pasted rewritten page address from the page itself', async () => {
    // /wiki/ns:page is a page; /wiki/ns:page/doku.php is nothing.
    const { fetch } = fakeFetch((r) =>
      r.url === 'https://example.org/wiki/ns:page' || r.url === 'https://example.org/wiki/doku.php' ? startPageUnder('wiki') : undefined,
    );
    const gateway = await detectGateway('https://example.org/wiki/ns:page', fetch, options());
    expect(gateway.wikiUrl).toBe('https://example.org/wiki/');
    expect(gateway.kind).toBe('public');
  });

  it('moves to the base a rewritten wiki names when any path answers with its "does not exist" page', async () => {
    // userewrite 1: /ns:page/doku.php is the page "ns:page/doku.php", which does not exist.
    const { fetch } = fakeFetch((r) => (r.url.endsWith('/doku.php') ? asResponse('export-raw-missing') : undefined));
    const gateway = await detectGateway('https://example.org/ns:page', fetch, options());
    expect(gateway.wikiUrl).toBe('https://example.org/');
  });

  it('says a private wiki does not let an anonymous reader in', async () => {
    const { fetch } = fakeFetch((r) => (isStartPage(r) ? asResponse('export-raw-denied') : undefined));
    await expect(detectGateway('http://127.0.0.1:8080/', fetch, options())).rejects.toMatchObject({
      kind: 'denied',
      message: 'http://127.0.0.1:8080/ is a DokuWiki that does not let this reader in. If it is a private wiki, enter an account or a token.',
    });
  });

  it('says "not a DokuWiki" for a site that answers 404 everywhere', async () => {
    const { fetch } = fakeFetch(() => undefined);
    const error = await detectGateway('https://example.org/', fetch, options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({
      kind: 'not-dokuwiki',
      message: "https://example.org/ answered 404: it does not look like a DokuWiki. Check the wiki's address.",
    });
  });

  it('says "not a DokuWiki" for a site that serves some other HTML', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html><head><meta name="generator" content="MediaWiki 1.41"></head></html>', { headers: { 'content-type': 'text/html' } }),
    );
    await expect(detectGateway('https://example.org/', fetch, options())).rejects.toMatchObject({
      kind: 'not-dokuwiki',
      message: "https://example.org/ answered a page that is not from DokuWiki: it does not look like a DokuWiki. Check the wiki's address.",
    });
  });

  it('says "unreachable" when nothing answers, after retrying the first address only', async () => {
    const { fetch, requests } = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    });
    const clock = new VirtualClock();
    await expect(detectGateway('http://127.0.0.1:9/', fetch, { clock })).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'http://127.0.0.1:9 cannot be reached (connection refused). Check the address and your connection.',
    });
    expect(new Set(requests.map((r) => r.url))).toEqual(new Set(['http://127.0.0.1:9/lib/exe/jsonrpc.php']));
    expect(requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('uses only the source it is told to', async () => {
    const everything = fakeFetch((r) => {
      if (isJsonRpc(r)) return jsonRpcWiki(r);
      if (isXmlRpc(r)) return asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version' : 'xmlrpc-api-version');
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    const xml = await detectGateway('http://127.0.0.1:8080/', everything.fetch, { ...options(), source: 'xmlrpc' });
    expect(xml.kind).toBe('xmlrpc');
    expect(xml).not.toBeInstanceOf(PublicFallbackGateway);
    const pub = await detectGateway('http://127.0.0.1:8080/', everything.fetch, { ...options(), source: 'public' });
    expect(pub.kind).toBe('public');
    expect(everything.requests.filter(isJsonRpc)).toHaveLength(0);
  });

  it('says why a forced source does not work', async () => {
    const { fetch } = fakeFetch((r) => (isStartPage(r) ? asResponse('start-page') : undefined));
    await expect(detectGateway('http://127.0.0.1:8080/', fetch, { ...options(), source: 'jsonrpc' })).rejects.toMatchObject({
      kind: 'http',
      status: 404,
      message: 'http://127.0.0.1:8080 has no JSON-RPC API (HTTP 404); DokuWiki releases before 2024 do not.',
    });
  });

  it('sends the credentials with every request', async () => {
    const { fetch, requests } = fakeFetch((r) => (isJsonRpc(r) ? jsonRpcWiki(r) : undefined));
    const headers: Array<string | null> = [];
    const recording = (url: string, init?: RequestInit) => {
      headers.push(new Headers(init?.headers).get('authorization'));
      return fetch(url, init);
    };
    await detectGateway('http://127.0.0.1:8080/', recording, { ...options(), credentials: { token: 'abc' } });
    expect(requests).toHaveLength(2);
    expect(headers).toEqual(['Bearer abc', 'Bearer abc']);
  });

  it('rejects what is not a web address without a request', async () => {
    const { fetch, requests } = fakeFetch(() => undefined);
    await expect(detectGateway('ftp://example.org/', fetch)).rejects.toMatchObject({
      kind: 'not-dokuwiki',
      message: 'Only http and https wikis are supported, not ftp.',
    });
    expect(requests).toHaveLength(0);
  });
});
