import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shardKey, shardTermTable } from '../../../../lib/match/table-shards';
import { buildTermTable } from '../../../../lib/match/term-table';
import { syntheticArticles } from '../../../bench/synthetic-wiki';
import { defaultSettings, type Settings } from '../../../../lib/settings/settings';
import { MARK_TAG } from '../../../../services/page/painter';
import { sessionOptionsFrom, startPageController, type PageControllerDeps } from '../../../../services/page/page-controller';

const TABLE = buildTermTable([
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
]);
const NEW_TABLE = buildTermTable([
  { id: 'model_context_protocol', title: 'Model Context Protocol (MCP)', summary: '', boldTerms: [] },
]);

/** Storage as plain variables, with the watchers a test can fire. */
function fakeStorage(settings: Settings, table: unknown) {
  const settingsWatchers = new Set<(s: Settings) => void>();
  const tableWatchers = new Set<(t: unknown) => void>();
  return {
    setSettings(next: Settings) {
      settings = next;
      settingsWatchers.forEach((w) => w(next));
    },
    setTable(next: unknown) {
      table = next;
      tableWatchers.forEach((w) => w(next));
    },
    watchers: () => settingsWatchers.size + tableWatchers.size,
    deps: {
      loadSettings: async () => settings,
      loadTermTable: async () => table,
      watchSettings: (cb: (s: Settings) => void) => {
        settingsWatchers.add(cb);
        return () => settingsWatchers.delete(cb);
      },
      watchTermTable: (cb: (t: unknown) => void) => {
        tableWatchers.add(cb);
        return () => tableWatchers.delete(cb);
      },
    },
  };
}

const controllers: AbortController[] = [];

function start(settings: Settings, table: unknown, extra: Partial<PageControllerDeps> = {}) {
  const storage = fakeStorage(settings, table);
  const abort = new AbortController();
  controllers.push(abort);
  const controller = startPageController({
    doc: document,
    hostname: 'example.org',
    signal: abort.signal,
    lookup: async () => null,
    openInSidePanel: () => undefined,
    highlights: null,
    sessionOptions: { gateOnTopic: false },
    ...storage.deps,
    ...extra,
  });
  return { controller, storage, abort };
}

const marks = () => [...document.querySelectorAll(MARK_TAG)].map((m) => m.textContent);
const ON = defaultSettings('https://agentwiki.org/');

beforeEach(() => {
  document.body.innerHTML = '<p>RAG and MCP.</p>';
});

afterEach(() => {
  for (const abort of controllers.splice(0)) abort.abort();
});

describe('startPageController', () => {
  it('marks the page when marking is on and a table is stored', async () => {
    const { controller } = start(ON, TABLE);
    await controller.ready;
    expect(marks()).toEqual(['RAG']);
  });

  it('stays off on a disabled site, and when marking is off', async () => {
    const site = start({ ...ON, disabledSites: ['example.org'] }, TABLE);
    await site.controller.ready;
    const off = start({ ...ON, highlightEnabled: false }, TABLE);
    await off.controller.ready;
    expect(marks()).toEqual([]);
    expect(off.controller.session()).toBeNull();
  });

  it('still lists the terms of the page for the side panel while marking is off', async () => {
    const { controller } = start({ ...ON, highlightEnabled: false }, TABLE);
    await controller.ready;
    expect(await controller.terms()).toEqual([
      { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', text: 'RAG', count: 1 },
    ]);
    expect(controller.nextTerm()).toBe(false);
  });

  it('tears down when marking is turned off for the site, and comes back when turned on', async () => {
    const { controller, storage } = start(ON, TABLE);
    await controller.ready;
    storage.setSettings({ ...ON, disabledSites: ['example.org'] });
    expect(marks()).toEqual([]);
    expect(document.body.innerHTML).toBe('<p>RAG and MCP.</p>');
    storage.setSettings(ON);
    await controller.session()!.ready;
    expect(marks()).toEqual(['RAG']);
  });

  it('rescans with a new table', async () => {
    const { controller, storage } = start(ON, TABLE);
    await controller.ready;
    storage.setTable(JSON.parse(JSON.stringify(NEW_TABLE)));
    await controller.session()!.ready;
    expect(marks()).toEqual(['MCP']);
  });

  it('refuses a damaged table with a clear error and leaves the page alone', async () => {
    const onTableError = vi.fn();
    const { controller } = start(ON, { v: 1, ids: 'nope' }, { onTableError });
    await controller.ready;
    expect(onTableError).toHaveBeenCalledWith(expect.stringContaining('damaged'));
    expect(marks()).toEqual([]);
    expect(await controller.terms()).toEqual([]);
  });

  it('waits quietly when no table is stored yet', async () => {
    const onTableError = vi.fn();
    const { controller, storage } = start(ON, undefined, { onTableError });
    await controller.ready;
    expect(onTableError).not.toHaveBeenCalled();
    storage.setTable(TABLE);
    await controller.session()!.ready;
    expect(marks()).toEqual(['RAG']);
  });

  it('stops watching and tears down on abort', async () => {
    const { controller, storage, abort } = start(ON, TABLE);
    await controller.ready;
    expect(storage.watchers()).toBe(2);
    abort.abort();
    expect(storage.watchers()).toBe(0);
    expect(marks()).toEqual([]);
    expect(await controller.terms()).toEqual([]);
  });

  it('does not read the table on a site where marking is off, until the side panel asks', async () => {
    const storage = fakeStorage({ ...ON, disabledSites: ['example.org'] }, TABLE);
    const loadTermTable = vi.fn(storage.deps.loadTermTable);
    const { controller } = start({ ...ON, disabledSites: ['example.org'] }, TABLE, { loadTermTable });
    await controller.ready;
    expect(loadTermTable).not.toHaveBeenCalled();
    expect((await controller.terms()).map((t) => t.id)).toEqual(['retrieval_augmented_generation']);
    expect(loadTermTable).toHaveBeenCalledTimes(1);
    await controller.terms();
    expect(loadTermTable).toHaveBeenCalledTimes(1);
  });

  it('applies "every occurrence" and "in links" as soon as they change', async () => {
    document.body.innerHTML = '<p>RAG, RAG and <a href="/rag">RAG</a>.</p>';
    const { controller, storage } = start(ON, TABLE);
    await controller.ready;
    expect(marks()).toEqual(['RAG']);
    storage.setSettings({ ...ON, markEveryOccurrence: true });
    await controller.session()!.ready;
    expect(marks()).toEqual(['RAG', 'RAG']);
    storage.setSettings({ ...ON, markEveryOccurrence: true, markInLinks: true });
    await controller.session()!.ready;
    expect(marks()).toEqual(['RAG', 'RAG', 'RAG']);
    storage.setSettings({ ...ON, markInLinks: true });
    await controller.session()!.ready;
    expect(marks()).toEqual(['RAG']);
    // Other settings leave the running session alone.
    const session = controller.session();
    storage.setSettings({ ...ON, markInLinks: true, syncIntervalMinutes: 60 });
    expect(controller.session()).toBe(session);
    storage.setSettings(ON);
    await controller.session()!.ready;
    expect(document.body.innerHTML).toBe('<p><agentwiki-mark>RAG</agentwiki-mark>, RAG and <a href="/rag">RAG</a>.</p>');
  });
});

describe('sessionOptionsFrom', () => {
  it('maps the settings to the session options', () => {
    expect(sessionOptionsFrom(ON)).toEqual({ firstOccurrenceOnly: true, skipLinks: true });
    expect(sessionOptionsFrom({ ...ON, markEveryOccurrence: true, markInLinks: true })).toEqual({
      firstOccurrenceOnly: false,
      skipLinks: false,
    });
  });
});

describe('a sharded term table', () => {
  const ARTICLES = [
    { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
    { id: 'model_context_protocol', title: 'Model Context Protocol (MCP)', summary: '', boldTerms: [] },
    ...syntheticArticles(2_000),
  ];
  const { index, shards } = shardTermTable(buildTermTable(ARTICLES));
  const stored = (): Record<string, unknown> =>
    Object.fromEntries(shards.map((shard, k) => [shardKey(k), JSON.parse(JSON.stringify(shard))]));

  it('reads the index, then only the shards the page needs, and marks as with the whole table', async () => {
    document.body.innerHTML = '<p>Both RAG and MCP, then RAG again.</p><p>The open web.</p>';
    const items = stored();
    const read: string[] = [];
    const { controller } = start(ON, JSON.parse(JSON.stringify(index)), {
      loadStorage: async (keys) => {
        read.push(...keys);
        return Object.fromEntries(keys.map((key) => [key, items[key]]));
      },
    });
    await controller.ready;
    expect(marks()).toEqual(['RAG', 'MCP']);
    expect(read.length).toBeGreaterThan(0);
    expect(read.length).toBeLessThan(index.shards / 4);
    expect(new Set(read).size).toBe(read.length);
    expect((await controller.terms()).map((t) => [t.title, t.count])).toEqual([
      ['Retrieval-Augmented Generation (RAG)', 2],
      ['Model Context Protocol (MCP)', 1],
    ]);
  });

  it('reads the shards of many runs in one storage read', async () => {
    // Forty paragraphs, each naming an article of its own (forty heads, in
    // many shards): read run by run, that would be a storage read, and a
    // task, for nearly every paragraph.
    const word = (i: number) => 'Zy' + String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));
    const named = Array.from({ length: 40 }, (_, i) => ({ id: `zy_${i}`, title: `${word(i)} Protocol`, summary: '', boldTerms: [] }));
    const sharded = shardTermTable(buildTermTable([...named, ...syntheticArticles(2_000)]));
    const items = Object.fromEntries(sharded.shards.map((shard, k) => [shardKey(k), JSON.parse(JSON.stringify(shard))]));
    document.body.innerHTML =
      '<p>Nothing here but the open web.</p>' + named.map((a) => `<p>Then ${a.title} shows up.</p>`).join('');
    const reads: string[][] = [];
    const { controller } = start(ON, JSON.parse(JSON.stringify(sharded.index)), {
      loadStorage: async (keys) => {
        reads.push(keys);
        return Object.fromEntries(keys.map((key) => [key, items[key]]));
      },
    });
    await controller.ready;
    expect(reads).toHaveLength(1);
    expect(new Set(reads[0]).size).toBeGreaterThan(10);
    expect(marks()).toEqual(named.map((a) => a.title));
  });

  it('reads the index again when a shard turns out to be of another build', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const items = stored();
    let reads = 0;
    const storage = fakeStorage(ON, JSON.parse(JSON.stringify(index)));
    const loadTermTable = vi.fn(storage.deps.loadTermTable);
    const { controller } = start(ON, JSON.parse(JSON.stringify(index)), {
      loadTermTable,
      // The first read meets shards of a newer build; by then the index is the newer one too.
      loadStorage: async (keys) => {
        reads++;
        if (reads === 1) return Object.fromEntries(keys.map((key) => [key, { ...(items[key] as object), hash: 'newer build' }]));
        return Object.fromEntries(keys.map((key) => [key, items[key]]));
      },
    });
    await controller.ready;
    await vi.waitFor(() => expect(marks()).toEqual(['RAG']));
    expect(loadTermTable).toHaveBeenCalledTimes(2);
  });

  it('marks nothing from a shard it cannot read, and says why', async () => {
    document.body.innerHTML = '<p>RAG</p>';
    const onTableError = vi.fn();
    const { controller } = start(ON, JSON.parse(JSON.stringify(index)), {
      onTableError,
      loadStorage: async () => {
        throw new Error('storage is unavailable');
      },
    });
    await controller.ready;
    expect(marks()).toEqual([]);
    expect(onTableError).toHaveBeenCalledWith(expect.stringContaining('storage is unavailable'));
  });
});

