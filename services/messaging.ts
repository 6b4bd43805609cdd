/**
 * Typed sending and handling of the messages declared in lib/protocol.ts.
 * Every other file talks across contexts through these four functions.
 */
import { browser } from 'wxt/browser';
import type { ReplyOf, RequestOf, ToBackground, ToContent } from '../lib/protocol';
import { errorMessage, fail, ok, type Result } from '../lib/result';

type Handlers<M> = {
  [K in keyof M]?: (payload: RequestOf<M, K>, sender: { tabId?: number }) => Promise<ReplyOf<M, K>> | ReplyOf<M, K>;
};

/** Sends a message to the background and returns its reply or throws its error. */
export async function sendToBackground<K extends keyof ToBackground & string>(
  type: K,
  payload: RequestOf<ToBackground, K>,
): Promise<ReplyOf<ToBackground, K>> {
  const reply = (await browser.runtime.sendMessage({ type, payload })) as Result<ReplyOf<ToBackground, K>> | undefined;
  return unwrap(type, reply);
}

/** Sends a message to the content script of one tab (top frame). */
export async function sendToContent<K extends keyof ToContent & string>(
  tabId: number,
  type: K,
  payload: RequestOf<ToContent, K>,
): Promise<ReplyOf<ToContent, K>> {
  const reply = (await browser.tabs.sendMessage(tabId, { type, payload }, { frameId: 0 })) as
    | Result<ReplyOf<ToContent, K>>
    | undefined;
  return unwrap(type, reply);
}

function unwrap<T>(type: string, reply: Result<T> | undefined): T {
  if (!reply || typeof reply !== 'object' || !('ok' in reply)) throw new Error(`No answer to "${type}".`);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
}

/**
 * Registers handlers for one context and returns a function that removes them.
 * Messages of types it does not handle are left for other listeners. Replies go
 * both through `sendResponse` (Chrome) and as the returned promise (Firefox,
 * WXT's fake browser), which between them every runtime honours.
 */
export function handleMessages<M>(handlers: Handlers<M>): () => void {
  const listener = (
    message: unknown,
    sender: { tab?: { id?: number } },
    sendResponse: (reply: unknown) => void,
  ): true | Promise<unknown> | undefined => {
    if (!message || typeof message !== 'object') return undefined;
    const { type, payload } = message as { type?: unknown; payload?: unknown };
    if (typeof type !== 'string' || !Object.hasOwn(handlers, type)) return undefined;
    const handler = handlers[type as keyof M] as (p: unknown, s: { tabId?: number }) => unknown;
    const replying = (async (): Promise<Result<unknown>> => {
      try {
        return ok(await handler(payload ?? {}, { tabId: sender.tab?.id }));
      } catch (thrown) {
        return fail(errorMessage(thrown));
      }
    })();
    if (typeof sendResponse === 'function') {
      void replying.then(sendResponse);
      return true;
    }
    return replying;
  };
  browser.runtime.onMessage.addListener(listener as never);
  return () => browser.runtime.onMessage.removeListener(listener as never);
}
