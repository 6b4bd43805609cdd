/**
 * Reads a page's text the way a reader sees it: one run of text per block
 * (paragraph, list item, heading), joining the text nodes of inline elements,
 * so "open-<em>closed</em> gap" is one phrase. Text where a term must not be
 * marked — form fields, editable regions, code, links — is skipped whole.
 *
 * It walks with one native TreeWalker and skips a subtree by moving the walker
 * past it, rather than filtering every node through a JavaScript callback.
 */
import { hasLetterOrDigit } from '../../lib/match/normalize';

export interface ScanRules {
  /** Leave the text of links (a[href]) alone: a link already leads somewhere. */
  skipLinks: boolean;
}

/** The text of one block, and where each of its text nodes starts in it. */
export interface TextRun {
  text: string;
  nodes: Text[];
  /** starts[i] is the offset of nodes[i] in `text`. */
  starts: number[];
}

/** Elements whose text is never marked: code, forms, media, scripts, our own card. */
const SKIPPED = new Set([
  'script', 'style', 'noscript', 'template', 'code', 'pre', 'kbd', 'samp', 'textarea', 'input', 'select',
  'option', 'button', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'video', 'audio', 'head', 'title',
  'agentwiki-card',
]);

/**
 * Elements that flow inside a line of text: their text joins the block around
 * them. Any other element (blocks, <br>, <img>, unknown custom elements)
 * breaks the run, so no term is found across a visual break. Decided by tag,
 * not by computed style: getComputedStyle per element would cost more than
 * the whole scan.
 */
const INLINE = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'big', 'cite', 'data', 'del', 'dfn', 'em', 'font', 'i', 'ins', 'label', 'mark',
  'nobr', 'q', 'rp', 'rt', 'ruby', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var',
  'wbr',
  // Our own fallback marks: a rescan reads the text inside them like any other.
  'agentwiki-mark',
]);

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;
// NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, spelt out so this module
// needs no global NodeFilter at import time.
const SHOW_ELEMENTS_AND_TEXT = 0x1 | 0x4;

/**
 * Attributes that make an element's text no place for marks: hidden, editable,
 * or a text box. One `matches` call (the engine caches the parsed selector)
 * rather than three attribute reads per element: most elements of real pages
 * have attributes (a class), and each read crosses into the engine.
 */
const SKIPPED_BY_ATTRIBUTE = '[hidden],[contenteditable]:not([contenteditable="false"]),[role="textbox"]';

export function isSkippedElement(element: Element, rules: ScanRules, name = element.localName): boolean {
  if (SKIPPED.has(name)) return true;
  if (!element.hasAttributes()) return false;
  if (name === 'a' && rules.skipLinks && element.hasAttribute('href')) return true;
  return element.matches(SKIPPED_BY_ATTRIBUTE);
}

/**
 * The elements the DOM lets host a shadow root (`attachShadow`, declarative
 * shadow roots): custom elements, whose names hold a hyphen, and these. Any
 * other element's `shadowRoot` is always null, so it is not asked: a call
 * into the engine saved on most elements. With each element's name read
 * once, textRuns over stdtypes.html and the 1 MB benchmark page took 5.9 and
 * 6.2 ms instead of 6.8 and 7.9 (Chromium, the page read again; the first
 * reading, dominated by the nodes' first JavaScript wrappers, is unchanged).
 */
const SHADOW_HOSTS = new Set([
  'article', 'aside', 'blockquote', 'body', 'div', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main',
  'nav', 'p', 'section', 'span',
]);

function mayHostShadowRoot(name: string): boolean {
  return SHADOW_HOSTS.has(name) || name.includes('-');
}

/** Whether a node lies inside an element whose text is skipped. */
export function isInsideSkipped(node: Node, rules: ScanRules): boolean {
  for (let e: Element | null = node.nodeType === ELEMENT_NODE ? (node as Element) : composedParent(node); e; e = composedParent(e)) {
    if (isSkippedElement(e, rules)) return true;
  }
  return false;
}

/** The parent element, or the host when the node is at the top of a shadow tree. */
function composedParent(node: Node): Element | null {
  const parent = node.parentElement;
  if (parent) return parent;
  const up = (node.nodeType === 11 ? node : node.parentNode) as (Node & { host?: Element }) | null;
  return up && up.nodeType === 11 && up.host ? up.host : null;
}

/**
 * What to read again when `node` changed: its block, or the whole shadow
 * tree when it has no block there (text right under a shadow root).
 */
export function rescanRootOf(node: Node): Node {
  const block = blockOf(node);
  if (block) return block;
  const root = node.getRootNode();
  return root.nodeType === 11 ? root : node;
}

/** The nearest ancestor (or self) that is not an inline element: a run never crosses it. */
export function blockOf(node: Node): Element | null {
  let e: Element | null = node.nodeType === ELEMENT_NODE ? (node as Element) : node.parentElement;
  while (e && INLINE.has(e.localName)) e = e.parentElement;
  return e;
}

/**
 * Stands in a run's text for an element that breaks it. It is punctuation to
 * the matcher (a hard gap, see canonicalGap), so no term is found across it,
 * and it belongs to no text node.
 */
export const RUN_BREAK = '\u0000';

/** Where a walk starts and what it tells its caller on the way. */
export interface RunOptions {
  /**
   * Read from this element (inside `root`, not in skipped territory) to the
   * end of `root`, rather than from `root`'s start: the scan of a page opened
   * halfway down starts where the reader is (see `readingStart`).
   */
  from?: Element | null;
  /** Stop before this element (inside `root`, not in skipped territory): the part before `from`. */
  until?: Element | null;
  /**
   * An open shadow root met on the way: its text is read, as runs of its own,
   * where its host stands. Closed roots are out of reach, as for the page.
   */
  onShadowRoot?(root: ShadowRoot): void;
  /** An iframe met on the way; its document is not read here (it has its own scan). */
  onFrame?(frame: HTMLIFrameElement): void;
}

/**
 * The text runs under `root`, in document order, open shadow roots read
 * where their hosts stand. The generator may be paused between runs (the
 * scan yields to the page); when it resumes and finds its place removed from
 * the page it stops and returns false, and the caller scans the root again
 * later. Returns true when it walked the whole root.
 */
export function* textRuns(root: Node, rules: ScanRules, options: RunOptions = {}): Generator<TextRun, boolean, void> {
  const doc = root.ownerDocument ?? (root as Document);
  if (root.nodeType === TEXT_NODE) {
    const text = root as Text;
    if (hasLetterOrDigit(text.data)) yield { text: text.data, nodes: [text], starts: [0] };
    return true;
  }
  if (root.nodeType === ELEMENT_NODE && isSkippedElement(root as Element, rules)) return true;

  const walker = doc.createTreeWalker(root, SHOW_ELEMENTS_AND_TEXT);
  const { from, until } = options;
  if (from) walker.currentNode = from;
  const blocks = new Map<Element, Element | null>();
  let run: TextRun = { text: '', nodes: [], starts: [] };
  let runBlock: Element | null | undefined;
  // `from` itself is read too: as the walker's current node, nextNode() would pass it.
  let node: Node | null = from ?? walker.nextNode();
  while (node) {
    if (node.nodeType === TEXT_NODE) {
      const text = node as Text;
      const parent = text.parentElement;
      let block: Element | null = null;
      if (parent) {
        block = blocks.get(parent) ?? null;
        if (!blocks.has(parent)) blocks.set(parent, (block = blockOf(parent)));
      }
      if (block !== runBlock && run.nodes.length) {
        if (hasLetterOrDigit(run.text)) {
          yield run;
          if (!walker.currentNode.isConnected) return false;
        }
        run = { text: '', nodes: [], starts: [] };
      }
      runBlock = block;
      run.starts.push(run.text.length);
      run.nodes.push(text);
      run.text += text.data;
      node = walker.nextNode();
      continue;
    }
    const element = node as Element;
    if (element === until) break;
    // Read once: each property read crosses into the engine.
    const name = element.localName;
    const skipped = isSkippedElement(element, rules, name);
    // A break inside the block (<br>, a skipped link or code, an image): a
    // separator no term spans, rather than a run of its own, because links
    // are frequent and each run costs a matcher call. A child block flushes
    // the run anyway, by the block test above.
    if ((skipped || !INLINE.has(name)) && run.nodes.length) run.text += RUN_BREAK;
    if (skipped) {
      if (name === 'iframe') options.onFrame?.(element as HTMLIFrameElement);
      node = nextOutside(walker);
      continue;
    }
    const shadow = mayHostShadowRoot(name) ? element.shadowRoot : null;
    if (shadow) {
      options.onShadowRoot?.(shadow);
      if (run.nodes.length && hasLetterOrDigit(run.text)) {
        yield run;
        if (!walker.currentNode.isConnected) return false;
      }
      run = { text: '', nodes: [], starts: [] };
      runBlock = undefined;
      // Each run of the shadow tree is a block of its own to the host's runs.
      const inner = textRuns(shadow, rules, { onShadowRoot: options.onShadowRoot, onFrame: options.onFrame });
      for (let step = inner.next(); !step.done; step = inner.next()) {
        yield step.value;
        if (!walker.currentNode.isConnected) return false;
      }
    }
    node = walker.nextNode();
  }
  if (run.nodes.length && hasLetterOrDigit(run.text)) yield run;
  return true;
}

/**
 * Where reading should start on a page scrolled away from its top: the
 * nearest block, not in skipped territory, of the text at the top of the
 * viewport; null at the top of the page (read from the start) or when the
 * browser cannot tell.
 */
export function readingStart(doc: Document, rules: ScanRules): Element | null {
  const view = doc.defaultView;
  const root = doc.body;
  if (!view || !root || view.scrollY < 1) return null;
  // A little below the top edge and in from the side, past most fixed headers' edges.
  const x = Math.round(view.innerWidth / 3);
  const y = Math.round(view.innerHeight / 5);
  const caret = caretNodeAt(doc, x, y);
  let element: Element | null = caret
    ? caret.nodeType === ELEMENT_NODE
      ? (caret as Element)
      : caret.parentElement
    : null;
  if (!element || !root.contains(element) || element === root) return null;
  element = blockOf(element) ?? element;
  while (element && element !== root && isInsideSkipped(element, rules)) element = element.parentElement;
  return element && element !== root && root.contains(element) ? element : null;
}

function caretNodeAt(doc: Document, x: number, y: number): Node | null {
  if (typeof doc.caretPositionFromPoint === 'function') return doc.caretPositionFromPoint(x, y)?.offsetNode ?? null;
  const legacy = doc as Document & { caretRangeFromPoint?: (x: number, y: number) => Range | null };
  if (typeof legacy.caretRangeFromPoint === 'function') return legacy.caretRangeFromPoint(x, y)?.startContainer ?? null;
  return null;
}

/** Moves the walker to the first node after the current node's subtree. */
function nextOutside(walker: TreeWalker): Node | null {
  const sibling = walker.nextSibling();
  if (sibling) return sibling;
  while (walker.parentNode()) {
    const next = walker.nextSibling();
    if (next) return next;
  }
  return null;
}

/** A DOM range over the run's text from `start` to `end` (offsets in run.text), and the text nodes it touches. */
export function rangeInRun(run: TextRun, start: number, end: number): { range: Range; nodes: Text[] } {
  const first = segmentAt(run, start);
  const last = segmentAt(run, end - 1);
  const startNode = run.nodes[first]!;
  const range = startNode.ownerDocument.createRange();
  range.setStart(startNode, start - run.starts[first]!);
  range.setEnd(run.nodes[last]!, end - run.starts[last]!);
  return { range, nodes: run.nodes.slice(first, last + 1) };
}

/**
 * Index of the text node holding character `offset` of the run: the last node
 * starting at or before it, so an empty text node is never chosen.
 */
function segmentAt(run: TextRun, offset: number): number {
  let low = 0;
  let high = run.starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (run.starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Gives the page a turn: scheduler.yield where it exists, else a macrotask. */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}
