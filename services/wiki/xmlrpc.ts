/**
 * XML-RPC as DokuWiki speaks it (http://xmlrpc.com/spec.md): method calls
 * encoded as text, responses parsed with htmlparser2 in XML mode into a small
 * element tree and interpreted from there: no regular expressions over XML.
 */
import { Parser } from 'htmlparser2';
import { WikiError } from '../../lib/wiki/errors';
import { authorizationHeader, siteOf, WikiHttp, type HttpOptions } from './http';

export type XmlRpcValue = string | number | boolean | Date | Uint8Array | null | XmlRpcValue[] | XmlRpcStruct;
export interface XmlRpcStruct {
  [member: string]: XmlRpcValue;
}

/** A `<fault>` answer: the server understood the call and refused or failed it. */
export class XmlRpcFault extends WikiError {
  readonly code: number;
  readonly faultString: string;

  constructor(code: number, faultString: string, url?: string) {
    super(
      code === API_DISABLED ? 'denied' : 'bad-response',
      code === API_DISABLED
        ? `${url ? siteOf(url) : 'The wiki'} has its XML-RPC API switched off.`
        : `${url ? siteOf(url) : 'The wiki'} answered with an error: ${faultString || 'no message'} (code ${code}).`,
      url === undefined ? {} : { url },
    );
    this.code = code;
    this.faultString = faultString;
  }
}

/** DokuWiki's fault code for `remote` = 0 (inc/Remote/XmlRpcServer.php). */
export const API_DISABLED = -32605;

// ---------------------------------------------------------------------------
// Encoding

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

export function encodeValue(value: XmlRpcValue): string {
  if (value === null) return '<value><nil/></value>';
  switch (typeof value) {
    case 'string':
      return `<value><string>${escapeXml(value)}</string></value>`;
    case 'boolean':
      return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`XML-RPC cannot carry ${value}.`);
      return Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX
        ? `<value><int>${value}</int></value>`
        : `<value><double>${value}</double></value>`;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('XML-RPC cannot carry an invalid date.');
    // ISO 8601 in UTC without milliseconds, which DokuWiki's IXR parses.
    return `<value><dateTime.iso8601>${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}</dateTime.iso8601></value>`;
  }
  if (value instanceof Uint8Array) return `<value><base64>${toBase64(value)}</base64></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map(encodeValue).join('')}</data></array></value>`;
  const members = Object.entries(value)
    .map(([name, member]) => `<member><name>${escapeXml(name)}</name>${encodeValue(member)}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

export function encodeMethodCall(method: string, params: readonly XmlRpcValue[] = []): string {
  if (!/^[A-Za-z0-9_.:/]+$/.test(method)) throw new TypeError(`"${method}" is not an XML-RPC method name.`);
  const encoded = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${encoded}</params></methodCall>`;
}

// ---------------------------------------------------------------------------
// Decoding

interface XmlNode {
  name: string;
  children: XmlNode[];
  /** All text directly inside the element, entities and CDATA decoded. */
  text: string;
}

/** Thrown for anything that is not a well-formed XML-RPC response. */
export class XmlRpcParseError extends WikiError {
  constructor(detail: string, url?: string) {
    super(
      'bad-response',
      `${url ? siteOf(url) : 'The wiki'} did not answer with a valid XML-RPC response (${detail}).`,
      url === undefined ? {} : { url },
    );
  }
}

function parseXml(xml: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack: XmlNode[] = [root];
  const parser = new Parser(
    {
      onopentag(name) {
        const node: XmlNode = { name, children: [], text: '' };
        stack[stack.length - 1]!.children.push(node);
        stack.push(node);
      },
      ontext(text) {
        stack[stack.length - 1]!.text += text;
      },
      onclosetag() {
        if (stack.length > 1) stack.pop();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return root;
}

const only = (node: XmlNode, name: string): XmlNode | undefined => node.children.find((c) => c.name === name);

/**
 * Decodes a methodResponse. Returns the value, or throws XmlRpcFault for a
 * `<fault>` and XmlRpcParseError for anything else that is not a response.
 */
export function decodeMethodResponse(xml: string, url?: string): XmlRpcValue {
  const document = parseXml(xml);
  const response = only(document, 'methodResponse');
  if (!response) throw new XmlRpcParseError('no methodResponse element', url);
  const fault = only(response, 'fault');
  if (fault) {
    const value = only(fault, 'value');
    const decoded = value ? decodeValue(value, url) : null;
    if (!isStruct(decoded)) throw new XmlRpcParseError('a fault without its struct', url);
    const code = decoded['faultCode'];
    const message = decoded['faultString'];
    throw new XmlRpcFault(typeof code === 'number' ? code : Number(code), typeof message === 'string' ? message : '', url);
  }
  const value = response.children.find((c) => c.name === 'params')?.children.find((c) => c.name === 'param');
  const inner = value && only(value, 'value');
  if (!inner) throw new XmlRpcParseError('no value in the response', url);
  return decodeValue(inner, url);
}

function decodeValue(value: XmlNode, url?: string): XmlRpcValue {
  const typed = value.children[0];
  // A <value> without a type element is a string (the spec's default type).
  if (!typed) return value.text;
  const text = typed.text;
  switch (typed.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      const trimmed = text.trim();
      if (!/^[+-]?\d+$/.test(trimmed)) throw new XmlRpcParseError(`"${trimmed}" is not an ${typed.name}`, url);
      return Number(trimmed);
    }
    case 'double': {
      const n = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(n)) throw new XmlRpcParseError(`"${text.trim()}" is not a double`, url);
      return n;
    }
    case 'boolean': {
      const trimmed = text.trim();
      if (trimmed === '1' || trimmed === 'true') return true;
      if (trimmed === '0' || trimmed === 'false') return false;
      throw new XmlRpcParseError(`"${trimmed}" is not a boolean`, url);
    }
    case 'dateTime.iso8601':
      return parseIsoDate(text.trim(), url);
    case 'base64':
      return fromBase64(text.replace(/\s+/g, ''), url);
    case 'nil':
      return null;
    case 'array': {
      const data = only(typed, 'data');
      return data ? data.children.filter((c) => c.name === 'value').map((v) => decodeValue(v, url)) : [];
    }
    case 'struct': {
      const struct: XmlRpcStruct = {};
      for (const member of typed.children) {
        if (member.name !== 'member') continue;
        const name = only(member, 'name');
        const memberValue = only(member, 'value');
        if (!name || !memberValue) throw new XmlRpcParseError('a struct member without name or value', url);
        // defineProperty: a member named "__proto__" must stay data, not become a prototype.
        Object.defineProperty(struct, name.text, {
          value: decodeValue(memberValue, url),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return struct;
    }
    default:
      throw new XmlRpcParseError(`unknown value type <${typed.name}>`, url);
  }
}

/** "19980717T14:08:55" (the spec) or ISO 8601 with dashes and an offset (DokuWiki's IXR). No offset: UTC. */
function parseIsoDate(text: string, url?: string): Date {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) throw new XmlRpcParseError(`"${text}" is not a dateTime.iso8601`, url);
  const [, y, mo, d, h, mi, s, zone] = m;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetMinutes * 60_000;
  return new Date(ms);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string, url?: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new XmlRpcParseError('invalid base64', url);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// ---------------------------------------------------------------------------
// Shapes

export function isStruct(value: XmlRpcValue | undefined): value is XmlRpcStruct {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * DokuWiki 2022 answers "no access", "unknown method", "no changes" and "bad
 * timestamp" with a normal response whose value is an empty <struct></struct>
 * (its server returns the exception object instead of throwing it), so an
 * empty struct where anything else was expected is a refusal, not data.
 */
export function isEmptyStruct(value: XmlRpcValue): boolean {
  return isStruct(value) && Object.keys(value).length === 0;
}

/** The refusal hidden in an empty struct, as an error naming the method. */
export class XmlRpcRefusal extends WikiError {
  readonly method: string;
  constructor(method: string, url?: string) {
    super(
      'denied',
      `${url ? siteOf(url) : 'The wiki'} did not let this reader call ${method}: it is not allowed or not known there.`,
      url === undefined ? {} : { url },
    );
    this.method = method;
  }
}

type Expected = 'array' | 'string' | 'number' | 'boolean' | 'struct' | 'date';

function describe(value: XmlRpcValue): string {
  if (value === null) return 'nil';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (value instanceof Uint8Array) return 'base64';
  if (isStruct(value)) return 'a struct';
  return `a ${typeof value}`;
}

/** The value as the method's documented type; the empty-struct trap becomes an XmlRpcRefusal. */
export function expectType(value: XmlRpcValue, expected: 'array', method: string, url?: string): XmlRpcValue[];
export function expectType(value: XmlRpcValue, expected: 'string', method: string, url?: string): string;
export function expectType(value: XmlRpcValue, expected: 'number', method: string, url?: string): number;
export function expectType(value: XmlRpcValue, expected: 'boolean', method: string, url?: string): boolean;
export function expectType(value: XmlRpcValue, expected: 'struct', method: string, url?: string): XmlRpcStruct;
export function expectType(value: XmlRpcValue, expected: 'date', method: string, url?: string): Date;
export function expectType(value: XmlRpcValue, expected: Expected, method: string, url?: string): XmlRpcValue {
  const fits =
    expected === 'array'
      ? Array.isArray(value)
      : expected === 'struct'
        ? isStruct(value)
        : expected === 'date'
          ? value instanceof Date
          : typeof value === expected;
  if (fits) return value;
  if (expected !== 'struct' && isEmptyStruct(value)) throw new XmlRpcRefusal(method, url);
  throw new WikiError(
    'bad-response',
    `${url ? siteOf(url) : 'The wiki'} answered ${method} with ${describe(value)} where ${expected === 'array' ? 'an array' : `a ${expected}`} was expected.`,
    url === undefined ? {} : { url },
  );
}

// ---------------------------------------------------------------------------
// The client

export interface XmlRpcClientOptions extends HttpOptions {
  /** HTTP basic credentials for this client's calls only (e.g. wiki.putPage in tests). */
  auth?: { user: string; password: string };
}

/** Calls one wiki's `lib/exe/xmlrpc.php`. */
export class XmlRpcClient {
  readonly endpoint: string;
  readonly http: WikiHttp;
  private readonly authorization: string | undefined;

  constructor(wikiUrl: string, options: XmlRpcClientOptions | WikiHttp = {}) {
    this.endpoint = new URL('lib/exe/xmlrpc.php', wikiUrl).href;
    this.http = WikiHttp.from(options);
    const auth = options instanceof WikiHttp ? undefined : options.auth;
    this.authorization = auth ? authorizationHeader(auth) : undefined;
  }

  /**
   * Calls `method` and returns its value. Rejects with XmlRpcFault for a
   * fault, a 'denied' WikiError for HTTP 401/403, an 'http' WikiError for
   * other statuses, and the errors of WikiHttp.
   */
  async call(method: string, params: readonly XmlRpcValue[] = [], signal?: AbortSignal): Promise<XmlRpcValue> {
    return (await this.callAt(method, params, signal)).value;
  }

  /** As call(), with the wiki's clock at the answer (its Date header), for "changes since" bookkeeping. */
  async callAt(
    method: string,
    params: readonly XmlRpcValue[] = [],
    signal?: AbortSignal,
  ): Promise<{ value: XmlRpcValue; serverTime: number }> {
    const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8', Accept: 'text/xml' };
    if (this.authorization) headers['Authorization'] = this.authorization;
    const response = await this.http.text(
      this.endpoint,
      // credentials 'omit': the extension's own cookies for the wiki must not
      // turn an anonymous sync into a logged-in one.
      { method: 'POST', headers, body: encodeMethodCall(method, params), credentials: 'omit', cache: 'no-store' },
      signal,
    );
    if (response.status === 401 || response.status === 403) {
      throw new WikiError(
        'denied',
        this.http.authenticated || this.authorization
          ? `${siteOf(this.endpoint)} refused ${method} (HTTP ${response.status}): check the user name and password, or the API's allowed users.`
          : `${siteOf(this.endpoint)} refused ${method} (HTTP ${response.status}): anonymous readers may not use its API.`,
        { url: this.endpoint, status: response.status },
      );
    }
    if (response.status < 200 || response.status > 299) {
      throw new WikiError('http', `${siteOf(this.endpoint)} answered ${response.status} to ${method}.`, {
        url: this.endpoint,
        status: response.status,
      });
    }
    return { value: decodeMethodResponse(response.text, this.endpoint), serverTime: this.http.serverTime(response) };
  }
}
