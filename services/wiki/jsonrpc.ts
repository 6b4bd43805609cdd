/**
 * JSON-RPC as DokuWiki speaks it from its 2024 releases on
 * (lib/exe/jsonrpc.php, inc/Remote/JsonRpcServer.php, inc/Remote/Api.php):
 * JSON-RPC 2.0 requests with named parameters, answers whose `error` carries
 * DokuWiki's own codes, and HTTP statuses that say who refused.
 *
 * | HTTP | code | when |
 * |---|---|---|
 * | 404 | -32605 | `remote` off: "JSON-RPC server not enabled." |
 * | 405, 415 | -32606 | not a POST, or not `application/json` |
 * | 400 | -32700 | a body that is not JSON |
 * | 401 | -32603 | anonymous caller refused (API restricted, or `remoteuser` not set, or the page's ACL) |
 * | 403 | -32604 | logged-in caller refused |
 * | 400 | -32603 / -32601 | unknown method (-32601 from 2026 releases on) |
 * | 400 | -32602 | missing or wrong parameters |
 * | 400 | 121 | page (revision) does not exist; 131: empty or invalid page id |
 *
 * A 404 without such an answer means there is no JSON-RPC endpoint at all:
 * a release from before 2024.
 */
import { WikiError } from '../../lib/wiki/errors';
import { siteOf, WikiHttp, type HttpOptions } from './http';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const JSONRPC_PARSE_ERROR = -32700;
export const JSONRPC_INVALID_PARAMS = -32602;
export const JSONRPC_METHOD_NOT_FOUND = -32601;
/** Unknown method in the 2024 and 2025 releases, "not authorized" with HTTP 401 in all. */
export const JSONRPC_SERVER_ERROR = -32603;
export const JSONRPC_FORBIDDEN = -32604;
export const JSONRPC_API_DISABLED = -32605;
export const JSONRPC_REQUEST_REFUSED = -32606;
/** "The requested page (revision) does not exist" (inc/Remote/ApiCore.php checkPage). */
export const PAGE_MISSING = 121;
/** "Empty or invalid page ID given". */
export const PAGE_ID_INVALID = 131;

/** An `error` answer: the wiki understood the request and refused or failed it. */
export class JsonRpcFault extends WikiError {
  readonly code: number;
  /** The wiki's own message. */
  readonly rpcMessage: string;

  constructor(kind: ConstructorParameters<typeof WikiError>[0], message: string, code: number, rpcMessage: string, url: string, status: number) {
    super(kind, message, { url, status });
    this.code = code;
    this.rpcMessage = rpcMessage;
  }
}

/** No JSON-RPC endpoint: the address answers 404 without a JSON-RPC error, as a wiki from before 2024 does. */
export class JsonRpcUnavailable extends WikiError {
  constructor(url: string, status: number) {
    super('http', `${siteOf(url)} has no JSON-RPC API (HTTP ${status}); DokuWiki releases before 2024 do not.`, { url, status });
  }
}

/** Calls one wiki's `lib/exe/jsonrpc.php`. */
export class JsonRpcClient {
  readonly endpoint: string;
  readonly http: WikiHttp;
  private nextId = 1;

  constructor(wikiUrl: string, options: HttpOptions | WikiHttp = {}) {
    this.endpoint = new URL('lib/exe/jsonrpc.php', wikiUrl).href;
    this.http = WikiHttp.from(options);
  }

  /** Calls `method` and returns its result; rejects with JsonRpcFault, JsonRpcUnavailable or WikiHttp's errors. */
  async call(method: string, params: { [name: string]: JsonValue } | JsonValue[] = [], signal?: AbortSignal): Promise<unknown> {
    return (await this.callAt(method, params, signal)).value;
  }

  /** As call(), with the wiki's clock at the answer (its Date header). */
  async callAt(
    method: string,
    params: { [name: string]: JsonValue } | JsonValue[] = [],
    signal?: AbortSignal,
  ): Promise<{ value: unknown; serverTime: number }> {
    const id = this.nextId++;
    const response = await this.http.text(
      this.endpoint,
      {
        method: 'POST',
        // Exactly "application/json": the 2024-02-06 release compares the
        // whole header and answers 415 to "application/json; charset=utf-8".
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        // The extension's own cookies for the wiki must not turn an anonymous sync into a logged-in one.
        credentials: 'omit',
        cache: 'no-store',
      },
      signal,
    );
    const site = siteOf(this.endpoint);
    let answer: unknown;
    try {
      answer = response.text.trim() === '' ? undefined : JSON.parse(response.text);
    } catch {
      answer = undefined;
    }
    const error = isObject(answer) && isObject(answer['error']) ? answer['error'] : null;
    if (error && typeof error['code'] === 'number' && error['code'] !== 0) {
      throw this.fault(method, error['code'], typeof error['message'] === 'string' ? error['message'] : '', response.status);
    }
    if (response.status === 404) throw new JsonRpcUnavailable(this.endpoint, response.status);
    if (response.status === 401 || response.status === 403) {
      throw new WikiError('denied', `${site} refused ${method} (HTTP ${response.status}).`, { url: this.endpoint, status: response.status });
    }
    if (response.status < 200 || response.status > 299) {
      throw new WikiError('http', `${site} answered ${response.status} to ${method}.`, { url: this.endpoint, status: response.status });
    }
    if (!isObject(answer)) {
      throw new WikiError('bad-response', `${site} did not answer ${method} with JSON-RPC (${answer === undefined ? 'not JSON' : 'not an object'}).`, {
        url: this.endpoint,
      });
    }
    if (!('result' in answer)) {
      throw new WikiError('bad-response', `${site} answered ${method} without a result.`, { url: this.endpoint });
    }
    if ('id' in answer && answer['id'] !== id && answer['id'] !== null) {
      throw new WikiError('bad-response', `${site} answered ${method} with the answer to another request.`, { url: this.endpoint });
    }
    return { value: answer['result'], serverTime: this.http.serverTime(response) };
  }

  private fault(method: string, code: number, rpcMessage: string, status: number): JsonRpcFault {
    const site = siteOf(this.endpoint);
    const detail = rpcMessage.split('\n')[0]!.trim() || 'no message';
    let kind: ConstructorParameters<typeof WikiError>[0] = 'bad-response';
    let message: string;
    if (code === JSONRPC_API_DISABLED) {
      kind = 'denied';
      message = `${site} has its API switched off.`;
    } else if (status === 401) {
      kind = 'denied';
      message = this.http.authenticated
        ? `${site} did not accept the user name and password or token for ${method} (HTTP 401).`
        : `${site} refused ${method} (HTTP 401): anonymous readers may not use its API.`;
    } else if (status === 403 || code === JSONRPC_FORBIDDEN) {
      kind = 'denied';
      message = `${site} does not let this account call ${method} (HTTP ${status}).`;
    } else if (code === JSONRPC_METHOD_NOT_FOUND || (code === JSONRPC_SERVER_ERROR && /method does not exist/i.test(rpcMessage))) {
      message = `${site} does not know the API method ${method}.`;
    } else {
      message = `${site} answered ${method} with an error: ${detail} (code ${code}).`;
    }
    return new JsonRpcFault(kind, message, code, rpcMessage, this.endpoint, status);
  }
}

export function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
