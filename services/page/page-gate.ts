/**
 * The content script's first stage. Most pages a reader opens hold no term
 * of the knowledge base, and on those the extension should cost next to
 * nothing: this stage reads the page's text runs exactly as the scan does
 * (scanner.ts) and tests each against the term table's Bloom filter
 * (`HeadFilter.mayHoldHead`, lib/match/table-shards.ts). Only when a run
 * may hold a term — or when the side panel or the keyboard command asks —
 * is the rest of the content script loaded and started (`startFull`): the
 * matcher, painter, hover card and page session, which then read the page
 * themselves, from the start.
 *
 * Why two stages: evaluating the whole content script (about 47 kB) took
 * 5–8 ms of the page's main thread on every page in Chrome traces, more than
 * reading and testing all the text of a 50 kB page; this stage is a fraction
 * of that size (`npm run bench -- page-scan` prints both).
 *
 * Until then it follows the page as the session would: DOM changes (the
 * document, the open shadow roots and same-origin frames it read), frames
 * that load, and changes of the settings or of the table, each tested the
 * same way, gathered for a moment and read in slices. On a site where
 * marking is off it only watches the settings. Everything it set up goes when it hands over or `signal` aborts.
 */
import { HeadFilter, parseTermTableIndex, SHARDED_TABLE_VERSION } from '../../lib/match/table-shards';
import { highlightingOnFor, type Settings } from '../../lib/settings/settings';
import type { FirstRead } from './full-page';
import { rescanRootOf, textRuns, yieldToPage, type ScanRules } from './scanner';

export interface PageGateDeps<Full> {
  doc: Document;
  hostname: string;
  signal: AbortSignal;
  /** The settings and the stored term table as the page's first storage read found them. */
  first: Promise<FirstRead>;
  /** Calls back with the new settings on every change; returns the function that stops watching. */
  watchSettings(onChange: (settings: Settings) => void): () => void;
  watchTermTable(onChange: (table: unknown) => void): () => void;
  /** Loads and starts the rest of the content script, which takes the page over. Called once. */
  startFull(): Promise<Full>;
  /** How long to gather page changes before testing them (the session's rescan delay). */
  changeDelayMs?: number;
  /** Work per task before yielding to the page. */
  sliceMs?: number;
  now?: () => number;
}

export interface PageGate<Full> {
  /** The rest of the content script, loaded and started now if it is not yet. */
  full(): Promise<Full>;
  /** Resolves when the first look at the page is done: 'full' when it handed over, else 'waiting'. */
  readonly ready: Promise<'full' | 'waiting'>;
}

const OBSERVED: MutationObserverInit = { childList: true, subtree: true, characterData: true };
const CHANGE_DELAY_MS = 250;
const SLICE_MS = 8;
/** The clock is read every this many runs: reading it costs more than testing a short run. */
const RUNS_PER_CLOCK_READ = 16;

export function startPageGate<Full>(deps: PageGateDeps<Full>): PageGate<Full> {
  const { doc } = deps;
  const now = deps.now ?? (() => performance.now());
  const changeDelayMs = deps.changeDelayMs ?? CHANGE_DELAY_MS;
  const sliceMs = deps.sliceMs ?? SLICE_MS;
  /** Everything the gate set up; aborted when it hands over or the page's signal aborts. */
  const own = new AbortController();
  deps.signal.addEventListener('abort', () => own.abort(), { once: true });

  let settings: Settings | null = null;
  let filter: HeadFilter | null = null;
  let full: Promise<Full> | null = null;
  /** Bumped whenever what a test depends on changes: a look in progress then stops. */
  let generation = 0;
  const pending = new Set<Node>();
  let changeTimer: ReturnType<typeof setTimeout> | undefined;

  const rules = (): ScanRules => ({ skipLinks: !settings?.markInLinks });

  function handOver(): Promise<Full> {
    if (!full) {
      own.abort();
      full = deps.startFull();
      // A failed start is told by startFull and to whoever awaits full(); a hand-over nobody awaits leaves it there.
      full.catch(() => undefined);
    }
    return full;
  }

  // --- what to follow ---------------------------------------------------------

  const observer = typeof MutationObserver === 'function' ? new MutationObserver(noteChanges) : null;
  const observed = new Set<Node>();
  const frames = new Set<HTMLIFrameElement>();

  function observe(target: Node): void {
    if (!observer || observed.has(target)) return;
    observed.add(target);
    observer.observe(target, OBSERVED);
  }

  function noteChanges(records: MutationRecord[]): void {
    for (const record of records) {
      if (record.type === 'characterData' || record.addedNodes.length) pending.add(rescanRootOf(record.target));
    }
    if (pending.size && changeTimer === undefined && !own.signal.aborted) {
      changeTimer = setTimeout(() => {
        changeTimer = undefined;
        const roots = [...pending].filter((root) => root.isConnected);
        pending.clear();
        void look(roots);
      }, changeDelayMs);
    }
  }

  /** A same-origin frame's document is read like the page's, and read again when the frame loads another. */
  function noteFrame(frame: HTMLIFrameElement, found: Node[]): void {
    if (!frames.has(frame)) {
      frames.add(frame);
      frame.addEventListener('load', () => void look(frameRoots(frame)), { signal: own.signal });
    }
    found.push(...frameRoots(frame));
  }

  function frameRoots(frame: HTMLIFrameElement): Node[] {
    let frameDoc: Document | null = null;
    try {
      // null for a cross-origin frame; some engines throw instead.
      frameDoc = frame.contentDocument;
    } catch {
      frameDoc = null;
    }
    return frameDoc?.documentElement ? [frameDoc.documentElement] : [];
  }

  own.signal.addEventListener(
    'abort',
    () => {
      observer?.disconnect();
      observed.clear();
      clearTimeout(changeTimer);
      changeTimer = undefined;
      generation++;
    },
    { once: true },
  );

  // --- the test ---------------------------------------------------------------

  /**
   * Tests the text runs under `roots` (and the frames and shadow roots met on
   * the way) in slices; hands over at the first run that may hold a term.
   * True when it handed over.
   */
  async function look(roots: Node[]): Promise<boolean> {
    if (own.signal.aborted || !filter || !settings || !highlightingOnFor(settings, deps.hostname)) return !!full;
    const gen = generation;
    const headFilter = filter;
    const scanRules = rules();
    const queue = [...roots];
    let sliceStart = now();
    let sinceClock = 0;
    while (queue.length) {
      const root = queue.shift()!;
      if (root.nodeType !== 11) observe(root.ownerDocument?.documentElement ?? root);
      const found: Node[] = [];
      const runs = textRuns(root, scanRules, {
        // Read by textRuns where its host stands; observed here for its later changes.
        onShadowRoot: observe,
        onFrame: (frame) => noteFrame(frame, found),
      });
      let step = runs.next();
      while (!step.done) {
        if (headFilter.mayHoldHead(step.value.text)) {
          void handOver();
          return true;
        }
        if (++sinceClock === RUNS_PER_CLOCK_READ) {
          sinceClock = 0;
          if (now() - sliceStart > sliceMs) {
            await yieldToPage();
            if (own.signal.aborted || gen !== generation) return !!full;
            sliceStart = now();
          }
        }
        step = runs.next();
      }
      // The walk lost its place (the page removed it meanwhile): that part is read again.
      if (step.value === false && root.isConnected) queue.push(root);
      queue.push(...found);
    }
    return false;
  }

  /** Reads the whole page (again): at the start, and when the settings or the table change. */
  function lookAtPage(): Promise<boolean> {
    generation++;
    pending.clear();
    return look(doc.documentElement ? [doc.documentElement] : []);
  }

  function acceptTable(value: unknown): boolean {
    // A whole table (the older stored form) or a damaged one: the full script reads it, and says what is wrong.
    if (value === undefined) {
      filter = null;
      return true;
    }
    const sharded = !!value && typeof value === 'object' && (value as { v?: unknown }).v === SHARDED_TABLE_VERSION;
    const index = sharded ? parseTermTableIndex(value) : null;
    if (!index?.ok) return false;
    filter = HeadFilter.of(index.value.filter, index.value.filterBits);
    return true;
  }

  const ready = deps.first.then(async ({ settings: firstSettings, table }): Promise<'full' | 'waiting'> => {
    if (own.signal.aborted) return full ? 'full' : 'waiting';
    settings = firstSettings;
    const stopWatchingSettings = deps.watchSettings((next) => {
      const before = settings;
      settings = next;
      if (!before || highlightingOnFor(before, deps.hostname) !== highlightingOnFor(next, deps.hostname) || before.markInLinks !== next.markInLinks) {
        void lookAtPage();
      }
    });
    const stopWatchingTable = deps.watchTermTable((value) => {
      if (acceptTable(value)) void lookAtPage();
      else if (highlightingOnFor(settings!, deps.hostname)) void handOver();
    });
    own.signal.addEventListener(
      'abort',
      () => {
        stopWatchingSettings();
        stopWatchingTable();
      },
      { once: true },
    );
    if (!acceptTable(table)) {
      if (highlightingOnFor(settings, deps.hostname)) void handOver();
    } else {
      await lookAtPage();
    }
    return full ? 'full' : 'waiting';
  });

  return { full: handOver, ready };
}
