/**
 * A reverse proxy on 127.0.0.1 in front of a real wiki that misbehaves on
 * demand, for the fault tests: it can close connections without answering,
 * answer 500 or 429 (with Retry-After), answer too late, cut bodies short,
 * answer garbage, redirect, refuse the API only, or answer one address with
 * what the wiki answers to another.
 *
 * Rules pick requests (`match`), can let the first few through (`after`) and
 * stop after a number of them (`times`); the first rule that takes a request
 * applies. Everything else is passed on unchanged, Host header included, so
 * the wiki writes the proxy's address into its links and feeds, as behind any
 * reverse proxy.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type Fault =
  /** The connection is closed without an answer. */
  | { kind: 'close' }
  /** This status, instead of the wiki's answer. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: string; contentType?: string }
  /** The wiki's answer, `ms` late. */
  | { kind: 'delay'; ms: number }
  /** The wiki's answer with its full Content-Length but only half its body, then the connection closed. */
  | { kind: 'truncate' }
  /** This body with HTTP 200, instead of the wiki's answer. */
  | { kind: 'garbage'; body: string; contentType: string }
  /**
   * A redirect: 'same-origin' to the same address under /moved/ (which this
   * proxy serves as the wiki), 'upstream' to the wiki's own address.
   */
  | { kind: 'redirect'; status: 301 | 302 | 303 | 307 | 308; to: 'same-origin' | 'upstream' }
  /** What the wiki answers to another address (same method and body). */
  | { kind: 'replace'; path: string };

export interface ProxiedRequest {
  method: string;
  /** Path and query, as requested (without a /moved/ prefix). */
  path: string;
  body: string;
}

export interface FaultRule {
  fault: Fault;
  /** Which requests it takes; default all. */
  match?: (request: ProxiedRequest) => boolean;
  /** Matching requests let through untouched before the fault starts. Default 0. */
  after?: number;
  /** Matching requests that get the fault, after which it stops. Default: no end. */
  times?: number;
}

export interface ProxyLogEntry extends Omit<ProxiedRequest, 'body'> {
  /** The fault applied, or null. */
  fault: Fault['kind'] | null;
}

export interface FaultProxy {
  /** Base URL ending in '/'. */
  url: string;
  readonly log: ProxyLogEntry[];
  /** Replaces the rules, and starts a new log. */
  inject(...rules: FaultRule[]): void;
  /** No more faults. */
  heal(): void;
  stop(): Promise<void>;
}

/** The prefix a same-origin redirect sends requests to. */
export const MOVED_PREFIX = '/moved';

const API_PATHS = ['/lib/exe/xmlrpc.php', '/lib/exe/jsonrpc.php'];

/** Requests to the wiki's XML-RPC or JSON-RPC API. */
export const isApiRequest = (request: ProxiedRequest): boolean =>
  API_PATHS.some((path) => request.path === path || request.path.startsWith(`${path}/`) || request.path.startsWith(`${path}?`));

/** XML-RPC or JSON-RPC calls of one method. */
export const isApiCall =
  (method: string) =>
  (request: ProxiedRequest): boolean =>
    isApiRequest(request) && (request.body.includes(`<methodName>${method}</methodName>`) || request.body.includes(`"method":"${method}"`));

/** Requests for a page's source or body (`do=export_raw` / `export_xhtmlbody`) or the API's page calls. */
export const isPageRequest = (request: ProxiedRequest): boolean =>
  /[?&]do=export_(raw|xhtmlbody)/.test(request.path) ||
  ['wiki.getPage', 'wiki.getPageHTML', 'core.getPage', 'core.getPageHTML'].some((method) => isApiCall(method)(request));

export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  const log: ProxyLogEntry[] = [];
  let rules: Array<FaultRule & { seen: number; applied: number }> = [];

  const pick = (request: ProxiedRequest, moved: boolean): Fault | null => {
    for (const rule of rules) {
      // Under /moved/ the redirect has been followed: never redirect again.
      if (moved && rule.fault.kind === 'redirect') continue;
      if (rule.match && !rule.match(request)) continue;
      rule.seen++;
      if (rule.seen <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.applied >= rule.times) continue;
      rule.applied++;
      return rule.fault;
    }
    return null;
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const raw = incoming.url ?? '/';
      const moved = raw.startsWith(`${MOVED_PREFIX}/`);
      const path = moved ? raw.slice(MOVED_PREFIX.length) : raw;
      const request: ProxiedRequest = { method: incoming.method ?? 'GET', path, body: body.toString('utf8') };
      const fault = pick(request, moved);
      log.push({ method: request.method, path, fault: fault?.kind ?? null });
      void answer(fault, incoming, response, path, body).catch(() => response.destroy());
    });
  });

  async function answer(fault: Fault | null, incoming: IncomingMessage, response: ServerResponse, path: string, body: Buffer): Promise<void> {
    switch (fault?.kind) {
      case undefined:
        return pipeUpstream(incoming, response, path, body);
      case 'close':
        incoming.socket.destroy();
        return;
      case 'status':
        response.writeHead(fault.status, {
          'Content-Type': fault.contentType ?? 'text/html; charset=utf-8',
          ...(fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}),
        });
        response.end(fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>`);
        return;
      case 'delay': {
        const gone = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), fault.ms);
          response.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        if (!gone) await pipeUpstream(incoming, response, path, body);
        return;
      }
      case 'truncate': {
        const full = await fetchUpstream(incoming, path, body);
        const headers: Record<string, string | string[] | undefined> = { ...full.headers, 'content-length': String(full.body.length) };
        delete headers['transfer-encoding'];
        response.writeHead(full.status, headers);
        response.write(full.body.subarray(0, Math.floor(full.body.length / 2)));
        // Give the half a moment to leave before the connection drops.
        await new Promise((resolve) => setTimeout(resolve, 20));
        incoming.socket.destroy();
        return;
      }
      case 'garbage':
        response.writeHead(200, { 'Content-Type': fault.contentType });
        response.end(fault.body);
        return;
      case 'redirect': {
        const location = fault.to === 'same-origin' ? `${MOVED_PREFIX}${path}` : new URL(path, upstream).href;
        response.writeHead(fault.status, { Location: location, 'Content-Type': 'text/html' });
        response.end(`<a href="${location}">Moved</a>`);
        return;
      }
      case 'replace':
        return pipeUpstream(incoming, response, fault.path, body);
    }
  }

  function upstreamRequest(incoming: IncomingMessage, path: string, body: Buffer) {
    return httpRequest({
      hostname: upstream.hostname,
      port: upstream.port,
      method: incoming.method,
      path,
      headers: { ...incoming.headers, 'content-length': String(body.length) },
    });
  }

  function pipeUpstream(incoming: IncomingMessage, response: ServerResponse, path: string, body: Buffer): Promise<void> {
    return new Promise((resolve) => {
      const outgoing = upstreamRequest(incoming, path, body);
      outgoing.on('response', (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('end', resolve);
        answer.on('error', () => {
          response.destroy();
          resolve();
        });
      });
      outgoing.on('error', (error) => {
        if (!response.headersSent) {
          response.writeHead(502, { 'Content-Type': 'text/plain' });
          response.end(`The wiki behind this proxy cannot be reached: ${error.message}`);
        } else {
          response.destroy();
        }
        resolve();
      });
      outgoing.end(body);
    });
  }

  function fetchUpstream(incoming: IncomingMessage, path: string, body: Buffer) {
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const outgoing = upstreamRequest(incoming, path, body);
      outgoing.on('response', (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: { ...answer.headers }, body: Buffer.concat(parts) }));
        answer.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    inject(...next) {
      rules = next.map((rule) => ({ ...rule, seen: 0, applied: 0 }));
      log.length = 0;
    },
    heal() {
      rules = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
