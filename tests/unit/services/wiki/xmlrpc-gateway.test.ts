// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { XmlRpcGateway } from '../../../../services/wiki/xmlrpc-gateway';
import { decodeMethodResponse } from '../../../../services/wiki/xmlrpc';
import { CAPTURED_WIKI, asResponse, captured, fakeFetch, methodOf, type RecordedRequest } from './captured';

function capturedApi(request: RecordedRequest): Response | undefined {
  switch (methodOf(request)) {
    case 'dokuwiki.getPagelist':
      return asResponse('xmlrpc-pagelist');
    case 'wiki.getPage':
      return asResponse(request.body.includes('<string>metagpt</string>') ? 'xmlrpc-page' : 'xmlrpc-page-missing');
    case 'wiki.getPageHTML':
      return asResponse('xmlrpc-page-html');
    case 'wiki.getPageInfo':
      return asResponse('xmlrpc-page-info');
    default:
      return asResponse('xmlrpc-unknown-method');
  }
}

describe('XmlRpcGateway', () => {
  it('lists pages with dokuwiki.getPagelist(\'\', {depth: 0, hash: true}), dates in ms', async () => {
    const { fetch, requests } = fakeFetch(capturedApi);
    const pages = await new XmlRpcGateway(CAPTURED_WIKI, { fetch }).listPages();
    const raw = decodeMethodResponse(captured('xmlrpc-pagelist').text) as Array<{ id: string; mtime: number; hash: string }>;
    expect(pages).toHaveLength(raw.length);
    const metagpt = raw.find((p) => p.id === 'metagpt')!;
    expect(pages.find((p) => p.id === 'metagpt')).toEqual({ id: 'metagpt', modified: metagpt.mtime * 1000, hash: metagpt.hash });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toContain('<param><value><string></string></value></param>');
    expect(requests[0]!.body).toContain('<member><name>depth</name><value><int>0</int></value></member>');
    expect(requests[0]!.body).toContain('<member><name>hash</name><value><boolean>1</boolean></value></member>');
  });

  it('fetches source and HTML, dated from the listing without a getPageInfo', async () => {
    const { fetch, requests } = fakeFetch(capturedApi);
    const gateway = new XmlRpcGateway(CAPTURED_WIKI, { fetch });
    const listed = (await gateway.listPages()).find((p) => p.id === 'metagpt')!;
    const page = await gateway.fetchPage('metagpt');
    expect(page).toEqual({
      id: 'metagpt',
      raw: captured('export-raw').text,
      html: decodeMethodResponse(captured('xmlrpc-page-html').text),
      modified: listed.modified,
    });
    expect(requests.map(methodOf)).toEqual(['dokuwiki.getPagelist', 'wiki.getPage', 'wiki.getPageHTML']);
  });

  it('dates a page it has not listed with wiki.getPageInfo', async () => {
    const { fetch, requests } = fakeFetch(capturedApi);
    const page = await new XmlRpcGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt');
    const info = decodeMethodResponse(captured('xmlrpc-page-info').text) as { lastModified: Date };
    expect(page?.modified).toBe(info.lastModified.getTime());
    expect(requests.map(methodOf).sort()).toEqual(['wiki.getPage', 'wiki.getPageHTML', 'wiki.getPageInfo']);
  });

  it('answers null for a page whose source is empty (missing), with one request', async () => {
    const { fetch, requests } = fakeFetch(capturedApi);
    await expect(new XmlRpcGateway(CAPTURED_WIKI, { fetch }).fetchPage('no_such_page')).resolves.toBeNull();
    expect(requests).toHaveLength(1);
  });

  it('reports the empty-struct refusal of getPagelist as a denial', async () => {
    const { fetch } = fakeFetch(() => asResponse('xmlrpc-unknown-method'));
    await expect(new XmlRpcGateway(CAPTURED_WIKI, { fetch }).listPages()).rejects.toMatchObject({
      kind: 'denied',
      method: 'dokuwiki.getPagelist',
    });
  });

  it('rejects a listing item without an id', async () => {
    const xml =
      '<methodResponse><params><param><value><array><data><value><struct><member><name>mtime</name><value><int>1</int></value></member></struct></value></data></array></value></param></params></methodResponse>';
    const { fetch } = fakeFetch(() => new Response(xml, { headers: { 'content-type': 'text/xml' } }));
    await expect(new XmlRpcGateway(CAPTURED_WIKI, { fetch }).listPages()).rejects.toMatchObject({ kind: 'bad-response' });
  });

  it('lists recent changes with wiki.getRecentChanges: a deletion is a page whose size is false', async () => {
    const { fetch, requests } = fakeFetch(() => asResponse('xmlrpc-recent-changes'));
    const since = Date.now() - 3_600_000;
    const answer = await new XmlRpcGateway(CAPTURED_WIKI, { fetch }).listChanges(since);
    const raw = decodeMethodResponse(captured('xmlrpc-recent-changes').text) as Array<{ name: string; version: number; size: number | false }>;
    expect(answer.changes).toEqual(
      raw.map((c) => ({ id: c.name, modified: c.version * 1000, deleted: c.size === false })).sort((a, b) => a.modified - b.modified || (a.id < b.id ? -1 : 1)),
    );
    expect(answer.changes.find((c) => c.id === 'guides:setup:first_steps')?.deleted).toBe(true);
    expect(answer.changes.find((c) => c.id === 'autogen')?.deleted).toBe(false);
    expect(answer.complete).toBe(true);
    expect(requests[0]!.body).toContain(`<int>${Math.floor((since - 600_000) / 1000)}</int>`);
  });

  it('dates a page fetched after the changes by them, without a getPageInfo', async () => {
    const { fetch, requests } = fakeFetch((r) => {
      switch (methodOf(r)) {
        case 'wiki.getRecentChanges':
          return asResponse('xmlrpc-recent-changes');
        case 'wiki.getPage':
          return asResponse('xmlrpc-page');
        case 'wiki.getPageHTML':
          return asResponse('xmlrpc-page-html');
        default:
          return asResponse('xmlrpc-page-info');
      }
    });
    const gateway = new XmlRpcGateway(CAPTURED_WIKI, { fetch });
    const changes = await gateway.listChanges(Date.now() - 3_600_000);
    const page = await gateway.fetchPage('autogen');
    expect(page?.modified).toBe(changes.changes.find((c) => c.id === 'autogen')!.modified);
    expect(requests.map(methodOf)).toEqual(['wiki.getRecentChanges', 'wiki.getPage', 'wiki.getPageHTML']);
  });

  it('reads the 2022 empty struct for "no changes" as no changes, and fault 321 of later releases too', async () => {
    const empty = fakeFetch(() => asResponse('xmlrpc-recent-changes-none'));
    expect((await new XmlRpcGateway(CAPTURED_WIKI, { fetch: empty.fetch }).listChanges(Date.now())).changes).toEqual([]);
    const fault =
      '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>321</int></value></member>' +
      '<member><name>faultString</name><value><string>There are no changes in the specified timeframe</string></value></member></struct></value></fault></methodResponse>';
    const faulting = fakeFetch(() => new Response(fault, { headers: { 'content-type': 'text/xml' } }));
    await expect(new XmlRpcGateway(CAPTURED_WIKI, { fetch: faulting.fetch }).listChanges(Date.now())).resolves.toMatchObject({ changes: [], complete: true });
  });

  it('asks with a ten-digit timestamp however old `since` is, and cannot vouch for more than 7 days', async () => {
    const { fetch, requests } = fakeFetch(() => asResponse('xmlrpc-recent-changes-none'));
    const gateway = new XmlRpcGateway(CAPTURED_WIKI, { fetch });
    expect((await gateway.listChanges(0)).complete).toBe(false);
    expect(requests[0]!.body).toContain('<int>1000000000</int>');
    expect((await gateway.listChanges(Date.now() - 8 * 86_400_000)).complete).toBe(false);
    expect((await new XmlRpcGateway(CAPTURED_WIKI, { fetch }, { recentDays: 14 }).listChanges(Date.now() - 8 * 86_400_000)).complete).toBe(true);
  });

  it('reports a refused recent-changes call as a denial', async () => {
    const { fetch } = fakeFetch(() => asResponse('xmlrpc-version-not-anonymous'));
    await expect(new XmlRpcGateway(CAPTURED_WIKI, { fetch }).listChanges(Date.now())).rejects.toMatchObject({ kind: 'denied', status: 401 });
  });
});
