// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { detectGateway } from '../../../../services/wiki/detect';
import { asResponse, fakeFetch, methodOf, type RecordedRequest } from './captured';

const isXmlRpc = (r: RecordedRequest) => r.url.endsWith('lib/exe/xmlrpc.php');
const isStartPage = (r: RecordedRequest) => r.url.endsWith('/doku.php');

describe('detectGateway', () => {
  it('picks XML-RPC when the API answers anonymous readers', async () => {
    const { fetch, requests } = fakeFetch((r) =>
      isXmlRpc(r) ? asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version' : 'xmlrpc-api-version') : undefined,
    );
    const gateway = await detectGateway('http://127.0.0.1:8080', fetch);
    expect(gateway.kind).toBe('xmlrpc');
    expect(gateway.wikiUrl).toBe('http://127.0.0.1:8080/');
    expect(requests.map(methodOf)).toEqual(['dokuwiki.getXMLRPCAPIVersion', 'dokuwiki.getVersion']);
  });

  it('picks the public pages when the API is off (fault -32605)', async () => {
    const { fetch } = fakeFetch((r) =>
      isXmlRpc(r) ? asResponse('xmlrpc-api-disabled') : isStartPage(r) ? asResponse('start-page') : undefined,
    );
    const gateway = await detectGateway('http://127.0.0.1:8080/', fetch);
    expect(gateway.kind).toBe('public');
  });

  it('picks the public pages when anonymous callers may not use the API (401 + empty struct)', async () => {
    const { fetch } = fakeFetch((r) => {
      if (isXmlRpc(r)) {
        return asResponse(
          methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-version-not-anonymous' : 'xmlrpc-api-version-not-anonymous',
        );
      }
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch)).kind).toBe('public');
  });

  it('picks the public pages when getVersion answers an empty struct with 200', async () => {
    const { fetch } = fakeFetch((r) => {
      if (isXmlRpc(r)) return asResponse(methodOf(r) === 'dokuwiki.getVersion' ? 'xmlrpc-unknown-method' : 'xmlrpc-api-version');
      return isStartPage(r) ? asResponse('start-page') : undefined;
    });
    expect((await detectGateway('http://127.0.0.1:8080/', fetch)).kind).toBe('public');
  });

  it('keeps a wiki\'s sub-folder', async () => {
    const { fetch, requests } = fakeFetch((r) => (isStartPage(r) ? asResponse('start-page') : undefined));
    const gateway = await detectGateway('https://example.org/wiki', fetch);
    expect(gateway.wikiUrl).toBe('https://example.org/wiki/');
    expect(requests.map((r) => r.url)).toEqual(['https://example.org/wiki/lib/exe/xmlrpc.php', 'https://example.org/wiki/doku.php']);
  });

  it('says "not a DokuWiki" for a site that answers 404 everywhere', async () => {
    const { fetch } = fakeFetch(() => undefined);
    const error = await detectGateway('https://example.org/', fetch).catch((e: unknown) => e);
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
    await expect(detectGateway('https://example.org/', fetch)).rejects.toMatchObject({
      kind: 'not-dokuwiki',
      message: "https://example.org/ answered a page that is not from DokuWiki: it does not look like a DokuWiki. Check the wiki's address.",
    });
  });

  it('says "unreachable" at once when nothing answers, without trying more addresses', async () => {
    const { fetch, requests } = fakeFetch(() => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    });
    await expect(detectGateway('http://127.0.0.1:9/', fetch)).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'http://127.0.0.1:9 cannot be reached (connection refused). Check the address and your connection.',
    });
    expect(requests).toHaveLength(1);
  });

  it('cuts a pasted page address back to its wiki', async () => {
    const { fetch, requests } = fakeFetch((r) => (isStartPage(r) ? asResponse('start-page') : undefined));
    const gateway = await detectGateway('https://example.org/wiki/doku.php?id=start', fetch);
    expect(gateway.wikiUrl).toBe('https://example.org/wiki/');
    expect(requests[0]!.url).toBe('https://example.org/wiki/lib/exe/xmlrpc.php');
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
