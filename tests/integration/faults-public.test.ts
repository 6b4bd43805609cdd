/**
 * Faults between the extension and a real DokuWiki 2022 read through its
 * public pages (API off), injected by a proxy. The public pages answer a
 * missing page with HTTP 200 and HTML, so these also prove that no such
 * answer is ever stored as an article, nor taken for a deletion unless it is
 * DokuWiki's own "this topic does not exist" for that very page.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../../lib/article';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../support/fault-proxy';
import { FAULT_PAGES, FaultBench, failureOf } from './fault-helpers';

let wiki: LocalWiki;
let proxy: FaultProxy;
let bench: FaultBench;
let before: Article[];

beforeAll(async () => {
  wiki = await startLocalWiki({ api: false, seedDir: null, pages: FAULT_PAGES });
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

const isSourceOf = (id: string) => (request: ProxiedRequest) =>
  request.path.includes(`id=${id}&`) && request.path.includes('do=export_raw');
const isExport = (request: ProxiedRequest) => /[?&]do=export_(raw|xhtmlbody)/.test(request.path);

describe('faults through the public pages', () => {
  it('a missing page answered with HTTP 200 and HTML is never stored, and never removes the cached copy', async () => {
    // DokuWiki's own "does not exist" page, but for another id, in place of
    // two pages' sources: one cached, one new.
    await wiki.writePage('iota', '====== Iota ======\n\n**Iota** is new.\n');
    try {
      proxy.inject(
        { fault: { kind: 'replace', path: '/doku.php?id=no_such_page&do=export_raw' }, match: isSourceOf('greek:beta') },
        { fault: { kind: 'replace', path: '/doku.php?id=no_such_page&do=export_raw' }, match: isSourceOf('iota') },
      );
      const report = await bench.sync();
      expect(report.skipped.map((s) => s.id).sort()).toEqual(['greek:beta', 'iota']);
      expect(report.skipped[0]!.error).toMatch(/answered the source of "(greek:beta|iota)" with another DokuWiki page \(show\)\.$/);
      const cached = new Map((await bench.cached()).map((a) => [a.id, a]));
      expect(cached.get('greek:beta')).toEqual(before.find((a) => a.id === 'greek:beta'));
      expect(cached.has('iota')).toBe(false);
      for (const article of cached.values()) expect(article.text).not.toMatch(/does not exist yet/i);
    } finally {
      await wiki.deletePage('iota');
    }
    await bench.expectNextSyncCompletes();
  });

  it('a page that is really gone is removed', async () => {
    await wiki.deletePage('greek:gamma');
    try {
      const report = await bench.sync();
      expect(report.removed).toBe(1);
      expect((await bench.cached()).map((a) => a.id)).not.toContain('greek:gamma');
    } finally {
      await wiki.writePage('greek:gamma', FAULT_PAGES['greek:gamma']!);
    }
  });

  it('a maintenance page (HTTP 200, not DokuWiki) instead of the pages', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '<!doctype html><h1>Down for maintenance</h1>', contentType: 'text/html' }, match: isExport });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({ kind: 'bad-response' });
    expect((error as Error).message).toMatch(/answered the source of "[a-z:]+" with a page that is not from DokuWiki\.$/);
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('sources cut short', async () => {
    proxy.inject({ fault: { kind: 'truncate' }, match: isExport });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({
      kind: 'unreachable',
      message: `${bench.site} broke off its answer (it was cut short). The wiki or the connection to it may be failing; try again later.`,
    });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('a server that stops answering after the first pages', async () => {
    proxy.inject({ fault: { kind: 'close' }, match: isExport, after: 4 });
    const error = await failureOf(bench.sync());
    expect(error).toMatchObject({ kind: 'unreachable' });
    await bench.expectNothingLost(before);
    await bench.expectNextSyncCompletes();
  });

  it('a garbage feed falls back to the full page list', async () => {
    proxy.inject({ fault: { kind: 'garbage', body: '{"not": "rss"}', contentType: 'application/json' }, match: (r) => r.path.startsWith('/feed.php') });
    const report = await bench.sync();
    expect(report).toMatchObject({ kind: 'full', skipped: [] });
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });

  it('same-origin redirects of every page', async () => {
    proxy.inject({ fault: { kind: 'redirect', status: 302, to: 'same-origin' } });
    const report = await bench.sync();
    expect(report.skipped).toEqual([]);
    for (const article of await bench.cached()) expect(article.text).toContain(`Revision ${bench.revision}.`);
  });
});
