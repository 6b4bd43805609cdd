/**
 * Option (b) of docs/decisions/term-table-delivery.md, a prototype for the
 * benchmark only (never shipped): the service worker holds the compiled
 * matcher and answers text blocks sent by content scripts over a port.
 */
import { compileMatcher, type Matcher } from '../../../lib/match/matcher';
import { parseTermTable } from '../../../lib/match/table';

declare const chrome: any;

let matcher: Promise<Matcher | null> | null = null;

async function load(): Promise<Matcher | null> {
  const { termTable } = await chrome.storage.local.get('termTable');
  const parsed = parseTermTable(termTable);
  return parsed.ok ? compileMatcher(parsed.value) : null;
}

chrome.storage.onChanged.addListener((changes: Record<string, unknown>) => {
  if ('termTable' in changes) matcher = null;
});

chrome.runtime.onConnect.addListener((port: any) => {
  if (port.name !== 'agentwiki-match') return;
  port.onMessage.addListener(async (message: { id: number; texts: string[] }) => {
    const m = await (matcher ??= load());
    const results = message.texts.map((text) =>
      m ? m.findAll(text).map((match) => [match.start, match.end, match.ids.join('\n')] as const) : [],
    );
    port.postMessage({ id: message.id, results });
  });
});
