// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { PublicGateway, isDokuWikiPage, parseIndexLevel, parseSitemap } from '../../../../services/wiki/public-gateway';
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
    const { fetch } = fakeFetch(() => new Response('Fatal error', { status: 500, headers: { 'content-type': 'text/html' } }));
    const error = await new PublicGateway(CAPTURED_WIKI, { fetch }).fetchPage('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'http', status: 500, message: 'http://127.0.0.1:8080 answered 500 for the page source.' });
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

describe('isDokuWikiPage', () => {
  it('recognises the generator meta of a real DokuWiki page', () => {
    expect(isDokuWikiPage(captured('start-page').text)).toBe(true);
    expect(isDokuWikiPage(captured('export-raw-missing').text)).toBe(true);
    expect(isDokuWikiPage('<html><head><meta name="generator" content="WordPress 6.5"></head></html>')).toBe(false);
    expect(isDokuWikiPage('<p>DokuWiki</p>')).toBe(false);
  });
});
