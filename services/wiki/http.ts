/**
 * Every request to a wiki goes through `requestText`: an injected fetch (so
 * tests pass a recording or failing one), a timeout combined with the
 * caller's signal, and failures turned into WikiErrors whose messages name
 * the wiki and say what happened.
 */
import { WikiError } from '../../lib/wiki/errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Default: globalThis.fetch. */
  fetch?: FetchLike;
  /** Per request, including reading the body. Default 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface TextResponse {
  url: string;
  status: number;
  /** The media type, lowercase, without parameters ("text/plain"). */
  contentType: string;
  headers: Headers;
  text: string;
}

/**
 * Fetches `url` and reads its body as text. Rejects with the caller's abort
 * reason when the caller aborted, else with a WikiError: 'timeout' or
 * 'unreachable' (no HTTP answer). HTTP statuses are the caller's to judge.
 */
export function requestText(
  url: string,
  init: RequestInit,
  options: HttpOptions & { signal?: AbortSignal | undefined },
): Promise<TextResponse> {
  return request(url, init, options, (response) => response.text()).then(({ body, ...rest }) => ({ ...rest, text: body }));
}

/** As requestText, for a binary body (a gzip sitemap). */
export function requestBytes(
  url: string,
  init: RequestInit,
  options: HttpOptions & { signal?: AbortSignal | undefined },
): Promise<Omit<TextResponse, 'text'> & { bytes: Uint8Array }> {
  return request(url, init, options, async (response) => new Uint8Array(await response.arrayBuffer())).then(
    ({ body, ...rest }) => ({ ...rest, bytes: body }),
  );
}

async function request<T>(
  url: string,
  init: RequestInit,
  options: HttpOptions & { signal?: AbortSignal | undefined },
  read: (response: Response) => Promise<T>,
): Promise<Omit<TextResponse, 'text'> & { body: T }> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? anySignal([options.signal, timeout]) : timeout;
  options.signal?.throwIfAborted();
  try {
    const response = await fetchImpl(url, { ...init, signal });
    // The body is read under the same signal: a server that dies after its
    // headers must fail here, not hang.
    const body = await read(response);
    return {
      url,
      status: response.status,
      contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      headers: response.headers,
      body,
    };
  } catch (thrown) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new WikiError(
        'timeout',
        `${siteOf(url)} did not answer within ${formatSeconds(timeoutMs)}. The wiki may be slow or down; try again later.`,
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

function formatSeconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
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
