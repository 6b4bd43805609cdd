/**
 * The starter snapshot: the knowledge base's articles as the extension ships
 * them (`/starter-snapshot.json`), so that it works the moment it is
 * installed, offline. scripts/build-snapshot.ts writes it at build time; the
 * background reads it on install and checks it with parseSnapshot() before
 * anything reaches the cache.
 */
import type { Article } from '../article';

export const SNAPSHOT_FORMAT = 1;

export interface StarterSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** When the snapshot was built: the newest source's modification time, unix milliseconds. */
  generatedAt: number;
  articles: Article[];
}

const STRING_FIELDS = ['id', 'title', 'html', 'text', 'summary'] as const;
const LIST_FIELDS = ['boldTerms', 'links', 'tags'] as const;

/**
 * Checks that `json` (the parsed file) is a starter snapshot and returns it.
 * Throws an Error that says what is wrong and where ("articles[3].links[1]
 * is a number, expected a string") rather than letting a bad file reach the
 * cache.
 */
export function parseSnapshot(json: unknown): StarterSnapshot {
  if (!isRecord(json)) throw new Error(`Starter snapshot is ${describe(json)}, expected an object`);
  if (json['format'] !== SNAPSHOT_FORMAT) {
    throw new Error(`Starter snapshot format is ${JSON.stringify(json['format'])}, expected ${SNAPSHOT_FORMAT}`);
  }
  const generatedAt = json['generatedAt'];
  if (!isTime(generatedAt)) {
    throw new Error(`Starter snapshot generatedAt is ${describe(generatedAt)}, expected unix milliseconds`);
  }
  const articles = json['articles'];
  if (!Array.isArray(articles)) throw new Error(`Starter snapshot articles is ${describe(articles)}, expected an array`);

  const seen = new Set<string>();
  const checked = articles.map((article: unknown, index) => {
    const checkedArticle = parseArticle(article, `articles[${index}]`);
    if (seen.has(checkedArticle.id)) throw new Error(`Starter snapshot articles[${index}] repeats the id "${checkedArticle.id}"`);
    seen.add(checkedArticle.id);
    return checkedArticle;
  });
  return { format: SNAPSHOT_FORMAT, generatedAt, articles: checked };
}

function parseArticle(value: unknown, where: string): Article {
  if (!isRecord(value)) throw new Error(`Starter snapshot ${where} is ${describe(value)}, expected an article object`);
  for (const field of STRING_FIELDS) {
    if (typeof value[field] !== 'string') {
      throw new Error(`Starter snapshot ${where}.${field} is ${describe(value[field])}, expected a string`);
    }
  }
  if (value['id'] === '') throw new Error(`Starter snapshot ${where}.id is empty`);
  for (const field of LIST_FIELDS) {
    const list = value[field];
    if (!Array.isArray(list)) throw new Error(`Starter snapshot ${where}.${field} is ${describe(list)}, expected an array of strings`);
    list.forEach((item: unknown, index) => {
      if (typeof item !== 'string') {
        throw new Error(`Starter snapshot ${where}.${field}[${index}] is ${describe(item)}, expected a string`);
      }
    });
  }
  if (!isTime(value['modified'])) {
    throw new Error(`Starter snapshot ${where}.modified is ${describe(value['modified'])}, expected unix milliseconds`);
  }
  // Copy the known fields only: whatever else the file carries stays out of the cache.
  return {
    id: value['id'] as string,
    title: value['title'] as string,
    html: value['html'] as string,
    text: value['text'] as string,
    summary: value['summary'] as string,
    boldTerms: [...(value['boldTerms'] as string[])],
    links: [...(value['links'] as string[])],
    tags: [...(value['tags'] as string[])],
    modified: value['modified'] as number,
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (value === undefined) return 'missing';
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
