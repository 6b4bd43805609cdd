// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import {
  authorizationHeader,
  backoffDelay,
  formatDuration,
  parseRetryAfter,
  RequestLimiter,
  requestText,
  WikiHttp,
  type Clock,
} from '../../../../services/wiki/http';
import { VirtualClock } from '../../../support/virtual-clock';

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

describe('requestText redirects', () => {
  it('sends a redirected POST again to where it ended, with its body', async () => {
    const calls: Array<{ url: string; method: string; body: unknown }> = [];
    const fetchImpl = async (url: string, init?: RequestInit) => {
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body });
      if (url === 'http://wiki.example/lib/exe/xmlrpc.php') {
        // What fetch gives back after following a 301 with a GET.
        const followed = new Response('XML-RPC server accepts POST requests only.', { headers: { 'content-type': 'text/html' } });
        Object.defineProperties(followed, { redirected: { value: true }, url: { value: 'http://wiki.example/wiki/lib/exe/xmlrpc.php' } });
        return followed;
      }
      return new Response('<methodResponse/>', { headers: { 'content-type': 'text/xml' } });
    };
    const response = await requestText('http://wiki.example/lib/exe/xmlrpc.php', { method: 'POST', body: '<call/>' }, { fetch: fetchImpl });
    expect(calls).toEqual([
      { url: 'http://wiki.example/lib/exe/xmlrpc.php', method: 'POST', body: '<call/>' },
      { url: 'http://wiki.example/wiki/lib/exe/xmlrpc.php', method: 'POST', body: '<call/>' },
    ]);
    expect(response).toMatchObject({ url: 'http://wiki.example/wiki/lib/exe/xmlrpc.php', text: '<methodResponse/>' });
  });

  it('refuses a redirect to another site, naming both', async () => {
    const fetchImpl = async () => {
      const followed = new Response('elsewhere', { headers: { 'content-type': 'text/html' } });
      Object.defineProperties(followed, { redirected: { value: true }, url: { value: 'https://login.example.com/sso' } });
      return followed;
    };
    await expect(requestText('http://wiki.example/doku.php', {}, { fetch: fetchImpl })).rejects.toMatchObject({
      kind: 'http',
      message:
        "http://wiki.example sends its requests on to https://login.example.com, another site. If the wiki has moved there, change the wiki's address.",
    });
  });

  it('says when an answer is broken off after its headers', async () => {
    const fetchImpl = async () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('<?xml'));
            controller.error(new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }));
          },
        }),
      );
    await expect(requestText('http://wiki.example/x', {}, { fetch: fetchImpl })).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'http://wiki.example broke off its answer (the connection was closed). The wiki or the connection to it may be failing; try again later.',
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads delay-seconds and HTTP dates, against the server\'s own Date when it sent one', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    // The server's clock says 11:59:00: the wait is 90 s whatever this clock says.
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now, 'Thu, 01 Jan 2026 11:59:00 GMT')).toBe(90_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('backoffDelay', () => {
  const politeness = { backoffMs: 500, maxBackoffMs: 30_000 };
  it('doubles each retry, half of it random, up to the cap', () => {
    expect([0, 1, 2, 3].map((retry) => backoffDelay(retry, politeness, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([0, 1, 2, 3].map((retry) => backoffDelay(retry, politeness, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, politeness, () => 0.5)).toBe(22_500);
  });
});

describe('authorizationHeader', () => {
  it('sends an account as HTTP Basic in UTF-8, and a token as Bearer', () => {
    expect(authorizationHeader({ user: 'editor', password: 'pässword' })).toBe(`Basic ${Buffer.from('editor:pässword').toString('base64')}`);
    expect(authorizationHeader({ token: 'eyJ0.abc' })).toBe('Bearer eyJ0.abc');
  });
});

describe('formatDuration', () => {
  it('says a wait as a person reads it', () => {
    expect([50, 1000, 1500, 90_000, 3_600_000, 7 * 3_600_000].map(formatDuration)).toEqual(['50 ms', '1 s', '1.5 s', '90 s', '60 min', '7 h']);
  });
});

describe('RequestLimiter', () => {
  it('admits at most maxConcurrent at once, first come first served', async () => {
    const limiter = new RequestLimiter(2, Infinity, new VirtualClock());
    const order: number[] = [];
    const releases = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const third = limiter.acquire().then((release) => (order.push(3), release));
    const fourth = limiter.acquire().then((release) => (order.push(4), release));
    await Promise.resolve();
    expect(limiter.inFlight).toBe(2);
    expect(order).toEqual([]);
    releases[1]!();
    (await third)();
    releases[0]!();
    (await fourth)();
    expect(order).toEqual([3, 4]);
    expect(limiter.inFlight).toBe(0);
  });

  it('starts at most maxPerSecond in any second', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(100, 5, clock);
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.acquire().then((release) => {
          starts.push(clock.now());
          release();
        }),
      ),
    );
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 5]!).toBeGreaterThanOrEqual(1000);
    expect(starts[starts.length - 1]! - starts[0]!).toBe(2000);
  });

  it('holds every request during a pause the wiki asked for', async () => {
    const clock = new VirtualClock();
    const limiter = new RequestLimiter(4, Infinity, clock);
    limiter.pauseUntil(clock.now() + 3000);
    const started = clock.now();
    (await limiter.acquire())();
    expect(clock.now() - started).toBe(3000);
  });

  it('forgets a queued request whose caller gave up', async () => {
    const limiter = new RequestLimiter(1, Infinity, new VirtualClock());
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new DOMException('stopped', 'AbortError'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    release();
    const next = await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
    next();
  });

  it('refuses limits that would admit nothing', () => {
    expect(() => new RequestLimiter(0, 10)).toThrow(RangeError);
    expect(() => new RequestLimiter(1, 0)).toThrow(RangeError);
  });
});

describe('WikiHttp', () => {
  /** A fetch answering each call with the next of `answers` (a Response, or an Error to throw). */
  function scripted(answers: Array<Response | Error | (() => Response)>) {
    const calls: Array<{ url: string; headers: Headers }> = [];
    const fetchImpl = async (url: string, init?: RequestInit) => {
      calls.push({ url, headers: new Headers(init?.headers) });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return typeof next === 'function' ? next() : next;
    };
    return { fetch: fetchImpl, calls };
  }
  const refused = () => new TypeError('fetch failed', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
  const status = (code: number, headers: Record<string, string> = {}) => new Response(`status ${code}`, { status: code, headers });

  it('retries network failures, 5xx and 429 with backoff and jitter, then answers', async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scripted([refused(), status(503), status(429), new Response('ok')]);
    const http = new WikiHttp({ fetch, clock, random: () => 0.5 });
    const response = await http.text('http://wiki.example/x', {});
    expect(response).toMatchObject({ status: 200, text: 'ok' });
    expect(calls).toHaveLength(4);
    expect(clock.sleeps).toEqual([375, 750, 1500]);
  });

  it('honours Retry-After, and makes every request to the wiki wait', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const fetchImpl = async () => (++calls === 1 ? status(429, { 'retry-after': '7' }) : new Response('ok'));
    const http = new WikiHttp({ fetch: fetchImpl, clock, politeness: { maxConcurrent: 1 } });
    const started = clock.now();
    const first = http.text('http://wiki.example/a', {});
    const second = http.text('http://wiki.example/b', {});
    await Promise.all([first, second]);
    expect(clock.sleeps[0]).toBe(7000);
    // Neither request went out again before the 7 s had passed.
    expect(clock.now() - started).toBeGreaterThanOrEqual(7000);
    expect(calls).toBe(3);
  });

  it('gives up at once when the wiki asks to wait longer than allowed', async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scripted([status(429, { 'retry-after': '7200' })]);
    const http = new WikiHttp({ fetch, clock });
    await expect(http.text('http://wiki.example/x', {})).rejects.toMatchObject({
      kind: 'http',
      status: 429,
      message: 'http://wiki.example is limiting how often it may be asked (HTTP 429) and asks to wait 2 h. Try again later.',
    });
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('after the last retry, answers the 5xx for the caller to name, and refuses a lasting 429', async () => {
    const clock = new VirtualClock();
    const http = new WikiHttp({ fetch: scripted([status(500), status(500), status(500)]).fetch, clock, politeness: { retries: 2 } });
    await expect(http.text('http://wiki.example/x', {})).resolves.toMatchObject({ status: 500 });
    const limited = new WikiHttp({ fetch: scripted([status(429), status(429)]).fetch, clock, politeness: { retries: 1 } });
    await expect(limited.text('http://wiki.example/x', {})).rejects.toMatchObject({
      status: 429,
      message: 'http://wiki.example is limiting how often it may be asked (HTTP 429). Try again later.',
    });
  });

  it('does not retry what will not pass: 4xx, and a redirect to another site', async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scripted([status(404)]);
    await expect(new WikiHttp({ fetch, clock }).text('http://wiki.example/x', {})).resolves.toMatchObject({ status: 404 });
    expect(calls).toHaveLength(1);
  });

  it('throws the last network failure after its retries', async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scripted([refused(), refused()]);
    await expect(new WikiHttp({ fetch, clock, politeness: { retries: 1 } }).text('http://wiki.example/x', {})).rejects.toMatchObject({
      kind: 'unreachable',
      message: 'http://wiki.example cannot be reached (connection refused). Check the address and your connection.',
    });
    expect(calls).toHaveLength(2);
  });

  it('stops waiting when its caller aborts', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) => new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
    };
    const pending = new WikiHttp({ fetch: scripted([status(503)]).fetch, clock }).text('http://wiki.example/x', {}, controller.signal);
    const reason = new DOMException('stopped', 'AbortError');
    setTimeout(() => controller.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });

  it('keeps at most maxConcurrent requests in flight across all its callers', async () => {
    let inFlight = 0;
    let most = 0;
    const fetchImpl = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return new Response('ok');
    };
    const http = new WikiHttp({ fetch: fetchImpl, clock: new VirtualClock(), politeness: { maxConcurrent: 3, maxPerSecond: Infinity } });
    await Promise.all(Array.from({ length: 12 }, (_, i) => http.text(`http://wiki.example/${i}`, {})));
    expect(most).toBe(3);
  });

  it('sends credentials with every request, unless the request sets its own', async () => {
    const { fetch, calls } = scripted([new Response('a'), new Response('b')]);
    const http = new WikiHttp({ fetch, credentials: { token: 't0k' } });
    expect(http.authenticated).toBe(true);
    await http.text('http://wiki.example/a', {});
    await http.text('http://wiki.example/b', { headers: { Authorization: 'Basic eDp5' } });
    expect(calls.map((c) => c.headers.get('authorization'))).toEqual(['Bearer t0k', 'Basic eDp5']);
  });

  it('goes straight to where an address moved, once it knows', async () => {
    const moved = () => {
      const response = new Response('GET is not allowed here', { headers: { 'content-type': 'text/html' } });
      Object.defineProperties(response, { redirected: { value: true }, url: { value: 'http://wiki.example/new/lib/exe/xmlrpc.php' } });
      return response;
    };
    const { fetch, calls } = scripted([moved, new Response('first'), new Response('second')]);
    const http = new WikiHttp({ fetch });
    await http.text('http://wiki.example/lib/exe/xmlrpc.php', { method: 'POST', body: 'x' });
    await http.text('http://wiki.example/lib/exe/xmlrpc.php', { method: 'POST', body: 'x' });
    expect(calls.map((c) => c.url)).toEqual([
      'http://wiki.example/lib/exe/xmlrpc.php',
      'http://wiki.example/new/lib/exe/xmlrpc.php',
      'http://wiki.example/new/lib/exe/xmlrpc.php',
    ]);
  });

  it('reads the wiki\'s clock from its Date header', () => {
    const http = new WikiHttp({ clock: new VirtualClock(42) });
    expect(http.serverTime({ headers: new Headers({ date: 'Thu, 01 Jan 2026 12:00:00 GMT' }) })).toBe(Date.UTC(2026, 0, 1, 12));
    expect(http.serverTime({ headers: new Headers() })).toBe(42);
  });
});
