import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorRect, TermLocator } from '../../../../services/page/hit-test';
import { createPainter, type HighlightApi } from '../../../../services/page/painter';
import type { TermOccurrence } from '../../../../services/page/term-occurrence';

/** An occurrence of `word` in the first text node of `element`, drawn at `box`. */
function occurrenceIn(element: Element, word: string, box: DOMRect): TermOccurrence {
  const node = element.firstChild as Text;
  const at = node.data.indexOf(word);
  const range = document.createRange();
  range.setStart(node, at);
  range.setEnd(node, at + word.length);
  // happy-dom has no layout: give the range the box a browser would compute.
  range.getClientRects = () => [box] as unknown as DOMRectList;
  range.getBoundingClientRect = () => box;
  return { range, nodes: [node], text: word, ids: [word], termKey: word };
}

const original = {
  caretPositionFromPoint: (document as Document & { caretPositionFromPoint?: unknown }).caretPositionFromPoint,
};

beforeEach(() => {
  document.body.innerHTML = '<p id="p">Use RAG and MCP.</p><p id="q">plain text</p>';
});

afterEach(() => {
  (document as unknown as Record<string, unknown>).caretPositionFromPoint = original.caretPositionFromPoint;
});

describe('TermLocator with highlightsFromPoint', () => {
  it('returns the occurrence whose range the browser reports at the point', () => {
    const p = document.getElementById('p')!;
    const rag = occurrenceIn(p, 'RAG', new DOMRect(40, 0, 30, 20));
    const mcp = occurrenceIn(p, 'MCP', new DOMRect(100, 0, 30, 20));
    const api: HighlightApi = {
      registry: {
        set: () => undefined,
        get: () => undefined,
        delete: () => true,
        highlightsFromPoint: (x) => (x > 90 ? [{ highlight: {}, ranges: [mcp.range] }] : []),
      },
      create: () => ({ add: () => undefined, clear: () => undefined }),
    };
    const locator = new TermLocator(document, createPainter(document, api), api);
    locator.index([rag, mcp]);
    expect(locator.termAt(110, 10, p)).toBe(mcp);
    expect(locator.termAt(50, 10, p)).toBeNull();
  });

  it('does no hit test at all over an element that holds no term', () => {
    let asked = 0;
    const api: HighlightApi = {
      registry: {
        set: () => undefined,
        get: () => undefined,
        delete: () => true,
        highlightsFromPoint: () => {
          asked++;
          return [];
        },
      },
      create: () => ({ add: () => undefined, clear: () => undefined }),
    };
    const locator = new TermLocator(document, createPainter(document, api), api);
    locator.index([occurrenceIn(document.getElementById('p')!, 'RAG', new DOMRect(40, 0, 30, 20))]);
    expect(locator.termAt(5, 5, document.getElementById('q'))).toBeNull();
    expect(locator.termAt(5, 5, null)).toBeNull();
    expect(asked).toBe(0);
  });
});

describe('TermLocator inside shadow roots', () => {
  it('passes the shadow roots that hold marks to highlightsFromPoint and the caret', () => {
    document.body.innerHTML = '<div id="host"></div>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p id="s">Use RAG.</p>';
    const p = shadow.getElementById('s')!;
    const rag = occurrenceIn(p, 'RAG', new DOMRect(40, 0, 30, 20));
    const asked: unknown[] = [];
    const api: HighlightApi = {
      registry: {
        set: () => undefined,
        get: () => undefined,
        delete: () => true,
        highlightsFromPoint: (_x, _y, options) => {
          asked.push(options);
          return options?.shadowRoots?.includes(shadow) ? [{ highlight: {}, ranges: [rag.range] }] : [];
        },
      },
      create: () => ({ add: () => undefined, clear: () => undefined }),
    };
    const locator = new TermLocator(document, createPainter(document, api), api);
    locator.index([rag]);
    // The pointer event's innermost target (composedPath()[0]) is the shadow tree's element.
    expect(locator.termAt(50, 10, p, [shadow])).toBe(rag);
    expect(asked).toEqual([{ shadowRoots: [shadow] }]);

    const caretApi: HighlightApi = { registry: { set: () => undefined, get: () => undefined, delete: () => true }, create: api.create };
    let caretOptions: unknown;
    (document as unknown as Record<string, unknown>).caretPositionFromPoint = (_x: number, _y: number, options: unknown) => {
      caretOptions = options;
      return { offsetNode: p.firstChild, offset: 5 };
    };
    const byCaret = new TermLocator(document, createPainter(document, caretApi), caretApi);
    byCaret.index([rag]);
    expect(byCaret.termAt(50, 10, p, [shadow])).toBe(rag);
    expect(caretOptions).toEqual({ shadowRoots: [shadow] });
  });
});

describe('TermLocator with caret positions', () => {
  const api: HighlightApi = {
    registry: { set: () => undefined, get: () => undefined, delete: () => true },
    create: () => ({ add: () => undefined, clear: () => undefined }),
  };

  it('checks the ranges of the text node under the caret against their boxes', () => {
    const p = document.getElementById('p')!;
    const rag = occurrenceIn(p, 'RAG', new DOMRect(40, 0, 30, 20));
    (document as unknown as Record<string, unknown>).caretPositionFromPoint = () => ({ offsetNode: p.firstChild, offset: 5 });
    const locator = new TermLocator(document, createPainter(document, api), api);
    locator.index([rag]);
    expect(locator.termAt(50, 10, p)).toBe(rag);
    // The caret snaps to the nearest text even in the margin: the box decides.
    expect(locator.termAt(50, 200, p)).toBeNull();
  });
});

describe('TermLocator with marks', () => {
  it('maps the mark under the pointer to its occurrence', () => {
    const p = document.getElementById('p')!;
    const painter = createPainter(document, null);
    const rag = occurrenceIn(p, 'RAG', new DOMRect(0, 0, 1, 1));
    painter.paint([rag]);
    const locator = new TermLocator(document, painter, null);
    locator.index([rag]);
    const mark = document.querySelector('agentwiki-mark')!;
    expect(locator.termAt(0, 0, mark)).toBe(rag);
    expect(locator.termAt(0, 0, p)).toBeNull();
    painter.clear();
  });
});

describe('anchorRect', () => {
  it('picks the line box under the pointer, else the first', () => {
    const range = document.createRange();
    const lines = [new DOMRect(200, 0, 50, 20), new DOMRect(0, 20, 40, 20)];
    range.getClientRects = () => lines as unknown as DOMRectList;
    expect(anchorRect(range, 10, 30)).toBe(lines[1]);
    expect(anchorRect(range)).toBe(lines[0]);
  });
});
