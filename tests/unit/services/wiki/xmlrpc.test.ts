// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { WikiError } from '../../../../lib/wiki/errors';
import {
  API_DISABLED,
  XmlRpcClient,
  XmlRpcFault,
  XmlRpcParseError,
  XmlRpcRefusal,
  decodeMethodResponse,
  encodeMethodCall,
  encodeValue,
  expectType,
  isEmptyStruct,
  type XmlRpcValue,
} from '../../../../services/wiki/xmlrpc';
import { CAPTURED_WIKI, asResponse, captured, fakeFetch } from './captured';
import { VirtualClock } from '../../../support/virtual-clock';

const respond = (value: string) =>
  `<?xml version="1.0"?><methodResponse><params><param>${value}</param></params></methodResponse>`;

describe('encodeMethodCall', () => {
  it('encodes every value type', () => {
    const xml = encodeMethodCall('dokuwiki.getPagelist', [
      '',
      { depth: 0, hash: true, ratio: 0.5, big: 2 ** 40, when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
      [1, 'two', null, new Uint8Array([104, 105])],
    ]);
    expect(xml).toBe(
      '<?xml version="1.0"?>\n<methodCall><methodName>dokuwiki.getPagelist</methodName><params>' +
        '<param><value><string></string></value></param>' +
        '<param><value><struct>' +
        '<member><name>depth</name><value><int>0</int></value></member>' +
        '<member><name>hash</name><value><boolean>1</boolean></value></member>' +
        '<member><name>ratio</name><value><double>0.5</double></value></member>' +
        '<member><name>big</name><value><double>1099511627776</double></value></member>' +
        '<member><name>when</name><value><dateTime.iso8601>2024-01-02T03:04:05Z</dateTime.iso8601></value></member>' +
        '</struct></value></param>' +
        '<param><value><array><data>' +
        '<value><int>1</int></value><value><string>two</string></value><value><nil/></value><value><base64>aGk=</base64></value>' +
        '</data></array></value></param>' +
        '</params></methodCall>',
    );
  });

  it('escapes markup in strings and member names', () => {
    expect(encodeValue({ 'a<b': 'x & </string><int>1' })).toBe(
      '<value><struct><member><name>a&lt;b</name><value><string>x &amp; &lt;/string&gt;&lt;int&gt;1</string></value></member></struct></value>',
    );
  });

  it('refuses values XML-RPC cannot carry and method names that would break the XML', () => {
    expect(() => encodeValue(Number.NaN)).toThrow(TypeError);
    expect(() => encodeValue(new Date('nope'))).toThrow(TypeError);
    expect(() => encodeMethodCall('wiki.getPage</methodName>', [])).toThrow(TypeError);
  });

  it('round-trips through the decoder', () => {
    const value: XmlRpcValue = {
      text: 'Ünïcode & <tags> "quoted"',
      n: -42,
      d: 3.25,
      yes: true,
      no: false,
      when: new Date(Date.UTC(2026, 10, 28, 15, 56, 56)),
      bytes: new Uint8Array([0, 255, 10]),
      nothing: null,
      list: [[], {}, ['nested']],
    };
    const call = encodeMethodCall('x', [value]);
    const asResponseXml = call
      .replace('<methodCall><methodName>x</methodName>', '<methodResponse>')
      .replace('</methodCall>', '</methodResponse>');
    expect(decodeMethodResponse(asResponseXml)).toEqual(value);
  });
});

describe('decodeMethodResponse', () => {
  it('decodes the scalar types, with and without explicit <string>', () => {
    expect(decodeMethodResponse(respond('<value><int>7</int></value>'))).toBe(7);
    expect(decodeMethodResponse(respond('<value><i4>-7</i4></value>'))).toBe(-7);
    expect(decodeMethodResponse(respond('<value><i8>9007199254740991</i8></value>'))).toBe(9007199254740991);
    expect(decodeMethodResponse(respond('<value><double>-1.5e3</double></value>'))).toBe(-1500);
    expect(decodeMethodResponse(respond('<value><boolean>0</boolean></value>'))).toBe(false);
    expect(decodeMethodResponse(respond('<value><boolean>1</boolean></value>'))).toBe(true);
    expect(decodeMethodResponse(respond('<value>bare text</value>'))).toBe('bare text');
    expect(decodeMethodResponse(respond('<value><string>  kept  spaces </string></value>'))).toBe('  kept  spaces ');
    expect(decodeMethodResponse(respond('<value><string><![CDATA[<b>raw</b> & ]]>more</string></value>'))).toBe(
      '<b>raw</b> & more',
    );
    expect(decodeMethodResponse(respond('<value><string>&lt;p&gt;&amp;&#233;&#x263A;</string></value>'))).toBe('<p>&é☺');
    expect(decodeMethodResponse(respond('<value><nil/></value>'))).toBeNull();
    expect(decodeMethodResponse(respond('<value><base64>aGVs\nbG8=</base64></value>'))).toEqual(
      new TextEncoder().encode('hello'),
    );
  });

  it('decodes both date forms: the spec\'s compact one and DokuWiki\'s ISO 8601 with an offset', () => {
    expect(decodeMethodResponse(respond('<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value>'))).toEqual(
      new Date(Date.UTC(1998, 6, 17, 14, 8, 55)),
    );
    expect(
      decodeMethodResponse(respond('<value><dateTime.iso8601>2026-11-28T17:56:56+02:00</dateTime.iso8601></value>')),
    ).toEqual(new Date(Date.UTC(2026, 10, 28, 15, 56, 56)));
  });

  it('keeps a member named __proto__ as data', () => {
    const value = decodeMethodResponse(
      respond('<value><struct><member><name>__proto__</name><value><string>x</string></value></member></struct></value>'),
    ) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('decodes a real page list', () => {
    const list = decodeMethodResponse(captured('xmlrpc-pagelist').text) as Array<Record<string, unknown>>;
    expect(list.length).toBeGreaterThan(10);
    const metagpt = list.find((p) => p['id'] === 'metagpt')!;
    expect(metagpt).toMatchObject({ id: 'metagpt', rev: expect.any(Number), mtime: expect.any(Number), size: expect.any(Number) });
    expect(metagpt['hash']).toMatch(/^[0-9a-f]{32}$/);
    expect(list.some((p) => p['id'] === 'guides:setup:first_steps')).toBe(true);
  });

  it('decodes a real page, its HTML and its info', () => {
    const raw = decodeMethodResponse(captured('xmlrpc-page').text) as string;
    expect(raw).toBe(captured('export-raw').text);
    const html = decodeMethodResponse(captured('xmlrpc-page-html').text) as string;
    expect(html).toContain('<h1');
    expect(html).toContain('data-wiki-id=');
    const info = decodeMethodResponse(captured('xmlrpc-page-info').text) as Record<string, unknown>;
    expect(info['name']).toBe('metagpt');
    expect(info['lastModified']).toBeInstanceOf(Date);
  });

  it('throws a fault with its code and string', () => {
    const error = (() => {
      try {
        decodeMethodResponse(captured('xmlrpc-not-xml').text);
      } catch (e) {
        return e;
      }
    })() as XmlRpcFault;
    expect(error).toBeInstanceOf(XmlRpcFault);
    expect(error).toBeInstanceOf(WikiError);
    expect(error.code).toBe(-32700);
    expect(error.faultString).toBe('parse error. not well formed');
    expect(error.kind).toBe('bad-response');
  });

  it('recognises the API switched off (fault -32605)', () => {
    expect(() => decodeMethodResponse(captured('xmlrpc-api-disabled').text, 'http://wiki.example/lib/exe/xmlrpc.php')).toThrow(
      expect.objectContaining({
        code: API_DISABLED,
        kind: 'denied',
        message: 'http://wiki.example has its XML-RPC API switched off.',
      }),
    );
  });

  it('rejects what is not an XML-RPC response, clearly', () => {
    for (const bad of [
      '<html><body>404</body></html>',
      '',
      '<methodResponse><params></params></methodResponse>',
      respond('<value><int>twelve</int></value>'),
      respond('<value><boolean>yes</boolean></value>'),
      respond('<value><dateTime.iso8601>yesterday</dateTime.iso8601></value>'),
      respond('<value><struct><member><name>x</name></member></struct></value>'),
      respond('<value><float>1</float></value>'),
      '<methodResponse><fault><value><string>x</string></value></fault></methodResponse>',
    ]) {
      expect(() => decodeMethodResponse(bad), bad).toThrow(XmlRpcParseError);
    }
  });
});

describe('the empty-struct trap', () => {
  const endpoint = 'http://wiki.example/lib/exe/xmlrpc.php';

  it('is what DokuWiki 2022 answers for an unknown method and a missing page\'s info', () => {
    expect(isEmptyStruct(decodeMethodResponse(captured('xmlrpc-unknown-method').text))).toBe(true);
    expect(isEmptyStruct(decodeMethodResponse(captured('xmlrpc-page-info-missing').text))).toBe(true);
    expect(isEmptyStruct(decodeMethodResponse(captured('xmlrpc-page-info').text))).toBe(false);
    expect(isEmptyStruct([])).toBe(false);
    expect(isEmptyStruct('')).toBe(false);
  });

  it('becomes a refusal naming the method where an array or string was expected', () => {
    const empty = decodeMethodResponse(captured('xmlrpc-unknown-method').text);
    expect(() => expectType(empty, 'array', 'dokuwiki.getPagelist', endpoint)).toThrow(XmlRpcRefusal);
    expect(() => expectType(empty, 'string', 'wiki.getPage', endpoint)).toThrow(
      'http://wiki.example did not let this reader call wiki.getPage: it is not allowed or not known there.',
    );
    expect(expectType(empty, 'struct', 'wiki.getPageInfo', endpoint)).toEqual({});
  });

  it('leaves other wrong shapes as bad responses', () => {
    expect(() => expectType('text', 'array', 'dokuwiki.getPagelist', endpoint)).toThrow(
      expect.objectContaining({
        kind: 'bad-response',
        message: 'http://wiki.example answered dokuwiki.getPagelist with a string where an array was expected.',
      }),
    );
    expect(expectType([1], 'array', 'm')).toEqual([1]);
    expect(expectType('', 'string', 'm')).toBe('');
  });
});

describe('XmlRpcClient', () => {
  it('posts the call as text/xml to lib/exe/xmlrpc.php and decodes the answer', async () => {
    const { fetch, requests } = fakeFetch(() => asResponse('xmlrpc-api-version'));
    const client = new XmlRpcClient(CAPTURED_WIKI, { fetch });
    await expect(client.call('dokuwiki.getXMLRPCAPIVersion')).resolves.toBe(11);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('http://127.0.0.1:8080/lib/exe/xmlrpc.php');
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.body).toContain('<methodName>dokuwiki.getXMLRPCAPIVersion</methodName>');
  });

  it('works under a wiki in a sub-folder', () => {
    expect(new XmlRpcClient('https://example.org/wiki/').endpoint).toBe('https://example.org/wiki/lib/exe/xmlrpc.php');
  });

  it('turns HTTP 401 (anonymous callers not allowed) into a denial', async () => {
    const { fetch } = fakeFetch(() => asResponse('xmlrpc-version-not-anonymous'));
    const error = await new XmlRpcClient(CAPTURED_WIKI, { fetch }).call('dokuwiki.getVersion').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({ kind: 'denied', status: 401 });
    expect((error as Error).message).toBe(
      'http://127.0.0.1:8080 refused dokuwiki.getVersion (HTTP 401): anonymous readers may not use its API.',
    );
  });

  it('turns other HTTP errors into http errors', async () => {
    const { fetch, requests } = fakeFetch(() => new Response('oops', { status: 502 }));
    const clock = new VirtualClock();
    await expect(new XmlRpcClient(CAPTURED_WIKI, { fetch, clock }).call('wiki.getPage', ['x'])).rejects.toMatchObject({
      kind: 'http',
      status: 502,
      message: 'http://127.0.0.1:8080 answered 502 to wiki.getPage.',
    });
    // A 502 may pass: asked again three times, after waits that grow.
    expect(requests).toHaveLength(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('says to check the credentials when a call with credentials is refused', async () => {
    const { fetch } = fakeFetch(() => asResponse('xmlrpc-version-not-anonymous'));
    const client = new XmlRpcClient(CAPTURED_WIKI, { fetch, credentials: { user: 'editor', password: 'wrong' } });
    await expect(client.call('dokuwiki.getVersion')).rejects.toMatchObject({
      kind: 'denied',
      message: "http://127.0.0.1:8080 refused dokuwiki.getVersion (HTTP 401): check the user name and password, or the API's allowed users.",
    });
  });

  it('sends basic credentials when given some', async () => {
    let authorization: string | null = null;
    const client = new XmlRpcClient(CAPTURED_WIKI, {
      auth: { user: 'editor', password: 'pässword' },
      fetch: async (_url, init) => {
        authorization = new Headers(init?.headers).get('authorization');
        return asResponse('xmlrpc-version');
      },
    });
    await client.call('dokuwiki.getVersion');
    expect(authorization).toBe(`Basic ${Buffer.from('editor:pässword').toString('base64')}`);
  });
});
