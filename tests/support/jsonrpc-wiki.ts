/**
 * A 2024+ DokuWiki for tests, on 127.0.0.1: the JSON-RPC API of DokuWiki's
 * 2024 and 2025 releases, played over the pages of a real local DokuWiki
 * (scripts/local-wiki.ts), which answers every other address (doku.php,
 * xmlrpc.php, feed.php ...) through this server. Debian ships only the 2022
 * release, which has no JSON-RPC.
 *
 * What it follows, from DokuWiki's source (release-2024-02-06b and
 * release-2025-05-14b):
 * - lib/exe/jsonrpc.php and inc/Remote/JsonRpcServer.php: POST only (405),
 *   `application/json` only (415; the 2024 release compares the whole
 *   header, the 2025 one ignores a charset), valid JSON only (400, -32700),
 *   `remote` off = 404 with -32605 before anything else; the JSON-RPC 2.0,
 *   1.x and the short form (`jsonrpc.php/core.getPageInfo` with the
 *   parameters as the body) with each one's success envelope; errors as
 *   `{"error": {code, message}}` alone; access denied = 401 with -32603 for
 *   an anonymous caller, 403 with -32604 for a logged-in one.
 * - inc/Remote/Api.php: the API enabled unless `remoteuser` is "!!not set!!";
 *   unknown method -32603 "Method does not exist"; public methods open to
 *   all; `remoteuser` '' = everyone, else its users and groups; named
 *   parameters matched by name with defaults, a missing one -32602.
 * - inc/Remote/ApiCore.php: core.getAPIVersion (public), getWikiVersion,
 *   getWikiTitle (public), getWikiTime, listPages (the page index for "" and
 *   depth 0, else a folder walk), getPage ("" for a missing page),
 *   getPageHTML and getPageInfo (121 for a missing page), getRecentPageChanges
 *   (inc/changelog.php getRecentsSince: the global changelog newest first, each
 *   page once, stopping at the first older line, returned oldest first); page
 *   ids through cleanID (131 when empty); pages unreadable by the caller are
 *   "You are not allowed to read this page" (111), which the server turns
 *   into the 401/403 above.
 * - inc/auth.php: HTTP Basic accounts, tokens as `Authorization: Bearer` or
 *   `X-DokuWiki-Token`; wrong credentials leave the caller anonymous.
 *
 * Tokens here are plain strings mapped to users, not signed JWTs: the
 * client only ever passes them on.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalWiki } from '../../scripts/local-wiki';

export type JsonRpcRelease = '2024-02-06' | '2025-05-14';

export interface JsonRpcWikiOptions {
  /** The real DokuWiki whose pages are served, and which answers every other address. */
  wiki: LocalWiki;
  /** Which release's JSON-RPC to play. Default 2025-05-14. */
  release?: JsonRpcRelease;
  /** `$conf['remote']`. Default true. */
  remote?: boolean;
  /** `$conf['remoteuser']`: '' everyone (default), '!!not set!!' nobody, or users and @groups, comma-separated. */
  remoteuser?: string;
  /** Who may read pages: everyone (default), or only logged-in users (a private wiki). */
  readers?: 'all' | 'users';
  /** Accounts: user -> password and groups. Default: the local wiki's editor (group "user"). */
  users?: Record<string, { password: string; groups: string[] }>;
  /** API tokens: token -> user. */
  tokens?: Record<string, string>;
  /** `$conf['useheading']` for titles. Default false. */
  useheading?: boolean;
}

export interface RecordedCall {
  httpMethod: string;
  path: string;
  /** The JSON-RPC method, for API requests that named one. */
  rpcMethod?: string;
  status: number;
}

export interface JsonRpcWiki {
  /** Base URL ending in '/'. */
  url: string;
  /** Every request answered, in order. */
  readonly calls: RecordedCall[];
  /** Change the configuration while running. */
  configure(changes: Partial<Omit<JsonRpcWikiOptions, 'wiki'>>): void;
  stop(): Promise<void>;
}

const RELEASES: Record<JsonRpcRelease, { apiVersion: number; name: string; strictContentType: boolean }> = {
  '2024-02-06': { apiVersion: 12, name: 'Release 2024-02-06b "Kaos"', strictContentType: true },
  '2025-05-14': { apiVersion: 14, name: 'Release 2025-05-14b "Librarian"', strictContentType: false },
};

const ENDPOINT = '/lib/exe/jsonrpc.php';

/** A RemoteException: HTTP 400 with its code. */
class RemoteError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** An AccessDeniedException: 401 or 403 depending on whether the caller is logged in. */
class AccessDenied extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Caller {
  user: string | null;
  groups: string[];
}

interface MethodSpec {
  /** Parameter names in order; `undefined` default = required. */
  args: Array<[name: string, fallback?: Json]>;
  isPublic?: boolean;
  run: (args: Json[], caller: Caller) => Promise<Json>;
}

export async function startJsonRpcWiki(options: JsonRpcWikiOptions): Promise<JsonRpcWiki> {
  const config = {
    release: options.release ?? '2025-05-14',
    remote: options.remote ?? true,
    remoteuser: options.remoteuser ?? '',
    readers: options.readers ?? 'all',
    users: options.users ?? { editor: { password: 'editor', groups: ['user'] } },
    tokens: options.tokens ?? {},
    useheading: options.useheading ?? false,
  };
  const wiki = options.wiki;
  const data = join(wiki.dir, 'data');
  const calls: RecordedCall[] = [];

  const pageFile = (id: string) => join(data, 'pages', ...id.split(':')) + '.txt';
  const exists = async (id: string) => (await stat(pageFile(id)).catch(() => null))?.isFile() ?? false;
  const canRead = (caller: Caller) => config.readers === 'all' || caller.user !== null;
  /** The ACL level of the local wiki's acl.auth.php: everyone reads, group "user" edits and creates. */
  const permission = (caller: Caller) => (caller.groups.includes('user') ? 8 : canRead(caller) ? 1 : 0);

  async function title(id: string): Promise<string> {
    if (!config.useheading) return id;
    const raw = await readFile(pageFile(id), 'utf8').catch(() => '');
    for (const line of raw.split('\n')) {
      const heading = /^\s*={2,6}(.+?)={2,6}\s*$/.exec(line);
      if (heading) return heading[1]!.trim();
    }
    return id;
  }

  /** A Page response object (inc/Remote/Response/Page.php), its public properties in order. */
  async function page(id: string, caller: Caller, extra: { hash?: boolean; author?: boolean; revision?: number } = {}) {
    const file = pageFile(id);
    const info = await stat(file);
    const raw = extra.hash ? await readFile(file, 'utf8') : '';
    return {
      id,
      revision: extra.revision || Math.floor(info.mtimeMs / 1000),
      size: info.size,
      title: await title(id),
      permission: permission(caller),
      hash: extra.hash ? createHash('md5').update(raw.trim()).digest('hex') : '',
      author: extra.author ? await lastAuthor(id) : '',
    };
  }

  async function lastAuthor(id: string): Promise<string> {
    const lines = await readLines(join(data, 'meta', ...id.split(':')) + '.changes');
    const last = lines[lines.length - 1]?.split('\t');
    return last ? last[4] || last[1] || '' : '';
  }

  /** checkPage() of ApiCore: clean id, not empty, exists (when asked), readable. */
  async function checkPage(raw: Json, caller: Caller, existCheck = true): Promise<string> {
    const id = cleanId(String(raw ?? ''));
    if (id === '') throw new RemoteError('Empty or invalid page ID given', 131);
    if (existCheck && !(await exists(id))) throw new RemoteError('The requested page (revision) does not exist', 121);
    if (!canRead(caller)) throw new AccessDenied('You are not allowed to read this page', 111);
    return id;
  }

  const methods: Record<string, MethodSpec> = {
    'core.getAPIVersion': { args: [], isPublic: true, run: async () => RELEASES[config.release].apiVersion },
    'core.getWikiVersion': { args: [], run: async () => RELEASES[config.release].name },
    'core.getWikiTitle': {
      args: [],
      isPublic: true,
      run: async () => {
        const local = await readFile(join(wiki.dir, 'conf', 'local.php'), 'utf8').catch(() => '');
        return /\$conf\['title'\]\s*=\s*'((?:[^'\\]|\\.)*)'/.exec(local)?.[1]?.replace(/\\(.)/g, '$1') ?? 'DokuWiki';
      },
    },
    'core.getWikiTime': { args: [], run: async () => Math.floor(Date.now() / 1000) },
    'core.listPages': {
      args: [['namespace', ''], ['depth', 1], ['hash', false]],
      run: async ([namespace, depth, hash], caller) => {
        const ns = cleanId(String(namespace ?? ''));
        const withHash = Boolean(hash);
        if (ns === '' && depth === 0) {
          // getAllPages(): the page index, in index order, readable and existing pages only.
          const ids = await readLines(join(data, 'index', 'page.idx'));
          const pages: Json[] = [];
          for (const id of ids) {
            if (!id || !canRead(caller) || !(await exists(id))) continue;
            pages.push(await page(id, caller, { hash: withHash }));
          }
          return pages;
        }
        // search_allpages over the folder, with the namespace's own depth added.
        let levels = typeof depth === 'number' ? depth : Number(depth) || 0;
        if (levels) levels += ns === '' ? 0 : ns.split(':').length;
        const pages: Json[] = [];
        if (!canRead(caller)) return pages;
        for (const id of await walkPages(join(data, 'pages'), ns)) {
          if (levels && id.split(':').length > levels) continue;
          pages.push(await page(id, caller, { hash: withHash }));
        }
        return pages;
      },
    },
    'core.getPage': {
      args: [['page'], ['rev', 0]],
      run: async ([raw, rev], caller) => {
        const id = await checkPage(raw ?? null, caller, false);
        if (rev && (await exists(id)) && Math.floor((await stat(pageFile(id))).mtimeMs / 1000) !== rev) return '';
        // rawWiki(); a missing page answers its template, which these wikis have none of.
        return readFile(pageFile(id), 'utf8').catch(() => '');
      },
    },
    'core.getPageHTML': {
      args: [['page'], ['rev', 0]],
      run: async ([raw], caller) => {
        const id = await checkPage(raw ?? null, caller);
        // p_wiki_xhtml(): rendered by the real wiki, as its export_xhtmlbody.
        const response = await fetch(`${wiki.url}doku.php?id=${encodeURIComponent(id)}&do=export_xhtmlbody`);
        const html = await response.text();
        if (!response.ok) throw new Error(`The wiki behind answered ${response.status}`);
        return html;
      },
    },
    'core.getPageInfo': {
      args: [['page'], ['rev', 0], ['author', false], ['hash', false]],
      run: async ([raw, rev, author, hash], caller) => {
        const id = await checkPage(raw ?? null, caller);
        return page(id, caller, { hash: Boolean(hash), author: Boolean(author), revision: Number(rev) || 0 });
      },
    },
    'core.getRecentPageChanges': {
      args: [['timestamp', 0]],
      run: async ([timestamp], caller) => {
        const from = Number(timestamp) || 0;
        const lines = (await readLines(join(data, 'meta', '_dokuwiki.changes'))).reverse();
        const seen = new Set<string>();
        const recent: Json[] = [];
        for (const line of lines) {
          const [date, ip, type, id, user, summary, , sizechange] = line.split('\t');
          if (!id || date === undefined || seen.has(id)) continue;
          seen.add(id);
          if (!canRead(caller)) continue;
          if (Number(date) < from) break;
          recent.push({
            id,
            revision: Number(date),
            author: user ?? '',
            ip: ip ?? '',
            summary: summary ?? '',
            type: type ?? '',
            sizechange: Number(sizechange) || 0,
          });
        }
        return recent.reverse();
      },
    },
  };

  /** inc/auth.php: a token first (Bearer or X-DokuWiki-Token), then HTTP Basic; failures stay anonymous. */
  function authenticate(request: IncomingMessage): Caller {
    const header = request.headers['authorization'] ?? '';
    const [scheme, value] = [header.split(' ')[0] ?? '', header.slice(header.indexOf(' ') + 1)];
    const token = (request.headers['x-dokuwiki-token'] as string | undefined) ?? (scheme === 'Bearer' ? value : '');
    if (token) {
      const user = config.tokens[token];
      if (user && config.users[user]) return { user, groups: config.users[user].groups };
    }
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const at = decoded.indexOf(':');
      const user = decoded.slice(0, at);
      const account = config.users[user];
      if (at > 0 && account && account.password === decoded.slice(at + 1)) return { user, groups: account.groups };
    }
    return { user: null, groups: [] };
  }

  /** auth_isMember() for remoteuser: users and @groups, comma-separated. */
  function mayUseApi(caller: Caller): boolean {
    const allowed = config.remoteuser.split(',').map((entry) => entry.trim()).filter(Boolean);
    return allowed.some((entry) =>
      // Everyone, even an anonymous caller, is in the group ALL.
      entry.startsWith('@') ? entry === '@ALL' || caller.groups.includes(entry.slice(1)) : entry === caller.user,
    );
  }

  /** Api::call() */
  async function callMethod(name: string, params: Json, caller: Caller): Promise<Json> {
    if (config.remoteuser.trim() === '!!not set!!') {
      throw new AccessDenied('Server Error. API is not enabled in config.', -32604);
    }
    const spec = methods[name];
    if (!spec) throw new RemoteError('Method does not exist', -32603);
    if (!spec.isPublic && config.remoteuser.trim() !== '' && !mayUseApi(caller)) {
      throw new AccessDenied('server error. not authorized to call method', -32604);
    }
    let args: Json[];
    if (Array.isArray(params)) {
      args = params;
      const required = spec.args.filter(([, fallback]) => fallback === undefined).length;
      if (args.length < required) {
        throw new RemoteError(
          `Too few arguments to function dokuwiki\\Remote\\ApiCore::${name.slice(5)}(), ${args.length} passed and at least ${required} expected`,
          -32602,
        );
      }
    } else {
      // ApiCall::namedArgsToPositional()
      const named = params !== null && typeof params === 'object' ? params : {};
      args = spec.args.map(([arg, fallback]) => {
        if (named[arg] !== undefined && named[arg] !== null) return named[arg]!;
        if (fallback !== undefined) return fallback;
        throw new RemoteError(`Missing argument ${arg}`, -32602);
      });
    }
    for (const [i, [, fallback]] of spec.args.entries()) if (args[i] === undefined && fallback !== undefined) args[i] = fallback;
    return spec.run(args, caller);
  }

  async function serveApi(request: IncomingMessage, response: ServerResponse, path: string, body: Buffer): Promise<RecordedCall> {
    const record: RecordedCall = { httpMethod: request.method ?? 'GET', path, status: 200 };
    const send = (status: number, payload: Json, headers: Record<string, string> = {}) => {
      record.status = status;
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    const fail = (status: number, code: number, message: string, headers: Record<string, string> = {}) =>
      send(status, { error: { code, message } }, headers);

    if (!config.remote) return fail(404, -32605, 'JSON-RPC server not enabled.'), record;
    if (request.method !== 'POST') return fail(405, -32606, 'JSON-RPC server only accepts POST requests.', { Allow: 'POST' }), record;
    const contentType = request.headers['content-type'] ?? '';
    const accepted = RELEASES[config.release].strictContentType
      ? contentType === 'application/json'
      : contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
    if (!accepted) return fail(415, -32606, 'JSON-RPC server only accepts application/json requests.'), record;

    let data: Json;
    try {
      data = body.length ? (JSON.parse(body.toString('utf8')) as Json) : [];
    } catch {
      return fail(400, -32700, 'JSON-RPC server only accepts valid JSON.'), record;
    }

    // JsonRpcServer::createResponse()
    const answer: { [key: string]: Json } = {};
    let method: string;
    let params: Json;
    let version = 0;
    if (data !== null && typeof data === 'object' && !Array.isArray(data) && data['method'] !== undefined) {
      method = String(data['method']);
      params = data['params'] ?? [];
      version = 1;
      if (data['id'] !== undefined && data['id'] !== null) answer['id'] = data['id'];
      if (data['jsonrpc'] !== undefined && data['jsonrpc'] !== null) {
        answer['jsonrpc'] = data['jsonrpc'];
        version = Number(data['jsonrpc']) || 0;
      }
      if (data['version'] !== undefined && data['version'] !== null) {
        answer['version'] = data['version'];
        version = Number(data['version']) || 0;
      }
    } else {
      method = path.slice(ENDPOINT.length).replace(/^\/+|\/+$/g, '');
      params = data;
    }
    record.rpcMethod = method;

    const caller = authenticate(request);
    try {
      answer['result'] = await callMethod(method, params, caller);
    } catch (error) {
      if (error instanceof AccessDenied) {
        return caller.user === null
          ? fail(401, -32603, `server error. not authorized to call method ${method}`)
          : fail(403, -32604, `server error. forbidden to call the method ${method}`), record;
      }
      if (error instanceof RemoteError) return fail(400, error.code || 1, error.message), record;
      // Anything else reaches lib/exe/jsonrpc.php's catch-all: code 1 (getCode() ?: 1),
      // under whatever status was set, which is still 200.
      return fail(200, 1, error instanceof Error ? error.message : String(error)), record;
    }
    // addErrorData(): 1.x wants error null, the short form a success "error", 2.0 none.
    if (version > 0 && version < 2) answer['error'] = null;
    else if (version < 1) answer['error'] = { code: 0, message: 'success' };
    send(200, answer);
    return record;
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (request.url ?? '/').split('?')[0]!;
      const done = (record: RecordedCall) => calls.push(record);
      if (path === ENDPOINT || path.startsWith(`${ENDPOINT}/`)) {
        serveApi(request, response, path, body).then(done, (error: unknown) => {
          response.destroy(error instanceof Error ? error : undefined);
        });
        return;
      }
      forward(request, response, body, wiki.url).then(
        (status) => done({ httpMethod: request.method ?? 'GET', path, status }),
        () => undefined,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    configure(changes) {
      Object.assign(config, changes);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Passes a request on to the wiki behind, as a reverse proxy: same method, headers (Host too) and body. */
export function forward(request: IncomingMessage, response: ServerResponse, body: Buffer, upstreamUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const upstream = new URL(upstreamUrl);
    const outgoing = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, 'content-length': String(body.length) },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
        answer.on('end', () => resolve(answer.statusCode ?? 502));
        answer.on('error', reject);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) {
        response.writeHead(502, { 'Content-Type': 'text/plain' });
        response.end(`The wiki behind this server cannot be reached: ${error.message}`);
      } else {
        response.destroy();
      }
      reject(error);
    });
    outgoing.end(body);
  });
}

/** cleanID() for the ids tests use: lowercase, ':' for '/' and ';', '_' for spaces, no empty parts. */
function cleanId(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[/;]/g, ':')
    .replace(/\s+/g, '_')
    .replace(/[^a-z0-9_.:\-\u0080-\uffff]/g, '_')
    .split(':')
    .map((part) => part.replace(/^[._-]+|[._-]+$/g, ''))
    .filter(Boolean)
    .join(':');
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

/** Page ids under a namespace's folder, sorted as a folder walk finds them. */
async function walkPages(pagesDir: string, ns: string): Promise<string[]> {
  const start = ns === '' ? pagesDir : join(pagesDir, ...ns.split(':'));
  const entries = (await readdir(start, { recursive: true }).catch(() => [])) as string[];
  return entries
    .filter((entry) => entry.endsWith('.txt'))
    .map((entry) => [ns, ...entry.slice(0, -4).split('/')].filter(Boolean).join(':'))
    .sort();
}
