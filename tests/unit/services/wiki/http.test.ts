// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { requestText } from '../../../../services/wiki/http';

/** A fetch that never answers until its signal aborts, as a hung server does. */
const hangingFetch = (_url: string, init?: RequestInit) =>
  new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true });
  });

describe('requestText', () => {
  it('reads status, media type and body', async () => {
    const response = await requestText('http://wiki.example/x', {}, {
      fetch: async () => new Response('hello', { status: 201, headers: { 'content-type': 'Text/Plain; charset=utf-8' } }),
    });
    expect(response).toMatchObject({ status: 201, contentType: 'text/plain', text: 'hello', url: 'http://wiki.example/x' });
  });

  it('times out with a clear error', async () => {
    const error = await requestText('http://wiki.example/x', {}, { fetch: hangingFetch, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({
      kind: 'timeout',
      message: 'http://wiki.example did not answer within 50 ms. The wiki may be slow or down; try again later.',
    });
  });

  it('times out while reading a body that never ends', async () => {
    const fetchImpl = async (_url: string, init?: RequestInit) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('partial'));
          init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason), { once: true });
        },
      });
      return new Response(body);
    };
    await expect(requestText('http://wiki.example/x', {}, { fetch: fetchImpl, timeoutMs: 50 })).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('passes the caller\'s abort through as itself, not as a wiki error', async () => {
    const controller = new AbortController();
    const pending = requestText('http://wiki.example/x', {}, { fetch: hangingFetch, signal: controller.signal });
    const reason = new DOMException('stopped', 'AbortError');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('does not start when the caller already aborted', async () => {
    let called = false;
    const controller = new AbortController();
    controller.abort();
    await expect(
      requestText('http://wiki.example/x', {}, { signal: controller.signal, fetch: async () => ((called = true), new Response('')) }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(called).toBe(false);
  });

  it('names the site and the reason when it cannot be reached', async () => {
    const fail = (code: string) => async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    };
    await expect(requestText('https://nowhere.example/a?b', {}, { fetch: fail('ENOTFOUND') })).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'https://nowhere.example cannot be reached (no such host). Check the address and your connection.',
    });
    await expect(
      requestText('https://x.example/', {}, {
        fetch: async () => {
          throw new TypeError('Failed to fetch');
        },
      }),
    ).rejects.toMatchObject({ message: 'https://x.example cannot be reached (Failed to fetch). Check the address and your connection.' });
  });
});
