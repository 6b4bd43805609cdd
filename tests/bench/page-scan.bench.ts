/**
 * The content script's cost on real pages, in real Chromium with the built
 * extension and a 3,000-article term table in its storage, beside baselines
 * from the same run:
 *
 * - pages of everyday prose without any term, 5 kB (an ordinary article)
 *   and 50 kB (budget: at most 3 ms of main-thread work from the content
 *   script — on such pages only its first stage runs, see
 *   services/page/page-gate.ts);
 * - Debian's python3.11-doc `library/stdtypes.html`, a large real page;
 * - a 1 MB page of synthetic text (budget: under 30 ms in total, no task
 *   over 50 ms);
 * - the content script's bundle size, both stages (budget: at most 30 kB
 *   gzip each, which the build enforces).
 *
 * How the cost is read: a Chrome trace of each load (tests/bench/chromium-trace.ts)
 * — every main-thread task that ran the content script, summed whole, in the
 * thread's CPU time and in wall time. On the generated pages, which run no
 * script of their own (checked on every load without the extension), those
 * are the tasks that ran JavaScript, and the trace runs without V8's sampling
 * profiler, which would cost the script itself; on stdtypes.html, which has
 * scripts, the profiler's samples tell the content script's tasks.
 * Baselines, from the same run:
 *
 * - the same page loaded in a browser without the extension (the page's own
 *   main-thread work);
 * - reading the page's text alone with a TreeWalker, in the page (not a
 *   content script);
 * - the floor: a third browser with a tiny extension
 *   (tests/bench/floor-extension.ts) whose content script does the least any
 *   term scan must do — one storage read of the term table's index, a
 *   TreeWalker over the text, each word hashed and tested against the
 *   index's Bloom filter — measured by the same trace method. Its counts are
 *   checked against lib/match's own hash and filter on every load, so the
 *   floor provably ran over the whole text. Each budget is compared with it:
 *   a budget below the floor is one no content script that reads the page
 *   can meet on this machine.
 *
 * The three browsers load each page in turn (ours, floor, none), RUNS times,
 * so that a burst of load on the shared machine hits all alike; each figure
 * is the median of RUNS loads.
 *
 *   npm run bench -- page-scan        or   npx tsx tests/bench/page-scan.bench.ts
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_MAIN_FILE } from '../../scripts/build-config';
import { measureBudgets } from '../../scripts/bundle-budget';
import { shardTermTable, type TermTableIndex } from '../../lib/match/table-shards';
import { benchTable, plainPage, PYTHON_DOC_DIR, pythonDocAvailable, STDTYPES_PATH, syntheticPage } from './bench-pages';
import { buildBenchExtension, firstMarks, installTermTable, launchBrowser, servePages, settledHighlights, type BenchBrowser } from './bench-browser';
import { contentScriptCost, median, startTrace, type Attribution, type MainThreadCost } from './chromium-trace';
import { expectedFloorResult, FLOOR_SCRIPT_BYTES, readFloorResult, writeFloorExtension, type FloorResult } from './floor-extension';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ARTICLES = 3_000;
const OUT_DIR = resolve(import.meta.dirname, '../../.output/bench-page-scan');
const FLOOR_DIR = resolve(import.meta.dirname, '../../.output/bench-floor');

interface Case {
  name: string;
  path: string;
  /** Budget on the content script's total main-thread time, and on its longest task (ms). */
  budget?: { totalMs?: number; longestMs?: number };
  expectMarks: boolean;
  /** The page runs scripts of its own: the content script's tasks are told by the profiler's samples. */
  ownScripts: boolean;
}

interface Load {
  cost: MainThreadCost;
  marks: number;
  firstMarksMs: number | null;
  textChars: number;
  readTextMs: number;
  /** What the floor's content script counted (floor loads only). */
  floor: FloorResult | null;
}

/** Which browser a load runs in: the built extension, the floor extension, or none. */
type Role = 'ours' | 'floor' | 'page';

/**
 * Loads `url` in a fresh tab under a trace; reads what the content script
 * cost, and how long reading the page's text takes. A floor load also checks
 * the floor's counts against lib/match (`index`), and throws if they differ.
 */
async function load(browser: BenchBrowser, url: string, role: Role, c: Case, index?: TermTableIndex): Promise<Load> {
  const { expectMarks } = c;
  const attribution: Attribution = c.ownScripts ? 'samples' : 'script-tasks';
  const page = await browser.context.newPage();
  try {
    await page.goto('about:blank');
    const cdp = await browser.context.newCDPSession(page);
    const endTrace = await startTrace(cdp, attribution);
    await page.goto(url, { waitUntil: 'load' });
    let firstMarksMs: number | null = null;
    let marks = 0;
    let floor: FloorResult | null = null;
    if (role === 'ours' && expectMarks) {
      firstMarksMs = await firstMarks(page);
      marks = await settledHighlights(page, 800);
    } else if (role === 'floor') {
      // The floor writes its counts as the last step of its one task: once they show, it is done.
      floor = await readFloorResult(page);
    } else {
      // Long enough for a scan in idle slices to have run to its end.
      await page.waitForTimeout(2_000);
    }
    const events = await endTrace();
    await cdp.detach();
    const cost = contentScriptCost(events, url, browser.extensionId ? `chrome-extension://${browser.extensionId}/` : null, attribution);
    if (role === 'page' && attribution === 'script-tasks' && cost.scriptTasks > 0) {
      throw new Error(`${url} ran ${cost.scriptTasks} tasks of JavaScript of its own: its cost can only be told by samples (ownScripts).`);
    }
    const [readTextMs, textChars] = await page.evaluate(() => {
      const started = performance.now();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let chars = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) chars += (node as Text).data.length;
      return [performance.now() - started, chars];
    });
    if (floor) {
      if (!index) throw new Error('A floor load needs the term table index to check the floor against.');
      const texts = await page.evaluate(() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const found: string[] = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) found.push((node as Text).data);
        return found;
      });
      const expected = expectedFloorResult(texts, index);
      if (expected.words !== floor.words || expected.candidates !== floor.candidates) {
        throw new Error(
          `The floor on ${url} counted ${floor.words} words and ${floor.candidates} candidates; lib/match counts ` +
            `${expected.words} and ${expected.candidates}: floor.js no longer mirrors lib/match.`,
        );
      }
    }
    return { cost, marks, firstMarksMs, textChars, readTextMs, floor };
  } finally {
    await page.close();
  }
}


const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** How a budget compares with what the floor measured in the same run. */
function againstFloor(budgetMs: number, floorMs: number, what: string): string {
  if (!Number.isFinite(floorMs) || floorMs <= 0) return `the floor measured nothing to compare with`;
  // Within 5% the order means nothing: repeated runs here move the floor by more than that.
  if (Math.abs(budgetMs - floorMs) <= 0.05 * floorMs) return `budget ${budgetMs} ms is at ${what} (${f(floorMs)} ms) measured here`;
  return budgetMs < floorMs
    ? `budget ${budgetMs} ms is below ${what} (${f(floorMs)} ms) measured here`
    : `budget ${budgetMs} ms is ${f(budgetMs / floorMs)}× ${what} (${f(floorMs)} ms) measured here`;
}

export default async function pageScanBench(): Promise<void> {
  const cases: Case[] = [
    { name: 'page without any term (5 kB of everyday prose)', path: '/short.html', budget: { totalMs: 3 }, expectMarks: false, ownScripts: false },
    { name: 'page without any term (50 kB of everyday prose)', path: '/plain.html', budget: { totalMs: 3 }, expectMarks: false, ownScripts: false },
    { name: '1 MB page of synthetic text', path: '/synthetic.html', budget: { totalMs: 30, longestMs: 50 }, expectMarks: true, ownScripts: false },
  ];
  if (pythonDocAvailable()) {
    cases.splice(2, 0, {
      name: `Python's ${STDTYPES_PATH} (python3.11-doc)`,
      path: `/py/${STDTYPES_PATH}`,
      budget: { longestMs: 50 },
      expectMarks: true,
      ownScripts: true,
    });
  } else {
    console.log(`${PYTHON_DOC_DIR}/${STDTYPES_PATH} is missing: apt-get install python3.11-doc to measure a large real page.`);
  }

  const extensionDir = await buildBenchExtension(OUT_DIR);
  const budgets = measureBudgets(extensionDir);
  const site = await servePages({ '/py/': PYTHON_DOC_DIR }, { '/short.html': plainPage(5_000), '/plain.html': plainPage(), '/synthetic.html': syntheticPage(ARTICLES) });
  const floorDir = await writeFloorExtension(FLOOR_DIR);
  const browsers: BenchBrowser[] = [];
  try {
    const table = benchTable(ARTICLES);
    const { index } = shardTermTable(table);
    // The floor's idle worker is written through at once, before Chromium may stop it.
    const withFloor = await launchBrowser(floorDir);
    browsers.push(withFloor);
    // The same table, in the same sharded form: the floor reads its index.
    await installTermTable(withFloor, table, 'sharded', { waitForOwnTable: false });
    const withExtension = await launchBrowser(extensionDir);
    browsers.push(withExtension);
    await installTermTable(withExtension, table);
    const without = await launchBrowser(null);
    browsers.push(without);
    console.log(
      `Chromium with the built extension and a ${ARTICLES.toLocaleString('en')}-article term table; median of ${RUNS} loads each.\n` +
        `Content script, first stage and second: ${budgets.map((b) => `${b.file} ${(b.gzipBytes / 1024).toFixed(1)} kB gzip`).join(', ')} ` +
        `(budget ${(budgets[0]!.budget / 1024).toFixed(0)} kB each, enforced by the build).\n` +
        'Cost = main-thread tasks that ran the content script (Chrome trace), in thread CPU ms (wall ms).',
    );
    for (const c of cases) {
      const url = site.url + c.path;
      const ours: Load[] = [];
      const floor: Load[] = [];
      const baseline: Load[] = [];
      // Interleaved, so a burst of load on the shared machine hits all three alike.
      for (let i = 0; i < RUNS; i++) {
        ours.push(await load(withExtension, url, 'ours', c));
        floor.push(await load(withFloor, url, 'floor', c, index));
        baseline.push(await load(without, url, 'page', c));
      }
      const m = (pick: (l: Load) => number, list = ours) => median(list.map(pick));
      const total = m((l) => l.cost.cpuMs);
      const longest = m((l) => l.cost.longestMs);
      const floorTotal = m((l) => l.cost.cpuMs, floor);
      const floorLongest = m((l) => l.cost.longestMs, floor);
      const floorCounts = floor[0]!.floor!;
      const verdicts: string[] = [];
      if (c.budget?.totalMs !== undefined) {
        verdicts.push(
          `total ≤ ${c.budget.totalMs} ms: ${total <= c.budget.totalMs ? 'within' : 'OVER'} ` +
            `(${againstFloor(c.budget.totalMs, floorTotal, 'the floor')})`,
        );
      }
      if (c.budget?.longestMs !== undefined) {
        verdicts.push(
          `no task over ${c.budget.longestMs} ms: ${longest <= c.budget.longestMs ? 'within' : 'OVER'} ` +
            `(${againstFloor(c.budget.longestMs, floorLongest, "the floor's longest task")})`,
        );
      }
      const first = ours.map((l) => l.firstMarksMs).filter((v): v is number => v !== null);
      console.log(
        [
          '',
          `${c.name}: ${m((l) => l.textChars).toLocaleString('en')} characters of text`,
          `  content script: ${f(total)} ms CPU (${f(m((l) => l.cost.wallMs))} ms wall) in ${m((l) => l.cost.tasks)} tasks; ` +
            `longest ${f(longest)} ms; evaluating the script ${f(m((l) => l.cost.evaluateMs))} ms; ` +
            (c.ownScripts ? `its own code by samples ${f(m((l) => l.cost.sampledMs ?? NaN))} ms` : 'the page runs no script of its own, traced without the profiler'),
          `  scripts run: ${[...new Set(ours.flatMap((l) => l.cost.scripts))].join(' and ') || 'none seen'}` +
            ` (${ours.filter((l) => l.cost.scripts.includes(CONTENT_MAIN_FILE)).length} of ${ours.length} loads took the second stage)`,
          `  marks: ${m((l) => l.marks)}` +
            (first.length ? `; first marks ${f(median(first), 0)} ms after navigation` : '') +
            `; done ${f(m((l) => l.cost.doneAtMs), 0)} ms after the page's first task`,
          `  baseline, same run: the page's own load without the extension ${f(m((l) => l.cost.page.cpuMs, baseline))} ms CPU ` +
            `(longest task ${f(m((l) => l.cost.page.longestMs, baseline))} ms); reading its text alone ${f(m((l) => l.readTextMs, baseline), 2)} ms` +
            ` → content script = ${f((100 * total) / m((l) => l.cost.page.cpuMs, baseline), 0)}% of the page's own work`,
          `  floor, same run: a ${f(FLOOR_SCRIPT_BYTES / 1024)} kB content script that only reads the text and tests each word ` +
            `(${floorCounts.words.toLocaleString('en')} words, ${floorCounts.candidates.toLocaleString('en')} through the filter): ` +
            `${f(floorTotal)} ms CPU (longest task ${f(floorLongest)} ms) → ours = ${f(total / floorTotal)}× the floor`,
          verdicts.length ? `  budget: ${verdicts.join('; ')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
  } finally {
    for (const browser of browsers) await browser.close();
    await site.close();
    await rm(OUT_DIR, { recursive: true, force: true });
    await rm(FLOOR_DIR, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await pageScanBench();
