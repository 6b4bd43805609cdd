/**
 * The real DokuWiki answers captured in tests/fixtures/wiki-responses, and a
 * fake fetch that serves them, recording every request.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedResponse } from '../../../fixtures/wiki-responses/capture';

const DIR = fileURLToPath(new URL('../../../fixtures/wiki-responses', import.meta.url));
const INDEX = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8')) as Record<string, CapturedResponse>;

/** The address the captured bodies were rewritten to. */
export const CAPTURED_WIKI = 'http://127.0.0.1:8080/';

export function captured(name: string): CapturedResponse & { text: string; bytes: Uint8Array<ArrayBuffer> } {
  const entry = INDEX[name];
  if (!entry) throw new Error(`No captured response "${name}" in ${DIR}/index.json`);
  const bytes = new Uint8Array(readFileSync(join(DIR, entry.file))) as Uint8Array<ArrayBuffer>;
  return { ...entry, bytes, text: new TextDecoder().decode(bytes) };
}

export function asResponse(name: string): Response {
  const c = captured(name);
  return new Response(c.bytes, { status: c.status, headers: { 'content-type': c.contentType } });
}

export interface RecordedRequest {
  url: string;
  method: string;
  body: string;
  signal: AbortSignal | undefined;
}

/** A fetch answering through `route`; unrouted requests answer 404. */
export function fakeFetch(route: (request: RecordedRequest) => Response | Promise<Response> | undefined) {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const request: RecordedRequest = {
      url: input,
      method: init.method ?? 'GET',
      body: typeof init.body === 'string' ? init.body : '',
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    init.signal?.throwIfAborted();
    return (await route(request)) ?? new Response('not found', { status: 404, headers: { 'content-type': 'text/html' } });
  };
  return { fetch: fetchImpl, requests };
}

/** The XML-RPC method named in a recorded request's body. */
export function methodOf(request: RecordedRequest): string {
  const start = request.body.indexOf('<methodName>') + '<methodName>'.length;
  return request.body.slice(start, request.body.indexOf('</methodName>'));
}
