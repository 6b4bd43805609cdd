import { beforeEach, describe, expect, it } from 'vitest';
import {
  createPainter,
  HIGHLIGHT_NAME,
  highlightApi,
  MARK_TAG,
  STYLED_ATTRIBUTE,
  TERM_STYLESHEET,
  type HighlightApi,
} from '../../../../services/page/painter';
import { rangeInRun, textRuns } from '../../../../services/page/scanner';
import { termKeyOf, type TermOccurrence } from '../../../../services/page/term-occurrence';

/** Occurrences of the given phrases (first match in each run). */
function occurrencesOf(...phrases: string[]): TermOccurrence[] {
  const found: TermOccurrence[] = [];
  for (const run of textRuns(document.body, { skipLinks: true })) {
    for (const phrase of phrases) {
      let from = 0;
      for (let at = run.text.indexOf(phrase, from); at >= 0; at = run.text.indexOf(phrase, from)) {
        const { range, nodes } = rangeInRun(run, at, at + phrase.length);
        found.push({ range, nodes, text: phrase, ids: [phrase], termKey: termKeyOf([phrase]) });
        from = at + phrase.length;
      }
    }
  }
  return found;
}

/** A structural snapshot that also sees text node boundaries and identities. */
function snapshot(root: Node): { html: string; texts: Text[]; data: string[] } {
  const texts: Text[] = [];
  const walker = document.createTreeWalker(root, 0x4);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  return { html: (root as Element).innerHTML, texts, data: texts.map((t) => t.data) };
}

/** A stand-in for the Custom Highlight API, which happy-dom lacks. */
function fakeHighlightApi(): HighlightApi & { registry: Map<string, Set<Range>> } {
  class FakeHighlight extends Set<Range> {
    constructor(...ranges: Range[]) {
      super(ranges);
    }
  }
  const registry = new Map<string, Set<Range>>();
  return { registry, create: (ranges) => new FakeHighlight(...ranges) } as HighlightApi & {
    registry: Map<string, Set<Range>>;
  };
}

beforeEach(() => {
  document.body.innerHTML = '';
  document.adoptedStyleSheets = [];
  document.head.querySelectorAll('style').forEach((s) => s.remove());
});

describe('highlight painter', () => {
  it('registers every range under agentwiki-term, leaving text and structure alone', () => {
    document.body.innerHTML = '<p>Use RAG and <em>MCP</em> with RAG.</p><p>plain</p>';
    const before = snapshot(document.body);
    const api = fakeHighlightApi();
    const painter = createPainter(document, api);
    const occurrences = occurrencesOf('RAG', 'MCP');
    painter.paint(occurrences);
    expect(painter.mode).toBe('highlight');
    const ranges = [...(api.registry.get(HIGHLIGHT_NAME) as Set<Range>)];
    expect(ranges.map((r) => r.toString())).toEqual(['RAG', 'RAG', 'MCP']);
    const after = snapshot(document.body);
    expect(after.texts).toEqual(before.texts);
    expect(after.data).toEqual(before.data);
    // Only the elements that hold marked text carry the attribute the highlight rule asks for.
    expect([...document.querySelectorAll(`[${STYLED_ATTRIBUTE}]`)].map((e) => e.localName)).toEqual(['p', 'em']);
    painter.paint(occurrencesOf('MCP'));
    expect([...document.querySelectorAll(`[${STYLED_ATTRIBUTE}]`)].map((e) => e.localName)).toEqual(['em']);
    painter.clear();
    expect(snapshot(document.body)).toEqual(before);
  });

  it('styles only the attributed holders, in the document and in each shadow root with marks', () => {
    document.body.innerHTML = '<p>Use RAG.</p><div id="host"></div>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>Also MCP here.</p>';
    expect(TERM_STYLESHEET).toContain(`[${STYLED_ATTRIBUTE}]::highlight(${HIGHLIGHT_NAME})`);
    const api = fakeHighlightApi();
    const painter = createPainter(document, api);
    const inShadow = [...textRuns(shadow, { skipLinks: true })].map((run) => {
      const at = run.text.indexOf('MCP');
      const { range, nodes } = rangeInRun(run, at, at + 3);
      return { range, nodes, text: 'MCP', ids: ['MCP'], termKey: 'MCP' };
    });
    painter.paint([...occurrencesOf('RAG'), ...inShadow]);
    expect(document.adoptedStyleSheets).toHaveLength(1);
    expect(shadow.adoptedStyleSheets).toHaveLength(1);
    expect(shadow.querySelector('p')!.hasAttribute(STYLED_ATTRIBUTE)).toBe(true);
    painter.clear();
    expect(document.adoptedStyleSheets).toHaveLength(0);
    expect(shadow.adoptedStyleSheets).toHaveLength(0);
    expect(shadow.querySelector('p')!.hasAttribute(STYLED_ATTRIBUTE)).toBe(false);
  });

  it('styles ::highlight(agentwiki-term) and removes everything on clear', () => {
    document.body.innerHTML = '<p>Use RAG.</p>';
    const api = fakeHighlightApi();
    const painter = createPainter(document, api);
    const sheetsBefore = document.adoptedStyleSheets.length;
    painter.paint(occurrencesOf('RAG'));
    const styles = [...document.adoptedStyleSheets, ...document.querySelectorAll('style')];
    expect(styles.length).toBeGreaterThan(sheetsBefore);
    painter.clear();
    expect(api.registry.has(HIGHLIGHT_NAME)).toBe(false);
    expect(document.adoptedStyleSheets.length).toBe(sheetsBefore);
    expect(document.querySelectorAll('style')).toHaveLength(0);
  });

  it('does not remove a highlight registered by someone else under the same name', () => {
    const api = fakeHighlightApi();
    const painter = createPainter(document, api);
    painter.paint([]);
    const theirs = new Set<Range>();
    api.registry.set(HIGHLIGHT_NAME, theirs);
    painter.clear();
    expect(api.registry.get(HIGHLIGHT_NAME)).toBe(theirs);
  });

  it('finds the Highlight API on a global scope, and nothing where it is missing', () => {
    expect(highlightApi({} as typeof globalThis)).toBeNull();
    const scope = { CSS: { highlights: new Map() }, Highlight: class {} } as unknown as typeof globalThis;
    expect(highlightApi(scope)).not.toBeNull();
  });
});

describe('mark painter (no Custom Highlight API)', () => {
  it('is chosen where CSS.highlights is missing, as in happy-dom', () => {
    expect(createPainter(document).mode).toBe('marks');
  });

  it('wraps each occurrence in agentwiki-mark elements', () => {
    document.body.innerHTML = '<p>Use RAG and open-<em>closed</em> gap.</p>';
    const painter = createPainter(document, null);
    painter.paint(occurrencesOf('RAG', 'open-closed gap'));
    const marks = [...document.querySelectorAll(MARK_TAG)];
    expect(marks.map((m) => m.textContent)).toEqual(['RAG', 'open-', 'closed', ' gap']);
    expect(document.body.textContent).toBe('Use RAG and open-closed gap.');
  });

  it('keeps each occurrence range on its text and maps marks back to it', () => {
    document.body.innerHTML = '<p>RAG then MCP then RAG</p>';
    const painter = createPainter(document, null);
    const occurrences = occurrencesOf('RAG', 'MCP');
    painter.paint(occurrences);
    expect(occurrences.map((o) => o.range.toString())).toEqual(['RAG', 'RAG', 'MCP']);
    const marks = [...document.querySelectorAll(MARK_TAG)];
    expect(marks.map((m) => painter.occurrenceOfMark(m)?.text)).toEqual(['RAG', 'MCP', 'RAG']);
  });

  it('restores the DOM exactly on clear: same nodes, same text, same boundaries', () => {
    document.body.innerHTML = '<p>RAG at start, MCP in the middle and RAG</p><p>split open-<em>closed</em> gap</p>';
    const before = snapshot(document.body);
    const painter = createPainter(document, null);
    painter.paint(occurrencesOf('RAG', 'MCP', 'open-closed gap'));
    expect(document.querySelectorAll(MARK_TAG).length).toBe(6);
    painter.clear();
    const after = snapshot(document.body);
    expect(after.html).toBe(before.html);
    expect(after.data).toEqual(before.data);
    after.texts.forEach((node, i) => expect(node).toBe(before.texts[i]));
    expect(document.querySelectorAll('style')).toHaveLength(0);
    expect(document.adoptedStyleSheets).toHaveLength(0);
  });

  it('unwraps only the occurrences no longer painted', () => {
    document.body.innerHTML = '<p>RAG and MCP</p>';
    const painter = createPainter(document, null);
    const [rag, mcp] = occurrencesOf('RAG', 'MCP');
    painter.paint([rag!, mcp!]);
    painter.paint([mcp!]);
    expect([...document.querySelectorAll(MARK_TAG)].map((m) => m.textContent)).toEqual(['MCP']);
    expect(document.body.textContent).toBe('RAG and MCP');
  });

  it('does not wrap text inside SVG', () => {
    document.body.innerHTML = '<svg><text>RAG</text></svg>';
    const text = document.querySelector('text')!.firstChild as Text;
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(text, 3);
    const painter = createPainter(document, null);
    painter.paint([{ range, nodes: [text], text: 'RAG', ids: ['rag'], termKey: 'rag' }]);
    expect(document.querySelectorAll(MARK_TAG)).toHaveLength(0);
  });
});
