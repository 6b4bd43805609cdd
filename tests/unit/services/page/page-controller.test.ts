import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTermTable } from '../../../../lib/match/term-table';
import { defaultSettings, type Settings } from '../../../../lib/settings/settings';
import { MARK_TAG } from '../../../../services/page/painter';
import { startPageController, type PageControllerDeps } from '../../../../services/page/page-controller';

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
    expect(controller.terms()).toEqual([
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
    expect(controller.terms()).toEqual([]);
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
    expect(controller.terms()).toEqual([]);
  });
});
