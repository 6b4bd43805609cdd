/**
 * Option (b)'s content script, for the benchmark only: gathers the page's text
 * runs exactly as the real scan does (in slices), sends them over a port to
 * the service worker, and paints the first occurrence of each term it is told
 * about, as the real session does. No topic gate, card or page following:
 * what is measured is the cost of getting the terms.
 */
import { createPainter, highlightApi } from '../../../services/page/painter';
import { rangeInRun, textRuns, yieldToPage, type TextRun } from '../../../services/page/scanner';
import type { TermOccurrence } from '../../../services/page/term-occurrence';

declare const chrome: any;

/** Text sent per message: large enough to keep messages few, small enough to keep each clone short. */
const BATCH_CHARS = 128 * 1024;
const SLICE_MS = 8;

async function main(): Promise<void> {
  const root = document.body;
  if (!root) return;
  const port = chrome.runtime.connect({ name: 'agentwiki-match' });
  const pending = new Map<number, TextRun[]>();
  const occurrences: TermOccurrence[] = [];
  const marked = new Set<string>();
  const painter = createPainter(document, highlightApi(globalThis));
  let nextId = 1;
  let sent = 0;
  let answered = 0;
  let gathered = false;

  port.onMessage.addListener((message: { id: number; results: [number, number, string][][] }) => {
    const runs = pending.get(message.id);
    pending.delete(message.id);
    answered++;
    if (!runs) return;
    message.results.forEach((matches, i) => {
      const run = runs[i]!;
      for (const [start, end, key] of matches) {
        if (marked.has(key)) continue;
        const { range, nodes } = rangeInRun(run, start, end);
        const parent = nodes[0]!.parentElement;
        if (!parent || !parent.checkVisibility({ visibilityProperty: true })) continue;
        marked.add(key);
        occurrences.push({ range, nodes, termKey: key, ids: key.split('\n'), text: run.text.slice(start, end) });
      }
    });
    if (gathered && answered === sent) painter.paint(occurrences);
    else if (occurrences.length) painter.paint(occurrences);
  });

  const send = (runs: TextRun[]) => {
    if (!runs.length) return;
    const id = nextId++;
    pending.set(id, runs);
    sent++;
    port.postMessage({ id, texts: runs.map((r) => r.text) });
  };

  let batch: TextRun[] = [];
  let chars = 0;
  let sliceStart = performance.now();
  for (const run of textRuns(root, { skipLinks: true })) {
    batch.push(run);
    chars += run.text.length;
    if (chars >= BATCH_CHARS) {
      send(batch);
      batch = [];
      chars = 0;
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToPage();
      sliceStart = performance.now();
    }
  }
  send(batch);
  gathered = true;
}

void main();
