import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchExtensionContext } from '../../../../services/page/extension-context';

const stops: AbortController[] = [];
afterEach(() => stops.splice(0).forEach((s) => s.abort()));

function watch(isAlive: () => boolean, now = () => 0) {
  const stop = new AbortController();
  stops.push(stop);
  const onGone = vi.fn(() => stop.abort());
  watchExtensionContext({ doc: document, isAlive, onGone, signal: stop.signal, now });
  return { onGone, stop };
}

describe('watchExtensionContext', () => {
  it('says nothing while the extension is there', () => {
    const { onGone } = watch(() => true);
    document.dispatchEvent(new Event('visibilitychange'));
    document.dispatchEvent(new PointerEvent('pointerdown'));
    window.dispatchEvent(new FocusEvent('focus'));
    expect(onGone).not.toHaveBeenCalled();
  });

  it('calls back once when the reader comes back or acts and the extension is gone', () => {
    let alive = true;
    const { onGone } = watch(() => alive);
    alive = false;
    document.dispatchEvent(new Event('visibilitychange'));
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    expect(onGone).toHaveBeenCalledOnce();
  });

  it('counts an error on asking as gone', () => {
    const { onGone } = watch(() => {
      throw new Error('Extension context invalidated.');
    });
    window.dispatchEvent(new Event('pageshow'));
    expect(onGone).toHaveBeenCalledOnce();
  });

  it('asks at most once a second while the pointer moves', () => {
    let clock = 0;
    const isAlive = vi.fn(() => true);
    watch(isAlive, () => clock);
    for (let i = 0; i < 50; i++) {
      clock += 50;
      document.dispatchEvent(new PointerEvent('pointermove'));
    }
    expect(isAlive).toHaveBeenCalledTimes(3);
  });

  it('stops listening when its signal aborts', () => {
    const isAlive = vi.fn(() => false);
    const { onGone, stop } = watch(isAlive);
    stop.abort();
    document.dispatchEvent(new Event('visibilitychange'));
    expect(isAlive).not.toHaveBeenCalled();
    expect(onGone).not.toHaveBeenCalled();
  });
});
