/**
 * Shows which words are terms. Where the CSS Custom Highlight API exists the
 * ranges are registered in `CSS.highlights` under `agentwiki-term` and styled
 * with `::highlight(agentwiki-term)`: the page's text and structure are never
 * changed, so frameworks that own the DOM (React, Vue) never see a foreign
 * node. Elsewhere the matched text is wrapped in <agentwiki-mark> elements,
 * and unwrapped again on teardown so the DOM ends exactly as it was.
 *
 * The highlight rule applies only to elements that carry the attribute
 * `data-agentwiki-term`, which the painter sets on the elements that hold a
 * marked text and removes again. Measured in Chromium 156 on a 1 MB page of
 * 11,500 elements: adding a rule `::highlight(agentwiki-term)` to a page
 * already styled recalculates the style of every element (60–80 ms, one long
 * task); the attribute-scoped rule recalculates only the marked elements
 * (17–25 ms with 300 marks, most of it the style sheet change itself).
 * Having the unscoped rule from the page's start instead costs every page
 * about a third more style work, marks or not.
 *
 * Each tree scope that holds marks gets the style sheet: the document, and
 * every open shadow root with a mark in it (a document's rules do not reach
 * into shadow trees).
 */
import type { TermOccurrence } from './term-occurrence';

export const HIGHLIGHT_NAME = 'agentwiki-term';
export const MARK_TAG = 'agentwiki-mark';
/** Set on the elements that hold highlighted text, so the highlight rule styles only them. */
export const STYLED_ATTRIBUTE = 'data-agentwiki-term';

// A dotted underline mixed from the text's own colour and a blue, so it reads
// on light and dark pages alike whatever the page's theme; the plain colours
// come first for engines without color-mix().
const TERM_STYLE = `
  text-decoration-line: underline;
  text-decoration-style: dotted;
  text-decoration-thickness: 1.5px;
  text-decoration-color: rgba(37, 99, 235, 0.7);
  text-decoration-color: color-mix(in srgb, currentColor 45%, #2563eb);
`;

export const TERM_STYLESHEET = `
[${STYLED_ATTRIBUTE}]::highlight(${HIGHLIGHT_NAME}) {${TERM_STYLE}}
${MARK_TAG} {
  display: inline;
  margin: 0;
  padding: 0;
  border: 0;
  background: none;
  color: inherit;
  font: inherit;
  text-underline-offset: 0.15em;
  cursor: help;
  ${TERM_STYLE}
}
@media (prefers-color-scheme: dark) {
  [${STYLED_ATTRIBUTE}]::highlight(${HIGHLIGHT_NAME}), ${MARK_TAG} {
    text-decoration-color: rgba(147, 197, 253, 0.75);
    text-decoration-color: color-mix(in srgb, currentColor 45%, #93c5fd);
  }
}
`;

export interface Painter {
  readonly mode: 'highlight' | 'marks';
  /** Shows exactly these occurrences (adding and removing as needed). */
  paint(occurrences: readonly TermOccurrence[]): void;
  /** The occurrence an <agentwiki-mark> belongs to (marks mode). */
  occurrenceOfMark(mark: Element): TermOccurrence | undefined;
  /** Removes everything it added to the page. */
  clear(): void;
}

/** The CSS Custom Highlight API, where the browser has it. */
export interface HighlightApi {
  registry: {
    set(name: string, highlight: unknown): unknown;
    get(name: string): unknown;
    delete(name: string): boolean;
    highlightsFromPoint?(
      x: number,
      y: number,
      options?: { shadowRoots?: ShadowRoot[] },
    ): { highlight: unknown; ranges: AbstractRange[] }[];
  };
  create(ranges: Range[]): { add(range: Range): unknown; clear(): void };
}

/** The Custom Highlight API of a window (each document has its own registry), or null where it is missing. */
export function highlightApi(scope: typeof globalThis | Window = globalThis): HighlightApi | null {
  const css = (scope as { CSS?: { highlights?: HighlightApi['registry'] } }).CSS;
  const HighlightClass = (scope as { Highlight?: new (...ranges: Range[]) => ReturnType<HighlightApi['create']> })
    .Highlight;
  if (!css?.highlights || typeof HighlightClass !== 'function') return null;
  return { registry: css.highlights, create: (ranges) => new HighlightClass(...ranges) };
}

export function createPainter(doc: Document, api: HighlightApi | null = highlightApi()): Painter {
  return api ? new HighlightPainter(doc, api) : new MarkPainter(doc);
}

type TreeScope = Document | ShadowRoot;

/**
 * Adds the term stylesheet to a document or a shadow root; returns the
 * function that removes it. A shadow root is given an adopted sheet only,
 * never a <style> child: its children belong to the page's component.
 */
export function injectTermStyles(scope: TreeScope): () => void {
  const doc = scope.nodeType === 9 ? (scope as Document) : scope.ownerDocument!;
  const Sheet = doc.defaultView?.CSSStyleSheet;
  if (Sheet && Array.isArray(scope.adoptedStyleSheets) && 'replaceSync' in Sheet.prototype) {
    try {
      const sheet = new Sheet();
      sheet.replaceSync(TERM_STYLESHEET);
      scope.adoptedStyleSheets = [...scope.adoptedStyleSheets, sheet];
      return () => {
        scope.adoptedStyleSheets = scope.adoptedStyleSheets.filter((s) => s !== sheet);
      };
    } catch {
      // Constructable sheets refused (old engines): fall through to a <style>.
    }
  }
  if (scope.nodeType !== 9) return () => undefined;
  const style = doc.createElement('style');
  style.dataset.agentwiki = '';
  style.textContent = TERM_STYLESHEET;
  (doc.head ?? doc.documentElement).append(style);
  return () => style.remove();
}

/** Gives every tree scope that holds marks the term styles, once; takes them away again. */
class ScopeStyles {
  private readonly removers = new Map<TreeScope, () => void>();

  ensure(node: Node): void {
    const scope = node.getRootNode() as TreeScope;
    if (scope.nodeType !== 9 && scope.nodeType !== 11) return;
    if (!this.removers.has(scope)) this.removers.set(scope, injectTermStyles(scope));
  }

  clear(): void {
    for (const remove of this.removers.values()) remove();
    this.removers.clear();
  }
}

class HighlightPainter implements Painter {
  readonly mode = 'highlight' as const;
  private highlight: ReturnType<HighlightApi['create']> | null = null;
  private readonly styles = new ScopeStyles();
  /** Elements that carry STYLED_ATTRIBUTE because of us. */
  private styled = new Set<Element>();

  constructor(
    private readonly doc: Document,
    private readonly api: HighlightApi,
  ) {}

  paint(occurrences: readonly TermOccurrence[]): void {
    if (!this.highlight) {
      this.highlight = this.api.create([]);
      this.api.registry.set(HIGHLIGHT_NAME, this.highlight);
      this.styles.ensure(this.doc);
    }
    this.highlight.clear();
    const holders = new Set<Element>();
    for (const occurrence of occurrences) {
      this.highlight.add(occurrence.range);
      for (const node of occurrence.nodes) {
        const parent = node.parentElement;
        if (parent) holders.add(parent);
      }
    }
    for (const element of this.styled) {
      if (!holders.has(element)) {
        element.removeAttribute(STYLED_ATTRIBUTE);
        this.styled.delete(element);
      }
    }
    for (const element of holders) {
      if (this.styled.has(element) || element.hasAttribute(STYLED_ATTRIBUTE)) continue;
      this.styles.ensure(element);
      element.setAttribute(STYLED_ATTRIBUTE, '');
      this.styled.add(element);
    }
  }

  occurrenceOfMark(): undefined {
    return undefined;
  }

  clear(): void {
    if (this.highlight && this.api.registry.get(HIGHLIGHT_NAME) === this.highlight) {
      this.api.registry.delete(HIGHLIGHT_NAME);
    }
    this.highlight?.clear();
    this.highlight = null;
    for (const element of this.styled) element.removeAttribute(STYLED_ATTRIBUTE);
    this.styled.clear();
    this.styles.clear();
  }
}

interface Part {
  node: Text;
  from: number;
  to: number;
  occurrence: TermOccurrence;
}

class MarkPainter implements Painter {
  readonly mode = 'marks' as const;
  /** Marks of each wrapped occurrence, in the order they were made. */
  private readonly wrapped = new Map<TermOccurrence, Element[]>();
  private readonly owners = new WeakMap<Element, TermOccurrence>();
  private readonly styles = new ScopeStyles();

  constructor(private readonly doc: Document) {}

  paint(occurrences: readonly TermOccurrence[]): void {
    this.styles.ensure(this.doc);
    const keep = new Set(occurrences);
    for (const [occurrence, marks] of [...this.wrapped].reverse()) {
      if (keep.has(occurrence)) continue;
      for (const mark of [...marks].reverse()) unwrap(mark);
      this.wrapped.delete(occurrence);
    }
    const byNode = new Map<Text, Part[]>();
    for (const part of occurrences.filter((o) => !this.wrapped.has(o)).flatMap(partsOf)) {
      const list = byNode.get(part.node);
      if (list) list.push(part);
      else byNode.set(part.node, [part]);
    }
    const made = new Map<TermOccurrence, Element[]>();
    for (const [node, parts] of byNode) {
      if (!isSafeToWrap(node)) continue;
      this.styles.ensure(node);
      // Wrap each text node from its end backwards, so the offsets of the parts
      // still to do stay valid in the node that keeps the text before them.
      parts.sort((a, b) => b.from - a.from);
      for (const part of parts) {
        const mark = wrap(this.doc, part);
        this.owners.set(mark, part.occurrence);
        const list = made.get(part.occurrence);
        if (list) list.push(mark);
        else made.set(part.occurrence, [mark]);
      }
    }
    for (const [occurrence, marks] of made) {
      marks.sort((a, b) => (a.compareDocumentPosition(b) & 4 /* FOLLOWING */ ? -1 : 1));
      // The wrapping moved the text; the range now spans the marks.
      occurrence.range.setStartBefore(marks[0]!);
      occurrence.range.setEndAfter(marks.at(-1)!);
      occurrence.nodes = marks.map((m) => m.firstChild as Text);
      this.wrapped.set(occurrence, marks);
    }
  }

  occurrenceOfMark(mark: Element): TermOccurrence | undefined {
    return this.owners.get(mark);
  }

  clear(): void {
    for (const [, marks] of [...this.wrapped].reverse()) for (const mark of [...marks].reverse()) unwrap(mark);
    this.wrapped.clear();
    this.styles.clear();
  }
}

/** The text-node pieces of an occurrence's range. */
function partsOf(occurrence: TermOccurrence): Part[] {
  const { range } = occurrence;
  const parts: Part[] = [];
  for (const node of occurrence.nodes) {
    if (!node.isConnected) return [];
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : node.data.length;
    if (to > from) parts.push({ node, from, to, occurrence });
  }
  return parts;
}

/** Only text in ordinary HTML elements is wrapped; SVG or MathML text would break. */
function isSafeToWrap(node: Text): boolean {
  const parent = node.parentElement;
  return !!parent && node.isConnected && parent.namespaceURI === 'http://www.w3.org/1999/xhtml';
}

/** Splits `node` into [before][mark: middle][after]; `node` keeps the text before. */
function wrap(doc: Document, { node, from, to }: Part): Element {
  const middle = node.splitText(from);
  middle.splitText(to - from);
  const mark = doc.createElement(MARK_TAG);
  middle.before(mark);
  mark.append(middle);
  return mark;
}

/** Puts a mark's text back into the text node it was split from. */
function unwrap(mark: Element): void {
  const text = mark.textContent ?? '';
  const before = mark.previousSibling;
  const after = mark.nextSibling;
  if (before?.nodeType === 3 && after?.nodeType === 3) {
    (before as Text).data += text + (after as Text).data;
    after.remove();
    mark.remove();
  } else if (before?.nodeType === 3) {
    (before as Text).data += text;
    mark.remove();
  } else {
    mark.replaceWith(mark.ownerDocument.createTextNode(text));
  }
}
