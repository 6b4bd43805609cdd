// @vitest-environment jsdom
/**
 * The parts of a page beyond its top document's light tree — open shadow
 * roots and same-origin iframes — in-page navigation, and teardown audited
 * listener by listener. jsdom rather than happy-dom: its iframes get real
 * same-origin documents and its shadow roots are observed like Chromium's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileMatcher } from '../../../../lib/match/matcher';
import { buildTermTable } from '../../../../lib/match/term-table';
import { CARD_TAG } from '../../../../services/page/hover-card';
import { HIGHLIGHT_NAME, MARK_TAG, STYLED_ATTRIBUTE, type HighlightApi } from '../../../../services/page/painter';
import { startPageSession, type PageSessionDeps } from '../../../../services/page/page-session';

const TABLE = buildTermTable([
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
  { id: 'model_context_protocol', title: 'Model Context Protocol (MCP)', summary: '', boldTerms: [] },
  { id: 'langchain', title: 'LangChain', summary: '', boldTerms: [] },
]);

const sessions: AbortController[] = [];

function deps(overrides: Partial<PageSessionDeps> = {}): PageSessionDeps & { abort: AbortController } {
  const abort = new AbortController();
  sessions.push(abort);
  return {
    doc: document,
    matcher: compileMatcher(TABLE),
    titleOf: (id) => id,
    pageUrlOf: (id) => `https://wiki.test/${id}`,
    lookup: async (id) => ({ id, title: id, summary: `${id} is a thing.`, wikiPageUrl: `https://wiki.test/${id}` }),
    openInSidePanel: () => undefined,
    signal: abort.signal,
    highlights: null,
    ...overrides,
    options: { rescanDelayMs: 5, gateOnTopic: false, ...overrides.options },
    abort,
  };
}

const texts = (session: { occurrences(): { text: string }[] }) => session.occurrences().map((o) => o.text);

/** A same-origin iframe with the given body, loaded. */
async function frameWith(html: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  document.body.append(frame);
  await loaded;
  frame.contentDocument!.body.innerHTML = html;
  return frame;
}

// jsdom has no layout: ranges have no boxes (the card then stands at the viewport's corner).
const noBox = { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0, x: 0, y: 0 };
if (typeof Range.prototype.getClientRects !== 'function') {
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => noBox as DOMRect;
}

beforeEach(() => {
  document.body.innerHTML = '';
  history.replaceState(null, '', '/start');
});

afterEach(() => {
  for (const abort of sessions.splice(0)) abort.abort();
});

describe('open shadow roots', () => {
  it('are read where their hosts stand, and followed when they change', async () => {
    document.body.innerHTML = '<p>First RAG.</p><my-card id="host"></my-card><p>Then MCP.</p>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>Inside: <b>LangChain</b> and MCP.</p>';
    const session = startPageSession(deps({ options: { firstOccurrenceOnly: false } }));
    await session.ready;
    expect(texts(session)).toEqual(['RAG', 'LangChain', 'MCP', 'MCP']);
    expect(shadow.querySelectorAll(MARK_TAG)).toHaveLength(2);

    const added = document.createElement('p');
    added.textContent = 'Added RAG.';
    shadow.append(added);
    await session.settled();
    expect(texts(session)).toEqual(['RAG', 'LangChain', 'MCP', 'RAG', 'MCP']);
  });

  it('are not entered when closed', async () => {
    document.body.innerHTML = '<div id="host"></div>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'closed' });
    shadow.innerHTML = '<p>RAG</p>';
    const session = startPageSession(deps());
    await session.ready;
    expect(texts(session)).toEqual([]);
  });

  it('get the highlight style on the elements that hold marks, and lose it on teardown', async () => {
    document.body.innerHTML = '<div id="host"></div>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>RAG</p>';
    const registry = new Map<string, unknown>();
    const api: HighlightApi = { registry, create: (ranges) => new Set(ranges) as never };
    const d = deps({ highlights: api });
    const session = startPageSession(d);
    await session.ready;
    expect(texts(session)).toEqual(['RAG']);
    expect(shadow.querySelector('p')!.hasAttribute(STYLED_ATTRIBUTE)).toBe(true);
    d.abort.abort();
    expect(registry.has(HIGHLIGHT_NAME)).toBe(false);
    expect(shadow.querySelector('p')!.hasAttribute(STYLED_ATTRIBUTE)).toBe(false);
  });
});

describe('same-origin iframes', () => {
  it('are read after the page, with marks in their own document', async () => {
    document.body.innerHTML = '<p>Top RAG.</p>';
    const frame = await frameWith('<p>Framed MCP and RAG.</p>');
    const session = startPageSession(deps());
    await session.ready;
    expect(texts(session)).toEqual(['RAG', 'MCP']);
    expect(frame.contentDocument!.querySelectorAll(MARK_TAG)).toHaveLength(1);
    expect((await session.terms()).map((t) => [t.id, t.count])).toEqual([
      ['retrieval_augmented_generation', 2],
      ['model_context_protocol', 1],
    ]);
  });

  it('are followed as they change, and forgotten when they leave the page', async () => {
    document.body.innerHTML = '<p>Top.</p>';
    const frame = await frameWith('<p>nothing yet</p>');
    const session = startPageSession(deps());
    await session.ready;
    expect(texts(session)).toEqual([]);
    const p = frame.contentDocument!.createElement('p');
    p.textContent = 'Now LangChain.';
    frame.contentDocument!.body.append(p);
    await session.settled();
    expect(texts(session)).toEqual(['LangChain']);
    frame.remove();
    await session.settled();
    expect(texts(session)).toEqual([]);
  });

  it('are left alone when the option is off', async () => {
    await frameWith('<p>RAG</p>');
    const session = startPageSession(deps({ options: { scanFrames: false } }));
    await session.ready;
    expect(texts(session)).toEqual([]);
  });
});

describe('in-page navigation', () => {
  it('reads the new view as a new page: first occurrences and stale marks start over', async () => {
    document.body.innerHTML = '<nav>RAG</nav><main id="main"><p>About MCP.</p></main>';
    const session = startPageSession(deps());
    await session.ready;
    expect(texts(session)).toEqual(['RAG', 'MCP']);
    // A router: the address first, then the new view.
    history.pushState(null, '', '/next');
    document.getElementById('main')!.innerHTML = '<p>Here MCP again, and LangChain.</p>';
    await session.settled();
    expect(texts(session)).toEqual(['RAG', 'MCP', 'LangChain']);
    expect(document.querySelectorAll(MARK_TAG)).toHaveLength(3);
  });

  it('does not start over for a change of fragment alone', async () => {
    document.body.innerHTML = '<p id="a">RAG</p><p>RAG again</p>';
    const session = startPageSession(deps());
    await session.ready;
    const first = session.occurrences()[0];
    history.pushState(null, '', '#section');
    document.body.append(document.createElement('p'));
    await session.settled();
    expect(session.occurrences()[0]).toBe(first);
  });
});

describe('teardown', () => {
  /** Every listener added while `run` runs, with whether it was taken away again. */
  function auditListeners() {
    const added: { target: EventTarget; type: string; listener: unknown; signal?: AbortSignal; removed: boolean }[] = [];
    const proto = EventTarget.prototype;
    const add = proto.addEventListener;
    const remove = proto.removeEventListener;
    proto.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
      const signal = typeof options === 'object' && options ? (options as AddEventListenerOptions).signal : undefined;
      added.push({ target: this, type, listener, signal, removed: false });
      return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
    };
    proto.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
      for (const entry of added) if (entry.target === this && entry.type === type && entry.listener === listener) entry.removed = true;
      return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
    };
    return {
      live: () =>
        added.filter((e) => !e.removed && !e.signal?.aborted && !(e.type === 'abort' && e.target instanceof AbortSignal)),
      restore: () => {
        proto.addEventListener = add;
        proto.removeEventListener = remove;
      },
    };
  }

  /** MutationObservers made while auditing, and whether each still observes. */
  function auditObservers() {
    const Original = window.MutationObserver;
    const made: { observing: boolean }[] = [];
    class Audited extends Original {
      private readonly state = { observing: false };
      constructor(callback: MutationCallback) {
        super(callback);
        made.push(this.state);
      }
      override observe(target: Node, options?: MutationObserverInit): void {
        this.state.observing = true;
        super.observe(target, options);
      }
      override disconnect(): void {
        this.state.observing = false;
        super.disconnect();
      }
    }
    window.MutationObserver = Audited;
    globalThis.MutationObserver = Audited;
    return {
      observing: () => made.filter((m) => m.observing).length,
      restore: () => {
        window.MutationObserver = Original;
        globalThis.MutationObserver = Original;
      },
    };
  }

  it('removes every listener, observer, mark, style, attribute and the card, in frames and shadow roots too', async () => {
    document.body.innerHTML = '<p>RAG and <em>MCP</em>.</p><div id="host"></div>';
    const shadow = document.getElementById('host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<p>LangChain</p>';
    const frame = await frameWith('<p>RAG in a frame, with LangChain.</p>');
    const before = document.documentElement.outerHTML;
    const frameBefore = frame.contentDocument!.documentElement.outerHTML;
    const shadowBefore = shadow.innerHTML;

    const listeners = auditListeners();
    const observers = auditObservers();
    try {
      const d = deps({ options: { firstOccurrenceOnly: false } });
      const session = startPageSession(d);
      await session.ready;
      expect(texts(session)).toEqual(['RAG', 'MCP', 'LangChain', 'RAG', 'LangChain']);
      session.nextTerm();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(document.querySelector(CARD_TAG)).not.toBeNull();
      expect(listeners.live().length).toBeGreaterThan(0);
      expect(observers.observing()).toBe(1);

      d.abort.abort();
      expect(listeners.live().map((e) => `${e.type} on ${String(e.target)}`)).toEqual([]);
      expect(observers.observing()).toBe(0);
      expect(document.documentElement.outerHTML).toBe(before);
      expect(frame.contentDocument!.documentElement.outerHTML).toBe(frameBefore);
      expect(shadow.innerHTML).toBe(shadowBefore);
      expect(session.occurrences()).toEqual([]);
      expect(session.nextTerm()).toBe(false);
    } finally {
      listeners.restore();
      observers.restore();
    }
  });
});
