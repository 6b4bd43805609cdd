// @vitest-environment jsdom
/**
 * The content script's first stage: it hands the page to the full script
 * when, and only when, a text run may hold a term — wherever the session
 * would read one (blocks joined across inline elements, open shadow roots,
 * same-origin frames, later DOM changes) — or when asked. jsdom: its iframes
 * get real same-origin documents.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shardTermTable } from '../../../../lib/match/table-shards';
import { buildTermTable } from '../../../../lib/match/term-table';
import { defaultSettings, type Settings } from '../../../../lib/settings/settings';
import { startPageGate, type PageGateDeps } from '../../../../services/page/page-gate';

const TABLE = buildTermTable([
  { id: 'metagpt', title: 'MetaGPT: Multi-Agent Framework with SOPs', summary: '', boldTerms: [] },
  { id: 'retrieval_augmented_generation', title: 'Retrieval-Augmented Generation (RAG)', summary: '', boldTerms: [] },
]);
const INDEX = shardTermTable(TABLE).index;
const ON = defaultSettings('https://agentwiki.org/');
const OFF_HERE: Settings = { ...ON, disabledSites: ['example.org'] };
const PLAIN = '<p>The morning was quiet and the kitchen smelled of bread.</p><ul><li>rag and bone</li></ul>';

/** Starts a gate on the document; `table` is what storage holds under `termTable` (undefined: nothing). */
function start(settings: Settings, extra: Partial<PageGateDeps<string>> & { table?: unknown } = { table: INDEX }) {
  const { table, ...rest } = 'table' in extra ? extra : { ...extra, table: INDEX };
  const settingsWatchers = new Set<(s: Settings) => void>();
  const tableWatchers = new Set<(t: unknown) => void>();
  const abort = new AbortController();
  aborts.push(abort);
  const startFull = vi.fn(async () => 'full script');
  const gate = startPageGate<string>({
    doc: document,
    hostname: 'example.org',
    signal: abort.signal,
    first: Promise.resolve({ settings, table }),
    watchSettings: (cb) => {
      settingsWatchers.add(cb);
      return () => settingsWatchers.delete(cb);
    },
    watchTermTable: (cb) => {
      tableWatchers.add(cb);
      return () => tableWatchers.delete(cb);
    },
    startFull,
    changeDelayMs: 10,
    ...rest,
  });
  return {
    gate,
    startFull,
    abort,
    setSettings: (next: Settings) => settingsWatchers.forEach((w) => w(next)),
    setTable: (next: unknown) => tableWatchers.forEach((w) => w(next)),
    watchers: () => settingsWatchers.size + tableWatchers.size,
  };
}

const aborts: AbortController[] = [];
const settle = () => new Promise((resolve) => setTimeout(resolve, 40));

beforeEach(() => {
  document.body.innerHTML = '';
});
afterEach(() => {
  aborts.splice(0).forEach((a) => a.abort());
});

describe('startPageGate', () => {
  it('leaves a page without a possible term to itself', async () => {
    document.body.innerHTML = PLAIN;
    const { gate, startFull } = start(ON);
    expect(await gate.ready).toBe('waiting');
    expect(startFull).not.toHaveBeenCalled();
  });

  it('hands over a page with a term, once', async () => {
    document.body.innerHTML = `${PLAIN}<p>Agents such as MetaGPT follow SOPs.</p>`;
    const { gate, startFull } = start(ON);
    expect(await gate.ready).toBe('full');
    expect(await gate.full()).toBe('full script');
    expect(startFull).toHaveBeenCalledTimes(1);
  });

  it('reads a term split across inline elements as the scan does', async () => {
    document.body.innerHTML = '<p>Built on Meta<b>G</b><em>PT</em> today.</p>';
    const { gate } = start(ON);
    expect(await gate.ready).toBe('full');
  });

  it('keeps the case of acronyms: "rag" is no term, "RAG" may be', async () => {
    document.body.innerHTML = '<p>rag and bone</p>';
    expect(await start(ON).gate.ready).toBe('waiting');
    document.body.innerHTML = '<p>How RAG works</p>';
    expect(await start(ON).gate.ready).toBe('full');
  });

  it('skips what the scan skips: code, scripts, and links unless the settings mark them', async () => {
    document.body.innerHTML = '<pre>MetaGPT</pre><code>RAG</code><script>var MetaGPT</script><p>See <a href="/x">MetaGPT</a>.</p>';
    expect(await start(ON).gate.ready).toBe('waiting');
    expect(await start({ ...ON, markInLinks: true }).gate.ready).toBe('full');
  });

  it('reads open shadow roots', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<p>Inside: MetaGPT.</p>';
    document.body.append(host);
    expect(await start(ON).gate.ready).toBe('full');
  });

  it('reads same-origin frames, and a frame that loads later', async () => {
    const frame = document.createElement('iframe');
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    frame.contentDocument!.body.innerHTML = '<p>Framed MetaGPT</p>';
    expect(await start(ON).gate.ready).toBe('full');

    frame.contentDocument!.body.innerHTML = '<p>Nothing here</p>';
    const later = start(ON);
    expect(await later.gate.ready).toBe('waiting');
    frame.contentDocument!.body.innerHTML = '<p>Now with RAG</p>';
    frame.dispatchEvent(new Event('load'));
    await settle();
    expect(later.startFull).toHaveBeenCalledTimes(1);
  });

  it('hands over when a DOM change brings a term, and not for other changes', async () => {
    document.body.innerHTML = PLAIN;
    const { gate, startFull } = start(ON);
    expect(await gate.ready).toBe('waiting');
    document.body.insertAdjacentHTML('beforeend', '<p>More bread.</p>');
    await settle();
    expect(startFull).not.toHaveBeenCalled();
    const text = document.querySelector('p')!.firstChild as Text;
    text.data = 'The morning MetaGPT was quiet';
    await settle();
    expect(startFull).toHaveBeenCalledTimes(1);
  });

  it('only watches the settings where marking is off, and looks when it is turned on', async () => {
    document.body.innerHTML = '<p>MetaGPT</p>';
    const { gate, startFull, setSettings } = start(OFF_HERE);
    expect(await gate.ready).toBe('waiting');
    document.body.insertAdjacentHTML('beforeend', '<p>RAG</p>');
    await settle();
    expect(startFull).not.toHaveBeenCalled();
    setSettings(ON);
    await settle();
    expect(startFull).toHaveBeenCalledTimes(1);
  });

  it('looks again when a table arrives, and hands a table it cannot read to the full script', async () => {
    document.body.innerHTML = '<p>MetaGPT</p>';
    const none = start(ON, { table: undefined });
    expect(await none.gate.ready).toBe('waiting');
    none.setTable(INDEX);
    await settle();
    expect(none.startFull).toHaveBeenCalledTimes(1);

    // The older whole form, or a damaged index: the full script reads it, or says what is wrong.
    expect(await start(ON, { table: TABLE }).gate.ready).toBe('full');
    expect(await start(ON, { table: { v: 2, shards: 3 } }).gate.ready).toBe('full');
  });

  it('hands over when asked (the side panel, the keyboard command), page or no page', async () => {
    document.body.innerHTML = PLAIN;
    const { gate, startFull } = start(OFF_HERE);
    await gate.ready;
    expect(await gate.full()).toBe('full script');
    expect(await gate.full()).toBe('full script');
    expect(startFull).toHaveBeenCalledTimes(1);
  });

  it('tells a failed start to whoever asks, and leaves no rejection unhandled', async () => {
    document.body.innerHTML = '<p>MetaGPT</p>';
    const { gate } = start(ON, {
      startFull: async () => {
        throw new Error('the second stage could not be imported');
      },
    });
    expect(await gate.ready).toBe('full');
    // A turn of the event loop with nobody awaiting the start: an unhandled rejection would show here.
    await settle();
    await expect(gate.full()).rejects.toThrow('could not be imported');
  });

  it('tests a long page in slices and still finds a term at its end', async () => {
    document.body.innerHTML = `${PLAIN.repeat(300)}<p>At last, RAG.</p>`;
    let clock = 0;
    const { gate } = start(ON, { now: () => (clock += 5), sliceMs: 8 });
    expect(await gate.ready).toBe('full');
    expect(clock).toBeGreaterThan(5 * 40);
  });

  it('stops watching when its signal aborts', async () => {
    document.body.innerHTML = PLAIN;
    const { gate, startFull, abort, watchers, setSettings } = start(ON);
    await gate.ready;
    expect(watchers()).toBe(2);
    abort.abort();
    expect(watchers()).toBe(0);
    document.body.insertAdjacentHTML('beforeend', '<p>MetaGPT</p>');
    setSettings(ON);
    await settle();
    expect(startFull).not.toHaveBeenCalled();
  });
});
