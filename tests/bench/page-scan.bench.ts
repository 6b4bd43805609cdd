/**
 * The content script's cost on real pages, in real Chromium with the built
 * extension and a 3,000-article term table in its storage, beside baselines
 * from the same run:
 *
 * - a 50 kB page of everyday prose, without any term (budget: at most 3 ms
 *   of main-thread work from the content script);
 * - Debian's python3.11-doc `library/stdtypes.html`, a large real page;
 * - a 1 MB page of synthetic text (budget: under 30 ms in total, no task
 *   over 50 ms);
 * - the content script's bundle size (budget: at most 30 kB gzip, which the
 *   build enforces).
 *
 * How the cost is read: a Chrome trace of each load (tests/bench/chromium-trace.ts)
 * — every main-thread task that ran the content script, summed whole, in the
 * thread's CPU time and in wall time. Baselines: the same page loaded in a
 * browser without the extension (the page's own main-thread work), and
 * reading the page's text alone with a TreeWalker (the floor of any scan).
 * Each figure is the median of RUNS loads.
 *
 *   npm run bench -- page-scan        or   npx tsx tests/bench/page-scan.bench.ts
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { measureBudgets } from '../../scripts/bundle-budget';
import { benchTable, plainPage, PYTHON_DOC_DIR, pythonDocAvailable, STDTYPES_PATH, syntheticPage } from './bench-pages';
import { buildBenchExtension, installTermTable, launchBrowser, servePages, settledHighlights, type BenchBrowser } from './bench-browser';
import { contentScriptCost, median, startTrace, type MainThreadCost } from './chromium-trace';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const ARTICLES = 3_000;
const OUT_DIR = resolve(import.meta.dirname, '../../.output/bench-page-scan');

interface Case {
  name: string;
  path: string;
  /** Budget on the content script's total main-thread time, and on its longest task (ms). */
  budget?: { totalMs?: number; longestMs?: number };
  expectMarks: boolean;
}

interface Load {
  cost: MainThreadCost;
  marks: number;
  firstMarksMs: number | null;
  textChars: number;
  readTextMs: number;
}

/** Loads `url` in a fresh tab under a trace; reads what the content script cost, and the page's text floor. */
async function load(browser: BenchBrowser, url: string, expectMarks: boolean): Promise<Load> {
  const page = await browser.context.newPage();
  try {
    await page.goto('about:blank');
    const cdp = await browser.context.newCDPSession(page);
    const endTrace = await startTrace(cdp);
    await page.goto(url, { waitUntil: 'load' });
    let firstMarksMs: number | null = null;
    let marks = 0;
    if (browser.extensionId && expectMarks) {
      firstMarksMs = await firstMarks(page);
      marks = await settledHighlights(page, 800);
    } else {
      // Long enough for a scan in idle slices to have run to its end.
      await page.waitForTimeout(2_000);
    }
    const events = await endTrace();
    await cdp.detach();
    const cost = contentScriptCost(events, url, browser.extensionId ? `chrome-extension://${browser.extensionId}/` : null);
    const [readTextMs, textChars] = await page.evaluate(() => {
      const started = performance.now();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      let chars = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) chars += (node as Text).data.length;
      return [performance.now() - started, chars];
    });
    return { cost, marks, firstMarksMs, textChars, readTextMs };
  } finally {
    await page.close();
  }
}

/** Milliseconds from navigation to the first registered highlight (polled every 10 ms), or null. */
async function firstMarks(page: Page): Promise<number | null> {
  try {
    const handle = await page.waitForFunction(
      () => {
        const size = (globalThis as any).CSS?.highlights?.get('agentwiki-term')?.size ?? 0;
        return size > 0 ? performance.now() : 0;
      },
      null,
      { polling: 10, timeout: 10_000 },
    );
    return (await handle.jsonValue()) as number;
  } catch {
    return null;
  }
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

export default async function pageScanBench(): Promise<void> {
  const cases: Case[] = [
    { name: 'page without any term (50 kB of everyday prose)', path: '/plain.html', budget: { totalMs: 3 }, expectMarks: false },
    { name: '1 MB page of synthetic text', path: '/synthetic.html', budget: { totalMs: 30, longestMs: 50 }, expectMarks: true },
  ];
  if (pythonDocAvailable()) {
    cases.splice(1, 0, {
      name: `Python's ${STDTYPES_PATH} (python3.11-doc)`,
      path: `/py/${STDTYPES_PATH}`,
      budget: { longestMs: 50 },
      expectMarks: true,
    });
  } else {
    console.log(`${PYTHON_DOC_DIR}/${STDTYPES_PATH} is missing: apt-get install python3.11-doc to measure a large real page.`);
  }

  const extensionDir = await buildBenchExtension(OUT_DIR);
  const [budget] = measureBudgets(extensionDir);
  const site = await servePages({ '/py/': PYTHON_DOC_DIR }, { '/plain.html': plainPage(), '/synthetic.html': syntheticPage(ARTICLES) });
  const withExtension = await launchBrowser(extensionDir);
  const without = await launchBrowser(null);
  try {
    await installTermTable(withExtension, benchTable(ARTICLES));
    console.log(
      `Chromium with the built extension and a ${ARTICLES.toLocaleString('en')}-article term table; median of ${RUNS} loads each.\n` +
        `Content script: ${budget!.file} ${(budget!.gzipBytes / 1024).toFixed(1)} kB gzip (budget ${(budget!.budget / 1024).toFixed(0)} kB, enforced by the build).\n` +
        'Cost = main-thread tasks that ran the content script (Chrome trace), in thread CPU ms (wall ms).',
    );
    for (const c of cases) {
      const url = site.url + c.path;
      const ours: Load[] = [];
      const baseline: Load[] = [];
      // Interleaved, so a burst of load on the shared machine hits both alike.
      for (let i = 0; i < RUNS; i++) {
        ours.push(await load(withExtension, url, c.expectMarks));
        baseline.push(await load(without, url, false));
      }
      const m = (pick: (l: Load) => number, list = ours) => median(list.map(pick));
      const total = m((l) => l.cost.cpuMs);
      const longest = m((l) => l.cost.longestMs);
      const verdicts: string[] = [];
      if (c.budget?.totalMs !== undefined) verdicts.push(`total ≤ ${c.budget.totalMs} ms: ${total <= c.budget.totalMs ? 'within' : 'OVER'}`);
      if (c.budget?.longestMs !== undefined) {
        verdicts.push(`no task over ${c.budget.longestMs} ms: ${longest <= c.budget.longestMs ? 'within' : 'OVER'}`);
      }
      const first = ours.map((l) => l.firstMarksMs).filter((v): v is number => v !== null);
      console.log(
        [
          '',
          `${c.name}: ${m((l) => l.textChars).toLocaleString('en')} characters of text`,
          `  content script: ${f(total)} ms CPU (${f(m((l) => l.cost.wallMs))} ms wall) in ${m((l) => l.cost.tasks)} tasks; ` +
            `longest ${f(longest)} ms; evaluating the script ${f(m((l) => l.cost.evaluateMs))} ms; ` +
            `its own code by samples ${f(m((l) => l.cost.sampledMs))} ms`,
          `  marks: ${m((l) => l.marks)}` +
            (first.length ? `; first marks ${f(median(first), 0)} ms after navigation` : '') +
            `; done ${f(m((l) => l.cost.doneAtMs), 0)} ms after the page's first task`,
          `  baseline, same run: the page's own load without the extension ${f(m((l) => l.cost.page.cpuMs, baseline))} ms CPU ` +
            `(longest task ${f(m((l) => l.cost.page.longestMs, baseline))} ms); reading its text alone ${f(m((l) => l.readTextMs, baseline), 2)} ms` +
            ` → content script = ${f((100 * total) / m((l) => l.cost.page.cpuMs, baseline), 0)}% of the page's own work`,
          verdicts.length ? `  budget: ${verdicts.join('; ')}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
  } finally {
    await withExtension.close();
    await without.close();
    await site.close();
    await rm(OUT_DIR, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await pageScanBench();
