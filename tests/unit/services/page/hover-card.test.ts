import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARD_TAG, HoverCard, type HoverCardHandlers } from '../../../../services/page/hover-card';

function handlers() {
  return {
    onPointerEnter: vi.fn<() => void>(),
    onPointerLeave: vi.fn<() => void>(),
    onReadInPanel: vi.fn<(id: string) => void>(),
    onFocusLeave: vi.fn<() => void>(),
  } satisfies HoverCardHandlers;
}

const content = {
  cards: [{ id: 'rag', title: 'Retrieval-Augmented Generation', summary: 'RAG grounds answers.', wikiPageUrl: 'https://agentwiki.org/doku.php?id=rag' }],
};

/** Gives the card a size, as layout would. */
function sized(card: HoverCard, width: number, height: number): void {
  const dialog = card.element!.shadowRoot!.querySelector('[role="dialog"]')!;
  dialog.getBoundingClientRect = () => new DOMRect(0, 0, width, height);
}

afterEach(() => {
  document.querySelectorAll(CARD_TAG).forEach((c) => c.remove());
});

describe('HoverCard', () => {
  it('lives under <html> in an open shadow root, as a labelled dialog', () => {
    const card = new HoverCard(document, handlers());
    card.show(content, new DOMRect(10, 10, 40, 16));
    const host = document.documentElement.querySelector(`:scope > ${CARD_TAG}`)!;
    expect(host.shadowRoot!.mode).toBe('open');
    const dialog = host.shadowRoot!.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Retrieval-Augmented Generation');
    expect(dialog.textContent).toContain('RAG grounds answers.');
    card.destroy();
    expect(document.querySelector(CARD_TAG)).toBeNull();
  });

  it('places itself below the term, or above when there is no room below', () => {
    Object.defineProperty(document.documentElement, 'clientWidth', { value: 800, configurable: true });
    Object.defineProperty(document.documentElement, 'clientHeight', { value: 600, configurable: true });
    const card = new HoverCard(document, handlers());
    card.show(content, new DOMRect(100, 100, 40, 16));
    sized(card, 300, 120);
    card.place(new DOMRect(100, 100, 40, 16));
    expect(card.element!.style.top).toBe('122px');
    expect(card.element!.dataset.placement).toBe('below');
    card.place(new DOMRect(700, 540, 40, 16));
    expect(card.element!.dataset.placement).toBe('above');
    expect(card.element!.style.top).toBe(`${540 - 6 - 120}px`);
    // Kept inside the viewport on the right.
    expect(card.element!.style.left).toBe(`${800 - 300 - 8}px`);
    card.destroy();
  });

  it('stays inside the viewport at its edges: right, bottom, top, and a card taller than the room', () => {
    Object.defineProperty(document.documentElement, 'clientWidth', { value: 800, configurable: true });
    Object.defineProperty(document.documentElement, 'clientHeight', { value: 600, configurable: true });
    const card = new HoverCard(document, handlers());
    card.show(content, new DOMRect(0, 0, 1, 1));
    sized(card, 300, 120);
    const at = (rect: DOMRect) => {
      card.place(rect);
      const style = card.element!.style;
      return { left: parseInt(style.left), top: parseInt(style.top), placement: card.element!.dataset.placement };
    };
    // A term in the bottom-right corner: above it, pulled in from the right edge.
    expect(at(new DOMRect(790, 584, 10, 16))).toEqual({ left: 800 - 300 - 8, top: 584 - 6 - 120, placement: 'above' });
    // A term at the top edge: below it, whatever the room above.
    expect(at(new DOMRect(10, 0, 40, 16))).toEqual({ left: 10, top: 22, placement: 'below' });
    // A term past the left edge (scrolled sideways): the card keeps its margin.
    expect(at(new DOMRect(-30, 200, 40, 16)).left).toBe(8);
    // No room above or below: held inside the viewport, from its top margin.
    sized(card, 300, 590);
    const squeezed = at(new DOMRect(100, 300, 40, 16));
    expect(squeezed.top).toBe(8);
    card.destroy();
  });

  it('is a labelled dialog that screen readers announce with its definition', () => {
    const card = new HoverCard(document, handlers());
    card.show(content, new DOMRect(0, 0, 1, 1));
    const dialog = card.element!.shadowRoot!.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Retrieval-Augmented Generation');
    const described = card.element!.shadowRoot!.getElementById(dialog.getAttribute('aria-describedby')!);
    expect(described!.textContent).toBe('RAG grounds answers.');
    for (let e: Element | null = dialog; e; e = e.parentElement ?? (e.getRootNode() as ShadowRoot).host ?? null) {
      expect(e.getAttribute('aria-hidden')).toBeNull();
      if (e === document.documentElement) break;
    }
    card.destroy();
  });

  it('reports pointer and focus movements and the reading action', () => {
    const h = handlers();
    const card = new HoverCard(document, h);
    card.show(content, new DOMRect(0, 0, 10, 10));
    const host = card.element!;
    host.dispatchEvent(new PointerEvent('pointerenter'));
    host.dispatchEvent(new PointerEvent('pointerleave'));
    expect(h.onPointerEnter).toHaveBeenCalledOnce();
    expect(h.onPointerLeave).toHaveBeenCalledOnce();
    host.shadowRoot!.querySelector<HTMLButtonElement>('button.read')!.click();
    expect(h.onReadInPanel).toHaveBeenCalledWith('rag');
    const outside = document.createElement('button');
    document.body.append(outside);
    host.dispatchEvent(new FocusEvent('focusout', { relatedTarget: outside }));
    expect(h.onFocusLeave).toHaveBeenCalledOnce();
    outside.remove();
    card.destroy();
  });

  it('links only to http(s) pages', () => {
    const card = new HoverCard(document, handlers());
    card.show({ cards: [{ ...content.cards[0]!, wikiPageUrl: 'javascript:alert(1)' }] }, new DOMRect(0, 0, 1, 1));
    expect(card.element!.shadowRoot!.querySelector('a')).toBeNull();
    card.destroy();
  });

  it('says why when there is no summary', () => {
    const card = new HoverCard(document, handlers());
    card.show({ cards: [{ ...content.cards[0]!, summary: '' }], notice: 'Not cached yet.' }, new DOMRect(0, 0, 1, 1));
    expect(card.element!.shadowRoot!.querySelector('.notice')!.textContent).toBe('Not cached yet.');
    card.destroy();
  });
});
