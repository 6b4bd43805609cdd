/**
 * What the sync integration tests share: a known page whose extraction is
 * checked field by field, the titles the seeded pages must get, and a fetch
 * that counts requests and can kill the wiki part-way.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LocalWiki } from '../../scripts/local-wiki';

/**
 * A page whose title differs from its id, to prove titles come from the
 * heading, not from useheading. It lives in a namespace, so its link to a
 * root page needs the leading ':' (DokuWiki resolves bare ids relative to
 * the page's own namespace).
 */
export const KNOWN_ID = 'testing:known_page';
export const KNOWN_PAGE = `====== Known Page: Checked Field by Field ======

**Known page** is a page the integration tests use to check what the sync stores. It links to [[:metagpt|MetaGPT]] and to [[testing:missing_target|a page that does not exist]].

===== Details =====

More text, with a footnote((A footnote.)).

{{tag>alpha beta}}
`;

/** The first heading of a DokuWiki source: what an article's title must be. */
export function firstHeading(raw: string): string | undefined {
  for (const line of raw.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('==') && trimmed.endsWith('==')) return trimmed.replace(/^=+/, '').replace(/=+$/, '').trim();
  }
  return undefined;
}

/** The source of every page the wiki was seeded with and still has, read back from its folder. */
export async function seededSources(wiki: LocalWiki, seeded = wiki.seeded): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const id of seeded) {
    const file = join(wiki.dir, 'data', 'pages', ...id.split(':')) + '.txt';
    const raw = await readFile(file, 'utf8').catch(() => null);
    if (raw !== null) sources.set(id, raw);
  }
  return sources;
}

/** globalThis.fetch, counting requests; `onRequest` may act before each one (e.g. stop the wiki). */
export function countingFetch(onRequest?: (url: string, count: number) => Promise<void> | void) {
  const urls: string[] = [];
  const fetchImpl = async (input: string, init?: RequestInit): Promise<Response> => {
    urls.push(input);
    await onRequest?.(input, urls.length);
    return fetch(input, init);
  };
  return { fetch: fetchImpl, urls };
}
