/**
 * Faults between the extension and a real DokuWiki 2022 read through its
 * XML-RPC API, injected by a proxy: the server going silent mid-sync, 500s,
 * 429s, answers slower than the timeout, cut bodies, garbage, redirects, a
 * refused API, a URL that is not a DokuWiki. Each time nothing cached is
 * lost, the error says what happened, and the next sync completes.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../lib/article';
import { WikiError } from '../../lib/wiki/errors';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway } from '../../services/wiki/detect';
import { isApiCall, isApiRequest, isPageRequest, startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { FAULT_PAGES, FaultBench, failureOf } from './fault-helpers';

let wiki: LocalWiki;
let proxy: FaultProxy;
let bench: FaultBench;
let before: Article[];

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true, seedDir: null, pages: FAULT_PAGES });
  proxy = await startFaultProxy(wiki.url);
  bench = new FaultBench(wiki, proxy);
});

afterAll(async () => {
  await proxy?.stop();
  await wiki?.stop();
});

beforeEach(async () => {
  before = await bench.prepare();
});

/** Detection asks three things of the API: JSON-RPC's version (404 here), XML-RPC's version, the release. */
const AFTER_DETECTION = 3;

describe('faults through the XML-RPC API', () => {
  it('a server that stops answering in the middle of a sync', async () => {
    proxy.inject({ fault: { kind: 'close' }, match: isPageRequest, after: 3 });
    const error = await failureOf(bench.sync());
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'unreachable' });
    expect((error as Error).message).toMatch(
      new RegExp(`^${bench.site.replace(/\./g, '\\.')} (cannot be reached|broke off its answer) \\(the connection was closed\\)\\.`),
    );
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('500s that pass are retried within the sync', async () => {
    proxy.inject({ fault: { kind: 'status', status: 500 }, match: isPageRequest, times: 3 });
    const report = await bench.sync();
    expect(report.skipped).toEqual([]);
    expect(proxy.log.filter((r) => r.fault === 'status')).toHaveLength(3);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });

  it('500s that last fail the sync with the status and the method', async () => {
    proxy.inject({ fault: { kind: 'status', status: 500 }, match: isPageRequest });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({ kind: 'http', status: 500 });
    expect((error as Error).message).toMatch(new RegExp(`^${bench.site.replace(/\./g, '\\.')} answered 500 to wiki\\.getPage(HTML)?\\.$`));
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('429 with Retry-After in seconds or as a date: every request waits, then the sync completes', async () => {
    proxy.inject(
      { fault: { kind: 'status', status: 429, retryAfter: '1' }, match: isPageRequest, times: 1 },
      { fault: { kind: 'status', status: 429, retryAfter: new Date(Date.now() + 2_000).toUTCString() }, match: isPageRequest, after: 4, times: 1 },
    );
    const started = Date.now();
    const report = await bench.sync();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(report.skipped).toEqual([]);
    expect(proxy.log.filter((r) => r.fault === 'status')).toHaveLength(2);
  });

  it('429 asking for a longer wait than allowed fails at once, saying how long', async () => {
    proxy.inject({ fault: { kind: 'status', status: 429, retryAfter: '3600' }, match: isPageRequest });
    const started = Date.now();
    const error = await failureOf(bench.sync());
    // No hour-long wait, nor even the retries' backoff.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(proxy.log.filter((r) => r.fault === 'status')).toHaveLength(1);
    expect(error).toMatchObject({
      kind: 'http',
      status: 429,
      message: `${bench.site} is limiting how often it may be asked (HTTP 429) and asks to wait 60 min. Try again later.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('answers slower than the timeout', async () => {
    proxy.inject({ fault: { kind: 'delay', ms: 2_500 }, match: isPageRequest });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'timeout',
      message: `${bench.site} did not answer within 1 s. The wiki may be slow or down; try again later.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('bodies cut short', async () => {
    proxy.inject({ fault: { kind: 'truncate' }, match: isPageRequest });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'unreachable',
      message: `${bench.site} broke off its answer (it was cut short). The wiki or the connection to it may be failing; try again later.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('garbage instead of XML', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '<html><body>Oops</body></html>', contentType: 'text/xml' }, match: isApiRequest, after: AFTER_DETECTION });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'bad-response',
      message: `${bench.site} did not answer with a valid XML-RPC response (no methodResponse element).`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('the XML-RPC empty struct that means "no access" fails a page fetch clearly', async () => {
    const emptyStruct = '<?xml version="1.0"?><methodResponse><params><param><value><struct></struct></value></param></params></methodResponse>';
    proxy.inject({ fault: { kind: 'garbage', body: emptyStruct, contentType: 'text/xml' }, match: isApiCall('wiki.getPage') });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'denied',
      message: `${bench.site} did not let this reader call wiki.getPage: it is not allowed or not known there.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('the XML-RPC empty struct on the page list turns a full sync to the public pages', async () => {
    const emptyStruct = '<?xml version="1.0"?><methodResponse><params><param><value><struct></struct></value></param></params></methodResponse>';
    proxy.inject({ fault: { kind: 'garbage', body: emptyStruct, contentType: 'text/xml' }, match: isApiCall('dokuwiki.getPagelist') });
    const gateway = await detectGateway(proxy.url, undefined, bench.options);
    const report = await runSync({ gateway, db: bench.db, onProgress: () => {}, full: true });
    expect(gateway.kind).toBe('public');
    expect(report).toMatchObject({ articleCount: Object.keys(FAULT_PAGES).length, skipped: [] });
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });

  it('same-origin redirects are followed, POSTs included', async () => {
    proxy.inject({ fault: { kind: 'redirect', status: 301, to: 'same-origin' } });
    const report = await bench.sync();
    expect(report.skipped).toEqual([]);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
    expect(proxy.log.some((r) => r.fault === 'redirect')).toBe(true);
  });

  it('a redirect to another site is refused, naming it', async () => {
    proxy.inject({ fault: { kind: 'redirect', status: 302, to: 'upstream' } });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'http',
      message: `${bench.site} sends its requests on to ${wiki.url.replace(/\/$/, '')}, another site. If the wiki has moved there, change the wiki's address.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('401 from the API only: the sync reads the public pages instead', async () => {
    proxy.inject({ fault: { kind: 'status', status: 401, body: '', contentType: 'text/xml' }, match: isApiRequest });
    const gateway = await detectGateway(proxy.url, undefined, bench.options);
    expect(gateway.kind).toBe('public');
    const report = await runSync({ gateway, db: bench.db, onProgress: () => {} });
    expect(report.skipped).toEqual([]);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });

  it('401 from the API after detection: the same gateway turns to the public pages', async () => {
    const gateway = await detectGateway(proxy.url, undefined, bench.options);
    expect(gateway.kind).toBe('xmlrpc');
    proxy.inject({ fault: { kind: 'status', status: 401, body: '', contentType: 'text/xml' }, match: isApiRequest });
    const report = await runSync({ gateway, db: bench.db, onProgress: () => {}, full: true });
    expect(gateway.kind).toBe('public');
    expect(report.skipped).toEqual([]);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });

  it('an address that is not a DokuWiki', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '<!doctype html><title>Parked domain</title><h1>For sale</h1>', contentType: 'text/html' } });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'not-dokuwiki',
      message: `${proxy.url} answered a page that is not from DokuWiki: it does not look like a DokuWiki. Check the wiki's address.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });
});
