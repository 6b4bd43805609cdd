/**
 * Runs inside a real page (bundled by page-scan-bench.ts): builds a synthetic
 * term table, generates the page and measures the content script's scan.
 */
import { compileMatcher } from '../../lib/match/matcher';
import { buildTermTable } from '../../lib/match/term-table';
import { startPageSession } from '../../services/page/page-session';
import { syntheticArticles, syntheticText } from './synthetic-wiki';

export interface ScanMeasurement {
  textChars: number;
  elements: number;
  compileMs: number;
  /** The whole scan as one task: its total main-thread cost. */
  scanMs: number;
  /** The same scan in slices, as it runs for real: the longest task it caused. */
  longestTaskMs: number;
  slicedWallMs: number;
  marked: number;
  /** Floor: only reading every text node with a TreeWalker. */
  readTextMs: number;
}

/** Fills the body with paragraphs of ~600 characters, some words in inline elements and links. */
function fillPage(text: string): void {
  const body = document.body;
  body.replaceChildren();
  for (const paragraph of text.split('.\n\n')) {
    const p = document.createElement('p');
    const words = paragraph.split(' ');
    for (let i = 0; i < words.length; i += 12) {
      const chunk = words.slice(i, i + 12).join(' ') + ' ';
      const kind = i % 48;
      const el = kind === 12 ? document.createElement('em') : kind === 24 ? document.createElement('a') : null;
      if (el) {
        if (el.localName === 'a') el.setAttribute('href', '#');
        el.textContent = chunk;
        p.append(el);
      } else p.append(chunk);
    }
    body.append(p);
  }
}

function readAllText(): number {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n = 0;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) n += (t as Text).data.length;
  return n;
}

async function session(matcher: ReturnType<typeof compileMatcher>, sliceMs: number) {
  const abort = new AbortController();
  const s = startPageSession({
    doc: document,
    matcher,
    titleOf: (id) => id,
    pageUrlOf: (id) => id,
    lookup: async () => null,
    openInSidePanel: () => undefined,
    signal: abort.signal,
    options: { sliceMs },
  });
  return { s, abort };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Prepares a fresh page, then measures one thing on it in its own task:
 * `whole` — the first scan as one task (its total main-thread cost);
 * `sliced` — the first scan as it runs for real, in slices (its longest task);
 * `read` — the floor: a TreeWalker reading every text node.
 */
export async function measureScan(
  articleCount: number,
  textSize: number,
  termEvery: number,
  what: 'whole' | 'sliced' | 'read',
): Promise<ScanMeasurement> {
  const articles = syntheticArticles(articleCount);
  const table = JSON.parse(JSON.stringify(buildTermTable(articles)));
  // Mentions drawn from 150 articles: a real page names dozens of distinct
  // terms, not hundreds, so the scan reads the whole page instead of
  // stopping at the cap of marked terms.
  fillPage(syntheticText(textSize, articles.slice(0, 150), termEvery));
  const compiles: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    compileMatcher(table);
    compiles.push(performance.now() - t);
  }
  const result: ScanMeasurement = {
    textChars: textSize,
    elements: document.body.getElementsByTagName('*').length,
    compileMs: median(compiles),
    scanMs: 0,
    longestTaskMs: 0,
    slicedWallMs: 0,
    marked: 0,
    readTextMs: 0,
  };
  const matcher = compileMatcher(table);
  // Let the page render once, as it has by document_idle: style and layout
  // are then the page's cost, not the scan's.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  document.body.getBoundingClientRect();
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
  observer.observe({ type: 'longtask' });
  await nextTask();
  await nextTask();
  tasks.length = 0;

  if (what === 'read') {
    const t = performance.now();
    result.textChars = readAllText();
    result.readTextMs = performance.now() - t;
    observer.disconnect();
    return result;
  }
  const abort = new AbortController();
  const t = performance.now();
  const session = startPageSession({
    doc: document,
    matcher,
    titleOf: (id) => id,
    pageUrlOf: (id) => id,
    lookup: async () => null,
    openInSidePanel: () => undefined,
    signal: abort.signal,
    options: what === 'whole' ? { sliceMs: Number.POSITIVE_INFINITY } : {},
  });
  await session.ready;
  const elapsed = performance.now() - t;
  if (what === 'whole') result.scanMs = elapsed;
  else result.slicedWallMs = elapsed;
  await nextTask();
  observer.disconnect();
  result.longestTaskMs = tasks.length ? Math.max(...tasks) : 0;
  result.marked = session.occurrences().length;
  abort.abort();
  return result;
}

(globalThis as { agentwikiScanBench?: unknown }).agentwikiScanBench = { measureScan };
