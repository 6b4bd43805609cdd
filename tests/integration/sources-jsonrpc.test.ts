/**
 * The JSON-RPC source of 2024+ DokuWiki releases, against a server that plays
 * their JSON-RPC over a real local DokuWiki's pages (tests/support/jsonrpc-wiki.ts):
 * the protocol as the server speaks it, detection order, a whole sync that
 * stores what the XML-RPC source stores, recent changes, credentials and
 * every refusal.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { WikiError } from '../../lib/wiki/errors';
import { openDatabase } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway, PublicFallbackGateway, type DetectOptions } from '../../services/wiki/detect';
import { JsonRpcGateway } from '../../services/wiki/jsonrpc-gateway';
import { JsonRpcFault } from '../../services/wiki/jsonrpc';
import { XmlRpcGateway } from '../../services/wiki/xmlrpc-gateway';
import { startJsonRpcWiki, type JsonRpcWiki } from '../support/jsonrpc-wiki';
import { KNOWN_ID, KNOWN_PAGE, seededSources } from './sync-helpers';

let wiki: LocalWiki;
let server: JsonRpcWiki;

/** Fast for tests: no per-second ceiling, one retry, short waits. */
const FAST: DetectOptions = { politeness: { maxPerSecond: Infinity, retries: 1, backoffMs: 10 } };

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true, pages: { [KNOWN_ID]: KNOWN_PAGE } });
  server = await startJsonRpcWiki({ wiki, tokens: { 'secret-token': 'editor' } });
});

afterAll(async () => {
  await server?.stop();
  await wiki?.stop();
});

/** POSTs to the test server as any client would. */
async function post(path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type'), json: (await response.json()) as Record<string, unknown> };
}

describe('the test server speaks DokuWiki\'s JSON-RPC', () => {
  it('answers JSON-RPC 2.0 with id and jsonrpc, and no error member', async () => {
    const answer = await post('lib/exe/jsonrpc.php', JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'core.getAPIVersion', params: [] }));
    expect(answer).toEqual({ status: 200, type: 'application/json', json: { id: 7, jsonrpc: '2.0', result: 14 } });
  });

  it('answers JSON-RPC 1.1 with error null, and the short form with a "success" error', async () => {
    const v11 = await post('lib/exe/jsonrpc.php', JSON.stringify({ version: '1.1', id: 'a', method: 'core.getWikiTitle' }));
    expect(v11.json).toEqual({ id: 'a', version: '1.1', result: 'AgentWiki (local)', error: null });
    const short = await post('lib/exe/jsonrpc.php/core.getPageInfo', JSON.stringify({ page: 'metagpt' }));
    expect(short.status).toBe(200);
    expect(short.json['error']).toEqual({ code: 0, message: 'success' });
    expect(short.json['result']).toMatchObject({ id: 'metagpt', title: 'metagpt', permission: 1, hash: '', author: '' });
  });

  it('refuses what DokuWiki refuses, with its status and code', async () => {
    const get = await fetch(`${server.url}lib/exe/jsonrpc.php`);
    expect([get.status, get.headers.get('allow'), await get.json()]).toEqual([
      405,
      'POST',
      { error: { code: -32606, message: 'JSON-RPC server only accepts POST requests.' } },
    ]);
    expect(await post('lib/exe/jsonrpc.php', '{}', { 'Content-Type': 'text/plain' })).toMatchObject({ status: 415, json: { error: { code: -32606 } } });
    expect(await post('lib/exe/jsonrpc.php', '{"method": ')).toMatchObject({ status: 400, json: { error: { code: -32700 } } });
    const unknown = await post('lib/exe/jsonrpc.php', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'core.noSuchThing' }));
    // Errors come alone: no id, no jsonrpc (JsonRpcServer::returnError).
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: -32603, message: 'Method does not exist' } } });
    expect(unknown.json).not.toHaveProperty('id');
    const missing = await post('lib/exe/jsonrpc.php/core.getPageHTML', JSON.stringify({ page: 'no_such_page' }));
    expect(missing).toMatchObject({ status: 400, json: { error: { code: 121, message: 'The requested page (revision) does not exist' } } });
    expect(await post('lib/exe/jsonrpc.php/core.getPage', JSON.stringify({ page: '::' }))).toMatchObject({ status: 400, json: { error: { code: 131 } } });
    expect(await post('lib/exe/jsonrpc.php/core.getPage', '{}')).toMatchObject({
      status: 400,
      json: { error: { code: -32602, message: 'Missing argument page' } },
    });
  });

  it('plays the 2024 release, which refuses a charset in the content type', async () => {
    server.configure({ release: '2024-02-06' });
    try {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'core.getAPIVersion' });
      expect((await post('lib/exe/jsonrpc.php', body, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(415);
      expect((await post('lib/exe/jsonrpc.php', body)).json).toMatchObject({ result: 12 });
    } finally {
      server.configure({ release: '2025-05-14' });
    }
  });

  it('passes every other address to the real wiki', async () => {
    const page = await fetch(`${server.url}doku.php?id=metagpt&do=export_raw`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/^====== MetaGPT/);
  });
});

describe('JsonRpcGateway', () => {
  it('is detected first, with two calls, and lists what the XML-RPC API lists', async () => {
    const before = server.calls.length;
    const gateway = await detectGateway(server.url, undefined, FAST);
    expect(gateway.kind).toBe('jsonrpc');
    expect(gateway.wikiUrl).toBe(server.url);
    expect(server.calls.slice(before).map((c) => c.rpcMethod)).toEqual(['core.getAPIVersion', 'core.getWikiVersion']);

    const listed = await gateway.listPages();
    const viaXmlRpc = await new XmlRpcGateway(wiki.url).listPages();
    expect(listed.map((p) => [p.id, p.modified]).sort()).toEqual(viaXmlRpc.map((p) => [p.id, p.modified]).sort());
    const sources = await seededSources(wiki);
    for (const page of listed) {
      // md5 of the trimmed text (Page::calculateHash).
      expect(page.hash, page.id).toBe(createHash('md5').update(sources.get(page.id)!.trim()).digest('hex'));
    }
  });

  it('fetches each page as the XML-RPC API serves it', async () => {
    const json = new JsonRpcGateway(server.url, FAST);
    const xml = new XmlRpcGateway(wiki.url);
    for (const id of [KNOWN_ID, 'metagpt', 'open_closed_performance_gap']) {
      expect(await json.fetchPage(id), id).toEqual(await xml.fetchPage(id));
    }
  });

  it('answers null for a missing page, even with a template-less empty source', async () => {
    await expect(new JsonRpcGateway(server.url, FAST).fetchPage('no_such_page')).resolves.toBeNull();
  });

  it('syncs a whole wiki into the same articles as the XML-RPC source', async () => {
    const viaJson = await openDatabase(new IDBFactory());
    const viaXml = await openDatabase(new IDBFactory());
    const report = await runSync({ gateway: await detectGateway(server.url, undefined, FAST), db: viaJson, onProgress: () => {} });
    await runSync({ gateway: new XmlRpcGateway(wiki.url), db: viaXml, onProgress: () => {} });
    const sources = await seededSources(wiki);
    expect(report).toMatchObject({ fetched: sources.size, articleCount: sources.size, skipped: [] });
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect((await viaJson.getAll('articles')).sort(byId)).toEqual((await viaXml.getAll('articles')).sort(byId));
  });

  it('lists recent changes with their type: edits, creations and deletions, oldest first', async () => {
    const gateway = new JsonRpcGateway(server.url, FAST);
    const since = Date.now();
    await wiki.writePage('testing:fresh', '====== Fresh ======\n\n**Fresh** is new.\n');
    await wiki.writePage(KNOWN_ID, KNOWN_PAGE.replace('Checked', 'Edited'));
    await wiki.deletePage('autogen');
    const changes = await gateway.listChanges(since);
    expect(changes.complete).toBe(true);
    expect(Math.abs(changes.asOf! - Date.now())).toBeLessThan(60_000);
    const recent = changes.changes.filter((c) => c.modified >= Math.floor(since / 1000) * 1000);
    expect(recent.map((c) => [c.id, c.deleted]).sort()).toEqual([
      ['autogen', true],
      ['testing:fresh', false],
      [KNOWN_ID, false],
    ]);
    const times = changes.changes.map((c) => c.modified);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('says its changes are incomplete beyond the 7 days a wiki keeps them', async () => {
    const gateway = new JsonRpcGateway(server.url, FAST);
    expect((await gateway.listChanges(Date.now() - 8 * 86_400_000)).complete).toBe(false);
    expect((await gateway.listChanges(0)).complete).toBe(false);
    expect((await new JsonRpcGateway(server.url, FAST, { recentDays: 30 }).listChanges(Date.now() - 8 * 86_400_000)).complete).toBe(true);
  });

  it('answers nothing new when asked again from its own asOf', async () => {
    const gateway = new JsonRpcGateway(server.url, FAST);
    const first = await gateway.listChanges(Date.now() - 60_000);
    // The margin repeats changes just before asOf; nothing is newer.
    const again = await gateway.listChanges(first.asOf!);
    expect(again.changes.every((c) => c.modified <= first.asOf!)).toBe(true);
  });
});

describe('detection and refusals', () => {
  const detectWith = (options: DetectOptions = {}) => detectGateway(server.url, undefined, { ...FAST, ...options });
  const apiCallsDuring = async <T>(action: () => Promise<T>) => {
    const before = server.calls.length;
    const result = await action();
    return { result, calls: server.calls.slice(before) };
  };

  it('reads the public pages when the API is off (404, -32605), without trying XML-RPC', async () => {
    server.configure({ remote: false });
    try {
      const { result, calls } = await apiCallsDuring(() => detectWith());
      expect(result.kind).toBe('public');
      expect(calls.map((c) => [c.path, c.status])).toEqual([
        ['/lib/exe/jsonrpc.php', 404],
        ['/doku.php', 200],
      ]);
      await expect(detectWith({ source: 'jsonrpc' })).rejects.toMatchObject({
        kind: 'denied',
        code: -32605,
        message: `${server.url.replace(/\/$/, '')} has its API switched off.`,
      });
    } finally {
      server.configure({ remote: true });
    }
  });

  it('reads the public pages when nobody may use the API (remoteuser not set: 401)', async () => {
    server.configure({ remoteuser: '!!not set!!' });
    try {
      const { result, calls } = await apiCallsDuring(() => detectWith());
      expect(result.kind).toBe('public');
      expect(calls[0]).toMatchObject({ rpcMethod: 'core.getAPIVersion', status: 401 });
      expect(calls.some((c) => c.path === '/lib/exe/xmlrpc.php')).toBe(false);
    } finally {
      server.configure({ remoteuser: '' });
    }
  });

  it('uses the API of a wiki that allows only its users, with an account or a token', async () => {
    server.configure({ remoteuser: '@user' });
    try {
      // Anonymous: getAPIVersion is public and answers; getWikiVersion is refused (401).
      const { result, calls } = await apiCallsDuring(() => detectWith());
      expect(result.kind).toBe('public');
      expect(calls.slice(0, 2).map((c) => [c.rpcMethod, c.status])).toEqual([
        ['core.getAPIVersion', 200],
        ['core.getWikiVersion', 401],
      ]);
      const withAccount = await detectWith({ credentials: { user: 'editor', password: 'editor' } });
      expect(withAccount.kind).toBe('jsonrpc');
      expect((await withAccount.listPages()).length).toBeGreaterThan(5);
      const withToken = await detectWith({ credentials: { token: 'secret-token' } });
      expect(withToken.kind).toBe('jsonrpc');
      expect(await withToken.fetchPage('metagpt')).toMatchObject({ id: 'metagpt' });
    } finally {
      server.configure({ remoteuser: '' });
    }
  });

  it('falls back to the public pages for a wrong password, and says so when JSON-RPC is forced', async () => {
    server.configure({ remoteuser: '@user' });
    try {
      expect((await detectWith({ credentials: { user: 'editor', password: 'wrong' } })).kind).toBe('public');
      const error = await detectWith({ credentials: { user: 'editor', password: 'wrong' }, source: 'jsonrpc' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JsonRpcFault);
      expect(error).toMatchObject({
        kind: 'denied',
        status: 401,
        message: `${server.url.replace(/\/$/, '')} did not accept the user name and password or token for core.getWikiVersion (HTTP 401).`,
      });
    } finally {
      server.configure({ remoteuser: '' });
    }
  });

  it('turns to the public pages when the API is closed after detection', async () => {
    const gateway = await detectWith();
    expect(gateway).toBeInstanceOf(PublicFallbackGateway);
    expect(gateway.kind).toBe('jsonrpc');
    server.configure({ remoteuser: '!!not set!!' });
    try {
      const pages = await gateway.listPages();
      expect(gateway.kind).toBe('public');
      expect(pages.map((p) => p.id)).toContain('metagpt');
    } finally {
      server.configure({ remoteuser: '' });
    }
  });

  it('forces XML-RPC or the public pages when asked, even with JSON-RPC on', async () => {
    expect((await detectWith({ source: 'xmlrpc' })).kind).toBe('xmlrpc');
    expect((await detectWith({ source: 'public' })).kind).toBe('public');
  });

  it('is refused the pages of a private wiki as an anonymous reader (401), and lists none', async () => {
    server.configure({ readers: 'users' });
    try {
      const error = await new JsonRpcGateway(server.url, FAST).fetchPage('metagpt').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WikiError);
      expect(error).toMatchObject({ kind: 'denied', status: 401 });
      expect(await new JsonRpcGateway(server.url, FAST).listPages()).toEqual([]);
    } finally {
      server.configure({ readers: 'all' });
    }
  });
});
