/**
 * The hover card: an <agentwiki-card> element under <html> with an open shadow
 * root, so the page's CSS cannot reach inside and ours cannot leak out (open,
 * so tests and assistive tools can look in). Plain DOM rather than Preact: the
 * card is a title, a paragraph and two actions, and the content script runs
 * on every page, so every kilobyte counts. Text is only ever set through
 * textContent: summaries come from the wiki and are not trusted as HTML.
 */
import type { CardData } from '../../lib/protocol';

export const CARD_TAG = 'agentwiki-card';

/** What a card shows for one term: the articles that claim it, best first. */
export interface CardContent {
  cards: CardData[];
  /** Said instead of a summary when there is none to show (not cached, not reachable). */
  notice?: string;
}

export interface HoverCardHandlers {
  onPointerEnter(): void;
  onPointerLeave(): void;
  onReadInPanel(id: string): void;
  /** Focus left the card for somewhere else on the page. */
  onFocusLeave(): void;
}

/** Viewport margin the card keeps, and its distance from the term. */
const MARGIN = 8;
const GAP = 6;

const CARD_CSS = `
:host { all: initial; }
.card {
  box-sizing: border-box;
  width: max-content;
  max-width: min(360px, calc(100vw - ${2 * MARGIN}px));
  padding: 12px 14px;
  border: 1px solid rgba(0, 0, 0, 0.12);
  border-radius: 8px;
  background: #ffffff;
  color: #1f2328;
  box-shadow: 0 8px 24px rgba(0, 0, 0, 0.18);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  text-align: start;
  outline: none;
}
.card:focus-visible { box-shadow: 0 0 0 2px #2563eb, 0 8px 24px rgba(0, 0, 0, 0.18); }
.title { margin: 0 0 4px; font-size: 15px; font-weight: 600; }
.summary {
  margin: 0;
  display: -webkit-box;
  -webkit-box-orient: vertical;
  -webkit-line-clamp: 7;
  overflow: hidden;
}
.notice { margin: 0; color: #59636e; font-style: italic; }
.choices { margin: 8px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px; }
.choices button {
  font: inherit; font-size: 12px; padding: 2px 8px; border-radius: 999px; cursor: pointer;
  border: 1px solid rgba(0, 0, 0, 0.2); background: transparent; color: inherit;
}
.choices button[aria-current="true"] { background: rgba(37, 99, 235, 0.12); border-color: #2563eb; }
.actions { display: flex; gap: 12px; align-items: center; margin-top: 10px; }
.read {
  font: inherit; font-size: 13px; padding: 4px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid #2563eb; background: #2563eb; color: #ffffff;
}
.open { font-size: 13px; color: #1d4ed8; }
.read:focus-visible, .open:focus-visible, .choices button:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
@media (prefers-color-scheme: dark) {
  .card { background: #1f2328; color: #e6edf3; border-color: rgba(255, 255, 255, 0.16); box-shadow: 0 8px 24px rgba(0, 0, 0, 0.5); }
  .notice { color: #9198a1; }
  .choices button { border-color: rgba(255, 255, 255, 0.25); }
  .open { color: #93c5fd; }
}
@media (prefers-reduced-motion: no-preference) {
  .card { animation: appear 120ms ease-out; }
  @keyframes appear { from { opacity: 0; transform: translateY(2px); } }
}
`;

// The host sits in the page's DOM: reset anything a page style could give it.
const HOST_STYLE =
  'all: initial !important; position: fixed !important; z-index: 2147483647 !important; ' +
  'top: 0; left: 0; display: block !important; margin: 0 !important;';

export class HoverCard {
  private host: HTMLElement | null = null;
  private dialog: HTMLElement | null = null;
  private content: CardContent | null = null;
  private current = 0;
  private anchor: DOMRect | null = null;
  private readonly aborter = new AbortController();

  constructor(
    private readonly doc: Document,
    private readonly handlers: HoverCardHandlers,
  ) {}

  get element(): HTMLElement | null {
    return this.host;
  }

  get shown(): boolean {
    return !!this.host?.isConnected;
  }

  /** Whether a node is the card or inside it, its shadow tree included. */
  contains(node: unknown): boolean {
    const host = this.host;
    if (!host || !node || typeof (node as Node).nodeType !== 'number') return false;
    const n = node as Node;
    return n === host || host.contains(n) || (!!host.shadowRoot && n.getRootNode() === host.shadowRoot);
  }

  show(content: CardContent, anchor: DOMRect): void {
    this.content = content;
    this.current = 0;
    this.ensureHost();
    this.render();
    if (!this.host!.isConnected) this.doc.documentElement.append(this.host!);
    this.place(anchor);
  }

  /** Moves the card next to its term again (after a scroll or resize). */
  place(anchor: DOMRect): void {
    this.anchor = anchor;
    const host = this.host;
    const dialog = this.dialog;
    if (!host || !dialog) return;
    const viewWidth = this.doc.documentElement.clientWidth || this.doc.defaultView?.innerWidth || 0;
    const viewHeight = this.doc.documentElement.clientHeight || this.doc.defaultView?.innerHeight || 0;
    const { width, height } = dialog.getBoundingClientRect();
    const left = clamp(anchor.left, MARGIN, viewWidth - width - MARGIN);
    const below = anchor.bottom + GAP;
    const above = anchor.top - GAP - height;
    const fitsBelow = below + height <= viewHeight - MARGIN;
    const placeAbove = !fitsBelow && above >= MARGIN;
    const top = placeAbove ? above : clamp(below, MARGIN, viewHeight - height - MARGIN);
    host.style.setProperty('left', `${Math.round(left)}px`, 'important');
    host.style.setProperty('top', `${Math.round(top)}px`, 'important');
    host.dataset.placement = placeAbove ? 'above' : 'below';
  }

  hide(): void {
    this.host?.remove();
  }

  focus(): void {
    this.dialog?.focus({ preventScroll: true });
  }

  /** Removes the card and its listeners for good. */
  destroy(): void {
    this.aborter.abort();
    this.host?.remove();
    this.host = null;
    this.dialog = null;
  }

  private ensureHost(): void {
    if (this.host) return;
    const host = this.doc.createElement(CARD_TAG);
    host.style.cssText = HOST_STYLE;
    const shadow = host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = CARD_CSS;
    const dialog = this.doc.createElement('div');
    dialog.className = 'card';
    dialog.setAttribute('role', 'dialog');
    dialog.tabIndex = -1;
    shadow.append(style, dialog);
    const signal = this.aborter.signal;
    host.addEventListener('pointerenter', () => this.handlers.onPointerEnter(), { signal });
    host.addEventListener('pointerleave', () => this.handlers.onPointerLeave(), { signal });
    host.addEventListener(
      'focusout',
      (event) => {
        const next = (event as FocusEvent).relatedTarget;
        if (next && !this.contains(next)) this.handlers.onFocusLeave();
      },
      { signal },
    );
    this.host = host;
    this.dialog = dialog;
  }

  private render(): void {
    const dialog = this.dialog!;
    const content = this.content!;
    const card = content.cards[this.current]!;
    const doc = this.doc;
    dialog.setAttribute('aria-label', card.title);

    const title = doc.createElement('p');
    title.className = 'title';
    title.textContent = card.title;

    const summary = doc.createElement('p');
    // Announced with the title when focus moves into the card.
    summary.id = 'summary';
    dialog.setAttribute('aria-describedby', summary.id);
    if (card.summary) {
      summary.className = 'summary';
      summary.textContent = card.summary;
    } else {
      summary.className = 'notice';
      summary.textContent = content.notice ?? 'This article has no summary yet.';
    }

    const parts: HTMLElement[] = [title, summary];
    if (content.cards.length > 1) parts.push(this.renderChoices());

    const actions = doc.createElement('div');
    actions.className = 'actions';
    const read = doc.createElement('button');
    read.type = 'button';
    read.className = 'read';
    read.textContent = 'Read in side panel';
    read.addEventListener('click', () => this.handlers.onReadInPanel(card.id), { signal: this.aborter.signal });
    actions.append(read);
    const href = safeHttpUrl(card.wikiPageUrl);
    if (href) {
      const open = doc.createElement('a');
      open.className = 'open';
      open.href = href;
      open.target = '_blank';
      open.rel = 'noopener noreferrer';
      open.textContent = 'Open on wiki';
      actions.append(open);
    }
    parts.push(actions);
    dialog.replaceChildren(...parts);
  }

  /** Several articles claim the term: one button per article, the shown one current. */
  private renderChoices(): HTMLElement {
    const list = this.doc.createElement('ul');
    list.className = 'choices';
    list.setAttribute('aria-label', 'Articles for this term');
    this.content!.cards.forEach((card, index) => {
      const item = this.doc.createElement('li');
      const button = this.doc.createElement('button');
      button.type = 'button';
      button.textContent = card.title;
      button.setAttribute('aria-current', String(index === this.current));
      button.addEventListener('click', () => {
        this.current = index;
        const focused = this.host?.shadowRoot?.activeElement === button;
        this.render();
        if (this.anchor) this.place(this.anchor);
        if (focused) (this.dialog!.querySelectorAll('.choices button')[index] as HTMLElement | undefined)?.focus();
      }, { signal: this.aborter.signal });
      item.append(button);
      list.append(item);
    });
    return list;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}

/** Only http(s) links leave the card: a wiki page URL is data, not code. */
function safeHttpUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}
