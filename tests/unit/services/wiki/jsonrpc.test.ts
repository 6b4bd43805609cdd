// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import { JsonRpcClient, JsonRpcFault, JsonRpcUnavailable, PAGE_MISSING } from '../../../../services/wiki/jsonrpc';
import { fakeFetch, type RecordedRequest } from './captured';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const idOf = (r: RecordedRequest) => (JSON.parse(r.body) as { id: number }).id;
const NO_RETRY = { politeness: { retries: 0 } };

describe('JsonRpcClient', () => {
  it('posts JSON-RPC 2.0 with named parameters, as exactly application/json, and returns the result', async () => {
    const headers: Headers[] = [];
    const { fetch, requests } = fakeFetch((r) => json(200, { id: idOf(r), jsonrpc: '2.0', result: { id: 'metagpt', revision: 1 } }));
    const client = new JsonRpcClient('https://wiki.example/sub/', {
      fetch: (url, init) => (headers.push(new Headers(init?.headers)), fetch(url, init)),
    });
    expect(client.endpoint).toBe('https://wiki.example/sub/lib/exe/jsonrpc.php');
    await expect(client.call('core.getPageInfo', { page: 'metagpt' })).resolves.toEqual({ id: 'metagpt', revision: 1 });
    expect(JSON.parse(requests[0]!.body)).toEqual({ jsonrpc: '2.0', id: 1, method: 'core.getPageInfo', params: { page: 'metagpt' } });
    expect(requests[0]!.method).toBe('POST');
    // The 2024-02-06 release answers 415 to "application/json; charset=utf-8".
    expect(headers[0]!.get('content-type')).toBe('application/json');
  });

  it('gives each call its own id and refuses an answer to another', async () => {
    const { fetch } = fakeFetch(() => json(200, { id: 99, jsonrpc: '2.0', result: 1 }));
    await expect(new JsonRpcClient('https://wiki.example/', { fetch }).call('core.getAPIVersion')).rejects.toMatchObject({
      kind: 'bad-response',
      message: 'https://wiki.example answered core.getAPIVersion with the answer to another request.',
    });
  });

  it('reads DokuWiki\'s error answers by their code and status', async () => {
    const cases: Array<[status: number, code: number, message: string, expected: Partial<WikiError> & { code: number }]> = [
      [404, -32605, 'JSON-RPC server not enabled.', { kind: 'denied', code: -32605, message: 'https://wiki.example has its API switched off.' }],
      [
        401,
        -32603,
        'server error. not authorized to call method core.listPages',
        { kind: 'denied', code: -32603, status: 401, message: 'https://wiki.example refused core.listPages (HTTP 401): anonymous readers may not use its API.' },
      ],
      [
        403,
        -32604,
        'server error. forbidden to call the method core.listPages',
        { kind: 'denied', code: -32604, status: 403, message: 'https://wiki.example does not let this account call core.listPages (HTTP 403).' },
      ],
      [400, -32603, 'Method does not exist', { kind: 'bad-response', code: -32603, message: 'https://wiki.example does not know the API method core.listPages.' }],
      [400, -32601, 'Method does not exist', { kind: 'bad-response', code: -32601, message: 'https://wiki.example does not know the API method core.listPages.' }],
      [
        400,
        PAGE_MISSING,
        'The requested page (revision) does not exist',
        {
          kind: 'bad-response',
          code: PAGE_MISSING,
          message: 'https://wiki.example answered core.listPages with an error: The requested page (revision) does not exist (code 121).',
        },
      ],
    ];
    for (const [status, code, message, expected] of cases) {
      const { fetch } = fakeFetch(() => json(status, { error: { code, message } }));
      const error = await new JsonRpcClient('https://wiki.example/', { fetch, ...NO_RETRY }).call('core.listPages').catch((e: unknown) => e);
      expect(error, `${status} ${code}`).toBeInstanceOf(JsonRpcFault);
      expect(error, `${status} ${code}`).toMatchObject(expected);
    }
  });

  it('says "did not accept" for a 401 when it sent credentials', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: -32603, message: 'server error. not authorized' } }));
    const client = new JsonRpcClient('https://wiki.example/', { fetch, credentials: { user: 'a', password: 'b' } });
    await expect(client.call('core.getWikiVersion')).rejects.toMatchObject({
      message: 'https://wiki.example did not accept the user name and password or token for core.getWikiVersion (HTTP 401).',
    });
  });

  it('tells a wiki without JSON-RPC (a plain 404) from one with its API off', async () => {
    const { fetch } = fakeFetch(() => undefined);
    const error = await new JsonRpcClient('https://wiki.example/', { fetch }).call('core.getAPIVersion').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JsonRpcUnavailable);
    expect(error).toMatchObject({ kind: 'http', status: 404 });
  });

  it('refuses what is not a JSON-RPC answer, clearly', async () => {
    const answers: Array<[Response, string]> = [
      [new Response('<html>Oops</html>', { headers: { 'content-type': 'text/html' } }), 'https://wiki.example did not answer core.getPage with JSON-RPC (not JSON).'],
      [json(200, [1, 2]), 'https://wiki.example did not answer core.getPage with JSON-RPC (not an object).'],
      [json(200, { jsonrpc: '2.0', id: 1 }), 'https://wiki.example answered core.getPage without a result.'],
    ];
    for (const [response, message] of answers) {
      const { fetch } = fakeFetch(() => response);
      await expect(new JsonRpcClient('https://wiki.example/', { fetch }).call('core.getPage', { page: 'x' })).rejects.toMatchObject({
        kind: 'bad-response',
        message,
      });
    }
  });

  it('accepts the short form\'s "success" error and 1.x\'s null error', async () => {
    for (const extra of [{ error: { code: 0, message: 'success' } }, { error: null }]) {
      const { fetch } = fakeFetch(() => json(200, { result: 'ok', ...extra }));
      await expect(new JsonRpcClient('https://wiki.example/', { fetch }).call('core.getWikiTitle')).resolves.toBe('ok');
    }
  });

  it('names other HTTP failures by their status', async () => {
    const { fetch } = fakeFetch(() => new Response('Bad gateway', { status: 502 }));
    await expect(new JsonRpcClient('https://wiki.example/', { fetch, ...NO_RETRY }).call('core.getPage')).rejects.toMatchObject({
      kind: 'http',
      status: 502,
      message: 'https://wiki.example answered 502 to core.getPage.',
    });
  });
});
