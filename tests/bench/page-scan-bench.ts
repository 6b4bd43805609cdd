/**
 * Page-scan benchmark in real Chromium (Debian's /usr/bin/chromium through
 * playwright-core): a 1 MB-text page and a term-free 50 kB page against a
 * 3,000-article base, beside the floor of merely reading the page's text
 * with a TreeWalker in the same run.
 *
 *   npx tsx tests/bench/page-scan-bench.ts
 *
 * Budgets (shared/DESIGN.md): 1 MB page under 30 ms in total with no task
 * over 50 ms; a page without terms under 3 ms.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { ScanMeasurement } from './page-scan-harness';

async function bundleHarness(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      lib: { entry: fileURLToPath(new URL('./page-scan-harness.ts', import.meta.url)), formats: ['iife'], name: 'bench' },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const out of outputs) {
    if ('output' in out) return out.output[0].code;
  }
  throw new Error('The harness did not bundle.');
}

export interface PageScanRow {
  name: string;
  textChars: number;
  elements: number;
  compileMs: number;
  scanMs: number;
  readTextMs: number;
  longestTaskMs: number;
  slicedWallMs: number;
  marked: number;
}

export async function runPageScanBench(): Promise<PageScanRow[]> {
  const code = await bundleHarness();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  const measure = async (what: string, args: [number, number, number]): Promise<ScanMeasurement> => {
    const page = await browser.newPage();
    try {
      await page.setContent('<!doctype html><html><head></head><body></body></html>');
      await page.addScriptTag({ content: code });
      // Warm the code up once, as on any page after the browser's first.
      await page.evaluate(() => (globalThis as any).agentwikiScanBench.measureScan(300, 20_000, 50, 'whole'));
      return await page.evaluate(
        ([a, s, e, w]) => (globalThis as any).agentwikiScanBench.measureScan(a, s, e, w),
        [...args, what] as const,
      );
    } finally {
      await page.close();
    }
  };
  try {
    const rows: PageScanRow[] = [];
    const cases: [string, [number, number, number]][] = [
      ['1 MB page, 3,000 articles', [3_000, 1_000_000, 120]],
      ['1 MB page, 50,000 articles', [50_000, 1_000_000, 120]],
      ['50 kB page without terms, 3,000 articles', [3_000, 50_000, 1e12]],
    ];
    // Each figure is the median of three fresh pages: single runs on a
    // shared 2-core machine vary by 2x.
    const median3 = async (what: string, args: [number, number, number], pick: (m: ScanMeasurement) => number) => {
      const runs = [await measure(what, args), await measure(what, args), await measure(what, args)];
      return runs.sort((a, b) => pick(a) - pick(b))[1]!;
    };
    for (const [name, args] of cases) {
      const whole = await median3('whole', args, (m) => m.scanMs);
      const sliced = await median3('sliced', args, (m) => m.longestTaskMs);
      const read = await median3('read', args, (m) => m.readTextMs);
      rows.push({
        name,
        textChars: read.textChars,
        elements: whole.elements,
        compileMs: whole.compileMs,
        scanMs: whole.scanMs,
        readTextMs: read.readTextMs,
        longestTaskMs: sliced.longestTaskMs,
        slicedWallMs: sliced.slicedWallMs,
        marked: whole.marked,
      });
    }
    return rows;
  } finally {
    await browser.close();
  }
}

export function formatPageScanBench(rows: readonly PageScanRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.name}: ${(r.textChars / 1e6).toFixed(2)} M chars in ${r.elements} elements; ` +
        `compile ${r.compileMs.toFixed(1)} ms; first scan ${r.scanMs.toFixed(1)} ms of work ` +
        `(reading the text alone: ${r.readTextMs.toFixed(1)} ms); sliced: ${r.slicedWallMs.toFixed(0)} ms wall, ` +
        `longest task ${r.longestTaskMs ? `${r.longestTaskMs.toFixed(0)} ms` : 'none over 50 ms'}; ${r.marked} marked`,
    )
    .join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatPageScanBench(await runPageScanBench()));
}
