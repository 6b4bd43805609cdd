// @vitest-environment jsdom
/**
 * Term detection measured against the golden pages (tests/fixtures/golden):
 * the real starter knowledge base (built exactly as the extension's bundled
 * snapshot is), the real term table and matcher, and the real page session
 * scanning each page's DOM, compared with what a reader should be offered.
 *
 * jsdom rather than the unit project's happy-dom, because its DOMParser,
 * TreeWalker and Range follow the DOM standard closely: this runner and the
 * Chromium one (tests/e2e/golden.test.ts) print the same table, page for page.
 *
 * When a figure falls short, the printed report names every missed term,
 * false positive and forbidden mark; fix detection, not the expectations.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMatcher, type Matcher } from '../../../lib/match/matcher';
import { buildTermTable, type TermTable } from '../../../lib/match/term-table';
import type { Article } from '../../../lib/article';
import { buildSnapshot } from '../../../scripts/build-snapshot';
import { startPageSession } from '../../../services/page/page-session';
import {
  formatReport,
  loadGoldenPages,
  normalizeSurface,
  overallScore,
  scorePage,
  type GoldenPage,
  type Mark,
  type PageScore,
} from './golden-score';

const MIN_PRECISION = 0.9;
const MIN_RECALL = 0.8;
const MIN_PAGES = 16;
/** No single page may fall below this: an average over many pages can hide one where detection collapses. */
const MIN_PAGE_SCORE = 0.5;

const pages = loadGoldenPages();
const KB_PAGES = resolve(import.meta.dirname, '../../../assets/knowledge-base/pages');

let articles: Article[];
let table: TermTable;
let matcher: Matcher;
const scores = new Map<string, PageScore>();

/** Scans one page with the page session the content script runs, and reads back its marks. */
async function detect(page: GoldenPage): Promise<{ marks: Mark[]; pageText: string }> {
  // A document of its own per page: nothing leaks from one page into the next.
  const doc = new DOMParser().parseFromString(page.html, 'text/html');
  const titles = new Map(table.ids.map((id, i) => [id, table.titles[i]!]));
  const abort = new AbortController();
  try {
    const session = startPageSession({
      doc,
      matcher,
      titleOf: (id) => titles.get(id) ?? id,
      pageUrlOf: (id) => id,
      lookup: async () => null,
      openInSidePanel: () => undefined,
      signal: abort.signal,
      // jsdom has no Custom Highlight API, so the session falls back to
      // <agentwiki-mark> elements, which leave the text itself unchanged.
      // Longer slices only spare the test its yields; what is found is the same.
      options: { sliceMs: 1000 },
    });
    await session.ready;
    const offsets = textOffsets(doc.body);
    const marks = session.occurrences().map((occurrence): Mark => {
      const text = occurrence.range.toString();
      const start = offsets.at(occurrence.range.startContainer, occurrence.range.startOffset);
      return { text, ids: [...occurrence.ids], start, end: start + text.length };
    });
    return { marks, pageText: offsets.text };
  } finally {
    abort.abort();
  }
}

beforeAll(async () => {
  // A fixed epoch: the build's own clock or git history must not matter here.
  const snapshot = await buildSnapshot(KB_PAGES, { epoch: 0 });
  articles = snapshot.articles;
  table = buildTermTable(articles);
  matcher = compileMatcher(table);
  for (const page of pages) {
    const { marks, pageText } = await detect(page);
    scores.set(page.name, scorePage(page, marks, pageText));
  }
}, 120_000);

afterAll(() => {
  if (scores.size) console.log(formatReport('Golden pages, page session in jsdom:', [...scores.values()]));
});

describe('golden pages', () => {
  it(`has at least ${MIN_PAGES} pages, each with its expectations`, () => {
    expect(pages.length).toBeGreaterThanOrEqual(MIN_PAGES);
  });

  it('expects only articles of the knowledge base, and forbids only what the page contains', () => {
    const ids = new Set(articles.map((a) => a.id));
    const problems: string[] = [];
    for (const page of pages) {
      if (!page.expected.description?.trim()) problems.push(`${page.name}: no description`);
      const text = normalizeSurface(allTextOf(page.html));
      for (const term of page.expected.terms) {
        if (!ids.has(term.id)) problems.push(`${page.name}: "${term.id}" is no article of the knowledge base`);
        if (!text.includes(normalizeSurface(term.text))) problems.push(`${page.name}: expected text "${term.text}" is not on the page`);
      }
      // A forbidden string that is not on the page forbids nothing.
      for (const surface of page.expected.mustNotMark) {
        if (!text.includes(normalizeSurface(surface))) problems.push(`${page.name}: "${surface}" (must not mark) is not on the page`);
      }
    }
    expect(problems).toEqual([]);
  });

  it(`detects terms with precision ≥ ${MIN_PRECISION} and recall ≥ ${MIN_RECALL} over all pages`, () => {
    const total = overallScore([...scores.values()]);
    expect(scores.size).toBe(pages.length);
    expect.soft(total.precision, 'overall precision (see the report printed below)').toBeGreaterThanOrEqual(MIN_PRECISION);
    expect.soft(total.recall, 'overall recall (see the report printed below)').toBeGreaterThanOrEqual(MIN_RECALL);
  });

  it(`keeps precision and recall ≥ ${MIN_PAGE_SCORE} on every page`, () => {
    const weak = [...scores.values()]
      .filter((s) => s.precision < MIN_PAGE_SCORE || s.recall < MIN_PAGE_SCORE)
      .map((s) => `${s.name}: precision ${s.precision.toFixed(2)}, recall ${s.recall.toFixed(2)}`);
    expect(weak).toEqual([]);
  });

  it('marks nothing on pages where a reader needs nothing defined', () => {
    const empty = pages.filter((p) => p.expected.terms.length === 0);
    expect(empty.map((p) => p.name)).toEqual(expect.arrayContaining(['everyday-gardening', 'nothing-to-mark']));
    const marked = empty
      .map((p) => scores.get(p.name)!)
      .filter((s) => s.markCount > 0)
      .map((s) => `${s.name}: ${s.falsePositives.map((fp) => `"${fp.text}" (${fp.id})`).join(', ')}`);
    expect(marked).toEqual([]);
  });

  describe.each(pages.map((p) => p.name))('%s', (name) => {
    it('never marks what must stay unmarked', () => {
      const score = scores.get(name)!;
      expect(score.violations.map((v) => `"${v.mark}" (must not mark "${v.surface}")`)).toEqual([]);
    });

    it('marks each found term where it first appears', () => {
      const score = scores.get(name)!;
      expect(score.textMismatches.map((m) => `${m.id}: marked "${m.actual}", expected "${m.expected}"`)).toEqual([]);
    });
  });
});

/**
 * Offsets of DOM boundary points in the root's text (its textContent). Range
 * text from the root to each mark would say the same, but jsdom builds it in
 * time quadratic in the text: a minute for the 200 KB page.
 */
function textOffsets(root: Element): { text: string; at(container: Node, offset: number): number } {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 0x4 /* NodeFilter.SHOW_TEXT */);
  const nodes: Text[] = [];
  const starts: number[] = [];
  let text = '';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push(node as Text);
    starts.push(text.length);
    text += (node as Text).data;
  }
  const index = new Map(nodes.map((node, i) => [node, i]));
  return {
    text,
    at(container, offset) {
      const i = index.get(container as Text);
      if (i !== undefined) return starts[i]! + offset;
      // A boundary between elements: the offset of the first text node after it.
      const point = doc.createRange();
      point.setStart(container, offset);
      let low = 0;
      let high = nodes.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (point.comparePoint(nodes[mid]!, 0) < 0) low = mid + 1;
        else high = mid;
      }
      return low < nodes.length ? starts[low]! : text.length;
    },
  };
}

/** Every text of a page, markable or not: the document's, and its templates' (which textContent leaves out). */
function allTextOf(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const templates = [...doc.querySelectorAll('template')].map((t) => t.content.textContent ?? '');
  return [doc.documentElement.textContent ?? '', ...templates].join('\n');
}
