import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DWELL_MS, GRACE_MS, SHOW_MS } from '../../../../lib/hover/hover-machine';
import { compileMatcher } from '../../../../lib/match/matcher';
import { buildTermTable, type TermSource } from '../../../../lib/match/term-table';
import type { CardData } from '../../../../lib/protocol';
import { CARD_TAG } from '../../../../services/page/hover-card';
import { HIGHLIGHT_NAME, MARK_TAG, type HighlightApi } from '../../../../services/page/painter';
import { startPageSession, type PageSessionDeps } from '../../../../services/page/page-session';

const ARTICLES: TermSource[] = [
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
  { id: 'model_context_protocol', title: 'Model Context Protocol (MCP)', summary: '', boldTerms: [] },
  { id: 'open_closed_performance_gap', title: 'Open-Closed Model Performance Gap', summary: '', boldTerms: [] },
  { id: 'transformer', title: 'Transformer', summary: '', boldTerms: [] },
  { id: 'transformer_architecture', title: 'Transformer Architecture', summary: '', boldTerms: ['Transformer'] },
];
const TABLE = buildTermTable(ARTICLES);
const TITLES = new Map(TABLE.ids.map((id, i) => [id, TABLE.titles[i]!]));

function card(id: string): CardData {
  return { id, title: TITLES.get(id)!, summary: `${TITLES.get(id)} is a thing.`, wikiPageUrl: `https://wiki.test/doku.php?id=${id}` };
}

interface Harness {
  deps: PageSessionDeps;
  abort: AbortController;
  lookup: ReturnType<typeof vi.fn<(id: string) => Promise<CardData | null>>>;
  openInSidePanel: ReturnType<typeof vi.fn<(id: string) => void>>;
}

/** Every session a test starts is torn down after it, so none outlives its test. */
const sessions: AbortController[] = [];

function harness(overrides: Partial<PageSessionDeps> = {}): Harness {
  const abort = new AbortController();
  sessions.push(abort);
  const lookup = vi.fn(async (id: string) => card(id));
  const openInSidePanel = vi.fn((_id: string) => undefined);
  const deps: PageSessionDeps = {
    doc: document,
    matcher: compileMatcher(TABLE),
    titleOf: (id) => TITLES.get(id) ?? id,
    pageUrlOf: (id) => `https://wiki.test/doku.php?id=${id}`,
    lookup,
    openInSidePanel,
    signal: abort.signal,
    ...overrides,
    // The topic gate has tests of its own below; elsewhere it would only
    // demand more acronyms of every test page.
    options: { rescanDelayMs: 10, gateOnTopic: false, ...overrides.options },
  };
  return { deps, abort, lookup, openInSidePanel };
}

function snapshot(): { html: string; texts: Text[] } {
  const texts: Text[] = [];
  const walker = document.createTreeWalker(document.documentElement, 0x4);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  return { html: document.documentElement.outerHTML, texts };
}

const marks = () => [...document.querySelectorAll(MARK_TAG)].map((m) => m.textContent);
const dialog = () => document.querySelector(CARD_TAG)?.shadowRoot?.querySelector<HTMLElement>('[role="dialog"]') ?? null;

function hoverOver(element: Element): void {
  element.dispatchEvent(new PointerEvent('pointermove', { bubbles: true, clientX: 5, clientY: 5, pointerType: 'mouse' }));
}

beforeEach(() => {
  document.body.innerHTML = '';
  document.adoptedStyleSheets = [];
});

afterEach(() => {
  for (const abort of sessions.splice(0)) abort.abort();
  vi.useRealTimers();
  document.querySelectorAll(CARD_TAG).forEach((c) => c.remove());
});

describe('scanning', () => {
  it('marks the first occurrence of each term only', async () => {
    document.body.innerHTML = '<p>RAG helps. RAG again.</p><p>The open-<em>closed</em> gap and MCP.</p><p>MCP.</p>';
    const { deps } = harness();
    const session = startPageSession(deps);
    await session.ready;
    expect(session.occurrences().map((o) => o.text)).toEqual(['RAG', 'open-closed gap', 'MCP']);
    expect(marks()).toEqual(['RAG', 'open-', 'closed', ' gap', 'MCP']);
  });

  it('marks every occurrence when asked, up to the cap', async () => {
    document.body.innerHTML = '<p>RAG RAG RAG MCP RAG</p>';
    const { deps } = harness({ options: { firstOccurrenceOnly: false, maxRanges: 3 } });
    const session = startPageSession(deps);
    await session.ready;
    expect(session.occurrences().map((o) => o.text)).toEqual(['RAG', 'RAG', 'RAG']);
  });

  it('leaves inputs, editable text, code, pre and links alone', async () => {
    document.body.innerHTML = `
      <input value="RAG"><textarea>RAG</textarea>
      <div contenteditable="true">RAG</div><code>RAG</code><pre>RAG</pre>
      <a href="/rag">RAG</a><p>Then MCP.</p>`;
    const { deps } = harness();
    const session = startPageSession(deps);
    await session.ready;
    expect(session.occurrences().map((o) => o.text)).toEqual(['MCP']);
  });

  it('yields to the page between slices of a long page', async () => {
    document.body.innerHTML = Array.from({ length: 400 }, (_, i) => `<p>paragraph ${i} about nothing at all</p>`).join('') + '<p>RAG</p>';
    let clock = 0;
    // Each reading of the clock is 5 ms later: the scan reads it every few runs.
    const { deps } = harness({ now: () => (clock += 5), options: { sliceMs: 20 } });
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const session = startPageSession(deps);
    await session.ready;
    expect(timeout.mock.calls.filter(([, ms]) => ms === 0).length).toBeGreaterThan(5);
    expect(session.occurrences().map((o) => o.text)).toEqual(['RAG']);
    timeout.mockRestore();
  });

  it('keeps no pointer listener on a page without terms, and starts one with the first term', async () => {
    document.body.innerHTML = '<p>The morning was quiet.</p>';
    const listen = vi.spyOn(document, 'addEventListener');
    const pointerListeners = () => listen.mock.calls.filter(([type]) => type === 'pointermove').length;
    const session = startPageSession(harness().deps);
    await session.ready;
    expect(pointerListeners()).toBe(0);
    document.body.insertAdjacentHTML('beforeend', '<p>Then RAG arrived.</p>');
    await session.settled();
    expect(session.occurrences().map((o) => o.text)).toEqual(['RAG']);
    expect(pointerListeners()).toBe(1);
    listen.mockRestore();
  });

  it('lists every term with its count for the side panel', async () => {
    document.body.innerHTML = '<p>RAG and RAG, then Transformer.</p><a href="/">MCP</a>';
    const session = startPageSession(harness().deps);
    await session.ready;
    expect(await session.terms()).toEqual([
      { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', text: 'RAG', count: 2 },
      { id: 'transformer', title: 'Transformer', text: 'Transformer', count: 1 },
    ]);
  });
});

describe('pages off the subject', () => {
  const gated = { options: { gateOnTopic: true } };

  it('marks nothing on a page without evidence of the subject: one ambiguous acronym is none', async () => {
    document.body.innerHTML = '<p>Status: RAG amber.</p><p>The Transformer in the garden shed hums.</p>';
    const session = startPageSession(harness(gated).deps);
    await session.ready;
    expect(session.occurrences()).toEqual([]);
    expect(await session.terms()).toEqual([]);
  });

  it('marks every term, from the first, once the page shows enough evidence', async () => {
    document.body.innerHTML = '<p>The Transformer is everywhere.</p><p>Even in RAG systems, and in MCP servers.</p>';
    const session = startPageSession(harness(gated).deps);
    await session.ready;
    expect(session.occurrences().map((o) => o.text)).toEqual(['Transformer', 'RAG', 'MCP']);
  });

  it('marks everything when the gate is off', async () => {
    document.body.innerHTML = '<p>The Transformer in the garden shed hums.</p>';
    const session = startPageSession(harness().deps);
    await session.ready;
    expect(session.occurrences().map((o) => o.text)).toEqual(['Transformer']);
  });
});

describe('following the page', () => {
  it('marks terms in added content', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const session = startPageSession(harness().deps);
    await session.ready;
    const p = document.createElement('p');
    p.textContent = 'Now about MCP.';
    document.body.append(p);
    await session.settled();
    expect(session.occurrences().map((o) => o.text)).toEqual(['RAG', 'MCP']);
  });

  it('drops occurrences whose text left the page or changed', async () => {
    document.body.innerHTML = '<p id="a">RAG</p><p id="b">MCP here</p>';
    const session = startPageSession(harness({ highlights: null }).deps);
    await session.ready;
    document.getElementById('a')!.remove();
    document.getElementById('b')!.textContent = 'Transformer here';
    await session.settled();
    expect(session.occurrences().map((o) => o.text)).toEqual(['Transformer']);
    expect(marks()).toEqual(['Transformer']);
  });

  it('marks a term again elsewhere once its first occurrence is gone', async () => {
    document.body.innerHTML = '<p id="a">RAG</p>';
    const session = startPageSession(harness().deps);
    await session.ready;
    document.getElementById('a')!.textContent = 'nothing';
    const p = document.createElement('p');
    p.textContent = 'RAG later';
    document.body.append(p);
    await session.settled();
    expect(session.occurrences().map((o) => o.nodes[0]!.parentElement!.closest('p')!.textContent)).toEqual(['RAG later']);
  });
});

describe('teardown', () => {
  it('leaves the DOM exactly as before, marks and card included', async () => {
    document.body.innerHTML = '<p>RAG at start, and MCP, and open-<em>closed</em> gap.</p><p>Transformer</p>';
    const before = snapshot();
    const { deps, abort } = harness();
    const session = startPageSession(deps);
    await session.ready;
    expect(marks().length).toBeGreaterThan(0);
    session.nextTerm();
    await vi.waitFor(() => expect(dialog()).not.toBeNull());
    abort.abort();
    const after = snapshot();
    expect(after.html).toBe(before.html);
    after.texts.forEach((node, i) => expect(node).toBe(before.texts[i]));
    expect(session.occurrences()).toEqual([]);
  });

  it('removes its highlight and stops listening', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const registry = new Map<string, unknown>();
    const api: HighlightApi = { registry, create: (ranges) => new Set(ranges) as never };
    const { deps, abort, lookup } = harness({ highlights: api });
    const session = startPageSession(deps);
    await session.ready;
    expect(registry.has(HIGHLIGHT_NAME)).toBe(true);
    abort.abort();
    expect(registry.has(HIGHLIGHT_NAME)).toBe(false);
    vi.useFakeTimers();
    hoverOver(document.querySelector('p')!);
    await vi.advanceTimersByTimeAsync(2000);
    expect(lookup).not.toHaveBeenCalled();
    const p = document.createElement('p');
    p.textContent = 'MCP';
    document.body.append(p);
    await vi.advanceTimersByTimeAsync(1000);
    expect(session.occurrences()).toEqual([]);
    expect(session.nextTerm()).toBe(false);
  });

  it('does nothing on a signal that is already aborted', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const abort = new AbortController();
    abort.abort();
    const session = startPageSession({ ...harness().deps, signal: abort.signal });

    await session.ready;
    expect(marks()).toEqual([]);
  });
});

describe('the hover card', () => {
  async function pageWithTerms(html: string) {
    document.body.innerHTML = html;
    const h = harness();
    const session = startPageSession(h.deps);
    await session.ready;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame', 'performance'] });
    return { ...h, session };
  }

  it('shows the card after the delays, with title, summary and actions', async () => {
    const { lookup, openInSidePanel } = await pageWithTerms('<p>We use RAG here.</p>');
    hoverOver(document.querySelector(MARK_TAG)!);
    await vi.advanceTimersByTimeAsync(16 + DWELL_MS - 20);
    expect(lookup).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(40);
    expect(lookup).toHaveBeenCalledWith('retrieval_augmented_generation');
    expect(dialog()).toBeNull();
    await vi.advanceTimersByTimeAsync(SHOW_MS);
    const shown = dialog()!;
    expect(shown.getAttribute('aria-label')).toBe('Retrieval-Augmented Generation (RAG)');
    expect(shown.getAttribute('aria-hidden')).toBeNull();
    expect(shown.textContent).toContain('Retrieval-Augmented Generation (RAG) is a thing.');
    const link = shown.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://wiki.test/doku.php?id=retrieval_augmented_generation');
    expect(link.target).toBe('_blank');
    expect(link.rel).toContain('noopener');
    const read = [...shown.querySelectorAll('button')].find((b) => b.textContent === 'Read in side panel')!;
    read.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(openInSidePanel).toHaveBeenCalledWith('retrieval_augmented_generation');
    expect(document.querySelector(CARD_TAG)!.shadowRoot!.mode).toBe('open');
  });

  it('shows summaries as text, never as HTML', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const lookup = vi.fn(async (id: string) => ({ ...card(id), summary: '<img src=x onerror=alert(1)>bold' }));
    const session = startPageSession({ ...harness().deps, lookup });
    await session.ready;
    session.nextTerm();
    await vi.waitFor(() => expect(dialog()).not.toBeNull());
    expect(dialog()!.querySelector('img')).toBeNull();
    expect(dialog()!.textContent).toContain('<img src=x onerror=alert(1)>bold');
  });

  it('hides after the grace time once the pointer left, and on Escape', async () => {
    await pageWithTerms('<p>We use RAG here.</p><p id="plain">plain</p>');
    hoverOver(document.querySelector(MARK_TAG)!);
    await vi.advanceTimersByTimeAsync(SHOW_MS + 100);
    expect(dialog()).not.toBeNull();
    hoverOver(document.getElementById('plain')!);
    await vi.advanceTimersByTimeAsync(16 + GRACE_MS + 10);
    expect(dialog()).toBeNull();

    hoverOver(document.querySelector(MARK_TAG)!);
    await vi.advanceTimersByTimeAsync(SHOW_MS + 100);
    expect(dialog()).not.toBeNull();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(dialog()).toBeNull();
  });

  it('stays while the pointer rests on the card', async () => {
    await pageWithTerms('<p>We use RAG here.</p>');
    hoverOver(document.querySelector(MARK_TAG)!);
    await vi.advanceTimersByTimeAsync(SHOW_MS + 100);
    const host = document.querySelector(CARD_TAG)!;
    host.dispatchEvent(new PointerEvent('pointerenter', { pointerType: 'mouse' }));
    hoverOver(host);
    await vi.advanceTimersByTimeAsync(5000);
    expect(dialog()).not.toBeNull();
    host.dispatchEvent(new PointerEvent('pointerleave', { pointerType: 'mouse' }));
    await vi.advanceTimersByTimeAsync(GRACE_MS + 10);
    expect(dialog()).toBeNull();
  });

  it('lets the reader choose when several articles claim the term', async () => {
    await pageWithTerms('<p>A Transformer.</p>');
    hoverOver([...document.querySelectorAll(MARK_TAG)].find((m) => m.textContent === 'Transformer')!);
    await vi.advanceTimersByTimeAsync(SHOW_MS + 100);
    const choices = [...dialog()!.querySelectorAll('ul button')];
    expect(choices.map((b) => b.textContent)).toEqual(['Transformer', 'Transformer Architecture']);
    (choices[1] as HTMLElement).click();
    expect(dialog()!.getAttribute('aria-label')).toBe('Transformer Architecture');
  });

  it('still shows the title and a link when the background cannot answer', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const lookup = vi.fn(async () => {
      throw new Error('No answer to "card:get".');
    });
    const session = startPageSession({ ...harness().deps, lookup });
    await session.ready;
    session.nextTerm();
    await vi.waitFor(() => expect(dialog()).not.toBeNull());
    expect(dialog()!.getAttribute('aria-label')).toBe('Retrieval-Augmented Generation (RAG)');
    expect(dialog()!.textContent).toContain('could not be loaded');
  });
});

describe('keyboard', () => {
  it('moves to the next term, opens its card with focus inside, and Escape gives focus back', async () => {
    document.body.innerHTML = '<button id="before">x</button><p>RAG first, MCP second.</p>';
    const before = document.getElementById('before')!;
    before.focus();
    const session = startPageSession(harness().deps);
    await session.ready;
    expect(session.nextTerm()).toBe(true);
    await vi.waitFor(() => expect(dialog()?.getAttribute('aria-label')).toBe('Retrieval-Augmented Generation (RAG)'));
    expect(document.querySelector(CARD_TAG)!.shadowRoot!.activeElement).toBe(dialog());
    expect(session.nextTerm()).toBe(true);
    await vi.waitFor(() => expect(dialog()?.getAttribute('aria-label')).toBe('Model Context Protocol (MCP)'));
    dialog()!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(before);
  });

  it('says false when the page has no term', async () => {
    document.body.innerHTML = '<p>nothing to see</p>';
    const session = startPageSession(harness().deps);
    await session.ready;
    expect(session.nextTerm()).toBe(false);
  });
});
