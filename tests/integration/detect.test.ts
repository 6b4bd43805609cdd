/**
 * Telling a DokuWiki from anything else, against real servers: a DokuWiki
 * whose API refuses anonymous callers, a web server that is not a wiki, and
 * a port nothing listens on.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { WikiError } from '../../lib/wiki/errors';
import { detectGateway } from '../../services/wiki/detect';

let wiki: LocalWiki;
let notAWiki: Server;
let notAWikiUrl: string;

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true });
  notAWiki = createServer((request, response) => {
    // Under /site/ every address answers with the same ordinary HTML page.
    if (request.url === '/' || request.url?.startsWith('/site/')) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><head><title>Hello</title></head><body><h1>Just a site</h1></body></html>');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found');
  });
  await new Promise<void>((resolve) => notAWiki.listen(0, '127.0.0.1', resolve));
  const address = notAWiki.address();
  notAWikiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});

afterAll(async () => {
  await wiki?.stop();
  await new Promise((resolve) => notAWiki?.close(resolve));
});

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('detectGateway against real servers', () => {
  it('says a web server that is not a DokuWiki is not one', async () => {
    const error = await detectGateway(notAWikiUrl).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({
      kind: 'not-dokuwiki',
      message: `${notAWikiUrl} answered 404: it does not look like a DokuWiki. Check the wiki's address.`,
    });
  });

  it('says a web server answering plain HTML everywhere is not a DokuWiki', async () => {
    await expect(detectGateway(`${notAWikiUrl}site/`)).rejects.toMatchObject({
      kind: 'not-dokuwiki',
      message: `${notAWikiUrl}site/ answered a page that is not from DokuWiki: it does not look like a DokuWiki. Check the wiki's address.`,
    });
  });

  it('says a closed port is unreachable', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const error = await detectGateway(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect(error).toMatchObject({
      kind: 'unreachable',
      message: `${url.replace(/\/$/, '')} cannot be reached (connection refused). Check the address and your connection.`,
    });
  });

  it('falls back to the public pages when the API is on but not for anonymous callers', async () => {
    expect((await detectGateway(wiki.url)).kind).toBe('xmlrpc');
    const local = join(wiki.dir, 'conf', 'local.php');
    const original = await readFile(local, 'utf8');
    try {
      await writeFile(local, original.replace("$conf['remoteuser'] = '';", "$conf['remoteuser'] = '!!not set!!';"));
      const gateway = await detectGateway(wiki.url);
      expect(gateway.kind).toBe('public');
      expect((await gateway.listPages()).length).toBeGreaterThan(5);
    } finally {
      await writeFile(local, original);
    }
  });
});
