/**
 * Everything the extension does on one page, from start to teardown: scan the
 * text for terms (in slices, yielding to the page), paint them, follow the
 * page's changes, run the hover card, and answer the side panel and the
 * keyboard command. Every listener, observer, timer, highlight, mark and the
 * card itself goes away when `signal` aborts, leaving the page as it was.
 */
import { hoverReducer, initialHoverState, type HoverEffect, type HoverEvent } from '../../lib/hover/hover-machine';
import type { Matcher } from '../../lib/match/matcher';
import { TopicGate } from '../../lib/match/topic-gate';
import type { CardData, PageTerm } from '../../lib/protocol';
import { anchorRect, TermLocator } from './hit-test';
import { CARD_TAG, HoverCard, type CardContent } from './hover-card';
import { createPainter, highlightApi, MARK_TAG, type HighlightApi } from './painter';
import { blockOf, isInsideSkipped, rangeInRun, textRuns, yieldToPage, type ScanRules, type TextRun } from './scanner';
import { pageTerms } from './page-terms';
import { termKeyOf, type TermOccurrence } from './term-occurrence';

export interface PageSessionOptions {
  /** Leave link text alone. */
  skipLinks: boolean;
  /** Mark only the first occurrence of each term. */
  firstOccurrenceOnly: boolean;
  /** At most this many marked occurrences per page. */
  maxRanges: number;
  /** Work per task before yielding to the page; well under the 50 ms of a long task. */
  sliceMs: number;
  /** How long to gather page changes before rescanning them. */
  rescanDelayMs: number;
  /** Hold everyday-sounding terms back until the page shows it is on the subject (lib/match/topic-gate.ts). */
  gateOnTopic: boolean;
}

export const DEFAULT_PAGE_SESSION_OPTIONS: PageSessionOptions = {
  skipLinks: true,
  firstOccurrenceOnly: true,
  maxRanges: 300,
  sliceMs: 8,
  rescanDelayMs: 250,
  gateOnTopic: true,
};

const OBSERVED: MutationObserverInit = { childList: true, subtree: true, characterData: true };

/** At most this many articles are offered on one card. */
const MAX_CARD_CHOICES = 5;

export interface PageSessionDeps {
  doc: Document;
  matcher: Matcher;
  /** Title of an article of the term table. */
  titleOf(id: string): string;
  /** The article's page on the wiki, for a card whose data could not be read. */
  pageUrlOf(id: string): string;
  /** Card data from the background; null when the article is not cached. */
  lookup(id: string): Promise<CardData | null>;
  openInSidePanel(id: string): unknown;
  signal: AbortSignal;
  options?: Partial<PageSessionOptions>;
  /** The Custom Highlight API; null forces <agentwiki-mark> elements. Defaults to the browser's. */
  highlights?: HighlightApi | null;
  now?: () => number;
}

export interface PageSession {
  /** Resolves when the first scan of the page has finished. */
  readonly ready: Promise<void>;
  /** Every term on the page with its count, in order of first appearance. */
  terms(): PageTerm[];
  /** Moves to the next marked term, scrolls to it and opens its card; false when there is none. */
  nextTerm(): boolean;
  /** The occurrences marked now, in document order. */
  occurrences(): TermOccurrence[];
  /** Resolves when pending page changes have been rescanned. */
  settled(): Promise<void>;
}

type HoverAction = HoverEvent<TermOccurrence, CardContent>;

export function startPageSession(deps: PageSessionDeps): PageSession {
  const { doc, matcher, signal } = deps;
  const options = { ...DEFAULT_PAGE_SESSION_OPTIONS, ...deps.options };
  const rules: ScanRules = { skipLinks: options.skipLinks };
  const now = deps.now ?? (() => performance.now());
  const view = doc.defaultView ?? (globalThis as unknown as Window);
  const api = deps.highlights === undefined ? highlightApi(view as unknown as typeof globalThis) : deps.highlights;
  const painter = createPainter(doc, api);
  const locator = new TermLocator(doc, painter, api);

  let occurrences: TermOccurrence[] = [];
  const marked = new Set<string>();
  // Everyday-sounding terms wait until the page shows it is on the subject.
  const gate = new TopicGate<TermOccurrence>(options.gateOnTopic && matcher.hasSignals);
  let stopped = false;

  // --- scanning -----------------------------------------------------------

  /** Turns the matches of one run into occurrences; false once the page cap is reached. */
  function collect(run: TextRun): boolean {
    for (const match of matcher.findAll(run.text, gate.evidenceToGather)) {
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

  function repaint(): void {
    if (painter.mode === 'marks' && observer && observing) {
      // Wrapping and unwrapping marks changes the DOM: stop watching for our own
      // changes, but keep the page's changes that came before them.
      const pending = observer.takeRecords();
      observer.disconnect();
      painter.paint(occurrences);
      observer.observe(doc.documentElement, OBSERVED);
      if (pending.length) noteChanges(pending);
    } else painter.paint(occurrences);
    locator.index(occurrences);
  }

  /**
   * Scans one subtree in slices of `sliceMs`; false when the page changed
   * under it. It paints once, at the end: painting adds our stylesheet, which
   * makes the page's style stale, and the visibility test of the next slice
   * would then force the whole page's style to be computed in our task
   * (measured: a 150 ms task on a 1 MB page).
   */
  async function scan(root: Node): Promise<boolean> {
    const runs = textRuns(root, rules);
    const found = occurrences.length;
    let sliceStart = now();
    let complete = true;
    for (;;) {
      const step = runs.next();
      if (step.done) {
        complete = step.value;
        break;
      }
      if (!collect(step.value)) break;
      if (now() - sliceStart >= options.sliceMs) {
        await yieldToPage();
        if (stopped) return true;
        sliceStart = now();
      }
    }
    if (occurrences.length !== found) repaint();
    return complete;
  }

  // --- following the page's changes ----------------------------------------

  const pendingRoots = new Set<Node>();
  const changedText = new Set<Node>();
  let rescanTimer: ReturnType<typeof setTimeout> | undefined;
  let work: Promise<void> = Promise.resolve();

  function isOurs(node: Node): boolean {
    const name = (node as Element).localName;
    if (name === CARD_TAG || name === MARK_TAG) return true;
    return card.contains(node);
  }

  function noteChanges(records: MutationRecord[]): void {
    for (const record of records) {
      if (isOurs(record.target)) continue;
      if (record.type === 'characterData') {
        changedText.add(record.target);
        pendingRoots.add(blockOf(record.target) ?? record.target);
        continue;
      }
      record.addedNodes.forEach((node) => {
        if (!isOurs(node)) pendingRoots.add(blockOf(node) ?? node);
      });
      if (record.removedNodes.length) pendingRoots.add(record.target);
    }
    if (pendingRoots.size) scheduleRescan();
  }

  const observer = typeof MutationObserver === 'function' ? new MutationObserver(noteChanges) : null;
  let observing = false;

  function scheduleRescan(): void {
    if (rescanTimer !== undefined || stopped) return;
    rescanTimer = setTimeout(() => {
      rescanTimer = undefined;
      work = work.then(rescan);
    }, options.rescanDelayMs);
  }

  async function rescan(): Promise<void> {
    if (stopped) return;
    const roots = outermost([...pendingRoots].filter((r) => r.isConnected && !isInsideSkipped(r, rules)));
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
      marked.clear();
      for (const o of occurrences) marked.add(o.termKey);
      repaint();
    }
    for (const root of roots) {
      if (stopped) return;
      if (!(await scan(root))) pendingRoots.add(root);
    }
    if (pendingRoots.size) scheduleRescan();
  }

  // --- the hover card -------------------------------------------------------

  let hover = initialHoverState<TermOccurrence, CardContent>();
  let hoverTimer: ReturnType<typeof setTimeout> | undefined;
  let hovered: TermOccurrence | null = null;
  let pointer = { x: 0, y: 0, target: null as EventTarget | null };
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
      case 'show':
        if (!effect.anchor.range.startContainer.isConnected) {
          dispatch({ type: 'dismiss' });
          return;
        }
        card.show(effect.data, anchorRect(effect.anchor.range, pointer.x, pointer.y));
        return;
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
    const { x, y, target } = pointer;
    if (card.contains(target)) return;
    const under = locator.termAt(x, y, target);
    if (under === hovered) return;
    if (hovered && !under) dispatch({ type: 'pointer-leave-term' });
    hovered = under;
    if (under) dispatch({ type: 'pointer-enter-term', termKey: under.termKey, anchor: under });
  }

  const listen = { signal, capture: true, passive: true } as const;
  doc.addEventListener(
    'pointermove',
    (event) => {
      if (event.pointerType === 'touch') return;
      pointer = { x: event.clientX, y: event.clientY, target: event.target };
      // One hit test per frame at most, however fast the pointer moves.
      if (!frame) frame = view.requestAnimationFrame(checkPointer);
    },
    listen,
  );
  doc.addEventListener(
    'pointerout',
    (event) => {
      if (event.relatedTarget === null && hovered) {
        hovered = null;
        dispatch({ type: 'pointer-leave-term' });
      }
    },
    listen,
  );
  doc.addEventListener(
    'pointerdown',
    (event) => {
      if (hover.phase === 'shown' && !card.contains(event.target)) dispatch({ type: 'dismiss' });
    },
    listen,
  );
  doc.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape' || hover.phase === 'idle') return;
      // Inside our card the key is ours; elsewhere the page may close its own things too.
      if (card.contains(event.target)) event.stopPropagation();
      dispatch({ type: 'escape' });
    },
    { signal, capture: true },
  );
  doc.addEventListener(
    'visibilitychange',
    () => {
      if (doc.visibilityState === 'hidden') dispatch({ type: 'dismiss' });
    },
    listen,
  );
  const follow = () => {
    if (hover.phase !== 'shown' || !hover.anchor) return;
    const rect = anchorRect(hover.anchor.range);
    const height = doc.documentElement.clientHeight || view.innerHeight;
    if (rect.bottom < 0 || rect.top > height || !hover.anchor.range.startContainer.isConnected) {
      dispatch({ type: 'dismiss' });
    } else card.place(rect);
  };
  view.addEventListener('scroll', follow, listen);
  view.addEventListener('resize', follow, listen);

  // --- what the side panel and the keyboard ask -----------------------------

  function inDocumentOrder(list: TermOccurrence[]): TermOccurrence[] {
    return list
      .filter((o) => o.range.startContainer.isConnected)
      .sort((a, b) => a.range.compareBoundaryPoints(0 /* START_TO_START */, b.range));
  }

  function nextTerm(): boolean {
    const ordered = inDocumentOrder(occurrences);
    if (!ordered.length || stopped) return false;
    const current = hover.keyboard && hover.anchor ? ordered.indexOf(hover.anchor) : keyboardIndex;
    keyboardIndex = (current + 1) % ordered.length;
    const next = ordered[keyboardIndex]!;
    // Remember where focus was, unless it is already in a card opened this way.
    if (!card.contains(doc.activeElement)) returnFocus = doc.activeElement;
    next.nodes[0]?.parentElement?.scrollIntoView({ block: 'center', inline: 'nearest' });
    dispatch({ type: 'keyboard-open', termKey: next.termKey, anchor: next });
    return true;
  }

  function terms(): PageTerm[] {
    return stopped ? [] : pageTerms(doc, matcher, rules, deps.titleOf, options.gateOnTopic);
  }

  // --- start and stop -------------------------------------------------------

  function teardown(): void {
    if (stopped) return;
    stopped = true;
    observing = false;
    observer?.disconnect();
    clearTimeout(rescanTimer);
    clearTimeout(hoverTimer);
    if (frame) view.cancelAnimationFrame(frame);
    card.destroy();
    painter.clear();
    occurrences = [];
    marked.clear();
    locator.index([]);
  }

  if (signal.aborted) teardown();
  else signal.addEventListener('abort', teardown, { once: true });

  const root = doc.body ?? doc.documentElement;
  const ready = stopped || !root ? Promise.resolve() : (work = scan(root).then(() => undefined));
  if (!stopped && root && observer) {
    observer.observe(doc.documentElement, OBSERVED);
    observing = true;
  }

  return {
    ready,
    terms,
    nextTerm,
    occurrences: () => inDocumentOrder(occurrences),
    settled: async () => {
      // Let the observer deliver, the rescan timer fire, and the work chain finish.
      await new Promise((resolve) => setTimeout(resolve, 0));
      while (rescanTimer !== undefined || pendingRoots.size) {
        await new Promise((resolve) => setTimeout(resolve, options.rescanDelayMs));
      }
      await work;
    },
  };
}

/** Roots not inside another root of the list. */
function outermost(roots: Node[]): Node[] {
  return roots.filter((root) => !roots.some((other) => other !== root && other.contains(root)));
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
