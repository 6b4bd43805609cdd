/**
 * The hover card as a pure state machine, after Wikimedia's Page Previews
 * (Popups): `(state, event, now) → (state, effects)`. The page service turns
 * pointer and keyboard input into events and carries out the effects (timers,
 * look-ups, showing, hiding, focus); nothing here touches a page or a clock.
 *
 * Timeline of a hover: the pointer rests on a term for DWELL_MS → the look-up
 * starts; the card appears SHOW_MS after the pointer arrived, or as soon as
 * the look-up answers if that is later; leaving the term and the card for
 * GRACE_MS hides it, and coming back to either within that time keeps it.
 * Every interaction and every timer gets a fresh token, so a look-up or timer
 * that belongs to an abandoned hover is recognised and dropped.
 */

/** Pointer rest before the look-up starts: passing over a term costs nothing. Popups uses 150 ms. */
export const DWELL_MS = 150;
/** From pointer arrival to the card: long enough not to flash cards while reading. Popups uses 500 ms. */
export const SHOW_MS = 400;
/** Time to travel from the term to the card (or back) before the card hides. Popups uses 300 ms. */
export const GRACE_MS = 300;

export type HoverPhase = 'idle' | 'dwelling' | 'loading' | 'shown';

export interface HoverState<A, D> {
  phase: HoverPhase;
  /** The last token issued. */
  seq: number;
  /** Token of the current interaction: look-ups answer with it. 0 when idle. */
  interaction: number;
  /** Token of the pending timer; 0 when none is pending. */
  timer: number;
  termKey: string | null;
  /** Where the card is placed: the term's range, as the service knows it. */
  anchor: A | null;
  /** When the pointer (or keyboard) arrived on the term. */
  enteredAt: number;
  /** The look-up's answer, once it came. */
  data: D | null;
  /** Opened from the keyboard: focus goes into the card, and back on close. */
  keyboard: boolean;
  /** What the pointer is over while the card is shown. */
  over: 'term' | 'card' | 'none';
}

export type HoverEvent<A, D> =
  | { type: 'pointer-enter-term'; termKey: string; anchor: A }
  | { type: 'pointer-leave-term' }
  | { type: 'pointer-enter-card' }
  | { type: 'pointer-leave-card' }
  | { type: 'lookup-done'; token: number; data: D }
  | { type: 'lookup-failed'; token: number }
  | { type: 'escape' }
  | { type: 'keyboard-open'; termKey: string; anchor: A }
  /** Close without giving focus back: a click elsewhere, the term left the page. */
  | { type: 'dismiss' }
  | { type: 'timer'; token: number };

export type HoverEffect<A, D> =
  /** Start a timer that sends `{ type: 'timer', token }`; it replaces any pending timer. */
  | { type: 'start-timer'; token: number; delay: number }
  | { type: 'cancel-timer' }
  /** Fetch the card data; answer with lookup-done or lookup-failed and this token. */
  | { type: 'start-lookup'; token: number; termKey: string }
  | { type: 'show'; termKey: string; anchor: A; data: D }
  | { type: 'hide' }
  /** Move focus into the card, or back to where it was before the card took it. */
  | { type: 'focus'; target: 'card' | 'page' };

export interface HoverStep<A, D> {
  state: HoverState<A, D>;
  effects: HoverEffect<A, D>[];
}

export function initialHoverState<A, D>(): HoverState<A, D> {
  return {
    phase: 'idle',
    seq: 0,
    interaction: 0,
    timer: 0,
    termKey: null,
    anchor: null,
    enteredAt: 0,
    data: null,
    keyboard: false,
    over: 'none',
  };
}

export function hoverReducer<A, D>(state: HoverState<A, D>, event: HoverEvent<A, D>, now: number): HoverStep<A, D> {
  switch (event.type) {
    case 'pointer-enter-term': {
      if (state.phase !== 'idle' && state.termKey === event.termKey) {
        if (state.phase !== 'shown' || state.over === 'term') return unchanged(state);
        // Back on the term within the grace time: keep the card.
        return { state: { ...state, over: 'term', timer: 0 }, effects: state.timer ? [{ type: 'cancel-timer' }] : [] };
      }
      const closing = close(state);
      // A card opened from the keyboard holds the focus: give it back first.
      if (state.keyboard && state.phase === 'shown') closing.effects.push({ type: 'focus', target: 'page' });
      const interaction = closing.state.seq + 1;
      const timer = interaction + 1;
      return {
        state: {
          ...closing.state,
          phase: 'dwelling',
          seq: timer,
          interaction,
          timer,
          termKey: event.termKey,
          anchor: event.anchor,
          enteredAt: now,
          over: 'term',
        },
        effects: [...closing.effects, { type: 'start-timer', token: timer, delay: DWELL_MS }],
      };
    }

    case 'pointer-leave-term': {
      if (state.keyboard || state.phase === 'idle') return unchanged(state);
      if (state.phase === 'shown') return state.over === 'term' ? startGrace(state) : unchanged(state);
      // Left before the card appeared: abandon; a look-up in flight is now stale.
      return close(state);
    }

    case 'pointer-enter-card': {
      if (state.phase !== 'shown') return unchanged(state);
      return { state: { ...state, over: 'card', timer: 0 }, effects: state.timer ? [{ type: 'cancel-timer' }] : [] };
    }

    case 'pointer-leave-card': {
      if (state.phase !== 'shown' || state.keyboard || state.over !== 'card') return unchanged(state);
      return startGrace(state);
    }

    case 'lookup-done': {
      if (state.phase !== 'loading' || event.token !== state.interaction) return unchanged(state);
      const showAt = state.enteredAt + SHOW_MS;
      if (state.keyboard || now >= showAt) return show({ ...state, data: event.data });
      const timer = state.seq + 1;
      return {
        state: { ...state, data: event.data, seq: timer, timer },
        effects: [{ type: 'start-timer', token: timer, delay: showAt - now }],
      };
    }

    case 'lookup-failed': {
      if (state.phase !== 'loading' || event.token !== state.interaction) return unchanged(state);
      return close(state);
    }

    case 'escape':
    case 'dismiss': {
      if (state.phase === 'idle') return unchanged(state);
      const closing = close(state);
      if (event.type === 'escape' && state.keyboard) closing.effects.push({ type: 'focus', target: 'page' });
      return closing;
    }

    case 'keyboard-open': {
      const closing = close(state);
      const interaction = closing.state.seq + 1;
      return {
        state: {
          ...closing.state,
          phase: 'loading',
          seq: interaction,
          interaction,
          termKey: event.termKey,
          anchor: event.anchor,
          enteredAt: now,
          keyboard: true,
          over: 'none',
        },
        effects: [...closing.effects, { type: 'start-lookup', token: interaction, termKey: event.termKey }],
      };
    }

    case 'timer': {
      if (event.token !== state.timer) return unchanged(state);
      const fired = { ...state, timer: 0 };
      if (state.phase === 'dwelling') {
        return {
          state: { ...fired, phase: 'loading' },
          effects: [{ type: 'start-lookup', token: state.interaction, termKey: state.termKey! }],
        };
      }
      if (state.phase === 'loading' && state.data !== null) return show(fired);
      if (state.phase === 'shown' && state.over === 'none') return close(fired);
      return unchanged(fired);
    }
  }
}

function unchanged<A, D>(state: HoverState<A, D>): HoverStep<A, D> {
  return { state, effects: [] };
}

function show<A, D>(state: HoverState<A, D>): HoverStep<A, D> {
  const effects: HoverEffect<A, D>[] = [
    { type: 'show', termKey: state.termKey!, anchor: state.anchor!, data: state.data! },
  ];
  if (state.keyboard) effects.push({ type: 'focus', target: 'card' });
  return { state: { ...state, phase: 'shown', timer: 0, over: state.keyboard ? 'none' : 'term' }, effects };
}

function startGrace<A, D>(state: HoverState<A, D>): HoverStep<A, D> {
  const timer = state.seq + 1;
  return {
    state: { ...state, over: 'none', seq: timer, timer },
    effects: [{ type: 'start-timer', token: timer, delay: GRACE_MS }],
  };
}

/** Back to idle from any phase, hiding a shown card; tokens keep counting up. */
function close<A, D>(state: HoverState<A, D>): HoverStep<A, D> {
  const effects: HoverEffect<A, D>[] = [];
  if (state.timer) effects.push({ type: 'cancel-timer' });
  if (state.phase === 'shown') effects.push({ type: 'hide' });
  return { state: { ...initialHoverState<A, D>(), seq: state.seq }, effects };
}
