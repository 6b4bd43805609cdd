/**
 * Which marked term is under the pointer. Highlights receive no pointer
 * events, so the page session listens to `pointermove` once on the document
 * and asks this locator. The element under the pointer is the cheap first
 * test: unless it directly holds the text of some term, nothing more is done,
 * which keeps the common case (the pointer over plain text) at a Set look-up.
 */
import { MARK_TAG, type HighlightApi, type Painter } from './painter';
import type { TermOccurrence } from './term-occurrence';

/** Pixels of slack around a term's boxes, for sub-pixel rounding. */
const SLACK = 1;

export class TermLocator {
  private byNode = new Map<Node, TermOccurrence[]>();
  private byParent = new Map<Element, TermOccurrence[]>();
  private byRange = new Map<AbstractRange, TermOccurrence>();

  constructor(
    private readonly doc: Document,
    private readonly painter: Painter,
    private readonly api: HighlightApi | null,
  ) {}

  /** Rebuilds the look-up maps after the occurrences changed. */
  index(occurrences: readonly TermOccurrence[]): void {
    this.byNode.clear();
    this.byParent.clear();
    this.byRange.clear();
    for (const occurrence of occurrences) {
      this.byRange.set(occurrence.range, occurrence);
      for (const node of occurrence.nodes) {
        push(this.byNode, node, occurrence);
        if (node.parentElement) push(this.byParent, node.parentElement, occurrence);
      }
    }
  }

  /**
   * The occurrence under the point (viewport coordinates), given the element
   * the event targeted — the innermost one, inside open shadow roots
   * (`composedPath()[0]`) — and the open shadow roots that hold marks, which
   * the point APIs only look into when told.
   */
  termAt(x: number, y: number, target: EventTarget | null, shadowRoots: ShadowRoot[] = []): TermOccurrence | null {
    if (!target || (target as Node).nodeType !== 1) return null;
    const element = target as Element;
    if (this.painter.mode === 'marks') {
      const mark = element.closest(MARK_TAG);
      return mark ? (this.painter.occurrenceOfMark(mark) ?? null) : null;
    }
    const candidates = this.byParent.get(element);
    if (!candidates) return null;

    // Chromium 156 has highlightsFromPoint; without `shadowRoots` it does not
    // see ranges inside shadow trees (measured), so they are always passed.
    const fromPoint = this.api?.registry.highlightsFromPoint;
    if (fromPoint) {
      for (const hit of fromPoint.call(this.api!.registry, x, y, { shadowRoots })) {
        for (const range of hit.ranges) {
          const occurrence = this.byRange.get(range);
          if (occurrence) return occurrence;
        }
      }
      return null;
    }

    const caret = caretAt(this.doc, x, y, shadowRoots);
    const near = caret ? (this.byNode.get(caret.node) ?? []) : candidates;
    for (const occurrence of near) if (containsPoint(occurrence.range, x, y)) return occurrence;
    return null;
  }
}

/**
 * The caret position at a point, by whichever API the browser has:
 * caretPositionFromPoint (standard; its `shadowRoots` option, Chromium 128+,
 * reaches into shadow trees) or WebKit's caretRangeFromPoint.
 */
function caretAt(doc: Document, x: number, y: number, shadowRoots: ShadowRoot[]): { node: Node; offset: number } | null {
  if (typeof doc.caretPositionFromPoint === 'function') {
    const position = (
      doc.caretPositionFromPoint.bind(doc) as (x: number, y: number, options?: { shadowRoots: ShadowRoot[] }) => CaretPosition | null
    )(x, y, { shadowRoots });
    return position ? { node: position.offsetNode, offset: position.offset } : null;
  }
  const legacy = doc as Document & { caretRangeFromPoint?: (x: number, y: number) => Range | null };
  if (typeof legacy.caretRangeFromPoint === 'function') {
    const range = legacy.caretRangeFromPoint(x, y);
    return range ? { node: range.startContainer, offset: range.startOffset } : null;
  }
  return null;
}

/** Whether one of a range's line boxes contains the point. */
export function containsPoint(range: Range, x: number, y: number): boolean {
  for (const rect of Array.from(range.getClientRects())) {
    if (x >= rect.left - SLACK && x <= rect.right + SLACK && y >= rect.top - SLACK && y <= rect.bottom + SLACK) {
      return true;
    }
  }
  return false;
}

/** The box of a term to place the card by: the line box under the point, or the first one. */
export function anchorRect(range: Range, x?: number, y?: number): DOMRect {
  const rects = Array.from(range.getClientRects());
  if (x !== undefined && y !== undefined) {
    const under = rects.find(
      (r) => x >= r.left - SLACK && x <= r.right + SLACK && y >= r.top - SLACK && y <= r.bottom + SLACK,
    );
    if (under) return under;
  }
  return rects[0] ?? range.getBoundingClientRect();
}

function push<K>(map: Map<K, TermOccurrence[]>, key: K, occurrence: TermOccurrence): void {
  const list = map.get(key);
  if (!list) map.set(key, [occurrence]);
  else if (!list.includes(occurrence)) list.push(occurrence);
}
