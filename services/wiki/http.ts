/**
 * Every request to a wiki goes through here, so that one place decides how
 * hard a wiki is asked and what a failure means:
 *
 * - `requestText` / `requestBytes` make ONE attempt: an injected fetch (tests
 *   pass a recording or failing one), a timeout combined with the caller's
 *   signal, same-origin redirects followed (a POST is sent again to where it
 *   was redirected, since fetch turns a redirected POST into a bodiless GET),
 *   and failures turned into WikiErrors whose messages name the wiki.
 * - `WikiHttp` is what the gateways use: one per wiki, shared by every call to
 *   it, it adds politeness on top of single attempts: at most 4 requests at a
 *   time, at most 20 started in any second, and retries with exponential
 *   backoff and jitter on network errors, timeouts, 5xx and 429, honouring
 *   Retry-After (seconds or an HTTP date, capped). A wiki that answers 429
 *   pauses every request to it, not only the one that was refused.
 *
 * Time and chance are parameters (`clock`, `random`) so that the unit tests
 * run the backoff schedule without sleeping.
 */
import type { WikiCredentials } from '../../lib/settings/settings';
import { WikiError } from '../../lib/wiki/errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** How hard one wiki may be asked. */
export interface Politeness {
  /** Requests in flight at once. */
  maxConcurrent: number;
  /** Requests started in any one second; Infinity for no ceiling. */
  maxPerSecond: number;
  /** Attempts after the first, for failures that may pass (network, timeout, 5xx, 429). */
  retries: number;
  /** Wait before the first retry; doubled for each further one, then jittered. */
  backoffMs: number;
  /** Longest wait between two attempts that the backoff may reach. */
  maxBackoffMs: number;
  /** Longest Retry-After honoured; a wiki asking for more fails the request at once. */
  maxRetryAfterMs: number;
}

/**
 * 4 at a time: the measured throughput of a DokuWiki on 2 cores stops growing
 * past 4 concurrent requests (notes/dokuwiki.md: ~450/s at 4, ~460/s at 8), so
 * more only loads the server. 20 per second: a first sync of a few thousand
 * pages still ends within minutes, while a shared-hosting wiki is never asked
 * more than a busy reader's browser would.
 */
export const DEFAULT_POLITENESS: Politeness = {
  maxConcurrent: 4,
  maxPerSecond: 20,
  retries: 3,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface HttpOptions {
  /** Default: globalThis.fetch. */
  fetch?: FetchLike;
  /** Per attempt, including reading the body. Default 30 s. */
  timeoutMs?: number;
  /** For WikiHttp: what differs from DEFAULT_POLITENESS. */
  politeness?: Partial<Politeness>;
  /** For WikiHttp's waits. Default: the system clock. */
  clock?: Clock;
  /** For WikiHttp's jitter, in [0, 1). Default: Math.random. */
  random?: () => number;
  /** Sent with every request, as HTTP Basic or a Bearer token. */
  credentials?: WikiCredentials;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface TextResponse {
  /** The address requested (after a remembered redirect, the address it moved to). */
  url: string;
  status: number;
  /** The media type, lowercase, without parameters ("text/plain"). */
  contentType: string;
  headers: Headers;
  text: string;
}

type AttemptOptions = Pick<HttpOptions, 'fetch' | 'timeoutMs'> & { signal?: AbortSignal | undefined };

/**
 * Fetches `url` once and reads its body as text. Rejects with the caller's
 * abort reason when the caller aborted, else with a WikiError: 'timeout' or
 * 'unreachable' (no HTTP answer), or 'http' when the wiki sent the request on
 * to another site. HTTP statuses are the caller's to judge.
 */
export async function requestText(url: string, init: RequestInit, options: AttemptOptions): Promise<TextResponse> {
  const { body, ...rest } = await attempt(url, init, options, (response) => response.text());
  return { ...rest, text: body };
}

/** As requestText, for a binary body (a gzip sitemap). */
export async function requestBytes(
  url: string,
  init: RequestInit,
  options: AttemptOptions,
): Promise<Omit<TextResponse, 'text'> & { bytes: Uint8Array }> {
  const { body, ...rest } = await attempt(url, init, options, async (response) => new Uint8Array(await response.arrayBuffer()));
  return { ...rest, bytes: body };
}

interface Attempted<T> extends Omit<TextResponse, 'text'> {
  body: T;
  /** Where a redirected request ended, when it was redirected. */
  movedTo?: string;
}

async function attempt<T>(
  url: string,
  init: RequestInit,
  options: AttemptOptions,
  read: (response: Response) => Promise<T>,
): Promise<Attempted<T>> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  options.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? anySignal([options.signal, timeout]) : timeout;
  try {
    let response = await fetchImpl(url, { ...init, signal });
    let movedTo: string | undefined;
    if (response.redirected && response.url && response.url !== url) {
      movedTo = response.url;
      if (new URL(movedTo).origin !== new URL(url).origin) {
        await response.body?.cancel().catch(() => undefined);
        throw new WikiError(
          'http',
          `${siteOf(url)} sends its requests on to ${siteOf(movedTo)}, another site. If the wiki has moved there, change the wiki's address.`,
          { url },
        );
      }
      // fetch follows a 301/302/303 of a POST with a GET without the body
      // (Fetch standard, "HTTP-redirect fetch"): the API call must be sent again.
      if ((init.method ?? 'GET').toUpperCase() === 'POST') {
        await response.body?.cancel().catch(() => undefined);
        response = await fetchImpl(movedTo, { ...init, signal });
      }
    }
    // The body is read under the same signal: a server that dies after its
    // headers must fail here, not hang.
    let body: T;
    try {
      body = await read(response);
    } catch (thrown) {
      if (options.signal?.aborted || timeout.aborted) throw thrown;
      throw new WikiError(
        'unreachable',
        `${siteOf(url)} broke off its answer (${networkReason(thrown)}). The wiki or the connection to it may be failing; try again later.`,
        { url, cause: thrown },
      );
    }
    const result: Attempted<T> = {
      url: movedTo ?? url,
      status: response.status,
      contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      headers: response.headers,
      body,
    };
    if (movedTo) result.movedTo = movedTo;
    return result;
  } catch (thrown) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (thrown instanceof WikiError) throw thrown;
    if (timeout.aborted) {
      throw new WikiError(
        'timeout',
        `${siteOf(url)} did not answer within ${formatDuration(timeoutMs)}. The wiki may be slow or down; try again later.`,
        { url, cause: thrown },
      );
    }
    throw new WikiError(
      'unreachable',
      `${siteOf(url)} cannot be reached (${networkReason(thrown)}). Check the address and your connection.`,
      { url, cause: thrown },
    );
  }
}

// ---------------------------------------------------------------------------
// Politeness

/**
 * Admits requests to one wiki: at most `maxConcurrent` in flight, at most
 * `maxPerSecond` started in any window of one second (a sliding window, so
 * the ceiling holds for every second, not only on average), none before a
 * pause the wiki asked for has passed. First come, first served.
 */
export class RequestLimiter {
  private active = 0;
  private readonly queue: Array<{ admit: (release: () => void) => void }> = [];
  /** Start times of the last `maxPerSecond` requests, oldest first. */
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private pumping = false;

  constructor(
    readonly maxConcurrent: number,
    readonly maxPerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(maxConcurrent >= 1)) throw new RangeError(`maxConcurrent must be at least 1, not ${maxConcurrent}.`);
    if (!(maxPerSecond > 0)) throw new RangeError(`maxPerSecond must be above 0, not ${maxPerSecond}.`);
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves with a release function once the request may start. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const entry = {
        admit: (release: () => void) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const at = this.queue.indexOf(entry);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(entry);
      void this.pump();
    });
  }

  /** Holds every request not yet started until `until` (unix ms): the wiki asked for a pause. */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.active < this.maxConcurrent) {
        const wait = this.waitBeforeNextStart();
        if (wait > 0) {
          await this.clock.sleep(wait);
          continue;
        }
        const entry = this.queue.shift()!;
        this.active++;
        this.starts.push(this.clock.now());
        if (Number.isFinite(this.maxPerSecond) && this.starts.length > this.maxPerSecond) this.starts.shift();
        let released = false;
        entry.admit(() => {
          if (released) return;
          released = true;
          this.active--;
          void this.pump();
        });
      }
    } finally {
      this.pumping = false;
    }
  }

  private waitBeforeNextStart(): number {
    const now = this.clock.now();
    let wait = this.pausedUntil - now;
    if (Number.isFinite(this.maxPerSecond) && this.starts.length >= this.maxPerSecond) {
      // The start `maxPerSecond` requests ago must be a full second old.
      wait = Math.max(wait, this.starts[this.starts.length - this.maxPerSecond]! + 1000 - now);
    }
    return wait;
  }
}

/**
 * Retry-After as milliseconds to wait: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). A date is measured against the response's own Date
 * header when it has one, so a wrong clock here does not stretch the wait.
 * null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number, serverDate?: string | null): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month ("Wed, 21 Oct 2015 07:28:00 GMT").
  if (!/[a-z]/i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  const reference = serverDate ? Date.parse(serverDate) : NaN;
  return Math.max(0, at - (Number.isNaN(reference) ? now : reference));
}

/**
 * The wait before retry number `retry` (0 for the first): exponential, capped,
 * with "equal jitter" (half fixed, half random) so that the clients a wiki
 * failed together do not all come back together.
 */
export function backoffDelay(retry: number, politeness: Pick<Politeness, 'backoffMs' | 'maxBackoffMs'>, random: () => number): number {
  const exponential = Math.min(politeness.maxBackoffMs, politeness.backoffMs * 2 ** retry);
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/** The Authorization header for credentials: Basic for an account, Bearer for a token. */
export function authorizationHeader(credentials: WikiCredentials): string {
  if ('token' in credentials) return `Bearer ${credentials.token}`;
  // RFC 7617: user-id ":" password, in UTF-8, then base64.
  const pair = new TextEncoder().encode(`${credentials.user}:${credentials.password}`);
  let binary = '';
  for (const byte of pair) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

/** Statuses that say "not now" rather than "no": a retry may succeed. */
// 520-524: a CDN in front of the wiki could not reach it this time.
const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504, 520, 521, 522, 523, 524]);

/**
 * The HTTP client of one wiki. Every gateway of that wiki takes the same
 * WikiHttp (services/wiki/detect.ts hands over the one it detected with), so
 * the limits hold for everything the extension asks of the wiki.
 */
export class WikiHttp {
  readonly limiter: RequestLimiter;
  readonly politeness: Politeness;
  readonly clock: Clock;
  private readonly random: () => number;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  /** Addresses that redirected (same origin) to where they ended: later requests go straight there. */
  private readonly moved = new Map<string, string>();

  constructor(options: HttpOptions = {}) {
    this.politeness = { ...DEFAULT_POLITENESS, ...options.politeness };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.authorization = options.credentials ? authorizationHeader(options.credentials) : undefined;
    this.limiter = new RequestLimiter(this.politeness.maxConcurrent, this.politeness.maxPerSecond, this.clock);
  }

  /** The WikiHttp itself, or a new one for plain options. */
  static from(options: HttpOptions | WikiHttp = {}): WikiHttp {
    return options instanceof WikiHttp ? options : new WikiHttp(options);
  }

  /** Whether requests carry credentials. */
  get authenticated(): boolean {
    return this.authorization !== undefined;
  }

  /**
   * One request, politely: waits for the limiter, retries what may pass.
   * Resolves with the last answer (a 5xx after the last retry included: the
   * caller says what it was asking for); rejects with a WikiError when no
   * answer came, or when the wiki keeps refusing with 429.
   */
  text(url: string, init: RequestInit, signal?: AbortSignal): Promise<TextResponse> {
    return this.polite(url, init, signal, (response) => response.text()).then(({ body, ...rest }) => ({ ...rest, text: body }));
  }

  /** As text(), for a binary body. */
  bytes(url: string, init: RequestInit, signal?: AbortSignal): Promise<Omit<TextResponse, 'text'> & { bytes: Uint8Array }> {
    return this.polite(url, init, signal, async (response) => new Uint8Array(await response.arrayBuffer())).then(
      ({ body, ...rest }) => ({ ...rest, bytes: body }),
    );
  }

  /** The wiki's clock at a response: its Date header, else ours. */
  serverTime(response: Pick<TextResponse, 'headers'>): number {
    const date = Date.parse(response.headers.get('date') ?? '');
    return Number.isNaN(date) ? this.clock.now() : date;
  }

  private async polite<T>(
    url: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<Attempted<T>> {
    const headers = new Headers(init.headers);
    if (this.authorization && !headers.has('authorization')) headers.set('authorization', this.authorization);
    const request: RequestInit = { ...init, headers };
    const { retries, maxRetryAfterMs } = this.politeness;
    for (let retry = 0; ; retry++) {
      const target = this.moved.get(url) ?? url;
      const release = await this.limiter.acquire(signal);
      let result: Attempted<T>;
      try {
        result = await attempt(target, request, { fetch: this.fetchImpl, timeoutMs: this.timeoutMs, signal }, read);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const mayPass = error instanceof WikiError && (error.kind === 'unreachable' || error.kind === 'timeout');
        if (!mayPass || retry >= retries) throw error;
        await this.clock.sleep(backoffDelay(retry, this.politeness, this.random), signal);
        continue;
      } finally {
        release();
      }
      if (result.movedTo) this.moved.set(url, result.movedTo);
      if (!RETRIED_STATUSES.has(result.status)) return result;

      const asked = parseRetryAfter(result.headers.get('retry-after'), this.clock.now(), result.headers.get('date'));
      if (asked !== null && asked > maxRetryAfterMs) throw this.rateLimited(result, asked);
      if (retry >= retries) {
        if (result.status === 429) throw this.rateLimited(result, asked);
        return result;
      }
      const wait = asked ?? backoffDelay(retry, this.politeness, this.random);
      // A 429 or a 503 with Retry-After concerns the whole wiki: everything waits.
      if (result.status === 429 || asked !== null) this.limiter.pauseUntil(this.clock.now() + wait);
      await this.clock.sleep(wait, signal);
    }
  }

  private rateLimited(response: Pick<TextResponse, 'url' | 'status'>, asked: number | null): WikiError {
    const site = siteOf(response.url);
    const what = response.status === 429 ? 'is limiting how often it may be asked (HTTP 429)' : `is unavailable (HTTP ${response.status})`;
    const wait = asked !== null && asked > 0 ? ` and asks to wait ${formatDuration(asked)}` : '';
    return new WikiError('http', `${site} ${what}${wait}. Try again later.`, { url: response.url, status: response.status });
  }
}

// ---------------------------------------------------------------------------

/** AbortSignal.any where it exists (Chrome 116+, Node 20.3+), else the same by hand. */
function anySignal(signals: AbortSignal[]): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => controller.abort(s.reason), { once: true, signal: controller.signal });
  }
  return controller.signal;
}

/** "http://127.0.0.1:8080" for messages: the site, not every query string. */
export function siteOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin;
  } catch {
    return url;
  }
}

/** "50 ms", "1.5 s", "2 min", "3 h": a wait as a person reads it. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  return `${Math.round(min / 60)} h`;
}

/** Node's fetch puts the system error under `cause`; browsers say only "Failed to fetch". */
function networkReason(thrown: unknown): string {
  const cause = (thrown as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'the connection was closed';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return 'it was cut short';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'the connection timed out';
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'its HTTPS certificate is not valid';
    default:
      if (code) return code;
      if (typeof cause?.message === 'string' && cause.message) return cause.message;
      return thrown instanceof Error && thrown.message ? thrown.message : 'network error';
  }
}
