/**
 * The companion against a real DokuWiki on 127.0.0.1: it syncs on install,
 * marks terms on a page, shows the card, reads and searches.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EDITOR_PASSWORD, EDITOR_USER } from '../../scripts/local-wiki';
import { launchWithExtension, type ExtensionBrowser } from './browser';
import { checkHoverOnNewsPage, checkPopupSearch, checkRecentList, checkSidePanelArticle, screenshot } from './companion';

describe('with the local wiki', () => {
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    browser = await launchWithExtension(inject('liveExtensionDir'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('syncs every article from the wiki on install', async () => {
    const status = await browser.waitForStatus((s) => s.phase === 'idle' && s.last !== undefined);
    expect(status.last?.error).toBeUndefined();
    expect(status.last?.ok).toBe(true);
    expect(status.source).toBe('xmlrpc');
    expect(status.wikiUrl).toBe(inject('wikiUrl'));
    expect(status.articleCount).toBeGreaterThanOrEqual(30);
  });

  it('marks terms and shows the hover card', async () => {
    const page = await checkHoverOnNewsPage(browser, inject('pagesUrl'), 'hover-card');
    await page.close();
  });

  it('reads an article in the side panel', async () => {
    await checkSidePanelArticle(browser, 'side-panel');
  });

  it('finds an article from the popup', async () => {
    await checkPopupSearch(browser, 'popup');
  });

  it('lists the active tab\'s terms under "On this page"', async () => {
    const panel = await browser.openExtensionPage('sidepanel.html');
    const news = await browser.context.newPage();
    await news.goto(`${inject('pagesUrl')}news.html`);
    await news.waitForFunction(() => (CSS.highlights.get('agentwiki-term')?.size ?? 0) > 0);
    await news.bringToFront();
    await panel.getByRole('heading', { name: 'On this page' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => panel.getByRole('link', { name: /MetaGPT/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await news.close();
    await panel.close();
  });

  it('states the cache in the options page and syncs on demand', async () => {
    const options = await browser.openExtensionPage('options.html');
    const status = options.getByRole('status');
    await expect.poll(() => status.textContent()).toMatch(/\d[\d,]* articles/);
    expect(await options.getByLabel('Wiki URL').inputValue()).toBe(inject('wikiUrl'));
    const before = (await browser.waitForStatus((s) => s.phase === 'idle')).last?.finishedAt ?? 0;
    await options.getByRole('button', { name: 'Sync now' }).click();
    const after = await browser.waitForStatus((s) => s.phase === 'idle' && (s.last?.finishedAt ?? 0) > before);
    expect(after.last?.ok).toBe(true);
    await expect.poll(() => status.textContent()).toMatch(/Last synced/i);
    await screenshot(options, 'options');
    await options.close();
  });

  it('keeps a saved account out of the storage every page can read, remembers it, and syncs with it', async () => {
    const options = await browser.openExtensionPage('options.html');
    await options.getByLabel('With a user name and password').check();
    await options.getByLabel('User name', { exact: true }).fill(EDITOR_USER);
    await options.getByLabel('Password', { exact: true }).fill(EDITOR_PASSWORD);
    await options.getByRole('button', { name: 'Save sign-in' }).click();
    // What a content script may read, and what storage events carry to every page.
    const local = () =>
      browser.worker.evaluate(async () => {
        const chromeApi = (globalThis as unknown as { chrome: { storage: { local: { get(k: null): Promise<Record<string, unknown>> } } } }).chrome;
        return chromeApi.storage.local.get(null);
      });
    await expect.poll(async () => ((await local())['settings'] as { accessSavedAt?: number } | undefined)?.accessSavedAt).toBeTypeOf('number');
    const stored = await local();
    expect(Object.keys(stored['settings'] as object)).not.toContain('credentials');
    expect(JSON.stringify(stored)).not.toMatch(/"password"|"user"\s*:/);

    // Opened again, the page knows the account is saved, without showing it.
    await options.reload();
    await expect.poll(() => options.getByLabel('User name', { exact: true }).inputValue()).toBe(EDITOR_USER);
    expect(await options.getByLabel('Password', { exact: true }).getAttribute('placeholder')).toBe('Saved; type to replace');

    const before = (await browser.waitForStatus((s) => s.phase === 'idle')).last?.finishedAt ?? 0;
    await options.getByRole('button', { name: 'Sync now' }).click();
    const after = await browser.waitForStatus((s) => s.phase === 'idle' && (s.last?.finishedAt ?? 0) > before);
    expect(after.last?.ok).toBe(true);
    await options.close();
  });

  // Last: it stops the service worker.
  it("lists the wiki's most recently modified pages in the popup, the worker stopped", async () => {
    await checkRecentList(browser);
  });
});
