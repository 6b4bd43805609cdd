/**
 * Main-thread cost of an extension's content script in real Chromium, read
 * from a Chrome trace of a page load. Not a timer inside the script: that
 * would miss what the script causes outside its own code (the storage
 * answer's deserialization, garbage collection, style work it forces).
 *
 * Method: trace the load with the timeline categories; on the page's
 * renderer main thread, take every top-level task that ran the content
 * script and sum those tasks whole: wall time (`dur`) and the thread's CPU
 * time (`tdur`), which a busy shared machine inflates far less. The page's
 * own tasks are summed beside them, as the baseline of the same load.
 *
 * Which tasks ran the content script (`Attribution`):
 * - 'samples', for any page: the trace also runs V8's sampling profiler
 *   (100 µs), and a task is the script's when it evaluated the script or a
 *   sample's stack in it holds a frame of the extension's scripts. The
 *   profiler costs the code it samples: the content script measured about a
 *   fifth more under it (5 kB and 1 MB pages, one build, medians of 5–15
 *   loads).
 * - 'script-tasks', for a page that runs no script of its own: every task
 *   that ran JavaScript is the content script's, but for the tasks the
 *   DevTools protocol started (the benchmark's own evaluations), and the
 *   trace runs without the profiler. `scriptTasks` of a load without the
 *   extension tells whether a page qualifies.
 */
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, any>;
}

export type Attribution = 'samples' | 'script-tasks';

const TIMELINE_CATEGORIES = ['toplevel', 'devtools.timeline', 'v8.execute', 'disabled-by-default-devtools.timeline'];
const SAMPLING_CATEGORIES = ['disabled-by-default-v8.cpu_profiler', 'disabled-by-default-v8.cpu_profiler.hires'];

/** Trace events of JavaScript: compiling and evaluating a script or module, calling back into one, running its promise reactions. */
const RUNS_SCRIPT = new Set([
  'v8.compile',
  'v8.compileModule',
  'EvaluateScript',
  'v8.evaluateModule',
  'FunctionCall',
  'v8.callFunction',
  'RunMicrotasks',
  'TimerFire',
  'FireIdleCallback',
  'FireAnimationFrame',
]);

/** Starts a trace through a page's CDP session; the returned function ends it and gives its events. */
export async function startTrace(cdp: CDPSession, attribution: Attribution = 'samples'): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const onData = (event: { value: TraceEvent[] }) => events.push(...event.value);
  cdp.on('Tracing.dataCollected', onData as never);
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: attribution === 'samples' ? [...TIMELINE_CATEGORIES, ...SAMPLING_CATEGORIES] : TIMELINE_CATEGORIES,
      recordMode: 'recordAsMuchAsPossible',
    },
    transferMode: 'ReportEvents',
  } as never);
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await complete;
    cdp.off('Tracing.dataCollected', onData as never);
    return events;
  };
}

export interface MainThreadCost {
  /** Tasks that ran the content script. */
  tasks: number;
  wallMs: number;
  cpuMs: number;
  longestMs: number;
  /** Evaluating the script itself (compile and top-level run). */
  evaluateMs: number;
  /** Profiler samples in the script's own frames (its JavaScript and the DOM calls it makes), in ms; null without samples. */
  sampledMs: number | null;
  /** Every top-level task of the page's main thread from navigation to the end of the trace. */
  page: { tasks: number; wallMs: number; cpuMs: number; longestMs: number };
  /** Of those, the tasks that ran any JavaScript, the page's or an extension's (not the DevTools protocol's). */
  scriptTasks: number;
  /** From the page's first task to the end of the script's last task, in ms. */
  doneAtMs: number;
  /** The extension's script files seen running (compiled, evaluated or called), by name. */
  scripts: string[];
}

/**
 * The content script's main-thread cost in a trace of one page load.
 * `pageUrl` finds the page's renderer main thread (its HTML parse);
 * `scriptOrigin` (`chrome-extension://ID/`) tells the script's frames;
 * `attribution` is the one the trace was started with.
 */
export function contentScriptCost(
  events: TraceEvent[],
  pageUrl: string,
  scriptOrigin: string | null,
  attribution: Attribution = 'samples',
): MainThreadCost {
  const parse = events.find(
    (e) => e.name === 'ParseHTML' && String(e.args?.['beginData']?.url ?? '').startsWith(pageUrl),
  );
  if (!parse) throw new Error(`The trace has no parse of ${pageUrl}.`);
  const { pid, tid } = parse;
  const thread = events.filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X').sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));

  // Top-level tasks: complete events not inside another one.
  const tops: TraceEvent[] = [];
  let openUntil = -Infinity;
  for (const e of thread) {
    if (e.ts >= openUntil) {
      tops.push(e);
      openUntil = e.ts + (e.dur ?? 0);
    }
  }
  const firstPageTask = tops.find((t) => t.ts + (t.dur ?? 0) >= parse.ts) ?? parse;
  const pageTops = tops.filter((t) => t.ts >= firstPageTask.ts);

  const ourTimes = scriptOrigin ? sampledTimes(events, pid, tid, scriptOrigin) : [];
  const ourEvents = scriptOrigin
    ? thread.filter((e) => {
        const data = e.args?.['data'];
        const url = String(data?.url ?? data?.fileName ?? '');
        return url.startsWith(scriptOrigin);
      })
    : [];
  const evaluateMs = ourEvents.filter((e) => e.name === 'EvaluateScript').reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000;

  const scriptTimes = thread.filter((e) => RUNS_SCRIPT.has(e.name)).map((e) => e.ts);
  const devToolsTimes = thread.filter(isDevToolsMessage).map((e) => e.ts);
  const holds = (times: number[], task: TraceEvent) => times.some((t) => t >= task.ts && t <= task.ts + (task.dur ?? 0));
  // A task the DevTools protocol started runs the benchmark's own JavaScript
  // (Playwright waiting for the marks), neither the page's nor ours.
  const scriptTops = pageTops.filter((task) => holds(scriptTimes, task) && !holds(devToolsTimes, task));

  const ours: TraceEvent[] = [];
  if (attribution === 'script-tasks') {
    if (scriptOrigin) ours.push(...scriptTops);
  } else {
    let sample = 0;
    for (const task of pageTops) {
      const end = task.ts + (task.dur ?? 0);
      while (sample < ourTimes.length && ourTimes[sample]! < task.ts) sample++;
      const hasSample = sample < ourTimes.length && ourTimes[sample]! <= end;
      const hasEvent = ourEvents.some((e) => e.ts >= task.ts && e.ts <= end);
      if (hasSample || hasEvent) ours.push(task);
    }
  }
  const sum = (list: TraceEvent[], key: 'dur' | 'tdur') => list.reduce((s, e) => s + (e[key] ?? e.dur ?? 0), 0) / 1000;
  const longest = (list: TraceEvent[]) => list.reduce((m, e) => Math.max(m, e.dur ?? 0), 0) / 1000;
  const last = ours.at(-1);
  return {
    tasks: ours.length,
    wallMs: sum(ours, 'dur'),
    cpuMs: sum(ours, 'tdur'),
    longestMs: longest(ours),
    evaluateMs,
    sampledMs: attribution === 'samples' ? sampledMs(events, pid, tid, scriptOrigin) : null,
    page: { tasks: pageTops.length, wallMs: sum(pageTops, 'dur'), cpuMs: sum(pageTops, 'tdur'), longestMs: longest(pageTops) },
    scriptTasks: scriptTops.length,
    doneAtMs: last ? (last.ts + (last.dur ?? 0) - firstPageTask.ts) / 1000 : 0,
    scripts: [...new Set(ourEvents.map((e) => String(e.args?.['data']?.url ?? e.args?.['data']?.fileName).slice(scriptOrigin!.length)))].sort(),
  };
}

function isDevToolsMessage(event: TraceEvent): boolean {
  return event.name === 'Receive mojo message' && event.args?.['chrome_mojo_event_info']?.mojo_interface_tag === 'blink.mojom.DevToolsSession';
}

interface ProfileSamples {
  times: number[];
  ours: boolean[];
  intervals: number[];
}

/** The V8 profile of one thread in a trace: each sample's time, and whether its stack holds a frame of the script. */
function profileOf(events: TraceEvent[], pid: number, tid: number, scriptOrigin: string | null): ProfileSamples {
  const profiles = events.filter((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  const result: ProfileSamples = { times: [], ours: [], intervals: [] };
  for (const profile of profiles) {
    const nodes = new Map<number, { parent?: number; url: string }>();
    const mine = new Map<number, boolean>();
    const isOurs = (id: number): boolean => {
      const known = mine.get(id);
      if (known !== undefined) return known;
      const node = nodes.get(id);
      const value = !!node && ((!!scriptOrigin && node.url.startsWith(scriptOrigin)) || (node.parent !== undefined && isOurs(node.parent)));
      mine.set(id, value);
      return value;
    };
    let time = Number(profile.args?.['data']?.startTime ?? profile.ts);
    const chunks = events.filter((e) => e.name === 'ProfileChunk' && e.id === profile.id && e.pid === pid);
    for (const chunk of chunks) {
      const data = chunk.args?.['data'] ?? {};
      for (const node of data.cpuProfile?.nodes ?? []) {
        nodes.set(node.id, { parent: node.parent, url: String(node.callFrame?.url ?? '') });
      }
      const samples: number[] = data.cpuProfile?.samples ?? [];
      const deltas: number[] = data.timeDeltas ?? [];
      samples.forEach((id, i) => {
        const delta = deltas[i] ?? 0;
        time += delta;
        result.times.push(time);
        result.ours.push(isOurs(id));
        result.intervals.push(delta);
      });
    }
  }
  return result;
}

function sampledTimes(events: TraceEvent[], pid: number, tid: number, scriptOrigin: string): number[] {
  const profile = profileOf(events, pid, tid, scriptOrigin);
  return profile.times.filter((_, i) => profile.ours[i]).sort((a, b) => a - b);
}

function sampledMs(events: TraceEvent[], pid: number, tid: number, scriptOrigin: string | null): number {
  if (!scriptOrigin) return 0;
  const profile = profileOf(events, pid, tid, scriptOrigin);
  let us = 0;
  // A sample stands for the time until the next one.
  for (let i = 0; i < profile.times.length; i++) if (profile.ours[i]) us += Math.min(profile.intervals[i + 1] ?? 100, 1000);
  return us / 1000;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : NaN;
}
