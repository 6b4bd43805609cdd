/**
 * Everything the extension does on one page, from start to teardown: scan the
 * text for terms, paint them, follow the page's changes and its in-page
 * navigation, run the hover card, and answer the side panel and the keyboard
 * command. The page is the top document, its open shadow roots and the
 * documents of its same-origin iframes (each a "surface" with its own
 * highlight registry, style sheet and listeners). Every listener, observer,
 * timer, highlight, mark, style sheet and the card itself goes away when
 * `signal` aborts, leaving the page as it was.
 *
 * Scanning order: the part of the page in view first (from the top of the
 * viewport on a page opened halfway down), painted as soon as the scan has
 * passed the bottom of the viewport; then the rest in idle time, slice by
 * slice, so that the page's own work always comes first and no task of ours
 * is long.
 */
import { hoverReducer, initialHoverState, type HoverEffect, type HoverEvent } from '../../lib/hover/hover-machine';
import type { Matcher } from '../../lib/match/matcher';
import { TopicGate } from '../../lib/match/topic-gate';
import type { CardData, PageTerm } from '../../lib/protocol';
import { anchorRect, TermLocator } from './hit-test';
import { CARD_TAG, HoverCard, type CardContent } from './hover-card';
import { createPainter, highlightApi, MARK_TAG, type HighlightApi, type Painter } from './painter';
import { pageTerms } from './page-terms';
import {
  isInsideSkipped,
  rangeInRun,
  readingStart,
  rescanRootOf,
  textRuns,
  yieldToPage,
  type RunOptions,
  type ScanRules,
  type TextRun,
} from './scanner';
import { termKeyOf, type TermOccurrence } from './term-occurrence';

export interface PageSessionOptions {
  /** Leave link text alone. */
  skipLinks: boolean;
  /** Mark only the first occurrence of each term. */
  firstOccurrenceOnly: boolean;
  /** At most this many marked occurrences per page (the frames and shadow roots included). */
  maxRanges: number;
  /** Work per task before yielding to the page; well under the 50 ms of a long task. */
  sliceMs: number;
  /** How long to gather page changes (or let an in-page navigation render) before rescanning. */
  rescanDelayMs: number;
  /** Hold everyday-sounding terms back until the page shows it is on the subject (lib/match/topic-gate.ts). */
  gateOnTopic: boolean;
  /** Read the documents of same-origin iframes too. */
  scanFrames: boolean;
}

export const DEFAULT_PAGE_SESSION_OPTIONS: PageSessionOptions = {
  skipLinks: true,
  firstOccurrenceOnly: true,
  maxRanges: 300,
  sliceMs: 8,
  rescanDelayMs: 250,
  gateOnTopic: true,
  scanFrames: true,
};

const OBSERVED: MutationObserverInit = { childList: true, subtree: true, characterData: true };

/**
 * Runs gathered before their shards are read and they are matched: large
 * enough that a page needs few storage reads, small enough that the part in
 * view is painted early (a batch also ends at the bottom of the viewport).
 */
const BATCH_RUNS = 256;
/** At most this many articles are offered on one card. */
const MAX_CARD_CHOICES = 5;
/** An idle slice waits at most this long on a busy page, so the rest of a page is marked within about a second. */
const IDLE_TIMEOUT_MS = 500;

export interface PageSessionDeps {
  doc: Document;
  matcher: Matcher;
  /** Title of an article of the term table. */
  titleOf(id: string): string;
  /** The article's page on the wiki, for a card whose data could not be read. */
  pageUrlOf(id: string): string;
  /** Card data from the background; null when the article is not cached. */
  lookup(id: string): Promise<CardData | null>;
  /**
   * Reads shards of a sharded term table into the matcher (lib/match/table-shards.ts);
   * a shard that cannot be read is added empty. Not needed for a whole table.
   */
  loadShards?(shards: number[]): Promise<void>;
  openInSidePanel(id: string): unknown;
  signal: AbortSignal;
  options?: Partial<PageSessionOptions>;
  /**
   * The Custom Highlight API of the top document; null forces
   * <agentwiki-mark> elements everywhere. Defaults to the browser's; frames
   * use their own window's registry.
   */
  highlights?: HighlightApi | null;
  now?: () => number;
}

export interface PageSession {
  /** Resolves when the first scan of the page has finished. */
  readonly ready: Promise<void>;
  /** Every term on the page with its count, in order of first appearance. */
  terms(): Promise<PageTerm[]>;
  /** Moves to the next marked term, scrolls to it and opens its card; false when there is none. */
  nextTerm(): boolean;
  /** The occurrences marked now, in page order (frames and shadow trees where they stand). */
  occurrences(): TermOccurrence[];
  /** Resolves when pending page changes have been rescanned. */
  settled(): Promise<void>;
}

/** One document of the page: the top one, or a same-origin iframe's. */
interface Surface {
  doc: Document;
  view: Window;
  /** The iframe that holds this document in its parent surface; null for the top document. */
  frame: HTMLIFrameElement | null;
  parent: Surface | null;
  painter: Painter;
  locator: TermLocator;
  /** Open shadow roots of this document that the scan has read. */
  shadowRoots: Set<ShadowRoot>;
  /** This surface's listeners. */
  listeners: AbortController;
  /** Whether the hover listeners are on: from the surface's first marked term. */
  hoverable: boolean;
}

type HoverAction = HoverEvent<TermOccurrence, CardContent>;

export function startPageSession(deps: PageSessionDeps): PageSession {
  const { doc, matcher, signal } = deps;
  const options = { ...DEFAULT_PAGE_SESSION_OPTIONS, ...deps.options };
  const rules: ScanRules = { skipLinks: options.skipLinks };
  const now = deps.now ?? (() => performance.now());
  const topView = doc.defaultView ?? (globalThis as unknown as Window);

  let occurrences: TermOccurrence[] = [];
  const marked = new Set<string>();
  // Everyday-sounding terms wait until the page shows it is on the subject.
  const newGate = () => new TopicGate<TermOccurrence>(options.gateOnTopic && matcher.hasSignals);
  let gate = newGate();
  let stopped = false;
  /** Bumped by an in-page navigation: scans of an older generation stop at their next slice. */
  let generation = 0;

  // --- surfaces: the top document and same-origin frames --------------------

  const surfaces = new Map<Document, Surface>();
  /** Frames met so far, and the document we attached for each (null: not readable). */
  const frames = new Map<HTMLIFrameElement, Document | null>();
  /** Frame documents waiting for their first scan. */
  const frameQueue: Surface[] = [];

  function apiFor(view: Window, isTop: boolean): HighlightApi | null {
    if (deps.highlights === null) return null;
    if (isTop && deps.highlights !== undefined) return deps.highlights;
    return highlightApi(view);
  }

  function addSurface(surfaceDoc: Document, frame: HTMLIFrameElement | null, parent: Surface | null): Surface {
    const view = surfaceDoc.defaultView ?? topView;
    const api = apiFor(view, frame === null);
    const painter = createPainter(surfaceDoc, api);
    const surface: Surface = {
      doc: surfaceDoc,
      view,
      frame,
      parent,
      painter,
      locator: new TermLocator(surfaceDoc, painter, api),
      shadowRoots: new Set(),
      // From the frame's own realm: an engine may refuse another realm's signal in addEventListener.
      listeners: new ((view as Window & { AbortController?: typeof AbortController }).AbortController ?? AbortController)(),
      hoverable: false,
    };
    surfaces.set(surfaceDoc, surface);
    if (!frame) listenForNavigation(surface);
    if (surfaceDoc.documentElement) observe(surfaceDoc.documentElement);
    return surface;
  }

  function surfaceOf(node: Node): Surface | undefined {
    return surfaces.get(node.nodeType === 9 ? (node as Document) : node.ownerDocument!);
  }

  /** Frames whose `load` we listen to: each load brings a new document. */
  const listenedFrames = new WeakSet<HTMLIFrameElement>();

  /** Reads a frame's document if it is same-origin and loaded; listens for its next load either way. */
  function attachFrame(frame: HTMLIFrameElement, parent: Surface): void {
    if (!options.scanFrames || stopped || frames.has(frame)) return;
    frames.set(frame, null);
    if (!listenedFrames.has(frame)) {
      listenedFrames.add(frame);
      frame.addEventListener(
        'load',
        () => {
          if (stopped || !surfaces.has(parent.doc)) return;
          detachFrame(frame);
          frames.delete(frame);
          attachFrame(frame, parent);
          if (frameQueue.length) work = work.then(() => scanQueuedFrames(generation));
        },
        { signal: parent.listeners.signal },
      );
    }
    let frameDoc: Document | null = null;
    try {
      // null for a cross-origin frame; some engines throw instead.
      frameDoc = frame.contentDocument;
    } catch {
      frameDoc = null;
    }
    if (!frameDoc || frameDoc.readyState === 'loading' || surfaces.has(frameDoc)) return;
    frames.set(frame, frameDoc);
    frameQueue.push(addSurface(frameDoc, frame, parent));
  }

  /** Forgets a frame's document (it navigated or left the page), and the frames inside it. */
  function detachFrame(frame: HTMLIFrameElement): void {
    const frameDoc = frames.get(frame);
    const surface = frameDoc ? surfaces.get(frameDoc) : undefined;
    frames.set(frame, null);
    if (surface) removeSurface(surface);
  }

  function removeSurface(surface: Surface): void {
    for (const other of [...surfaces.values()]) if (other.parent === surface) removeSurface(other);
    for (const [frame, frameDoc] of frames) if (frameDoc && frameDoc === surface.doc) frames.set(frame, null);
    surfaces.delete(surface.doc);
    const queued = frameQueue.indexOf(surface);
    if (queued >= 0) frameQueue.splice(queued, 1);
    surface.listeners.abort();
    surface.painter.clear();
    surface.locator.index([]);
    const before = occurrences.length;
    occurrences = occurrences.filter((o) => docOf(o) !== surface.doc);
    if (occurrences.length !== before) rebuildMarked();
    if (hover.anchor && docOf(hover.anchor) === surface.doc) dispatch({ type: 'dismiss' });
    reobserve();
  }

  /** Frames whose document changed or that left the page. */
  function pruneFrames(): void {
    for (const surface of [...surfaces.values()]) {
      const frame = surface.frame;
      if (frame && surfaces.has(surface.doc) && (!frame.isConnected || frameDocOf(frame) !== surface.doc)) {
        removeSurface(surface);
      }
    }
    for (const frame of [...frames.keys()]) if (!frame.isConnected) frames.delete(frame);
  }

  function hooksFor(surface: Surface): Pick<RunOptions, 'onShadowRoot' | 'onFrame'> {
    return {
      onShadowRoot: (root) => {
        if (surface.shadowRoots.has(root)) return;
        surface.shadowRoots.add(root);
        observe(root);
      },
      onFrame: (frame) => attachFrame(frame, surface),
    };
  }

  // --- scanning -----------------------------------------------------------

  /**
   * Turns the matches of one run into occurrences; false once the page cap is
   * reached. The shards the run needs are read already (see `readRuns`).
   */
  function collect(run: TextRun): boolean {
    // The page may have changed while the batch waited for its shards; the
    // observer has queued that part for a rescan.
    if (!run.nodes[0]!.isConnected) return true;
    const matches = matcher.findAll(run.text, gate.evidenceToGather);
    for (const match of matches) {
      if (occurrences.length + gate.holding.length >= options.maxRanges) return false;
      const termKey = termKeyOf(match.ids);
      if (options.firstOccurrenceOnly && (marked.has(termKey) || gate.isHolding(termKey))) continue;
      const { range, nodes } = rangeInRun(run, match.start, match.end);
      if (!isVisible(nodes[0]!)) continue;
      const occurrence = { range, termKey, ids: match.ids, text: run.text.slice(match.start, match.end), nodes };
      for (const admitted of gate.admit(match, termKey, () => occurrence)) add(admitted);
    }
    for (const held of gate.release()) add(held);
    return true;
  }

  function add(occurrence: TermOccurrence): void {
    if (options.firstOccurrenceOnly && marked.has(occurrence.termKey)) return;
    // Held back by the topic gate, it may have left the page meanwhile.
    if (!occurrence.nodes[0]!.isConnected) return;
    occurrences.push(occurrence);
    marked.add(occurrence.termKey);
  }

  function rebuildMarked(): void {
    marked.clear();
    for (const o of occurrences) marked.add(o.termKey);
  }

  function repaint(): void {
    const byDoc = new Map<Document, TermOccurrence[]>();
    for (const surface of surfaces.values()) byDoc.set(surface.doc, []);
    for (const o of occurrences) byDoc.get(docOf(o))?.push(o);
    const marks = [...surfaces.values()].some((s) => s.painter.mode === 'marks');
    // Wrapping and unwrapping marks changes the DOM: stop watching for our own
    // changes, but keep the page's changes that came before them.
    const pending = marks && observer ? observer.takeRecords() : [];
    if (marks) observer?.disconnect();
    for (const surface of surfaces.values()) {
      const own = byDoc.get(surface.doc)!;
      surface.painter.paint(own);
      surface.locator.index(own);
      if (own.length && !surface.hoverable) listenForHover(surface);
    }
    // The card lives in the top document: its keys and focus are heard there.
    const top = surfaces.get(doc);
    if (top && !top.hoverable && occurrences.length) listenForHover(top);
    if (marks) reobserve();
    if (pending.length) noteChanges(pending);
  }

  /**
   * Waits for the next slice: an idle period (the page's work first), or a
   * plain yield where the browser has no requestIdleCallback. Returns the
   * time the slice may take.
   */
  let cancelIdle: (() => void) | null = null;
  function nextSlice(urgent: boolean): Promise<number> {
    const idle = (topView as Window & { requestIdleCallback?: typeof requestIdleCallback }).requestIdleCallback;
    if (urgent || typeof idle !== 'function') return yieldToPage().then(() => options.sliceMs);
    return new Promise((resolve) => {
      const handle = idle.call(
        topView,
        (deadline) => {
          cancelIdle = null;
          resolve(deadline.didTimeout ? options.sliceMs : Math.max(1, Math.min(options.sliceMs, deadline.timeRemaining())));
        },
        { timeout: IDLE_TIMEOUT_MS },
      );
      cancelIdle = () => {
        topView.cancelIdleCallback(handle);
        resolve(0);
      };
    });
  }

  /**
   * Reads runs in slices, collecting occurrences; paints once the scan has
   * passed the bottom of the viewport (`visibleFirst`) and when it ends.
   * Returns false when the page changed under it or the page cap was reached.
   * It paints rarely on purpose: painting dirties the style of the marked
   * elements, and the visibility test of the next occurrence then has to
   * bring it up to date in our task.
   *
   * Runs go in batches: first a quick pass over each run's words tells which
   * runs may hold a term at all (most do not, and are done) and which shards
   * of a sharded table they need; those shards come in one storage read for
   * the whole batch; then the batch is matched in page order, so the first
   * occurrence stays the first. Reading shards run by run cost a round trip,
   * and a task, for nearly every run of a page dense with terms (55 tasks
   * on the 1 MB benchmark page).
   */
  async function readRuns(
    surface: Surface,
    runs: Generator<TextRun, boolean, void>,
    gen: number,
    visibleFirst: boolean,
  ): Promise<boolean> {
    let painted = occurrences.length;
    let inView = visibleFirst;
    const viewHeight = surface.view.innerHeight || surface.doc.documentElement.clientHeight;
    let budget = options.sliceMs;
    let sliceStart = now();
    const missing = new Set<number>();
    const batch: TextRun[] = [];
    const paintIfNew = () => {
      if (occurrences.length !== painted) {
        painted = occurrences.length;
        repaint();
      }
    };
    const sliceOver = () => now() - sliceStart >= budget;
    /** Waits for the next slice; false when the scan is to stop. */
    const nextSliceStarted = async (): Promise<boolean> => {
      budget = await nextSlice(inView);
      sliceStart = now();
      return !stopped && gen === generation;
    };
    for (;;) {
      batch.length = 0;
      missing.clear();
      let done = false;
      let complete = true;
      let leftView = false;
      let read = 0;
      while (batch.length < BATCH_RUNS) {
        const step = runs.next();
        if (step.done) {
          done = true;
          complete = step.value;
          break;
        }
        const run = step.value;
        if (matcher.shardsNeeded(run.text, missing)) batch.push(run);
        if (inView && pastBottom(run, viewHeight)) {
          leftView = true;
          break;
        }
        // Most runs are short and hold no possible term: the clock is read every few.
        if ((++read & 7) === 0 && sliceOver()) break;
      }
      if (missing.size && deps.loadShards) {
        await deps.loadShards([...missing]);
        if (stopped || gen !== generation) return true;
        // The read ended the task: this is a new slice.
        sliceStart = now();
      }
      for (const run of batch) {
        if (!collect(run)) {
          paintIfNew();
          return false;
        }
        if (sliceOver() && !(await nextSliceStarted())) return true;
      }
      if (leftView) {
        inView = false;
        paintIfNew();
      }
      if (done) {
        paintIfNew();
        return complete;
      }
      if (sliceOver() && !(await nextSliceStarted())) return true;
    }
  }

  /** The first scan of the page (and after an in-page navigation): from where the reader is, then the rest. */
  async function scanPage(gen: number): Promise<void> {
    const top = surfaces.get(doc);
    const root = doc.body ?? doc.documentElement;
    if (!top || !root) return;
    const hooks = hooksFor(top);
    const start = readingStart(doc, rules);
    await readRuns(top, textRuns(root, rules, { ...hooks, from: start }), gen, true);
    if (start && !stopped && gen === generation) {
      await readRuns(top, textRuns(root, rules, { ...hooks, until: start }), gen, false);
    }
    await scanQueuedFrames(gen);
  }

  async function scanQueuedFrames(gen: number): Promise<void> {
    while (frameQueue.length && !stopped && gen === generation) {
      const surface = frameQueue.shift()!;
      const root = surface.doc.body ?? surface.doc.documentElement;
      if (root && surfaces.has(surface.doc)) {
        await readRuns(surface, textRuns(root, rules, hooksFor(surface)), gen, false);
      }
    }
  }

  /** Scans one changed subtree; false when it has to be read again later. */
  async function scanRoot(root: Node, gen: number): Promise<boolean> {
    const surface = surfaceOf(root);
    if (!surface) return true;
    const complete = await readRuns(surface, textRuns(root, rules, hooksFor(surface)), gen, false);
    if (frameQueue.length) await scanQueuedFrames(gen);
    return complete;
  }

  // --- following the page's changes ----------------------------------------

  const pendingRoots = new Set<Node>();
  const changedText = new Set<Node>();
  let rescanTimer: ReturnType<typeof setTimeout> | undefined;
  let work: Promise<void> = Promise.resolve();
  let framesChanged = false;

  function isOurs(node: Node): boolean {
    const name = (node as Element).localName;
    if (name === CARD_TAG || name === MARK_TAG) return true;
    return card.contains(node);
  }

  function noteChanges(records: MutationRecord[]): void {
    if (stopped) return;
    checkLocation();
    for (const record of records) {
      if (isOurs(record.target)) continue;
      if (record.type === 'characterData') {
        changedText.add(record.target);
        pendingRoots.add(rescanRootOf(record.target));
        continue;
      }
      record.addedNodes.forEach((node) => {
        if (!isOurs(node)) pendingRoots.add(node.nodeType === 1 || node.nodeType === 3 ? rescanRootOf(node) : node);
      });
      if (record.removedNodes.length) {
        pendingRoots.add(record.target);
        if (frames.size) framesChanged = true;
      }
    }
    if (pendingRoots.size) scheduleRescan();
  }

  const observer = typeof MutationObserver === 'function' ? new MutationObserver(noteChanges) : null;
  const observed = new Set<Node>();

  function observe(target: Node): void {
    if (!observer || observed.has(target)) return;
    observed.add(target);
    observer.observe(target, OBSERVED);
  }

  /** Observes again everything still on the page (a MutationObserver cannot unobserve one target). */
  function reobserve(): void {
    if (!observer || stopped) return;
    observer.disconnect();
    const targets = [...observed];
    observed.clear();
    for (const target of targets) {
      const connected = target.nodeType === 11 ? (target as ShadowRoot).host.isConnected : target.isConnected;
      if (connected && surfaceOf(target)) observe(target);
    }
  }

  function scheduleRescan(): void {
    if (rescanTimer !== undefined || stopped) return;
    rescanTimer = setTimeout(() => {
      rescanTimer = undefined;
      work = work.then(navigationPending ? renavigate : rescan);
    }, options.rescanDelayMs);
  }

  async function rescan(): Promise<void> {
    if (stopped) return;
    if (framesChanged) {
      framesChanged = false;
      pruneFrames();
    }
    const roots = outermost(
      [...pendingRoots].filter((r) => isLive(r) && surfaceOf(r) && !isInsideSkipped(r, rules)),
    );
    const changed = new Set(changedText);
    pendingRoots.clear();
    changedText.clear();
    // Drop what left the page or is about to be scanned again.
    const before = occurrences.length;
    occurrences = occurrences.filter(
      (o) =>
        o.nodes.every((n) => n.isConnected && !changed.has(n)) &&
        !roots.some((root) => root.contains(o.range.startContainer)),
    );
    if (occurrences.length !== before) {
      rebuildMarked();
      repaint();
    }
    const gen = generation;
    for (const root of roots) {
      if (stopped || gen !== generation) return;
      if (!(await scanRoot(root, gen))) pendingRoots.add(root);
    }
    if (pendingRoots.size) scheduleRescan();
  }

  // --- in-page navigation ----------------------------------------------------

  /** The page's address without its fragment: a new one means a new page to the reader. */
  const pageAddress = () => {
    try {
      const { origin, pathname, search } = topView.location;
      return origin + pathname + search;
    } catch {
      return '';
    }
  };
  let address = pageAddress();
  let navigationPending = false;

  /**
   * After pushState, replaceState, a history traversal or a link handled by
   * the page's router: once the new view has rendered (the rescan delay),
   * the page is read afresh, as on a new page load — first occurrences, the
   * page cap and the topic gate start over, and stale ranges are dropped.
   * The Navigation API (Chromium 102+) reports every kind; elsewhere popstate
   * and the DOM changes that follow a router's pushState do.
   */
  function checkLocation(): void {
    const next = pageAddress();
    if (next === address) return;
    address = next;
    navigationPending = true;
    scheduleRescan();
  }

  async function renavigate(): Promise<void> {
    if (stopped) return;
    navigationPending = false;
    generation++;
    const gen = generation;
    pendingRoots.clear();
    changedText.clear();
    pruneFrames();
    gate = newGate();
    marked.clear();
    keyboardIndex = -1;
    if (hover.phase !== 'idle') dispatch({ type: 'dismiss' });
    // Marks wrap the page's text: unwrap them before reading it again. Highlights
    // stay up until the new ones replace them, so nothing flickers.
    if ([...surfaces.values()].some((s) => s.painter.mode === 'marks')) {
      occurrences = [];
      repaint();
    }
    const previous = occurrences;
    occurrences = [];
    await scanPage(gen);
    if (gen === generation && !stopped && occurrences.length === 0 && previous.length) repaint();
  }

  // --- the hover card -------------------------------------------------------

  let hover = initialHoverState<TermOccurrence, CardContent>();
  let hoverTimer: ReturnType<typeof setTimeout> | undefined;
  let hovered: TermOccurrence | null = null;
  let pointer = { x: 0, y: 0, target: null as EventTarget | null, surface: null as Surface | null };
  let frame = 0;
  let returnFocus: Element | null = null;
  let keyboardIndex = -1;

  const card = new HoverCard(doc, {
    onPointerEnter: () => {
      hovered = null;
      dispatch({ type: 'pointer-enter-card' });
    },
    onPointerLeave: () => dispatch({ type: 'pointer-leave-card' }),
    onReadInPanel: (id) => {
      void Promise.resolve()
        .then(() => deps.openInSidePanel(id))
        .catch(() => undefined);
    },
    onFocusLeave: () => dispatch({ type: 'dismiss' }),
  });

  function dispatch(event: HoverAction): void {
    if (stopped) return;
    const step = hoverReducer(hover, event, now());
    hover = step.state;
    for (const effect of step.effects) run(effect);
  }

  function run(effect: HoverEffect<TermOccurrence, CardContent>): void {
    switch (effect.type) {
      case 'start-timer':
        clearTimeout(hoverTimer);
        hoverTimer = setTimeout(() => dispatch({ type: 'timer', token: effect.token }), effect.delay);
        return;
      case 'cancel-timer':
        clearTimeout(hoverTimer);
        hoverTimer = undefined;
        return;
      case 'start-lookup':
        void cardContent(effect.termKey.split('\n')).then(
          (data) => dispatch({ type: 'lookup-done', token: effect.token, data }),
          () => dispatch({ type: 'lookup-failed', token: effect.token }),
        );
        return;
      case 'show': {
        if (!effect.anchor.range.startContainer.isConnected) {
          dispatch({ type: 'dismiss' });
          return;
        }
        const inPointerSurface = pointer.surface?.doc === docOf(effect.anchor);
        const rect = inPointerSurface
          ? anchorRect(effect.anchor.range, pointer.x, pointer.y)
          : anchorRect(effect.anchor.range);
        card.show(effect.data, inTopViewport(rect, effect.anchor));
        return;
      }
      case 'hide':
        card.hide();
        return;
      case 'focus':
        if (effect.target === 'card') card.focus();
        else {
          const target = returnFocus as HTMLElement | null;
          returnFocus = null;
          if (target?.isConnected && typeof target.focus === 'function') target.focus({ preventScroll: true });
        }
        return;
    }
  }

  /** A box in a frame's viewport, moved into the top document's viewport, where the card lives. */
  function inTopViewport(rect: DOMRect, occurrence: TermOccurrence): DOMRect {
    let surface = surfaces.get(docOf(occurrence));
    let dx = 0;
    let dy = 0;
    while (surface?.frame) {
      const box = surface.frame.getBoundingClientRect();
      const style = surface.frame.ownerDocument.defaultView?.getComputedStyle(surface.frame);
      dx += box.left + surface.frame.clientLeft + (parseFloat(style?.paddingLeft ?? '') || 0);
      dy += box.top + surface.frame.clientTop + (parseFloat(style?.paddingTop ?? '') || 0);
      surface = surface.parent ?? undefined;
    }
    if (!dx && !dy) return rect;
    return new DOMRect(rect.left + dx, rect.top + dy, rect.width, rect.height);
  }

  /** The card data of every article that claims a term; titles alone when the background cannot answer. */
  async function cardContent(ids: string[]): Promise<CardContent> {
    const wanted = ids.slice(0, MAX_CARD_CHOICES);
    let failed = false;
    const answers = await Promise.all(
      wanted.map((id) =>
        deps.lookup(id).catch(() => {
          failed = true;
          return null;
        }),
      ),
    );
    const cards = answers.filter((c): c is CardData => !!c);
    if (cards.length) return { cards };
    return {
      cards: wanted.map((id) => ({ id, title: deps.titleOf(id), summary: '', wikiPageUrl: deps.pageUrlOf(id) })),
      notice: failed
        ? 'The definition could not be loaded. Try again in a moment.'
        : 'This article is not in the offline copy yet; it will be after the next sync.',
    };
  }

  function checkPointer(): void {
    frame = 0;
    const { x, y, target, surface } = pointer;
    if (!surface || card.contains(target)) return;
    const roots = [...surface.shadowRoots].filter((r) => r.host.isConnected);
    const under = surface.locator.termAt(x, y, target, roots);
    if (under === hovered) return;
    if (hovered && !under) dispatch({ type: 'pointer-leave-term' });
    hovered = under;
    if (under) dispatch({ type: 'pointer-enter-term', termKey: under.termKey, anchor: under });
  }

  /**
   * The pointer, key and scroll listeners of the hover card, put on a
   * surface once it has a marked term: a page without terms keeps no
   * listener of ours on its every pointer move.
   */
  function listenForHover(surface: Surface): void {
    surface.hoverable = true;
    const target = surface.doc;
    const signal = surface.listeners.signal;
    const listen = { signal, capture: true, passive: true } as const;
    target.addEventListener(
      'pointermove',
      (event) => {
        if (event.pointerType === 'touch') return;
        // The innermost target, inside open shadow roots; the event's own target is their host.
        const path = event.composedPath();
        pointer = { x: event.clientX, y: event.clientY, target: path[0] ?? event.target, surface };
        // One hit test per frame at most, however fast the pointer moves.
        if (!frame) frame = topView.requestAnimationFrame(checkPointer);
      },
      listen,
    );
    target.addEventListener(
      'pointerout',
      (event) => {
        if (event.relatedTarget === null && hovered) {
          hovered = null;
          dispatch({ type: 'pointer-leave-term' });
        }
      },
      listen,
    );
    target.addEventListener(
      'pointerdown',
      (event) => {
        if (hover.phase === 'shown' && !card.contains(event.composedPath()[0] ?? event.target)) dispatch({ type: 'dismiss' });
      },
      listen,
    );
    target.addEventListener(
      'keydown',
      (event) => {
        if (event.key !== 'Escape' || hover.phase === 'idle') return;
        // Inside our card the key is ours; elsewhere the page may close its own things too.
        if (card.contains(event.target)) event.stopPropagation();
        dispatch({ type: 'escape' });
      },
      { signal, capture: true },
    );
    target.addEventListener(
      'visibilitychange',
      () => {
        if (target.visibilityState === 'hidden') dispatch({ type: 'dismiss' });
      },
      listen,
    );
    surface.view.addEventListener('scroll', follow, listen);
    surface.view.addEventListener('resize', follow, listen);
  }

  /** In-page navigation, on the top document only, from the start: a page without terms may navigate to one with. */
  function listenForNavigation(surface: Surface): void {
    const signal = surface.listeners.signal;
    const navigation = (surface.view as Window & { navigation?: EventTarget }).navigation;
    navigation?.addEventListener?.('currententrychange', checkLocation, { signal });
    surface.view.addEventListener('popstate', checkLocation, { signal });
  }

  function follow(): void {
    if (hover.phase !== 'shown' || !hover.anchor) return;
    const anchor = hover.anchor;
    const surface = surfaces.get(docOf(anchor));
    const rect = anchorRect(anchor.range);
    const height = surface ? surface.doc.documentElement.clientHeight || surface.view.innerHeight : Infinity;
    if (!surface || rect.bottom < 0 || rect.top > height || !anchor.range.startContainer.isConnected) {
      dispatch({ type: 'dismiss' });
    } else card.place(inTopViewport(rect, anchor));
  }

  // --- what the side panel and the keyboard ask -----------------------------

  function inPageOrder(list: TermOccurrence[]): TermOccurrence[] {
    return list.filter((o) => o.range.startContainer.isConnected).sort(compareOccurrences);
  }

  function nextTerm(): boolean {
    const ordered = inPageOrder(occurrences);
    if (!ordered.length || stopped) return false;
    const current = hover.keyboard && hover.anchor ? ordered.indexOf(hover.anchor) : keyboardIndex;
    keyboardIndex = (current + 1) % ordered.length;
    const next = ordered[keyboardIndex]!;
    // Remember where focus was, unless it is already in a card opened this way.
    if (!card.contains(doc.activeElement)) returnFocus = doc.activeElement;
    const holder = next.nodes[0]?.parentElement;
    if (typeof holder?.scrollIntoView === 'function') holder.scrollIntoView({ block: 'center', inline: 'nearest' });
    dispatch({ type: 'keyboard-open', termKey: next.termKey, anchor: next });
    return true;
  }

  function terms(): Promise<PageTerm[]> {
    if (stopped) return Promise.resolve([]);
    return pageTerms(doc, matcher, rules, deps.titleOf, {
      gateOnTopic: options.gateOnTopic,
      withFrames: options.scanFrames,
      loadShards: deps.loadShards,
    });
  }

  // --- start and stop -------------------------------------------------------

  function teardown(): void {
    if (stopped) return;
    stopped = true;
    observer?.disconnect();
    observed.clear();
    clearTimeout(rescanTimer);
    clearTimeout(hoverTimer);
    cancelIdle?.();
    if (frame) topView.cancelAnimationFrame(frame);
    card.destroy();
    for (const surface of surfaces.values()) {
      surface.listeners.abort();
      surface.painter.clear();
      surface.locator.index([]);
    }
    surfaces.clear();
    frames.clear();
    frameQueue.length = 0;
    occurrences = [];
    marked.clear();
  }

  if (signal.aborted) teardown();
  else signal.addEventListener('abort', teardown, { once: true });

  const root = doc.body ?? doc.documentElement;
  let ready: Promise<void> = Promise.resolve();
  if (!stopped && root) {
    addSurface(doc, null, null);
    ready = work = scanPage(generation);
  }

  return {
    ready,
    terms,
    nextTerm,
    occurrences: () => inPageOrder(occurrences),
    settled: async () => {
      // Let the observer deliver, the rescan timer fire, and the work chain finish.
      await new Promise((resolve) => setTimeout(resolve, 0));
      while (rescanTimer !== undefined || pendingRoots.size || navigationPending) {
        await new Promise((resolve) => setTimeout(resolve, options.rescanDelayMs));
      }
      await work;
    },
  };
}

function docOf(occurrence: TermOccurrence): Document {
  return occurrence.range.startContainer.ownerDocument!;
}

function frameDocOf(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    return null;
  }
}

/** Whether a pending root is still on the page (a shadow root through its host). */
function isLive(node: Node): boolean {
  return node.nodeType === 11 ? !!(node as ShadowRoot).host?.isConnected : node.isConnected;
}

/** Roots not inside another root of the list. */
function outermost(roots: Node[]): Node[] {
  return roots.filter((root) => !roots.some((other) => other !== root && other.contains(root)));
}

/**
 * Page order across shadow trees and frames, where Range comparison throws
 * (different roots): each node is placed by its chain of hosts and frame
 * elements up to the top document.
 */
function compareOccurrences(a: TermOccurrence, b: TermOccurrence): number {
  if (a.range.startContainer.getRootNode() === b.range.startContainer.getRootNode()) {
    return a.range.compareBoundaryPoints(0 /* START_TO_START */, b.range);
  }
  const chainA = chainOf(a.range.startContainer);
  const chainB = chainOf(b.range.startContainer);
  for (let i = 0; i < Math.min(chainA.length, chainB.length); i++) {
    const x = chainA[i]!;
    const y = chainB[i]!;
    if (x === y) continue;
    const position = x.compareDocumentPosition(y);
    return position & 4 /* FOLLOWING */ || position & 16 /* CONTAINED_BY */ ? -1 : 1;
  }
  return chainA.length - chainB.length;
}

/** [outermost host or frame element, ..., node]: one node per tree, from the top document down. */
function chainOf(node: Node): Node[] {
  const chain: Node[] = [node];
  for (let current: Node = node; ; ) {
    const root = current.getRootNode() as Node & { host?: Element };
    let outer: Node | null = null;
    if (root.nodeType === 11 && root.host) outer = root.host;
    else if (root.nodeType === 9) outer = (root as Document).defaultView?.frameElement ?? null;
    if (!outer) return chain;
    chain.unshift(outer);
    current = outer;
  }
}

/**
 * Whether the scan has passed the bottom of the viewport at this run. Asked
 * only until it says yes, before anything of ours changed the page's style,
 * so the layout it reads is the page's own.
 */
function pastBottom(run: TextRun, viewHeight: number): boolean {
  const element = run.nodes[0]?.parentElement;
  return !!element && viewHeight > 0 && element.getBoundingClientRect().top > viewHeight;
}

/**
 * Whether a text node is rendered. Only asked of text that holds a term, so a
 * page without terms never pays for style; `checkVisibility` is missing in
 * older engines, which then mark hidden text too (it is invisible anyway).
 */
function isVisible(node: Text): boolean {
  const parent = node.parentElement;
  if (!parent) return false;
  return typeof parent.checkVisibility === 'function' ? parent.checkVisibility({ visibilityProperty: true }) : true;
}
