/**
 * With the wiki unreachable, everything works from the starter snapshot
 * bundled in the extension, and the failed sync says why in words.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from './browser';
import { checkHoverOnNewsPage, checkPopupSearch, checkRecentList, checkSidePanelArticle } from './companion';

describe('with the wiki unreachable', () => {
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    browser = await launchWithExtension(inject('offlineExtensionDir'));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('keeps the bundled articles and explains the failed sync', async () => {
    const status = await browser.waitForStatus((s) => s.phase === 'idle' && s.last !== undefined);
    expect(status.last?.ok).toBe(false);
    expect(status.last?.error).toMatch(/127\.0\.0\.1:9/);
    expect(status.source).toBe('snapshot');
    expect(status.articleCount).toBeGreaterThanOrEqual(30);
  });

  it('marks terms and shows the hover card from the snapshot', async () => {
    const page = await checkHoverOnNewsPage(browser, inject('pagesUrl'));
    await page.close();
  });

  it('reads from the snapshot', async () => {
    await checkSidePanelArticle(browser);
  });

  it('searches the snapshot', async () => {
    await checkPopupSearch(browser);
  });

  // Last: it stops the service worker.
  it('lists the newest articles of the snapshot in the popup, the worker stopped', async () => {
    await checkRecentList(browser);
  });
});
