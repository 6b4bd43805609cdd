/**
 * The Firefox build in Debian's Firefox ESR: the content script's two stages
 * (the second imported from a moz-extension:// address, on a page that may
 * hold a term or once one is added), marking with the Custom Highlight API,
 * and the hover card under the pointer, found without `highlightsFromPoint`,
 * which Firefox does not have. (WebDriver BiDi refuses to open the
 * extension's own pages, so the popup, side panel and options page are
 * tested in Chromium only.)
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchFirefox, type FirefoxWithExtension } from '../support/firefox';

interface Marked {
  text: string;
  /** The id of the nearest element with one around the mark. */
  in: string | null;
}

/** The page's marks as the page itself sees them, in the order they were added (page order). */
function marked(page: Page): Promise<Marked[]> {
  return page.evaluate(() => {
    const highlight = CSS.highlights?.get('agentwiki-term');
    return highlight
      ? [...highlight].map((range) => {
          const node = (range as Range).startContainer;
          const element = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
          return { text: range.toString(), in: element?.closest('[id]')?.id ?? null };
        })
      : [];
  });
}

describe('in Firefox', () => {
  let firefox: FirefoxWithExtension;
  beforeAll(async () => {
    firefox = await launchFirefox(inject('firefoxExtensionDir'));
  });
  afterAll(async () => {
    await firefox?.close();
  });

  it('installs the add-on under its own id', () => {
    expect(firefox.extensionId).toBe('companion@agentwiki.org');
  });

  it('marks the first occurrence of each term, and nothing in fields, code or editable text', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${inject('pagesUrl')}news.html`);
    await expect.poll(() => marked(page), { timeout: 20_000 }).toHaveLength(3);
    expect(await marked(page)).toEqual([
      { text: 'open-closed gap', in: 'gap' },
      { text: 'MetaGPT', in: 'agents' },
      { text: 'chain of thought', in: 'agents' },
    ]);
    await page.close();
  });

  it('leaves a page without terms unmarked until a term is added to it, then marks it', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${inject('pagesUrl')}plain.html`);
    // Long enough for the first stage to have read the page, and for a wrong hand-over to have marked something.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await marked(page)).toEqual([]);
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p id="added">Then we tried LangChain.</p>'));
    await expect.poll(() => marked(page), { timeout: 20_000 }).toEqual([{ text: 'LangChain', in: 'added' }]);
    await page.close();
  });

  it('opens the card of the term the pointer rests on, labelled with its article, and closes it when the pointer leaves', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${inject('pagesUrl')}news.html`);
    await expect.poll(() => marked(page), { timeout: 20_000 }).toHaveLength(3);
    const box = await page.evaluate(() => {
      const rect = document.querySelector('#agents strong')!.getBoundingClientRect();
      return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
    });
    await page.mouse.move(box.x - 40, box.y - 40);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    const label = () =>
      page.evaluate(() => document.querySelector('agentwiki-card')?.shadowRoot?.querySelector('[role="dialog"]')?.getAttribute('aria-label') ?? null);
    await expect.poll(label, { timeout: 10_000 }).toMatch(/MetaGPT/);
    const text = await page.evaluate(() => document.querySelector('agentwiki-card')!.shadowRoot!.querySelector('[role="dialog"]')!.textContent ?? '');
    // The article's opening definition, from the wiki's page as synced or as shipped.
    expect(text).toMatch(/open-source multi-agent framework/);

    await page.mouse.move(5, 5, { steps: 4 });
    await expect.poll(label, { timeout: 10_000 }).toBeNull();
    await page.close();
  });
});
