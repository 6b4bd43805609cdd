/**
 * Wikis with rewritten URLs, as agentwiki.org serves them: `userewrite` 1
 * (`/page_id`, `/_export/raw/page_id`; Apache's rules played by a router for
 * PHP's server) and 2 (`doku.php/page_id`), with the API off. Every address
 * the extension fetches is `doku.php?id=`, which works on both; what the wiki
 * writes (links, feed, sitemap, pasted addresses) is read in its own style.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { openDatabase } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway } from '../../services/wiki/detect';
import { parseSitemap } from '../../services/wiki/public-gateway';
import { KNOWN_ID, KNOWN_PAGE } from './sync-helpers';

const PAGES = {
  [KNOWN_ID]: KNOWN_PAGE,
  metagpt: '====== MetaGPT ======\n\n**MetaGPT** is a multi-agent framework. See [[testing:known_page]].\n',
  'guides:setup:first_steps': '====== First Steps ======\n\n**First steps** are the start, after [[:metagpt]].\n',
};
const FAST = { politeness: { maxPerSecond: Infinity, retries: 1, backoffMs: 10 } };

describe.each([
  { userewrite: 1 as const, pageAddress: (url: string, id: string) => `${url}${id}`, style: '/page_id' },
  { userewrite: 2 as const, pageAddress: (url: string, id: string) => `${url}doku.php/${id}`, style: 'doku.php/page_id' },
])('a wiki with userewrite $userewrite ($style)', ({ userewrite, pageAddress }) => {
  let wiki: LocalWiki;

  beforeAll(async () => {
    wiki = await startLocalWiki({ api: false, userewrite, seedDir: null, pages: PAGES });
  });

  afterAll(async () => {
    await wiki?.stop();
  });

  it('links its pages in its own style', async () => {
    const html = await (await fetch(pageAddress(wiki.url, 'metagpt'))).text();
    expect(html).toContain(`href="${new URL(pageAddress(wiki.url, KNOWN_ID)).pathname}"`);
  });

  it('is detected as a DokuWiki read through its public pages', async () => {
    const gateway = await detectGateway(wiki.url, undefined, FAST);
    expect(gateway.kind).toBe('public');
    expect(gateway.wikiUrl).toBe(wiki.url);
  });

  it('is found from the address of any of its pages, pasted as it is', async () => {
    for (const address of [pageAddress(wiki.url, KNOWN_ID), pageAddress(wiki.url, 'guides:setup:first_steps')]) {
      const gateway = await detectGateway(address, undefined, FAST);
      expect(gateway.wikiUrl, address).toBe(wiki.url);
    }
    if (userewrite === 1) expect((await detectGateway(`${wiki.url}_export/raw/metagpt`, undefined, FAST)).wikiUrl).toBe(wiki.url);
  });

  it('syncs every page, with links read from its rewritten addresses', async () => {
    const db = await openDatabase(new IDBFactory());
    const report = await runSync({ gateway: await detectGateway(wiki.url, undefined, FAST), db, onProgress: () => {} });
    expect(report).toMatchObject({ fetched: 3, articleCount: 3, skipped: [] });
    expect((await db.get('articles', 'metagpt'))?.links).toEqual([KNOWN_ID]);
    expect((await db.get('articles', KNOWN_ID))?.links).toContain('metagpt');
    expect((await db.get('articles', 'guides:setup:first_steps'))?.title).toBe('First Steps');
  });

  it('reads page ids from its feed', async () => {
    const gateway = await detectGateway(wiki.url, undefined, FAST);
    const changes = await gateway.listChanges(Date.now() - 3_600_000);
    expect(changes.changes.map((c) => c.id).sort()).toEqual(Object.keys(PAGES).sort());
  });

  it('reads page ids from its sitemap', async () => {
    const response = await fetch(`${wiki.url}doku.php?do=sitemap`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const xml = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    expect(xml).toContain(`<loc>${pageAddress(wiki.url, 'metagpt')}</loc>`);
    expect(parseSitemap(xml, wiki.url).sort()).toEqual(Object.keys(PAGES).sort());
  });
});
