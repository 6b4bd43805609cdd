/**
 * The golden pages (tests/fixtures/golden) in real Chromium with the built
 * extension, working from its bundled snapshot (the wiki is unreachable):
 * what the content script actually highlights, scored against what a reader
 * should be offered. The same pages and scoring as the Node runner in
 * tests/unit/golden, but with the browser's own HTML parser, CSS (hidden
 * and display:none text), Custom Highlight API and timing.
 *
 * Highlights carry no article ids, so each highlighted text is mapped back
 * to its ids with the same term table, built here in Node from the same
 * knowledge base sources the snapshot was built from.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { compileMatcher, type Matcher } from '../../lib/match/matcher';
import { buildTermTable } from '../../lib/match/term-table';
import { buildSnapshot } from '../../scripts/build-snapshot';
import { GOLDEN_DIR, formatReport, loadGoldenPages, overallScore, scorePage, type Mark, type PageScore } from '../unit/golden/golden-score';
import { servePages } from '../support/page-server';
import { launchWithExtension, type ExtensionBrowser } from './browser';

const MIN_PRECISION = 0.9;
const MIN_RECALL = 0.8;
/** No single page may fall below this: an average over many pages can hide one where detection collapses. */
const MIN_PAGE_SCORE = 0.5;
/** The scan has settled when the highlights stayed the same this long. */
const QUIET_MS = 800;
/** A page with nothing to mark is given this long before it is read as unmarked. */
const MIN_WAIT_MS = 1_500;
const MAX_WAIT_MS = 15_000;

const pages = loadGoldenPages();

interface Highlighted {
  text: string;
  start: number;
  end: number;
}

/** The highlighted ranges of a page, with their offsets in the body's text, and that text. */
function readHighlights(page: Page): Promise<{ pageText: string; ranges: Highlighted[] }> {
  return page.evaluate(() => {
    const body = document.body;
    const highlight = CSS.highlights.get('agentwiki-term');
    const ranges = highlight
      ? [...highlight].map((range) => {
          const before = document.createRange();
          before.setStart(body, 0);
          before.setEnd(range.startContainer, range.startOffset);
          const text = (range as Range).toString();
          const start = before.toString().length;
          return { text, start, end: start + text.length };
        })
      : [];
    return { pageText: body.textContent ?? '', ranges };
  });
}

/** Waits until the page's highlights stop changing, then reads them. */
async function settledHighlights(page: Page): Promise<{ pageText: string; ranges: Highlighted[] }> {
  const started = Date.now();
  let last = '';
  let quietSince = Date.now();
  for (;;) {
    const now = await readHighlights(page);
    const key = JSON.stringify(now.ranges);
    if (key !== last) {
      last = key;
      quietSince = Date.now();
    }
    const waited = Date.now() - started;
    if ((waited >= MIN_WAIT_MS && Date.now() - quietSince >= QUIET_MS) || waited >= MAX_WAIT_MS) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function hasTermTable(browser: ExtensionBrowser): Promise<boolean> {
  return browser.worker.evaluate(async () => {
    const chromeApi = (globalThis as unknown as { chrome: { storage: { local: { get(k: string): Promise<Record<string, unknown>> } } } }).chrome;
    return (await chromeApi.storage.local.get('termTable')).termTable !== undefined;
  });
}

/** The ids the term table gives a highlighted text: the match that covers it whole. */
function idsOf(matcher: Matcher, text: string): string[] {
  const whole = matcher.findAll(text).find((m) => m.start === 0 && m.end === text.length);
  return whole ? [...whole.ids] : [];
}

describe('golden pages in Chromium', () => {
  let browser: ExtensionBrowser;
  let site: { url: string; close(): Promise<void> } | undefined;
  let matcher: Matcher;
  const scores: PageScore[] = [];

  beforeAll(async () => {
    const snapshot = await buildSnapshot(resolve(import.meta.dirname, '../../assets/knowledge-base/pages'), { epoch: 0 });
    matcher = compileMatcher(buildTermTable(snapshot.articles));
    site = await servePages({ '/': GOLDEN_DIR });
    browser = await launchWithExtension(inject('offlineExtensionDir'));
    // The snapshot is loaded and the term table stored before the first page opens.
    await browser.waitForStatus((s) => s.phase === 'idle' && s.last !== undefined);
    const deadline = Date.now() + 30_000;
    while (!(await hasTermTable(browser))) {
      if (Date.now() > deadline) throw new Error('The extension never stored its term table from the bundled snapshot.');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    if (scores.length) console.log(formatReport('Golden pages, built extension in Chromium:', scores));
    await browser?.close();
    await site?.close();
  });

  it('scores every golden page', async () => {
    for (const golden of pages) {
      const page = await browser.context.newPage();
      try {
        await page.goto(`${site!.url}/${golden.name}.html`, { waitUntil: 'load' });
        const { pageText, ranges } = await settledHighlights(page);
        const marks: Mark[] = ranges.map((r) => ({ ...r, ids: idsOf(matcher, r.text) }));
        scores.push(scorePage(golden, marks, pageText));
      } finally {
        await page.close();
      }
    }
    expect(scores.length).toBe(pages.length);
    // The extension is running: the pages with terms got some highlighted.
    expect(scores.filter((s) => s.expected.length > 0).every((s) => s.markCount > 0)).toBe(true);
  });

  it(`detects terms with precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL}`, () => {
    const total = overallScore(scores);
    expect(scores.length).toBe(pages.length);
    expect.soft(total.precision, 'overall precision (see the report printed below)').toBeGreaterThanOrEqual(MIN_PRECISION);
    expect.soft(total.recall, 'overall recall (see the report printed below)').toBeGreaterThanOrEqual(MIN_RECALL);
  });

  it(`keeps precision and recall ≥ ${MIN_PAGE_SCORE} on every page`, () => {
    const weak = scores
      .filter((s) => s.precision < MIN_PAGE_SCORE || s.recall < MIN_PAGE_SCORE)
      .map((s) => `${s.name}: precision ${s.precision.toFixed(2)}, recall ${s.recall.toFixed(2)}`);
    expect(weak).toEqual([]);
  });

  it('never highlights what must stay unmarked', () => {
    const violations = scores.flatMap((s) => s.violations.map((v) => `${s.name}: "${v.mark}" (must not mark "${v.surface}")`));
    expect(violations).toEqual([]);
  });

  it('highlights nothing on pages where a reader needs nothing defined', () => {
    const marked = scores
      .filter((s) => s.expected.length === 0 && s.markCount > 0)
      .map((s) => `${s.name}: ${s.falsePositives.map((fp) => `"${fp.text}"`).join(', ')}`);
    expect(marked).toEqual([]);
  });

  it('highlights each found term where it first appears', () => {
    const mismatches = scores.flatMap((s) => s.textMismatches.map((m) => `${s.name}: ${m.id} "${m.actual}", expected "${m.expected}"`));
    expect(mismatches).toEqual([]);
  });
});
