/**
 * Notices that the extension behind this content script is gone: disabled,
 * removed, or reloaded by an update. Chromium leaves such an orphaned script
 * running in the page, with its highlights and listeners, while its
 * `runtime.id` turns undefined; no event says so (WXT's context only
 * notices when a newer copy of the script starts in the same page, which
 * Chromium does not do for pages already open). So the script asks whenever
 * the reader comes back to the page or acts on it — the moments a stale mark
 * could be seen or hovered — and tears everything down when the answer is no.
 */

/** Events after which the question is asked: coming back to the tab, and the reader's own actions. */
const ON_DOCUMENT = ['visibilitychange', 'pointerdown', 'keydown'] as const;
const ON_WINDOW = ['focus', 'pageshow'] as const;
/** Hovering is how a stale card would be opened: asked at most this often while the pointer moves. */
const POINTER_CHECK_INTERVAL_MS = 1_000;

export interface ExtensionContextDeps {
  doc: Document;
  /** Whether the extension is still there (`browser.runtime.id` is defined). */
  isAlive(): boolean;
  /** Called once when it is not. */
  onGone(): void;
  /** Stops the watching. */
  signal: AbortSignal;
  now?: () => number;
}

/** Watches until the extension is gone (then calls `onGone` once) or `signal` aborts. */
export function watchExtensionContext(deps: ExtensionContextDeps): void {
  const { doc, signal } = deps;
  const view = doc.defaultView;
  const now = deps.now ?? (() => Date.now());
  let gone = false;
  let lastPointerCheck = -Infinity;
  const check = () => {
    if (gone || signal.aborted) return;
    let alive = false;
    try {
      alive = deps.isAlive();
    } catch {
      alive = false;
    }
    if (alive) return;
    gone = true;
    deps.onGone();
  };
  const options = { signal, capture: true, passive: true } as const;
  for (const type of ON_DOCUMENT) doc.addEventListener(type, check, options);
  for (const type of ON_WINDOW) view?.addEventListener(type, check, options);
  doc.addEventListener(
    'pointermove',
    () => {
      const t = now();
      if (t - lastPointerCheck < POINTER_CHECK_INTERVAL_MS) return;
      lastPointerCheck = t;
      check();
    },
    options,
  );
}
