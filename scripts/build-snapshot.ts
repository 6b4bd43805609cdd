/**
 * Builds the starter snapshot the extension ships as `/starter-snapshot.json`:
 * every page of the knowledge base's sources (assets/knowledge-base/pages,
 * DokuWiki syntax, `papers/x.txt` is the page `papers:x`) rendered as the
 * wiki renders it and read into an Article, exactly as the sync reads pages
 * from the wiki. wxt.config.ts runs it on every build; by hand:
 *
 *   npm run snapshot -- out.json     (no path: the JSON goes to stdout)
 *
 * The output is deterministic: articles sorted by id, and one modification
 * time for all of them (see buildEpoch), so two builds of the same sources
 * are byte-identical.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Article } from '../lib/article';
import { extractArticle } from '../lib/wiki/extract';
import { firstHeading } from '../lib/wiki/markup-lexer';
import { cleanId } from '../lib/wiki/page-id';
import { renderDokuWiki } from '../lib/wiki/render';
import { SNAPSHOT_FORMAT, parseSnapshot, type StarterSnapshot } from '../lib/wiki/snapshot';

export const DEFAULT_PAGES_DIR = 'assets/knowledge-base/pages';

export interface BuildSnapshotOptions {
  /**
   * Render links written without text (`[[page]]`) with the target's title,
   * as a wiki with `useheading` on does. Off by default, as on a default
   * DokuWiki and on the development wiki scripts/local-wiki.ts starts.
   */
  useHeading?: boolean;
  /** The modification time to give every article; by default buildEpoch(). */
  epoch?: number;
  /** Told about each link to a page that does not exist (a red link on the wiki too). */
  onWarning?: (message: string) => void;
}

interface SourcePage {
  id: string;
  path: string;
  raw: string;
  mtime: number;
}

export async function buildSnapshot(
  pagesDir: string = DEFAULT_PAGES_DIR,
  options: BuildSnapshotOptions = {},
): Promise<StarterSnapshot> {
  const pages = await readPages(pagesDir);
  const epoch = options.epoch ?? buildEpoch(pagesDir, pages);
  const ids = new Set(pages.map((page) => page.id));
  const titles = new Map<string, string>();
  if (options.useHeading) for (const page of pages) titles.set(page.id, firstHeading(page.raw) ?? '');

  const articles: Article[] = pages.map((page) => {
    const missing = new Set<string>();
    const pageExists = (id: string): boolean => {
      if (!ids.has(id)) missing.add(id);
      return ids.has(id);
    };
    try {
      const html = renderDokuWiki(page.raw, {
        currentId: page.id,
        pageExists,
        ...(options.useHeading ? { pageTitle: (id: string) => titles.get(id) || undefined } : {}),
      });
      for (const id of missing) options.onWarning?.(missingLinkWarning(page.id, id, ids));
      return extractArticle({ id: page.id, raw: page.raw, html, modified: epoch });
    } catch (error) {
      throw new Error(`Cannot build the starter article from ${page.path}: ${(error as Error).message}`, { cause: error });
    }
  });
  // Validate what we ship with the same check the extension applies on install.
  return parseSnapshot({ format: SNAPSHOT_FORMAT, generatedAt: epoch, articles });
}

/**
 * A link without a namespace is relative to the linking page's namespace:
 * `[[rlhf]]` on `papers:x` means `papers:rlhf`. Say so when the root page exists.
 */
function missingLinkWarning(from: string, missing: string, ids: ReadonlySet<string>): string {
  const name = missing.slice(missing.lastIndexOf(':') + 1);
  const hint = missing.includes(':') && ids.has(name) ? ` (for the page "${name}" write [[:${name}]])` : '';
  return `${from} links to ${missing}, which does not exist${hint}`;
}

/** Every .txt below `pagesDir`, sorted by page id; a file name that is not a clean page id is an error. */
async function readPages(pagesDir: string): Promise<SourcePage[]> {
  const root = resolve(pagesDir);
  let files: string[];
  try {
    files = await listTextFiles(root);
  } catch (error) {
    throw new Error(`Cannot read the knowledge base sources in ${pagesDir}: ${(error as Error).message}`, { cause: error });
  }
  const pages = await Promise.all(
    files.map(async (path): Promise<SourcePage> => {
      const id = relative(root, path).slice(0, -'.txt'.length).split(sep).join(':');
      if (cleanId(id) !== id) {
        throw new Error(
          `${relative(process.cwd(), path)} is not a DokuWiki page id: rename it to ${cleanId(id).split(':').join('/')}.txt ` +
            '(lowercase, words joined by "_", namespaces as folders)',
        );
      }
      const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      return { id, path, raw, mtime: info.mtimeMs };
    }),
  );
  return pages.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function listTextFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listTextFiles(path);
      return entry.isFile() && entry.name.endsWith('.txt') ? [path] : [];
    }),
  );
  return nested.flat();
}

/**
 * One modification time for the whole build, unix milliseconds, the same on
 * every machine for the same sources: SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention), else the time of the last commit that
 * touched the sources when they are committed unchanged, else the newest
 * file's mtime. Never the build's own clock: an article dated after the
 * wiki's edits would look newer than the wiki's version of it.
 */
export function buildEpoch(pagesDir: string, pages: ReadonlyArray<{ mtime: number }>): number {
  const fromEnvironment = process.env['SOURCE_DATE_EPOCH'];
  if (fromEnvironment && /^\d+$/.test(fromEnvironment)) return Number(fromEnvironment) * 1000;
  const fromGit = lastCommitTime(pagesDir);
  if (fromGit !== null) return fromGit;
  return Math.floor(pages.reduce((newest, page) => Math.max(newest, page.mtime), 0));
}

function lastCommitTime(pagesDir: string): number | null {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: pagesDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (git('status', '--porcelain', '--', '.') !== '') return null;
    const seconds = git('log', '-1', '--format=%ct', '--', '.');
    return /^\d+$/.test(seconds) ? Number(seconds) * 1000 : null;
  } catch {
    return null;
  }
}

async function main(args: string[]): Promise<void> {
  const [out, pagesDir = DEFAULT_PAGES_DIR] = args;
  const snapshot = await buildSnapshot(pagesDir, {
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
  });
  const json = JSON.stringify(snapshot);
  if (out === undefined || out === '-') {
    process.stdout.write(`${json}\n`);
  } else {
    await writeFile(out, json);
  }
  process.stderr.write(
    `Starter snapshot: ${snapshot.articles.length} articles from ${pagesDir}` +
      `${out === undefined || out === '-' ? '' : ` written to ${out}`} (${(json.length / 1024).toFixed(0)} kB)\n`,
  );
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
