/**
 * The parts of a page beyond its light tree, in real Chromium with the built
 * extension (offline build, bundled knowledge base): open shadow roots and
 * same-origin iframes are marked and hovered, in-page navigation is read as
 * a new page, a page whose extension is reloaded is left as it was, and the
 * content script's second stage is loaded only once a page may hold a term.
 */
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from './browser';

const PAGES: Record<string, string> = {
  '/surfaces.html': `<!doctype html><html><head><meta charset="utf-8"><title>Surfaces</title></head><body>
    <main id="main">
      <p id="top">Teams build agents with LangChain and the Model Context Protocol.</p>
      <agent-note id="host"></agent-note>
      <iframe id="frame" src="/inner.html" style="width:600px;height:200px;border:4px solid #ccc"></iframe>
    </main>
    <script>
      const root = document.getElementById('host').attachShadow({ mode: 'open' });
      root.innerHTML = '<p id="shadowed">Inside a component: MetaGPT assigns roles.</p>';
    </script>
  </body></html>`,
  '/inner.html': `<!doctype html><html><head><meta charset="utf-8"></head><body>
    <p id="framed">In a frame: CrewAI and LlamaIndex.</p>
  </body></html>`,
  '/plain.html': `<!doctype html><html><head><meta charset="utf-8"><title>Plain</title></head><body>
    <main id="main"><p>The morning was quiet and the kitchen smelled of fresh bread.</p></main>
  </body></html>`,
  '/app.html': `<!doctype html><html><head><meta charset="utf-8"><title>App</title></head><body>
    <nav>Docs</nav>
    <main id="view"><p>About LangChain and LlamaIndex agents.</p></main>
  </body></html>`,
};

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const body = PAGES[new URL(req.url ?? '/', 'http://x').pathname] ?? PAGES['/app.html']!;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('No port.');
      done({ server, url: `http://127.0.0.1:${address.port}` });
    }),
  );
}

/** The texts under agentwiki-term in the top document and in the frame. */
function highlighted(page: Page): Promise<{ top: string[]; frame: string[] }> {
  return page.evaluate(() => {
    const texts = (win: Window | null) => {
      const highlight = (win as (Window & typeof globalThis) | null)?.CSS?.highlights?.get('agentwiki-term');
      return highlight ? [...highlight].map((range) => range.toString()) : [];
    };
    const frame = document.querySelector('iframe') as HTMLIFrameElement | null;
    return { top: texts(window), frame: texts(frame?.contentWindow ?? null) };
  });
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Never reached the expected state; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the page beyond its light tree, in Chromium', () => {
  let browser: ExtensionBrowser;
  let site: { server: Server; url: string };

  beforeAll(async () => {
    site = await serve();
    browser = await launchWithExtension(inject('offlineExtensionDir'));
    await browser.waitForStatus((s) => s.phase === 'idle' && s.last !== undefined);
    await waitFor(
      () =>
        browser.worker.evaluate(async () => {
          const chromeApi = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
          return (await chromeApi.storage.local.get('termTable')).termTable !== undefined;
        }),
      Boolean,
      30_000,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.server.close(r));
  });

  it('marks terms in open shadow roots and same-origin frames, and hovers them', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.url}/surfaces.html`);
    const marks = await waitFor(
      () => highlighted(page),
      (h) => h.top.includes('MetaGPT') && h.frame.length > 0,
    );
    expect(marks.top).toEqual(expect.arrayContaining(['LangChain', 'Model Context Protocol', 'MetaGPT']));
    expect(marks.frame).toEqual(expect.arrayContaining(['CrewAI', 'LlamaIndex']));

    // The pointer over the term inside the shadow root: the card opens, labelled with the article.
    const box = await page.evaluate(() => {
      const p = document.getElementById('host')!.shadowRoot!.getElementById('shadowed')!;
      const text = p.firstChild as Text;
      const at = text.data.indexOf('MetaGPT');
      const range = document.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + 7);
      const rect = range.getClientRects()[0]!;
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.x - 30, box.y - 30);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    const dialog = page.locator('agentwiki-card [role="dialog"]');
    await expect.poll(() => dialog.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/MetaGPT/);

    // And over the term in the frame: its card opens in the top document, beside the frame's term.
    await page.mouse.move(5, 700);
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
    const frameBox = await page.evaluate(() => {
      const frame = document.getElementById('frame') as HTMLIFrameElement;
      const doc = frame.contentDocument!;
      const text = doc.getElementById('framed')!.firstChild as Text;
      const at = text.data.indexOf('CrewAI');
      const range = doc.createRange();
      range.setStart(text, at);
      range.setEnd(text, at + 6);
      const rect = range.getClientRects()[0]!;
      const outer = frame.getBoundingClientRect();
      return { x: outer.left + frame.clientLeft + rect.left + rect.width / 2, y: outer.top + frame.clientTop + rect.top + rect.height / 2, bottom: outer.top + frame.clientTop + rect.bottom };
    });
    await page.mouse.move(frameBox.x - 20, frameBox.y - 20);
    await page.mouse.move(frameBox.x, frameBox.y, { steps: 4 });
    await expect.poll(() => dialog.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/CrewAI/);
    const cardTop = await page.evaluate(() => document.querySelector('agentwiki-card')!.getBoundingClientRect().top);
    expect(cardTop).toBeGreaterThanOrEqual(frameBox.bottom);
    await page.close();
  });

  it('leaves a page without terms to the first stage until a term appears on it', async () => {
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    const scripts: string[] = [];
    cdp.on('Debugger.scriptParsed', (event: { url: string }) => scripts.push(event.url));
    await cdp.send('Debugger.enable');
    await page.goto(`${site.url}/plain.html`);
    await waitFor(async () => scripts.filter((url) => url.endsWith('/content-script.js')).length, (n) => n === 1);
    // Long enough for the first stage to have read the page and for an import to have run.
    await page.waitForTimeout(1_500);
    expect(scripts.filter((url) => url.endsWith('/content-main.js'))).toEqual([]);

    await page.evaluate(() => document.getElementById('main')!.insertAdjacentHTML('beforeend', '<p>Then we tried LangChain.</p>'));
    const marks = await waitFor(() => highlighted(page), (h) => h.top.length > 0);
    expect(marks.top).toEqual(['LangChain']);
    const second = scripts.filter((url) => url.endsWith('/content-main.js'));
    expect(second).toHaveLength(1);
    // The page itself cannot fetch it (use_dynamic_url), so it cannot tell the extension is there.
    const fetched = await page.evaluate((url) => fetch(url).then((r) => `status ${r.status}`, () => 'refused'), second[0]!);
    expect(fetched).toBe('refused');
    await cdp.detach();
    await page.close();
  });

  it('moves through the terms from the keyboard command, with focus in the card and back on Escape', async () => {
    const page = await browser.context.newPage();
    await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await page.goto(`${site.url}/app.html`);
    await waitFor(() => highlighted(page), (h) => h.top.includes('LlamaIndex'));
    await page.evaluate(() => {
      const button = document.createElement('button');
      button.id = 'before';
      button.textContent = 'before';
      document.body.prepend(button);
      button.focus();
    });
    // What the background does on Alt+Shift+K: page:next-term to the active tab's top frame.
    const nextTerm = () =>
      browser.worker.evaluate(async (url) => {
        const chromeApi = (globalThis as any).chrome;
        const [tab] = await chromeApi.tabs.query({ url });
        return chromeApi.tabs.sendMessage(tab.id, { type: 'page:next-term', payload: {} }, { frameId: 0 });
      }, `${site.url}/app.html`);
    expect(await nextTerm()).toEqual({ ok: true, value: true });
    const dialog = page.locator('agentwiki-card [role="dialog"]');
    await expect.poll(() => dialog.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/LangChain/);
    const focus = () =>
      page.evaluate(() => {
        const active = document.activeElement;
        return active?.localName === 'agentwiki-card'
          ? `card:${active.shadowRoot!.activeElement?.getAttribute('role') ?? ''}`
          : (active?.id ?? '');
      });
    await expect.poll(focus).toBe('card:dialog');
    // Dark mode and reduced motion, as the reader's system asks.
    const look = await page.evaluate(() => {
      const d = document.querySelector('agentwiki-card')!.shadowRoot!.querySelector('[role="dialog"]')!;
      const style = getComputedStyle(d);
      return { background: style.backgroundColor, animation: style.animationName };
    });
    expect(look).toEqual({ background: 'rgb(31, 35, 40)', animation: 'none' });

    expect(await nextTerm()).toEqual({ ok: true, value: true });
    await expect.poll(() => dialog.getAttribute('aria-label'), { timeout: 10_000 }).toMatch(/LlamaIndex/);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await focus()).toBe('before');
    await page.close();
  });

  it('reads the new view after pushState as a new page, and drops the stale marks', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.url}/app.html`);
    await waitFor(() => highlighted(page), (h) => h.top.includes('LangChain'));
    await page.evaluate(() => {
      history.pushState({}, '', '/app/crews');
      document.getElementById('view')!.innerHTML = '<p>Now CrewAI and MetaGPT, with LangChain.</p>';
    });
    const after = await waitFor(() => highlighted(page), (h) => h.top.includes('CrewAI'));
    expect(after.top).toEqual(expect.arrayContaining(['CrewAI', 'MetaGPT', 'LangChain']));
    expect(after.top).not.toContain('LlamaIndex');
    await page.close();
  });

  it('leaves the page as it was once the extension is reloaded', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${site.url}/surfaces.html`);
    await waitFor(() => highlighted(page), (h) => h.top.length > 0 && h.frame.length > 0);
    const styledBefore = await page.evaluate(() => document.querySelectorAll('[data-agentwiki-term]').length);
    expect(styledBefore).toBeGreaterThan(0);

    await browser.worker.evaluate(() => (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload()).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
    // The reader comes back to the page: the orphaned script notices and cleans up.
    await page.mouse.click(5, 5);
    const state = await waitFor(
      () =>
        page.evaluate(() => {
          const frame = document.getElementById('frame') as HTMLIFrameElement;
          const frameWindow = frame.contentWindow as (Window & typeof globalThis) | null;
          const shadow = document.getElementById('host')!.shadowRoot!;
          return {
            top: CSS.highlights.has('agentwiki-term'),
            frame: frameWindow?.CSS.highlights.has('agentwiki-term') ?? false,
            styled:
              document.querySelectorAll('[data-agentwiki-term]').length +
              shadow.querySelectorAll('[data-agentwiki-term]').length +
              (frame.contentDocument?.querySelectorAll('[data-agentwiki-term]').length ?? 0),
            sheets: document.adoptedStyleSheets.length + shadow.adoptedStyleSheets.length,
            card: document.querySelectorAll('agentwiki-card').length,
          };
        }),
      (s) => !s.top && !s.frame,
    );
    expect(state).toEqual({ top: false, frame: false, styled: 0, sheets: 0, card: 0 });
    await page.close();
  });
});
