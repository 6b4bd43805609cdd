// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { JsonRpcGateway } from '../../../../services/wiki/jsonrpc-gateway';
import { fakeFetch, type RecordedRequest } from './captured';

const WIKI = 'https://wiki.example/';
const NOW = Date.UTC(2026, 5, 1, 12);
const DAY = 86_400_000;

interface Call {
  id: number;
  method: string;
  params: Record<string, unknown>;
}
const callOf = (r: RecordedRequest) => JSON.parse(r.body) as Call;

/** A 2024+ wiki with two pages, answering as ApiCore does; `changes` for getRecentPageChanges. */
function wiki(changes: unknown[] = []) {
  const pages: Record<string, { raw: string; html: string; revision: number }> = {
    metagpt: { raw: '====== MetaGPT ======\n\n**MetaGPT** is a framework.\n', html: '<h1>MetaGPT</h1>', revision: 1_780_000_000 },
    'papers:react': { raw: '====== ReAct ======\n\nReasoning and acting.\n', html: '<h1>ReAct</h1>', revision: 1_780_000_100 },
  };
  const answer = (id: number, result: unknown) =>
    new Response(JSON.stringify({ id, jsonrpc: '2.0', result }), {
      headers: { 'content-type': 'application/json', date: new Date(NOW).toUTCString() },
    });
  const missing = () =>
    new Response(JSON.stringify({ error: { code: 121, message: 'The requested page (revision) does not exist' } }), {
      status: 400,
      headers: { 'content-type': 'application/json' },
    });
  return fakeFetch((r) => {
    const { id, method, params } = callOf(r);
    const page = pages[String(params['page'])];
    switch (method) {
      case 'core.listPages':
        return answer(
          id,
          Object.entries(pages).map(([pageId, p]) => ({
            id: pageId,
            revision: p.revision,
            size: p.raw.length,
            title: pageId,
            permission: 1,
            hash: `hash-of-${pageId}`,
            author: '',
          })),
        );
      case 'core.getPage':
        return answer(id, page?.raw ?? '');
      case 'core.getPageHTML':
        return page ? answer(id, page.html) : missing();
      case 'core.getPageInfo':
        return page ? answer(id, { id: params['page'], revision: page.revision, size: 1, title: '', permission: 1, hash: '', author: '' }) : missing();
      case 'core.getRecentPageChanges':
        return answer(id, changes);
      default:
        return undefined;
    }
  });
}

describe('JsonRpcGateway', () => {
  it('lists the whole wiki with core.listPages("", 0, hash), times in ms', async () => {
    const { fetch, requests } = wiki();
    const pages = await new JsonRpcGateway(WIKI, { fetch }).listPages();
    expect(pages).toEqual([
      { id: 'metagpt', modified: 1_780_000_000_000, hash: 'hash-of-metagpt' },
      { id: 'papers:react', modified: 1_780_000_100_000, hash: 'hash-of-papers:react' },
    ]);
    expect(callOf(requests[0]!)).toMatchObject({ method: 'core.listPages', params: { namespace: '', depth: 0, hash: true } });
  });

  it('fetches source and HTML, dated from the listing without a getPageInfo', async () => {
    const { fetch, requests } = wiki();
    const gateway = new JsonRpcGateway(WIKI, { fetch });
    await gateway.listPages();
    const page = await gateway.fetchPage('metagpt');
    expect(page).toEqual({ id: 'metagpt', raw: '====== MetaGPT ======\n\n**MetaGPT** is a framework.\n', html: '<h1>MetaGPT</h1>', modified: 1_780_000_000_000 });
    expect(requests.map((r) => callOf(r).method)).toEqual(['core.listPages', 'core.getPage', 'core.getPageHTML']);
  });

  it('dates a page it has not listed with core.getPageInfo', async () => {
    const { fetch, requests } = wiki();
    expect((await new JsonRpcGateway(WIKI, { fetch }).fetchPage('papers:react'))?.modified).toBe(1_780_000_100_000);
    expect(requests.map((r) => callOf(r).method).sort()).toEqual(['core.getPage', 'core.getPageHTML', 'core.getPageInfo']);
  });

  it('answers null for a missing page (error 121), though getPage answers ""', async () => {
    const { fetch } = wiki();
    await expect(new JsonRpcGateway(WIKI, { fetch }).fetchPage('no_such_page')).resolves.toBeNull();
  });

  it('lists recent changes from a margin before `since`, each page once, deletions marked', async () => {
    const since = NOW - 3_600_000;
    const { fetch, requests } = wiki([
      { id: 'metagpt', revision: 1_780_000_000, author: 'a', ip: '::1', summary: '', type: 'E', sizechange: 3 },
      { id: 'old_page', revision: 1_780_000_050, author: 'a', ip: '::1', summary: 'removed', type: 'D', sizechange: -40 },
      { id: 'papers:react', revision: 1_780_000_100, author: 'a', ip: '::1', summary: '', type: 'C', sizechange: 40 },
    ]);
    const answer = await new JsonRpcGateway(WIKI, { fetch }).listChanges(since);
    expect(answer).toEqual({
      changes: [
        { id: 'metagpt', modified: 1_780_000_000_000, deleted: false },
        { id: 'old_page', modified: 1_780_000_050_000, deleted: true },
        { id: 'papers:react', modified: 1_780_000_100_000, deleted: false },
      ],
      complete: true,
      asOf: NOW,
    });
    expect(callOf(requests[0]!).params).toEqual({ timestamp: Math.floor((since - 10 * 60_000) / 1000) });
  });

  it('dates a page fetched after the changes by them, without a getPageInfo', async () => {
    const { fetch, requests } = wiki([{ id: 'metagpt', revision: 1_780_000_500, author: '', ip: '', summary: '', type: 'E', sizechange: 1 }]);
    const gateway = new JsonRpcGateway(WIKI, { fetch });
    await gateway.listChanges(NOW - 3_600_000);
    expect((await gateway.fetchPage('metagpt'))?.modified).toBe(1_780_000_500_000);
    expect(requests.map((r) => callOf(r).method)).not.toContain('core.getPageInfo');
  });

  it('cannot vouch for a gap longer than the wiki keeps changes, judged on the wiki\'s clock', async () => {
    const { fetch } = wiki();
    expect((await new JsonRpcGateway(WIKI, { fetch }).listChanges(NOW - 8 * DAY)).complete).toBe(false);
    expect((await new JsonRpcGateway(WIKI, { fetch }).listChanges(NOW - 6 * DAY)).complete).toBe(true);
    expect((await new JsonRpcGateway(WIKI, { fetch }, { recentDays: 30 }).listChanges(NOW - 8 * DAY)).complete).toBe(true);
  });

  it('refuses answers of the wrong shape, naming the method', async () => {
    const { fetch } = fakeFetch((r) =>
      new Response(JSON.stringify({ id: callOf(r).id, result: { not: 'a list' } }), { headers: { 'content-type': 'application/json' } }),
    );
    await expect(new JsonRpcGateway(WIKI, { fetch }).listPages()).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'https://wiki.example answered core.listPages in an unexpected shape (an object, not a list).',
    });
    await expect(new JsonRpcGateway(WIKI, { fetch }).listChanges(NOW)).rejects.toMatchObject({ kind: 'bad-response' });
  });
});
