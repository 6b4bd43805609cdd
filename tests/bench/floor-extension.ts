/**
 * The floor of the page-scan benchmark: a tiny MV3 extension whose content
 * script does the least any term scan must do, so that the benchmark shows,
 * measured in the same run by the same trace method, what merely reading a
 * page's text and testing its words costs in this Chromium on this machine.
 * The budgets of the real content script read against it: a budget under
 * the floor cannot be met by any content script that reads the page.
 *
 * The script (`floor.js`): one `chrome.storage.local.get` of the keys the
 * real script reads first (`settings` and the term table's index), a
 * TreeWalker over `document.body`'s text nodes, and for every ASCII word the
 * 32-bit FNV-1a of its lower-cased form tested with every probe of the
 * index's Bloom filter. No shard read, no phrase matching, no highlight: it
 * counts the candidates and writes the count (and the number of words) to
 * `<html data-agentwiki-floor data-agentwiki-floor-words>`, so that the
 * benchmark can prove it ran, and ran on the whole text (`readFloorResult`).
 *
 * Plain JavaScript, no build step: what Chromium runs is exactly what is
 * written here.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hashKey } from '../../lib/match/normalize';
import { HeadFilter, type TermTableIndex } from '../../lib/match/table-shards';

export const FLOOR_SCRIPT_FILE = 'floor.js';

const MANIFEST = {
  manifest_version: 3,
  name: 'AgentWiki Companion scan floor (benchmark)',
  version: '1.0.0',
  description: 'Reads the page text and tests each word against the term filter: the floor of a term scan.',
  permissions: ['storage'],
  background: { service_worker: 'background.js' },
  content_scripts: [{ matches: ['<all_urls>'], js: [FLOOR_SCRIPT_FILE], run_at: 'document_idle', all_frames: false }],
};

// Nothing to do: the worker exists so that installTermTable (bench-browser.ts)
// can write the term table into this extension's storage through it.
const BACKGROUND_JS = `// The scan floor's worker: idle; the benchmark writes the term table through it.\n`;

// The constants and the hash mirror lib/match/normalize.ts (TokenCursor: the
// FNV-1a of an ASCII token, each A-Z folded with | 32) and
// lib/match/table-shards.ts (HeadFilter.mayContain and probeStep: 3 probes
// by double hashing, 15 bits per character from 0x20, the character found
// with a mask). A word here is a run of ASCII letters and digits; any other
// character ends it (the real tokenizer also reads non-ASCII letters, which
// costs more, never less). The benchmark checks the counts against
// lib/match's own functions (page-scan.bench.ts), so a drift shows.
const FLOOR_JS = `'use strict';
// Scan floor: mirrors lib/match/normalize.ts (TokenCursor's FNV-1a of an ASCII
// token, lower-cased) and lib/match/table-shards.ts (HeadFilter.mayContain).
(() => {
  const FNV_OFFSET = 0x811c9dc5 | 0;
  const FNV_PRIME = 0x01000193;
  const FILTER_PROBES = 3;
  const BITS_PER_CHAR = 15;
  const CHAR_OFFSET = 0x20;
  const WORD = new Uint8Array(128);
  for (let c = 0; c < 128; c++) WORD[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
  const root = document.documentElement;
  const failed = (message) => {
    root.dataset.agentwikiFloorError = message;
  };
  chrome.storage.local.get(['settings', 'termTable']).then((got) => {
    const index = got.termTable;
    const chars = index && index.filter;
    if (typeof chars !== 'string' || chars.length === 0 || (chars.length & (chars.length - 1)) !== 0) {
      failed('storage holds no term table index with a Bloom filter');
      return;
    }
    if (!document.body) {
      failed('the page has no body');
      return;
    }
    const mask = chars.length - 1;
    let words = 0;
    let candidates = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data;
      const length = text.length;
      let i = 0;
      while (i < length) {
        let c = text.charCodeAt(i);
        if (c >= 128 || WORD[c] === 0) {
          i++;
          continue;
        }
        let h = FNV_OFFSET;
        for (;;) {
          h = Math.imul(h ^ (c >= 65 && c <= 90 ? c | 32 : c), FNV_PRIME);
          if (++i >= length) break;
          c = text.charCodeAt(i);
          if (c >= 128 || WORD[c] === 0) break;
        }
        words++;
        const step = ((h >>> 15) | (h << 17)) | 1;
        let may = true;
        for (let p = 0, g = h; p < FILTER_PROBES; p++, g = (g + step) | 0) {
          if (!(((chars.charCodeAt((g >>> 4) & mask) - CHAR_OFFSET) >> (g & 15) % BITS_PER_CHAR) & 1)) {
            may = false;
            break;
          }
        }
        if (may) candidates++;
      }
    }
    root.dataset.agentwikiFloorWords = String(words);
    root.dataset.agentwikiFloor = String(candidates);
  }, (error) => failed('storage read failed: ' + String(error)));
})();
`;

/** Writes the floor extension into `dir` (emptied first); returns `dir`, ready for `launchBrowser`. */
export async function writeFloorExtension(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(MANIFEST, null, 2) + '\n');
  await writeFile(join(dir, 'background.js'), BACKGROUND_JS);
  await writeFile(join(dir, FLOOR_SCRIPT_FILE), FLOOR_JS);
  return dir;
}

/** Size of the floor's content script in bytes (as written, uncompressed). */
export const FLOOR_SCRIPT_BYTES = Buffer.byteLength(FLOOR_JS);

export interface FloorResult {
  /** ASCII words of the page's text the floor hashed and tested. */
  words: number;
  /** Words the Bloom filter let through. */
  candidates: number;
}

/**
 * Waits until the floor's content script has written its counts to the
 * page, and returns them. Throws when it reports an error or never reports:
 * a floor that silently did nothing would make every comparison with it a lie.
 */
export async function readFloorResult(page: Page, timeoutMs = 15_000): Promise<FloorResult> {
  try {
    await page.waitForFunction(
      () => {
        const data = document.documentElement.dataset;
        return data['agentwikiFloor'] !== undefined || data['agentwikiFloorError'] !== undefined;
      },
      null,
      { polling: 10, timeout: timeoutMs },
    );
  } catch {
    throw new Error(`The floor's content script wrote no count to ${page.url()} within ${timeoutMs} ms: it did not run.`);
  }
  const data = await page.evaluate(() => ({ ...document.documentElement.dataset }));
  if (data['agentwikiFloorError'] !== undefined) throw new Error(`The floor's content script failed on ${page.url()}: ${data['agentwikiFloorError']}.`);
  const words = Number(data['agentwikiFloorWords']);
  const candidates = Number(data['agentwikiFloor']);
  if (!Number.isInteger(words) || !Number.isInteger(candidates)) {
    throw new Error(`The floor's content script wrote counts that are not numbers on ${page.url()}: ${JSON.stringify(data)}.`);
  }
  return { words, candidates };
}

const ASCII_WORD = /[0-9A-Za-z]+/g;

/**
 * What the floor must report for these text nodes, computed with lib/match's
 * own hash (`hashKey` of the lower-cased word, which TokenCursor's
 * `foldedHash` equals for ASCII tokens) and filter (`HeadFilter.mayContain`):
 * the proof that floor.js mirrors them.
 */
export function expectedFloorResult(texts: readonly string[], index: TermTableIndex): FloorResult {
  const filter = HeadFilter.of(index.filter, index.filterBits);
  let words = 0;
  let candidates = 0;
  for (const text of texts) {
    for (const [word] of text.matchAll(ASCII_WORD)) {
      words++;
      if (filter.mayContain(hashKey(word.toLowerCase()))) candidates++;
    }
  }
  return { words, candidates };
}
