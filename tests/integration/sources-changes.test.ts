/**
 * "What changed since?" against a real DokuWiki 2022: the XML-RPC API's
 * wiki.getRecentChanges (with its empty-struct answer for "nothing") and the
 * public recent-changes feed (cached by the wiki, answered 304 when unchanged).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWiki, type LocalWiki } from '../../scripts/local-wiki';
import { PublicGateway } from '../../services/wiki/public-gateway';
import { XmlRpcGateway } from '../../services/wiki/xmlrpc-gateway';
import { setWikiConf } from '../support/wiki-conf';

let wiki: LocalWiki;

const PAGES = {
  'notes:alpha': '====== Alpha ======\n\n**Alpha** is the first.\n',
  'notes:beta': '====== Beta ======\n\n**Beta** is the second.\n',
  'notes:gamma': '====== Gamma ======\n\n**Gamma** is the third.\n',
  delta: '====== Delta ======\n\n**Delta** is the fourth.\n',
};
const FAST = { politeness: { maxPerSecond: Infinity, retries: 1, backoffMs: 10 } };
const DAY = 86_400_000;

beforeAll(async () => {
  wiki = await startLocalWiki({ api: true, seedDir: null, pages: PAGES });
});

afterAll(async () => {
  await wiki?.stop();
});

/** A second boundary strictly after now: changes made after it are told apart from the seeding. */
async function nextSecond(): Promise<number> {
  const at = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((resolve) => setTimeout(resolve, at - Date.now() + 5));
  return at;
}

describe('XmlRpcGateway.listChanges', () => {
  it('lists edits, creations and deletions (size false) since a time, oldest first', async () => {
    const gateway = new XmlRpcGateway(wiki.url, FAST);
    const since = await nextSecond();
    await wiki.writePage('notes:alpha', PAGES['notes:alpha'] + '\nEdited.\n');
    await wiki.writePage('notes:epsilon', '====== Epsilon ======\n\n**Epsilon** is new.\n');
    await wiki.deletePage('notes:gamma');
    const answer = await gateway.listChanges(since);
    const recent = answer.changes.filter((c) => c.modified >= since);
    expect(recent.map((c) => [c.id, c.deleted]).sort()).toEqual([
      ['notes:alpha', false],
      ['notes:epsilon', false],
      ['notes:gamma', true],
    ]);
    expect(answer.complete).toBe(true);
    expect(Math.abs(answer.asOf! - Date.now())).toBeLessThan(60_000);
    const times = answer.changes.map((c) => c.modified);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('reads the empty struct DokuWiki 2022 answers for "no changes" as no changes', async () => {
    const answer = await new XmlRpcGateway(wiki.url, FAST).listChanges(Date.now() + 3_600_000);
    expect(answer.changes).toEqual([]);
    expect(answer.complete).toBe(true);
  });

  it('cannot vouch for changes older than the 7 days a wiki keeps (or its own recent_days)', async () => {
    expect((await new XmlRpcGateway(wiki.url, FAST).listChanges(Date.now() - 8 * DAY)).complete).toBe(false);
    expect((await new XmlRpcGateway(wiki.url, FAST).listChanges(0)).complete).toBe(false);
    expect((await new XmlRpcGateway(wiki.url, FAST, { recentDays: 10 }).listChanges(Date.now() - 8 * DAY)).complete).toBe(true);
  });

  it('is refused clearly when anonymous readers may not use the API', async () => {
    const restore = await setWikiConf(wiki, { remoteuser: '@user' });
    try {
      await expect(new XmlRpcGateway(wiki.url, FAST).listChanges(Date.now())).rejects.toMatchObject({ kind: 'denied', status: 401 });
    } finally {
      await restore();
    }
  });
});

describe('PublicGateway.listChanges (the feed)', () => {
  it('lists the pages changed since a time, from the feed, with its build time as asOf', async () => {
    const restore = await setWikiConf(wiki, { rss_update: 1 });
    try {
      const since = await nextSecond();
      await wiki.writePage('delta', PAGES.delta + '\nEdited.\n');
      await wiki.deletePage('notes:beta');
      await new Promise((resolve) => setTimeout(resolve, 1100)); // past rss_update
      const gateway = new PublicGateway(wiki.url, FAST);
      const answer = await gateway.listChanges(since);
      const recent = answer.changes.filter((c) => c.modified >= since);
      // The feed cannot prove a deletion; fetching the page does.
      expect(recent.map((c) => [c.id, c.deleted]).sort()).toEqual([
        ['delta', false],
        ['notes:beta', false],
      ]);
      expect(answer.complete).toBe(true);
      expect(answer.asOf).toBeGreaterThanOrEqual(since);
      expect(await gateway.fetchPage('notes:beta')).toBeNull();
      // A page named by the feed is dated by it: exports carry no date.
      const delta = await gateway.fetchPage('delta');
      expect(delta?.modified).toBe(recent.find((c) => c.id === 'delta')!.modified);
    } finally {
      await restore();
    }
  });

  it('gets a 304 while the wiki serves the same feed, and the new one after', async () => {
    const restore = await setWikiConf(wiki, { rss_update: 3600 });
    try {
      const first = await new PublicGateway(wiki.url, FAST).listChanges(Date.now() - 60_000);
      expect(first.asOf).toBeDefined();
      // Another gateway (a later sync, after a restart): If-Modified-Since its asOf.
      const gateway = new PublicGateway(wiki.url, FAST);
      const unchanged = await gateway.listChanges(first.asOf!);
      expect(unchanged).toEqual({ changes: [], complete: true, asOf: first.asOf });
      // An edit, and a configuration change that makes the wiki rebuild its feed.
      await nextSecond();
      await wiki.writePage('notes:alpha', PAGES['notes:alpha'] + '\nEdited again.\n');
      const restoreTitle = await setWikiConf(wiki, { title: 'AgentWiki (local, renamed)' });
      try {
        const rebuilt = await gateway.listChanges(first.asOf!);
        expect(rebuilt.changes.map((c) => c.id)).toContain('notes:alpha');
        expect(rebuilt.asOf).toBeGreaterThan(first.asOf!);
        // The same gateway asks again with the feed's ETag.
        expect((await gateway.listChanges(rebuilt.asOf!)).changes).toEqual([]);
      } finally {
        await restoreTitle();
      }
    } finally {
      await restore();
    }
  });

  it('says a feed that came back full may have been cut', async () => {
    const restore = await setWikiConf(wiki, { rss_update: 0, title: 'AgentWiki (cut)' });
    try {
      const answer = await new PublicGateway(wiki.url, FAST, { feedItems: 2 }).listChanges(Date.now() - 3_600_000);
      expect(answer.changes.length).toBeLessThanOrEqual(2);
      expect(answer.complete).toBe(false);
    } finally {
      await restore();
    }
  });

  it('says changes cannot be listed when the wiki has its feed switched off', async () => {
    const restore = await setWikiConf(wiki, { disableactions: 'rss' });
    try {
      expect(await new PublicGateway(wiki.url, FAST).listChanges(Date.now() - 60_000)).toEqual({ changes: [], complete: false });
    } finally {
      await restore();
    }
  });
});
