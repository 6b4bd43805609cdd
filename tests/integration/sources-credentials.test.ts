/**
 * Private wikis against a real DokuWiki 2022: an XML-RPC API open only to its
 * users (HTTP Basic, which this release accepts on every endpoint), and a
 * wiki whose pages only its users may read, with the API off. A refusal is
 * never taken for a missing page: nothing cached is removed because of it.
 */
// IndexedDB here is fake-indexeddb (idb needs its globals); the browser's own is covered end to end.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDITOR_PASSWORD, EDITOR_USER, startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { WikiError } from '../../lib/wiki/errors';
import { openDatabase } from '../../services/store/db';
import { runSync } from '../../services/sync/sync-runner';
import { detectGateway, type DetectOptions } from '../../services/wiki/detect';
import { PublicGateway } from '../../services/wiki/public-gateway';
import { setWikiAcl, setWikiConf } from '../support/wiki-conf';

const PAGES = {
  'team:handbook': '====== Handbook ======\n\n**The handbook** says how the team works.\n',
  'team:oncall': '====== On Call ======\n\n**On call** is who answers at night.\n',
  glossary: '====== Glossary ======\n\n**Glossary** lists the [[team:handbook|handbook]] terms.\n',
};
const FAST: DetectOptions = { politeness: { maxPerSecond: Infinity, retries: 1, backoffMs: 10 } };
const ACCOUNT = { user: EDITOR_USER, password: EDITOR_PASSWORD };

let wiki: LocalWiki;
let site: string;

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true, seedDir: null, pages: PAGES });
  site = wiki.url.replace(/\/$/, '');
});

afterAll(async () => {
  await wiki?.stop();
});

describe('an XML-RPC API open only to the wiki\'s users', () => {
  it('is used with an account; anonymous and wrong passwords get the public pages', async () => {
    const restore = await setWikiConf(wiki, { remoteuser: '@user' });
    try {
      expect((await detectGateway(wiki.url, undefined, FAST)).kind).toBe('public');
      const gateway = await detectGateway(wiki.url, undefined, { ...FAST, credentials: ACCOUNT });
      expect(gateway.kind).toBe('xmlrpc');
      expect((await gateway.listPages()).map((p) => p.id).sort()).toEqual(Object.keys(PAGES).sort());
      expect((await gateway.listChanges(Date.now() - 60_000)).changes.length).toBe(3);
      expect((await detectGateway(wiki.url, undefined, { ...FAST, credentials: { ...ACCOUNT, password: 'wrong' } })).kind).toBe('public');
    } finally {
      await restore();
    }
  });

  it('says why when XML-RPC is forced and the password is wrong', async () => {
    const restore = await setWikiConf(wiki, { remoteuser: '@user' });
    try {
      const error = await detectGateway(wiki.url, undefined, { ...FAST, source: 'xmlrpc', credentials: { ...ACCOUNT, password: 'wrong' } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WikiError);
      expect(error).toMatchObject({
        kind: 'denied',
        status: 401,
        message: `${site} refused dokuwiki.getVersion (HTTP 401): check the user name and password, or the API's allowed users.`,
      });
    } finally {
      await restore();
    }
  });
});

describe('a wiki only its users may read, API off', () => {
  let restore: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    restore = [await setWikiConf(wiki, { remote: 0 }), await setWikiAcl(wiki, ['*\t@ALL\t0', '*\t@user\t8'])];
  });

  afterAll(async () => {
    for (const undo of restore.reverse()) await undo();
  });

  it('tells an anonymous reader it is private', async () => {
    await expect(detectGateway(wiki.url, undefined, FAST)).rejects.toMatchObject({
      kind: 'denied',
      message: `${wiki.url} is a DokuWiki that does not let this reader in. If it is a private wiki, enter an account or a token.`,
    });
  });

  it('is read through its public pages with an account', async () => {
    const db = await openDatabase(new IDBFactory());
    const gateway = await detectGateway(wiki.url, undefined, { ...FAST, credentials: ACCOUNT });
    expect(gateway.kind).toBe('public');
    const report = await runSync({ gateway, db, onProgress: () => {} });
    expect(report).toMatchObject({ fetched: 3, articleCount: 3, skipped: [] });
    expect((await db.get('articles', 'glossary'))?.links).toEqual(['team:handbook']);
  });

  it('never takes a refused page for a deleted one: the cache stays, the error is clear', async () => {
    const db = await openDatabase(new IDBFactory());
    await runSync({ gateway: new PublicGateway(wiki.url, { ...FAST, credentials: ACCOUNT }), db, onProgress: () => {} });
    const cached = (await db.getAllKeys('articles')).sort();
    expect(cached).toHaveLength(3);

    const anonymous = new PublicGateway(wiki.url, FAST);
    await expect(anonymous.fetchPage('team:handbook')).rejects.toMatchObject({
      kind: 'denied',
      message: `${site} does not let this reader see "team:handbook" (it asks for a login). If it is a private wiki, enter an account or a token.`,
    });
    // A full comparison with a reader who sees nothing removes nothing.
    const error = await runSync({ gateway: anonymous, db, onProgress: () => {}, full: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WikiError);
    expect((await db.getAllKeys('articles')).sort()).toEqual(cached);
  });
});
