// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseYielder, yieldToEventLoop } from '../../../../services/sync/event-loop';

afterEach(() => {
  vi.unstubAllGlobals();
});

async function order(yielder: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const yielded = yielder().then(() => seen.push('after the yield'));
  void Promise.resolve()
    .then(() => seen.push('microtask'))
    .then(() => seen.push('chained microtask'));
  await yielded;
  return seen;
}

describe('yieldToEventLoop', () => {
  it('resolves in a new task, after every microtask already chained', async () => {
    expect(await order(yieldToEventLoop)).toEqual(['microtask', 'chained microtask', 'after the yield']);
  });

  it('uses a message to itself where there is no setImmediate (service workers), in order', async () => {
    vi.stubGlobal('setImmediate', undefined);
    const yielder = chooseYielder();
    expect(await order(yielder)).toEqual(['microtask', 'chained microtask', 'after the yield']);
    const resolved: number[] = [];
    await Promise.all([1, 2, 3].map((n) => yielder().then(() => resolved.push(n))));
    expect(resolved).toEqual([1, 2, 3]);
  });
});
