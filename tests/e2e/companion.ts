/**
 * What a user does with the companion, as steps shared by the end-to-end
 * suites (live wiki, and unreachable wiki served from the bundled snapshot).
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { newestTitles, type ExtensionBrowser } from './browser';

export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../docs/screenshots');

/** The text of every range registered under the agentwiki-term highlight. */
export function highlightedTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const highlight = CSS.highlights.get('agentwiki-term');
    return highlight ? [...highlight].map((range) => range.toString()) : [];
  });
}

/** Ids of the elements that contain a highlighted range. */
export function highlightedContainers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const highlight = CSS.highlights.get('agentwiki-term');
    if (!highlight) return [];
    return [...highlight].map((range) => {
      let node: Node | null = range.startContainer;
      while (node && !(node instanceof HTMLElement && node.id)) node = node.parentNode;
      return node instanceof HTMLElement ? node.id : '';
    });
  });
}

export async function waitForHighlights(page: Page, expected: string[]): Promise<string[]> {
  await page.waitForFunction(
    (terms) => {
      const highlight = CSS.highlights.get('agentwiki-term');
      if (!highlight) return false;
      const texts = [...highlight].map((range) => range.toString().toLowerCase());
      return terms.every((term) => texts.includes(term.toLowerCase()));
    },
    expected,
    { timeout: 15_000 },
  );
  return highlightedTexts(page);
}

/** Rests the pointer on the highlighted occurrence of `text`. */
export async function hoverHighlight(page: Page, text: string): Promise<void> {
  const box = await page.evaluate((wanted) => {
    const highlight = CSS.highlights.get('agentwiki-term');
    const range = highlight && [...highlight].find((r) => r.toString() === wanted);
    if (!range) return null;
    const rect = (range as Range).getClientRects()[0];
    return rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 } : null;
  }, text);
  if (!box) throw new Error(`"${text}" is not highlighted.`);
  await page.mouse.move(box.x - 40, box.y - 40);
  await page.mouse.move(box.x, box.y, { steps: 4 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOT_DIR, `${name}.png`) });
}

/** Checks highlighting and the hover card on the news fixture. */
export async function checkHoverOnNewsPage(browser: ExtensionBrowser, pagesUrl: string, shotName?: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${pagesUrl}news.html`);
  const texts = await waitForHighlights(page, ['open-closed gap', 'MetaGPT', 'chain of thought']);
  expect(texts.map((t) => t.toLowerCase())).not.toContain('memory');
  expect(texts.map((t) => t.toLowerCase())).not.toContain('planning');
  const containers = await highlightedContainers(page);
  for (const forbidden of ['notes', 'draft', 'snippet', 'editor']) expect(containers).not.toContain(forbidden);

  await hoverHighlight(page, 'MetaGPT');
  const dialog = page.getByRole('dialog', { name: 'MetaGPT: Multi-Agent Framework with SOPs' });
  await dialog.waitFor({ state: 'visible', timeout: 5_000 });
  expect(await page.locator('agentwiki-card').count()).toBe(1);
  await expect.poll(() => dialog.textContent()).toMatch(/MetaGPT/);
  expect(await dialog.getByRole('button', { name: 'Read in side panel' }).count()).toBe(1);
  expect(await dialog.getByRole('link', { name: 'Open on wiki' }).count()).toBe(1);
  if (shotName) await screenshot(page, shotName);

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: 5_000 });
  return page;
}

export async function checkSidePanelArticle(browser: ExtensionBrowser, shotName?: string): Promise<void> {
  const panel = await browser.openExtensionPage('sidepanel.html?id=open_closed_performance_gap');
  const article = panel.getByRole('article');
  await article.waitFor({ timeout: 10_000 });
  const heading = article.getByRole('heading', { level: 1 }).first();
  expect(await heading.textContent()).toBe('Open-Closed Model Performance Gap');
  expect(await panel.locator('article script').count()).toBe(0);
  // An internal link opens its article in the panel; Back returns.
  await article.locator('a[data-wiki-id="metagpt"]').first().click();
  await expect.poll(() => panel.getByRole('heading', { level: 1 }).first().textContent()).toBe(
    'MetaGPT: Multi-Agent Framework with SOPs',
  );
  await panel.getByRole('button', { name: 'Back' }).click();
  await expect.poll(() => panel.getByRole('heading', { level: 1 }).first().textContent()).toBe(
    'Open-Closed Model Performance Gap',
  );
  if (shotName) await screenshot(panel, shotName);
  await panel.close();
}

/**
 * The popup opened while the service worker is stopped (as Chrome leaves it
 * after half a minute idle) lists the cache's most recently modified
 * articles, from the list the background stored with its derived data.
 */
export async function checkRecentList(browser: ExtensionBrowser): Promise<void> {
  await browser.stopWorker();
  const popup = await browser.openExtensionPage('popup.html');
  const list = popup.getByRole('listbox', { name: 'Recently updated' });
  await list.waitFor({ timeout: 10_000 });
  const shown = await list.getByRole('option').locator('.search-result-title').allTextContents();
  const newest = await newestTitles(popup, 8);
  const stored = await popup.evaluate(async () => {
    const chromeApi = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
    const recent = (await chromeApi.storage.local.get('recentArticles')).recentArticles as { title: string }[] | undefined;
    return recent?.map((hit) => hit.title) ?? [];
  });
  expect(shown.length).toBeGreaterThan(0);
  expect(shown).toEqual(newest.slice(0, shown.length));
  expect(stored.slice(0, shown.length)).toEqual(shown);
  await popup.close();
}

export async function checkPopupSearch(browser: ExtensionBrowser, shotName?: string): Promise<void> {
  const popup = await browser.openExtensionPage('popup.html');
  await popup.setViewportSize({ width: 420, height: 560 });
  const box = popup.getByRole('searchbox', { name: 'Search the knowledge base' });
  await box.fill('metagpt');
  const first = popup.getByRole('option').first();
  await expect.poll(() => first.textContent(), { timeout: 5_000 }).toMatch(/MetaGPT: Multi-Agent Framework with SOPs/);
  if (shotName) await screenshot(popup, shotName);
  // Choosing a result shows the article in the reader.
  const opened = browser.context.waitForEvent('page', { timeout: 10_000 });
  await box.press('Enter');
  const reader = await opened.catch(() => popup);
  await expect
    .poll(() => reader.getByRole('article').getByRole('heading', { level: 1 }).first().textContent(), { timeout: 10_000 })
    .toBe('MetaGPT: Multi-Agent Framework with SOPs');
  if (reader !== popup) await reader.close();
  await popup.close().catch(() => undefined);
}
