import { describe, expect, it } from 'vitest';
import {
  DWELL_MS,
  GRACE_MS,
  hoverReducer,
  initialHoverState,
  SHOW_MS,
  type HoverEffect,
  type HoverEvent,
  type HoverState,
} from '../../../../lib/hover/hover-machine';

type Anchor = string;
type Data = { title: string };
type Event = HoverEvent<Anchor, Data>;
type Effect = HoverEffect<Anchor, Data>;

/**
 * Drives the reducer as the page service does, with a fake clock: timers fire
 * when the clock passes them, look-ups stay pending until answered.
 */
class Driver {
  state: HoverState<Anchor, Data> = initialHoverState();
  now = 0;
  log: Effect[] = [];
  timer: { token: number; at: number } | null = null;
  lookups: { token: number; termKey: string }[] = [];

  send(event: Event): Effect[] {
    const { state, effects } = hoverReducer(this.state, event, this.now);
    this.state = state;
    for (const effect of effects) {
      if (effect.type === 'start-timer') this.timer = { token: effect.token, at: this.now + effect.delay };
      if (effect.type === 'cancel-timer') this.timer = null;
      if (effect.type === 'start-lookup') this.lookups.push({ token: effect.token, termKey: effect.termKey });
    }
    this.log.push(...effects);
    return effects;
  }

  /** Moves the clock, firing the pending timer when its time comes. */
  advance(ms: number): void {
    const until = this.now + ms;
    while (this.timer && this.timer.at <= until) {
      const { token, at } = this.timer;
      this.timer = null;
      this.now = at;
      this.send({ type: 'timer', token });
    }
    this.now = until;
  }

  answer(index = this.lookups.length - 1, title = 'Title'): void {
    this.send({ type: 'lookup-done', token: this.lookups[index]!.token, data: { title } });
  }

  shownAt(): number | null {
    return this.log.some((e) => e.type === 'show') ? this.now : null;
  }

  effectTypes(): string[] {
    return this.log.map((e) => e.type);
  }
}

const enter = (termKey = 'rag', anchor = 'range-1'): Event => ({ type: 'pointer-enter-term', termKey, anchor });

describe('hover timing', () => {
  it('starts the look-up after the dwell delay, not before', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(DWELL_MS - 1);
    expect(d.lookups).toHaveLength(0);
    d.advance(1);
    expect(d.lookups).toEqual([{ token: d.state.interaction, termKey: 'rag' }]);
    expect(d.state.phase).toBe('loading');
  });

  it('shows the card SHOW_MS after arrival when the look-up is quick', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(DWELL_MS + 10);
    d.answer();
    expect(d.state.phase).toBe('loading');
    d.advance(SHOW_MS - DWELL_MS - 11);
    expect(d.effectTypes()).not.toContain('show');
    d.advance(1);
    expect(d.state.phase).toBe('shown');
    expect(d.log.at(-1)).toEqual({ type: 'show', termKey: 'rag', anchor: 'range-1', data: { title: 'Title' } });
    expect(d.now).toBe(SHOW_MS);
  });

  it('shows the card as soon as a slow look-up answers', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(SHOW_MS + 200);
    expect(d.effectTypes()).not.toContain('show');
    d.answer();
    expect(d.state.phase).toBe('shown');
  });

  it('costs nothing when the pointer only passes over a term', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(DWELL_MS - 50);
    d.send({ type: 'pointer-leave-term' });
    d.advance(1000);
    expect(d.lookups).toHaveLength(0);
    expect(d.state.phase).toBe('idle');
    expect(d.effectTypes()).toEqual(['start-timer', 'cancel-timer']);
  });

  it('ignores repeated enter events for the same term (pointer moves within it)', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(100);
    expect(d.send(enter())).toEqual([]);
    d.advance(DWELL_MS - 100);
    expect(d.lookups).toHaveLength(1);
  });
});

describe('stale answers', () => {
  it('never shows the answer of an abandoned hover', () => {
    const d = new Driver();
    d.send(enter('rag'));
    d.advance(DWELL_MS);
    d.send({ type: 'pointer-leave-term' });
    d.send(enter('mcp', 'range-2'));
    d.advance(DWELL_MS);
    d.answer(0, 'RAG'); // the first look-up answers late
    d.advance(SHOW_MS);
    expect(d.effectTypes()).not.toContain('show');
    d.answer(1, 'MCP');
    expect(d.log.at(-1)).toMatchObject({ type: 'show', termKey: 'mcp', data: { title: 'MCP' } });
  });

  it('ignores a timer of an earlier interaction', () => {
    const d = new Driver();
    d.send(enter('rag'));
    const staleTimer = d.timer!.token;
    d.send({ type: 'pointer-leave-term' });
    d.send(enter('mcp'));
    expect(d.send({ type: 'timer', token: staleTimer })).toEqual([]);
    expect(d.state.phase).toBe('dwelling');
  });

  it('ignores a failed look-up of an earlier interaction, and closes on its own', () => {
    const d = new Driver();
    d.send(enter('rag'));
    d.advance(DWELL_MS);
    const first = d.lookups[0]!.token;
    d.send({ type: 'pointer-leave-term' });
    d.send(enter('mcp'));
    d.advance(DWELL_MS);
    expect(d.send({ type: 'lookup-failed', token: first })).toEqual([]);
    d.send({ type: 'lookup-failed', token: d.lookups[1]!.token });
    expect(d.state.phase).toBe('idle');
  });
});

describe('grace', () => {
  function shownCard(): Driver {
    const d = new Driver();
    d.send(enter());
    d.advance(DWELL_MS);
    d.answer();
    d.advance(SHOW_MS);
    expect(d.state.phase).toBe('shown');
    d.log = [];
    return d;
  }

  it('hides GRACE_MS after the pointer left the term', () => {
    const d = shownCard();
    d.send({ type: 'pointer-leave-term' });
    d.advance(GRACE_MS - 1);
    expect(d.state.phase).toBe('shown');
    d.advance(1);
    expect(d.state.phase).toBe('idle');
    expect(d.effectTypes()).toEqual(['start-timer', 'hide']);
  });

  it('keeps the card while the pointer travels to it and rests on it', () => {
    const d = shownCard();
    d.send({ type: 'pointer-leave-term' });
    d.advance(GRACE_MS - 50);
    d.send({ type: 'pointer-enter-card' });
    d.advance(5000);
    expect(d.state.phase).toBe('shown');
    d.send({ type: 'pointer-leave-card' });
    d.advance(GRACE_MS);
    expect(d.state.phase).toBe('idle');
  });

  it('keeps the card when the pointer comes back to the term', () => {
    const d = shownCard();
    d.send({ type: 'pointer-leave-term' });
    d.advance(100);
    d.send(enter());
    d.advance(5000);
    expect(d.state.phase).toBe('shown');
    expect(d.effectTypes()).not.toContain('hide');
  });

  it('hides at once and starts over when the pointer moves to another term', () => {
    const d = shownCard();
    d.send({ type: 'pointer-leave-term' });
    d.send(enter('mcp', 'range-2'));
    expect(d.effectTypes()).toEqual(['start-timer', 'cancel-timer', 'hide', 'start-timer']);
    expect(d.state).toMatchObject({ phase: 'dwelling', termKey: 'mcp' });
  });
});

describe('escape and keyboard', () => {
  it('closes on Escape in any phase', () => {
    for (const wait of [0, DWELL_MS, DWELL_MS + SHOW_MS]) {
      const d = new Driver();
      d.send(enter());
      d.advance(wait);
      if (d.lookups.length) d.answer();
      d.advance(wait);
      d.send({ type: 'escape' });
      expect(d.state.phase, `after ${wait} ms`).toBe('idle');
      expect(d.timer).toBeNull();
    }
  });

  it('hides a shown card on Escape, without moving focus for a pointer card', () => {
    const d = new Driver();
    d.send(enter());
    d.advance(DWELL_MS);
    d.answer();
    d.advance(SHOW_MS);
    expect(d.send({ type: 'escape' })).toEqual([{ type: 'hide' }]);
  });

  it('opens from the keyboard at once, with focus in, and gives focus back on Escape', () => {
    const d = new Driver();
    const effects = d.send({ type: 'keyboard-open', termKey: 'rag', anchor: 'range-1' });
    expect(effects).toEqual([{ type: 'start-lookup', token: d.state.interaction, termKey: 'rag' }]);
    d.answer();
    expect(d.log.slice(-2)).toEqual([
      { type: 'show', termKey: 'rag', anchor: 'range-1', data: { title: 'Title' } },
      { type: 'focus', target: 'card' },
    ]);
    expect(d.now).toBe(0);
    expect(d.send({ type: 'pointer-leave-card' })).toEqual([]);
    expect(d.send({ type: 'escape' })).toEqual([{ type: 'hide' }, { type: 'focus', target: 'page' }]);
  });

  it('moves from one keyboard card to the next', () => {
    const d = new Driver();
    d.send({ type: 'keyboard-open', termKey: 'rag', anchor: 'range-1' });
    d.answer();
    const effects = d.send({ type: 'keyboard-open', termKey: 'mcp', anchor: 'range-2' });
    expect(effects.map((e) => e.type)).toEqual(['hide', 'start-lookup']);
    d.answer(1, 'MCP');
    expect(d.state).toMatchObject({ phase: 'shown', termKey: 'mcp', keyboard: true });
  });

  it('dismisses without taking focus back', () => {
    const d = new Driver();
    d.send({ type: 'keyboard-open', termKey: 'rag', anchor: 'range-1' });
    d.answer();
    expect(d.send({ type: 'dismiss' })).toEqual([{ type: 'hide' }]);
    expect(d.send({ type: 'dismiss' })).toEqual([]);
  });
});

describe('tokens', () => {
  it('issues a new token for every interaction and timer', () => {
    const d = new Driver();
    const seen = new Set<number>();
    for (let i = 0; i < 5; i++) {
      d.send(enter(`t${i}`));
      seen.add(d.state.interaction);
      seen.add(d.timer!.token);
      d.advance(DWELL_MS);
      d.send({ type: 'pointer-leave-term' });
    }
    expect(seen.size).toBe(10);
  });
});
