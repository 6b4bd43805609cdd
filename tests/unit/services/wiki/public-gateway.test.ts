// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { PublicGateway, parseIndexLevel, parseRecentChangesFeed, parseSitemap } from '../../../../services/wiki/public-gateway';
import { VirtualClock } from '../../../support/virtual-clock';
import { CAPTURED_WIKI, asResponse, captured, fakeFetch, type RecordedRequest } from './captured';

/** Serves the captured answers of a wiki whose API is off. */
function capturedWiki(request: RecordedRequest): Response | undefined {
  const url = new URL(request.url);
  if (url.pathname === '/lib/exe/ajax.php' && request.method === 'POST') {
    const idx = new URLSearchParams(request.body).get('idx');
    if (idx === '') return asResponse('index-root');
    if (idx === 'guides') return asResponse('index-guides');
    if (idx === 'guides:setup') return asResponse('index-guides-setup');
    if (idx === 'papers') {
      return new Response(
        '<li class="level2" ><div class="li"><a href="/doku.php?id=papers:react_reasoning_acting" class="wikilink1" title="papers:react_reasoning_acting" data-wiki-id="papers:react_reasoning_acting">react_reasoning_acting</a></div></li>\n',
        { headers: { 'content-type': 'text/html; charset=utf-8' } },
      );
    }
    return new Response('', { headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
  if (url.pathname === '/doku.php') {
    const id = url.searchParams.get('id');
    const action = url.searchParams.get('do');
    if (action === 'sitemap') return asResponse('sitemap');
    if (id === 'metagpt' && action === 'export_raw') return asResponse('export-raw');
    if (id === 'metagpt' && action === 'export_xhtmlbody') return asResponse('export-xhtmlbody');
    if (action === 'export_raw') return asResponse('export-raw-missing');
  }
  return undefined;
}

describe('parseIndexLevel', () => {
  it('reads pages and namespaces from the real root index', () => {
    const level = parseIndexLevel(captured('index-root').text, CAPTURED_WIKI);
    expect(level.namespaces).toEqual(['guides', 'papers']);
    expect(level.pages).toContain('metagpt');
    expect(level.pages).toContain('open_closed_performance_gap');
    expect(level.pages.every((id) => !id.includes(':'))).toBe(true);
  });

  it('reads nested namespaces by their full id', () => {
    expect(parseIndexLevel(captured('index-guides').text, CAPTURED_WIKI)).toEqual({ pages: [], namespaces: ['guides:setup'] });
    expect(parseIndexLevel(captured('index-guides-setup').text, CAPTURED_WIKI)).toEqual({
      pages: ['guides:setup:first_steps'],
      namespaces: [],
    });
  });

  it('takes the namespace from the title when the link has no idx (rewritten URLs)', () => {
    const html =
      '<li class="closed"><div class="li"><a href="/start" title="tools:cli" class="idx_dir"><strong>cli</strong></a></div></li>';
    expect(parseIndexLevel(html).namespaces).toEqual(['tools:cli']);
  });

  it('reads page ids from titles on wikis older than data-wiki-id', () => {
    const html =
      '<li class="level1"><div class="li"><a href="/doku.php?id=ai:rlhf" class="wikilink1" title="ai:rlhf">rlhf</a></div></li>';
    expect(parseIndexLevel(html).pages).toEqual(['ai:rlhf']);
  });

  it('lists nothing for an empty namespace or unrelated HTML', () => {
    expect(parseIndexLevel('')).toEqual({ pages: [], namespaces: [] });
    expect(parseIndexLevel('<p><a href="/x">x</a></p>')).toEqual({ pages: [], namespaces: [] });
  });
});

describe('parseSitemap', () => {
  it('reads page ids from the real gzip sitemap', async () => {
    const xml = await new Response(
      new Blob([captured('sitemap').bytes]).stream().pipeThrough(new DecompressionStream('gzip')),
    ).text();
    const ids = parseSitemap(xml, CAPTURED_WIKI);
    expect(ids).toContain('metagpt');
    expect(ids).toContain('papers:react_reasoning_acting');
    expect(ids).toContain('guides:setup:first_steps');
  });

  it('reads ids from rewritten URLs under a sub-folder', () => {
    const xml =
      '<urlset><url><loc>https://example.org/wiki/ai/rlhf</loc></url><url><loc>https://example.org/wiki/doku.php/start</loc></url>' +
      '<url><loc>https://example.org/wiki/a%C3%A9</loc></url></urlset>';
    expect(parseSitemap(xml, 'https://example.org/wiki/')).toEqual(['ai:rlhf', 'start', 'aé']);
  });
});

describe('PublicGateway', () => {
  it('lists every page through the index, one POST per namespace, without dates', async () => {
    const { fetch, requests } = fakeFetch(capturedWiki);
    const pages = await new PublicGateway(CAPTURED_WIKI, { fetch }).listPages();
    const ids = pages.map((p) => p.id);
    expect(ids).toContain('metagpt');
    expect(ids).toContain('papers:react_reasoning_acting');
    expect(ids).toContain('guides:setup:first_steps');
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages.every((p) => p.modified === 0)).toBe(true);
    expect(requests.map((r) => [r.method, new URLSearchParams(r.body).get('idx')])).toEqual([
      ['POST', ''],
      ['POST', 'guides'],
      ['POST', 'papers'],
      ['POST', 'guides:setup'],
    ]);
  });

  it('does not loop on a server that ignores idx and lists the root every time', async () => {
    const { fetch, requests } = fakeFetch(() => asResponse('index-root'));
    const pages = await new PublicGateway(CAPTURED_WIKI, { fetch }).listPages();
    expect(pages.map((p) => p.id)).toContain('metagpt');
    // root, then guides and papers, which answer with the root again: nothing new.
    expect(requests).toHaveLength(3);
  });

  it('falls back to the sitemap when the index is not available', async () => {
    const { fetch, requests } = fakeFetch((request) => {
      if (request.url.endsWith('lib/exe/ajax.php')) return new Response('Forbidden', { status: 403 });
      return capturedWiki(request);
    });
    const pages = await new PublicGateway(CAPTURED_WIKI, { fetch }).listPages();
    expect(pages.map((p) => p.id)).toContain('guides:setup:first_steps');
    expect(pages.every((p) => p.modified === 0)).toBe(true);
    expect(requests.map((r) => r.url)).toEqual([
      'http://127.0.0.1:8080/lib/exe/ajax.php',
      'http://127.0.0.1:8080/doku.php?do=sitemap',
    ]);
  });

  it('reports the index failure when the sitemap is not available either', async () => {
    const { fetch } = fakeFetch((request) =>
      request.url.endsWith('lib/exe/ajax.php') ? new Response('Forbidden', { status: 403 }) : undefined,
    );
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).listPages()).rejects.toMatchObject({
      kind: 'denied',
      message: 'http://127.0.0.1:8080 refused to show its page index (HTTP 403).',
    });
  });

  it('fetches a page as its source and its rendered body', async () => {
    const { fetch, requests } = fakeFetch(capturedWiki);
    const page = await new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt');
    expect(page).toEqual({
      id: 'metagpt',
      raw: captured('export-raw').text,
      html: captured('export-xhtmlbody').text,
      modified: 0,
    });
    expect(requests.map((r) => r.url)).toEqual([
      'http://127.0.0.1:8080/doku.php?id=metagpt&do=export_raw',
      'http://127.0.0.1:8080/doku.php?id=metagpt&do=export_xhtmlbody',
    ]);
  });

  it('reads the HTML "does not exist" answer to export_raw as a missing page, without asking for its body', async () => {
    const { fetch, requests } = fakeFetch(capturedWiki);
    expect(captured('export-raw-missing').status).toBe(200);
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('no_such_page')).resolves.toBeNull();
    expect(requests).toHaveLength(1);
  });

  it('reads a 404 (send404 on) as a missing page', async () => {
    const { fetch } = fakeFetch(() => new Response('gone', { status: 404, headers: { 'content-type': 'text/html' } }));
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('x')).resolves.toBeNull();
  });

  it('reports a server error with the status', async () => {
    const { fetch, requests } = fakeFetch(() => new Response('Fatal error', { status: 500, headers: { 'content-type': 'text/html' } }));
    const error = await new PublicGateway(CAPTURED_WIKI, { fetch, clock: new VirtualClock() }).fetchPage('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'http', status: 500, message: 'http://127.0.0.1:8080 answered 500 for the source of "x".' });
    // Asked again before giving up: a 500 may pass.
    expect(requests).toHaveLength(4);
  });

  it('encodes page ids in addresses but keeps namespace colons readable', async () => {
    const { fetch, requests } = fakeFetch(() => undefined);
    await new PublicGateway('https://example.org/wiki/', { fetch }).fetchPage('ns:a&b');
    expect(requests[0]!.url).toBe('https://example.org/wiki/doku.php?id=ns:a%26b&do=export_raw');
  });
});

describe('a page answered with HTML that is not DokuWiki', () => {
  it('is not taken for a missing page, so its cached copy is not removed', async () => {
    const { fetch } = fakeFetch(
      () => new Response('<html><head><title>Down for maintenance</title></head></html>', { headers: { 'content-type': 'text/html' } }),
    );
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt')).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'http://127.0.0.1:8080 answered the source of "metagpt" with a page that is not from DokuWiki.',
    });
  });
});

describe('PublicGateway answers that are not a source', () => {
  const answering = (name: string) => fakeFetch(() => asResponse(name));

  it('reports a page the reader may not read as a refusal, never as a missing page', async () => {
    const { fetch } = answering('export-raw-denied');
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt')).rejects.toMatchObject({
      kind: 'denied',
      message: 'http://127.0.0.1:8080 does not let this reader see "metagpt" (it asks for a login). If it is a private wiki, enter an account or a token.',
    });
  });

  it('does not take the "does not exist" page of another id for this one', async () => {
    const { fetch } = answering('export-raw-missing');
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt')).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'http://127.0.0.1:8080 answered the source of "metagpt" with another DokuWiki page (show).',
    });
  });

  it('reads a whole page in place of the rendered body as the page gone meanwhile', async () => {
    const { fetch } = fakeFetch((r) =>
      r.url.includes('export_raw')
        ? asResponse('export-raw')
        : new Response(captured('export-raw-missing').text.replaceAll('no_such_page', 'metagpt'), { headers: { 'content-type': 'text/html' } }),
    );
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('metagpt')).resolves.toBeNull();
  });
});

describe('parseRecentChangesFeed', () => {
  it('reads each item\'s page and time from a real feed, deletions included', () => {
    const items = parseRecentChangesFeed(captured('feed-recent').text, CAPTURED_WIKI)!;
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.id).slice(0, 2)).toEqual(['guides:setup:first_steps', 'metagpt']);
    expect(items.every((i) => Number.isInteger(i.modified) && i.modified > Date.UTC(2020, 0, 1))).toBe(true);
  });

  it('reads page links in every URL style, whatever address the wiki gives itself', () => {
    const feed = (links: string[]) =>
      `<rss version="2.0"><channel><link>https://wiki.example/</link>${links
        .map((link) => `<item><title>x</title><link>${link}</link><pubDate>Sat, 28 Nov 2026 16:59:37 +0000</pubDate></item>`)
        .join('')}</channel></rss>`;
    const items = parseRecentChangesFeed(
      feed([
        'https://wiki.example/w/doku.php?id=ns:a',
        'https://wiki.example/w/ns:b',
        'https://wiki.example/w/doku.php/ns:c',
        'https://wiki.example/w/ns/d',
        'http://127.0.0.1:81/w/e',
        'https://wiki.example/w/_media/x.png',
      ]),
      'https://wiki.example/w/',
    )!;
    expect(items.map((i) => i.id)).toEqual(['ns:a', 'ns:b', 'ns:c', 'ns:d', 'e']);
    expect(items[0]!.modified).toBe(Date.UTC(2026, 10, 28, 16, 59, 37));
  });

  it('says null for what is not RSS', () => {
    expect(parseRecentChangesFeed('<html><body>Login</body></html>', CAPTURED_WIKI)).toBeNull();
    expect(parseRecentChangesFeed('<rss version="2.0"><channel></channel></rss>', CAPTURED_WIKI)).toEqual([]);
  });
});

describe('PublicGateway.listChanges', () => {
  const NOW = Date.UTC(2026, 10, 28, 17, 0, 0);
  const feedResponse = (headers: Record<string, string> = {}) =>
    new Response(captured('feed-recent').bytes, {
      headers: {
        'content-type': 'application/xml; charset=utf-8',
        'last-modified': 'Sat, 28 Nov 2026 16:59:37 GMT',
        etag: '"abc"',
        date: new Date(NOW).toUTCString(),
        ...headers,
      },
    });

  it('asks the feed for page changes, minor edits included, and answers from it', async () => {
    const { fetch, requests } = fakeFetch(() => feedResponse());
    const since = Date.UTC(2026, 10, 28, 16, 0, 0);
    const answer = await new PublicGateway(CAPTURED_WIKI, { fetch }).listChanges(since);
    expect(requests[0]!.url).toBe(
      'http://127.0.0.1:8080/feed.php?type=rss2&mode=recent&view=pages&num=500&content=abstract&linkto=current&minor=1',
    );
    expect(answer.complete).toBe(true);
    expect(answer.asOf).toBe(Date.UTC(2026, 10, 28, 16, 59, 37));
    expect(answer.changes.map((c) => c.id)).toContain('metagpt');
    // The feed cannot prove a deletion: fetching the page will.
    expect(answer.changes.every((c) => !c.deleted)).toBe(true);
    const times = answer.changes.map((c) => c.modified);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('leaves out what changed well before `since`, and dates the pages it names', async () => {
    const { fetch } = fakeFetch((r) => (r.url.includes('feed.php') ? feedResponse() : capturedWiki(r)));
    const gateway = new PublicGateway(CAPTURED_WIKI, { fetch });
    const items = parseRecentChangesFeed(captured('feed-recent').text, CAPTURED_WIKI)!;
    const newest = Math.max(...items.map((i) => i.modified));
    const answer = await gateway.listChanges(newest + 11 * 60_000);
    expect(answer.changes).toEqual([]);
    await gateway.listChanges(newest - 1000);
    expect((await gateway.fetchPage('metagpt'))?.modified).toBe(items.find((i) => i.id === 'metagpt')!.modified);
  });

  it('asks If-Modified-Since its `since`, then If-None-Match the feed it read, and takes a 304 for no changes', async () => {
    const headers: Array<[string | null, string | null]> = [];
    let calls = 0;
    const fetchImpl = async (_url: string, init?: RequestInit) => {
      const sent = new Headers(init?.headers);
      headers.push([sent.get('if-modified-since'), sent.get('if-none-match')]);
      return ++calls === 1
        ? feedResponse()
        : new Response(null, { status: 304, headers: { 'last-modified': 'Sat, 28 Nov 2026 16:59:37 GMT', date: new Date(NOW).toUTCString() } });
    };
    const gateway = new PublicGateway(CAPTURED_WIKI, { fetch: fetchImpl });
    const first = await gateway.listChanges(Date.UTC(2026, 10, 28, 16, 0, 0));
    const second = await gateway.listChanges(first.asOf!);
    expect(headers).toEqual([
      ['Sat, 28 Nov 2026 16:00:00 GMT', null],
      [null, '"abc"'],
    ]);
    expect(second).toEqual({ changes: [], complete: true, asOf: first.asOf });
  });

  it('says a full feed may have been cut, and a gap too long cannot be vouched for', async () => {
    const { fetch } = fakeFetch(() => feedResponse());
    expect((await new PublicGateway(CAPTURED_WIKI, { fetch }, { feedItems: 5 }).listChanges(NOW - 3_600_000)).complete).toBe(false);
    expect((await new PublicGateway(CAPTURED_WIKI, { fetch }).listChanges(NOW - 8 * 86_400_000)).complete).toBe(false);
  });

  it('says changes cannot be listed where the feed is switched off, and refuses a feed that is not RSS', async () => {
    const off = fakeFetch(() => new Response('<error>RSS feed is disabled.</error>', { status: 404, headers: { 'content-type': 'text/html' } }));
    expect(await new PublicGateway(CAPTURED_WIKI, { fetch: off.fetch }).listChanges(NOW)).toEqual({ changes: [], complete: false });
    const login = fakeFetch(() => new Response('<html><body>Log in</body></html>', { headers: { 'content-type': 'text/html' } }));
    await expect(new PublicGateway(CAPTURED_WIKI, { fetch: login.fetch }).listChanges(NOW)).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'http://127.0.0.1:8080 answered its recent-changes feed with something that is not RSS.',
    });
  });
});
