/**
 * Lets the event loop run before more CPU-bound work: the responses waiting
 * to be read and the requests waiting to be sent. A resolved promise is not
 * enough: the page that wakes the extractor arrives in the same microtask
 * checkpoint in which the fetcher starts its next request, and fetch()
 * hands a request to the network only several promise steps later, so
 * extracting right away would hold that request back for the whole
 * extraction while the wiki waits. A new task comes after all of them.
 */
type Yielder = () => Promise<void>;

/**
 * A plain new task, queued behind the ones already waiting (responses
 * included). Not `scheduler.yield()`: its continuation is meant to run
 * *before* other waiting tasks, the opposite of what is wanted here.
 */
export function chooseYielder(): Yielder {
  // Node (tests, benchmarks): after the I/O callbacks of this loop turn.
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return () => new Promise<void>((resolve) => immediate(resolve));
  // Service workers and pages: a message to ourselves is a task without setTimeout's clamping.
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: Array<() => void> = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    // Node's ports keep the process alive; a waiting yield holds its own promise.
    (channel.port1 as { unref?: () => void }).unref?.();
    return () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      });
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
}

let yielder: Yielder | null = null;

export function yieldToEventLoop(): Promise<void> {
  yielder ??= chooseYielder();
  return yielder();
}
