/**
 * Faults between the extension and a 2024+ DokuWiki read through its JSON-RPC
 * API (tests/support/jsonrpc-wiki.ts over a real local DokuWiki), injected by
 * a proxy in front of it: garbage instead of JSON, the API refused, errors
 * that pass. Nothing cached is lost; the next sync completes.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../lib/article';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { detectGateway } from '../../services/wiki/detect';
import { runSync } from '../../services/sync/sync-runner';
import { isApiCall, isApiRequest, isPageRequest, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startJsonRpcWiki, type JsonRpcWiki } from '../support/jsonrpc-wiki';
import { FAULT_PAGES, FaultBench, failureOf } from './fault-helpers';

let wiki: LocalWiki;
let server: JsonRpcWiki;
let proxy: FaultProxy;
let bench: FaultBench;
let before: Article[];

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true, seedDir: null, pages: FAULT_PAGES });
  server = await startJsonRpcWiki({ wiki });
  proxy = await startFaultProxy(server.url);
  bench = new FaultBench(wiki, proxy);
});

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
  await wiki?.stop();
});

beforeEach(async () => {
  before = await bench.prepare();
});

describe('faults through the JSON-RPC API', () => {
  it('is the source these syncs use', async () => {
    expect((await detectGateway(proxy.url, undefined, bench.options)).kind).toBe('jsonrpc');
  });

  it('garbage instead of JSON', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '<html>Oops</html>', contentType: 'application/json' }, match: isPageRequest });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({ kind: 'bad-response' });
    expect((error as Error).message).toMatch(
      new RegExp(`^${bench.site.replace(/\./g, '\\.')} did not answer core\\.getPage(HTML)? with JSON-RPC \\(not JSON\\)\\.$`),
    );
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('JSON that is not a JSON-RPC answer to the listing', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '{"jsonrpc": "2.0", "id": 1}', contentType: 'application/json' }, match: isApiCall('core.listPages') });
    const error = await failureOf(bench.sync({ full: true }));
    expect(error).toMatchObject({ kind: 'bad-response', message: `${bench.site} answered core.listPages without a result.` });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('503s that pass are retried within the sync', async () => {
    proxy.inject({ fault: { kind: 'status', status: 503, contentType: 'application/json', body: '' }, match: isPageRequest, times: 4 });
    const report = await bench.sync();
    expect(report.skipped).toEqual([]);
    expect(proxy.log.filter((r) => r.fault === 'status')).toHaveLength(4);
  });

  it('401 from the API only: the public pages instead', async () => {
    proxy.inject({ fault: { kind: 'status', status: 401, contentType: 'application/json', body: '{"error":{"code":-32603,"message":"server error. not authorized to call method core.getAPIVersion"}}' }, match: isApiRequest });
    const gateway = await detectGateway(proxy.url, undefined, bench.options);
    expect(gateway.kind).toBe('public');
    const report = await runSync({ gateway, db: bench.db, onProgress: () => {} });
    expect(report.skipped).toEqual([]);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });
});
