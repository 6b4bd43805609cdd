/**
 * How should the content script get the term table? The measurements behind
 * docs/decisions/term-table-delivery.md, in real Chromium, at 3,000 and
 * 50,000 articles:
 *
 * (a) the table in browser.storage.local, read and compiled by the content
 *     script: the built extension, its table replaced by the benchmark's —
 *     whole, as one value (what was built first), and sharded (index and
 *     shards, lib/match/table-shards.ts, what the extension stores now);
 * (b) matching in the service worker over a port: a prototype built here
 *     from tests/bench/term-delivery/ (never shipped), with the same scanner
 *     and painter;
 *
 * and, as the baseline of every figure, the same page in a browser without
 * any extension. For each: the content script's main-thread cost per page
 * load (Chrome trace, tests/bench/chromium-trace.ts), the page's JavaScript
 * heap after the load (CDP Runtime.getHeapUsage after a full GC; the content
 * script's isolated world shares the page's V8 isolate, so the difference to
 * the baseline is what the extension holds in that tab), service-worker
 * starts per page load (CDP ServiceWorker domain) with the worker stopped
 * before each load, as it is after 30 s without events, and the service
 * worker's own CPU time meanwhile.
 *
 *   npm run bench -- term-delivery       or   npx tsx tests/bench/term-delivery.bench.ts
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CDPSession } from 'playwright-core';
import { build } from 'vite';
import { benchTable, plainPage, PYTHON_DOC_DIR, pythonDocAvailable, STDTYPES_PATH } from './bench-pages';
import { buildBenchExtension, firstMarks, installTermTable, launchBrowser, servePages, settledHighlights, type BenchBrowser } from './bench-browser';
import { contentScriptCost, median, startTrace, type TraceEvent } from './chromium-trace';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SIZES = [3_000, 50_000];
const OUT = resolve(import.meta.dirname, '../../.output/bench-term-delivery');

/** Builds option (b)'s prototype: a service worker that matches, and a content script that asks it. */
async function buildPortPrototype(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const entries: [string, 'iife' | 'es', string][] = [
    ['port-content.ts', 'iife', 'content.js'],
    ['port-background.ts', 'es', 'background.js'],
  ];
  for (const [entry, format, file] of entries) {
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: dir,
        emptyOutDir: false,
        minify: true,
        lib: { entry: resolve(import.meta.dirname, 'term-delivery', entry), formats: [format], name: 'agentwiki', fileName: () => file },
      },
    });
  }
  await writeFile(join(dir, 'control.html'), '<!doctype html><title>control</title>');
  await writeFile(
    join(dir, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'AgentWiki Companion (port prototype, benchmark only)',
      version: '0.0.1',
      permissions: ['storage', 'unlimitedStorage'],
      background: { service_worker: 'background.js', type: 'module' },
      content_scripts: [{ matches: ['<all_urls>'], js: ['content.js'], run_at: 'document_idle' }],
    }),
  );
  return dir;
}

/** An extension page with the ServiceWorker domain on: counts the extension worker's starts and stops it on demand. */
async function workerControl(browser: BenchBrowser, path: string) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/${path}`);
  const cdp = await browser.context.newCDPSession(page);
  let starts = 0;
  let running = new Set<string>();
  cdp.on('ServiceWorker.workerVersionUpdated', (event: { versions: { versionId: string; runningStatus: string; scriptURL: string }[] }) => {
    for (const v of event.versions) {
      if (!v.scriptURL.includes(browser.extensionId!)) continue;
      if (v.runningStatus === 'starting' && !running.has(v.versionId)) {
        starts++;
        running.add(v.versionId);
      }
      if (v.runningStatus === 'stopped') running.delete(v.versionId);
    }
  });
  await cdp.send('ServiceWorker.enable');
  return {
    starts: () => starts,
    async stop(): Promise<void> {
      await cdp.send('ServiceWorker.stopAllWorkers');
      running = new Set();
      await page.waitForTimeout(300);
    },
    close: () => page.close(),
  };
}

interface Measured {
  cpuMs: number;
  wallMs: number;
  longestMs: number;
  firstMarksMs: number | null;
  marks: number;
  workerStarts: number;
  workerCpuMs: number;
}

/** CPU time of the extension service worker's thread during the trace (tasks that ran its script). */
function workerCpu(events: TraceEvent[], origin: string): number {
  const own = events.find((e) => String(e.args?.['data']?.url ?? '').startsWith(origin) && /background/.test(String(e.args?.['data']?.url)));
  if (!own) return 0;
  const thread = events.filter((e) => e.pid === own.pid && e.tid === own.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  let until = -Infinity;
  let us = 0;
  for (const e of thread) {
    if (e.ts < until) continue;
    until = e.ts + (e.dur ?? 0);
    us += e.tdur ?? e.dur ?? 0;
  }
  return us / 1000;
}

async function loadOnce(browser: BenchBrowser, url: string, expectMarks: boolean, control: { starts(): number } | null): Promise<Measured> {
  const page = await browser.context.newPage();
  try {
    await page.goto('about:blank');
    const cdp = await browser.context.newCDPSession(page);
    const endTrace = await startTrace(cdp);
    const startsBefore = control?.starts() ?? 0;
    await page.goto(url, { waitUntil: 'load' });
    const firstMarksMs = expectMarks ? await firstMarks(page, 20_000) : null;
    const marks = expectMarks ? await settledHighlights(page, 800) : (await page.waitForTimeout(2_000), 0);
    const events = await endTrace();
    await cdp.detach();
    const origin = `chrome-extension://${browser.extensionId}/`;
    const cost = contentScriptCost(events, url, origin);
    return {
      cpuMs: cost.cpuMs,
      wallMs: cost.wallMs,
      longestMs: cost.longestMs,
      firstMarksMs,
      marks,
      workerStarts: (control?.starts() ?? 0) - startsBefore,
      workerCpuMs: workerCpu(events, origin),
    };
  } finally {
    await page.close();
  }
}


/** The page's V8 heap after a full collection, in MB (the isolate the content script's world shares). */
async function heapAfterLoad(browser: BenchBrowser, url: string, expectMarks: boolean): Promise<number> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    if (expectMarks) await settledHighlights(page, 800);
    else await page.waitForTimeout(2_000);
    const cdp: CDPSession = await browser.context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    await cdp.detach();
    return usedSize / 1e6;
  } finally {
    await page.close();
  }
}

const f = (value: number | null, digits = 1) => (value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits));

export default async function termDeliveryBench(): Promise<void> {
  const realDir = await buildBenchExtension(join(OUT, 'real'));
  const portDir = await buildPortPrototype(join(OUT, 'port'));
  const pages = [{ name: 'page without terms (50 kB)', path: '/plain.html', marks: false }];
  if (pythonDocAvailable()) pages.push({ name: `Python ${STDTYPES_PATH}`, path: `/py/${STDTYPES_PATH}`, marks: true });
  else console.log(`${PYTHON_DOC_DIR}/${STDTYPES_PATH} is missing: apt-get install python3.11-doc for the page with terms.`);
  const site = await servePages({ '/py/': PYTHON_DOC_DIR }, { '/plain.html': plainPage() });
  const baseline = await launchBrowser(null);
  const baselineHeap = new Map<string, number>();
  try {
    for (const p of pages) {
      const heaps: number[] = [];
      for (let i = 0; i < RUNS; i++) heaps.push(await heapAfterLoad(baseline, site.url + p.path, false));
      baselineHeap.set(p.path, median(heaps));
    }
    console.log(
      `Median of ${RUNS} loads each; the service worker stopped before every load ("cold"), as after 30 s idle.\n` +
        'main thread = tasks that ran the content script (thread CPU ms); heap = page isolate after GC, minus the same page without the extension.',
    );
    for (const size of SIZES) {
      const table = benchTable(size);
      console.log(`\n${size.toLocaleString('en')} articles (${table.terms.length.toLocaleString('en')} phrases, ${(JSON.stringify(table).length / 1e6).toFixed(2)} MB as JSON)`);
      for (const [label, dir, controlPath, form] of [
        ['(a) whole table in storage, matched in the page', realDir, 'manifest.json', 'whole'],
        ['(a2) sharded table in storage, matched in the page', realDir, 'manifest.json', 'sharded'],
        ['(b) matched in the service worker, over a port', portDir, 'control.html', 'whole'],
      ] as const) {
        const browser = await launchBrowser(dir);
        try {
          // The port prototype's worker stores no table of its own.
          await installTermTable(browser, table, form, { waitForOwnTable: dir === realDir });
          const control = await workerControl(browser, controlPath);
          for (const p of pages) {
            const url = site.url + p.path;
            const cold: Measured[] = [];
            for (let i = 0; i < RUNS; i++) {
              await control.stop();
              cold.push(await loadOnce(browser, url, p.marks, control));
            }
            // Right after a load: the worker, if any, is still running.
            const warm = await loadOnce(browser, url, p.marks, control);
            const heap = (await heapAfterLoad(browser, url, p.marks)) - baselineHeap.get(p.path)!;
            const m = (pick: (x: Measured) => number) => median(cold.map(pick));
            const first = cold.map((x) => x.firstMarksMs).filter((v): v is number => v !== null);
            console.log(
              `  ${label} — ${p.name}: main thread ${f(m((x) => x.cpuMs))} ms CPU (${f(m((x) => x.wallMs))} wall, longest task ${f(m((x) => x.longestMs))}); ` +
                `heap +${f(heap, 2)} MB; worker starts per load ${f(m((x) => x.workerStarts), 0)} (warm: ${warm.workerStarts}), worker CPU ${f(m((x) => x.workerCpuMs))} ms` +
                (p.marks ? `; marks ${m((x) => x.marks)}, first at ${f(first.length ? median(first) : null, 0)} ms cold / ${f(warm.firstMarksMs, 0)} ms warm` : ''),
            );
          }
          await control.close();
        } finally {
          await browser.close();
        }
      }
    }
  } finally {
    await baseline.close();
    await site.close();
    await rm(OUT, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await termDeliveryBench();
