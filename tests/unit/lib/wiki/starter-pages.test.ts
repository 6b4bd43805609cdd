// @vitest-environment node
/**
 * The knowledge base's own sources (assets/knowledge-base/pages) build into
 * the starter snapshot the extension ships: every page renders and reads
 * into an article with a title and an opening definition.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGES_DIR, buildSnapshot } from '../../../../scripts/build-snapshot';
import type { StarterSnapshot } from '../../../../lib/wiki/snapshot';

describe('the starter knowledge base', () => {
  let snapshot: StarterSnapshot;
  const warnings: string[] = [];
  beforeAll(async () => {
    snapshot = await buildSnapshot(DEFAULT_PAGES_DIR, { onWarning: (message) => warnings.push(message) });
  }, 60_000);

  it('has articles', () => {
    expect(snapshot.articles.length).toBeGreaterThan(0);
  });

  it('gives every page a title and an opening definition', () => {
    const incomplete = snapshot.articles
      .filter((article) => article.title.trim() === '' || article.summary.trim() === '')
      .map((article) => article.id);
    expect(incomplete, 'Start each page with "====== Title ======" and a first paragraph that defines it.').toEqual([]);
  });

  it('links only to pages that exist in it', () => {
    const ids = new Set(snapshot.articles.map((article) => article.id));
    for (const article of snapshot.articles) {
      for (const link of article.links) expect(ids.has(link), `${article.id} links to ${link}`).toBe(true);
    }
  });

  it('is deterministic: same sources, same snapshot', async () => {
    const again = await buildSnapshot(DEFAULT_PAGES_DIR);
    expect(JSON.stringify(again)).toBe(JSON.stringify(snapshot));
    expect(snapshot.articles.every((article) => article.modified === snapshot.generatedAt)).toBe(true);
    expect(snapshot.articles.map((article) => article.id)).toEqual(snapshot.articles.map((article) => article.id).sort());
  }, 60_000);
});

describe('buildSnapshot', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  async function pages(files: Record<string, string>): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'starter-pages-'));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it('reads namespaces from folders, resolves links between the pages and reports missing ones', async () => {
    const root = await pages({
      'start.txt': '====== Start ======\n**Start** links to [[papers:one]], [[two]] and [[nowhere]].\n{{tag>home}}',
      'papers/one.txt': '====== One ======\n**One** links to [[two]] (relative) and [[:two]].',
      'two.txt': '====== Two ======\n**Two** is second.',
      'notes.md': 'not a page',
    });
    const warnings: string[] = [];
    const snapshot = await buildSnapshot(root, { epoch: 1234, onWarning: (message) => warnings.push(message) });
    expect(snapshot.generatedAt).toBe(1234);
    expect(snapshot.articles.map((article) => [article.id, article.title, article.links, article.tags])).toEqual([
      ['papers:one', 'One', ['two'], []],
      ['start', 'Start', ['papers:one', 'two'], ['home']],
      ['two', 'Two', [], []],
    ]);
    expect(warnings).toEqual([
      'papers:one links to papers:two, which does not exist (for the page "two" write [[:two]])',
      'start links to nowhere, which does not exist',
    ]);
  });

  it('uses page titles for links without text when asked (useheading)', async () => {
    const root = await pages({ 'a.txt': '====== A ======\nSee [[b]].', 'b.txt': '====== The B Page ======\nText.' });
    const snapshot = await buildSnapshot(root, { epoch: 1, useHeading: true });
    expect(snapshot.articles[0]!.summary).toBe('See The B Page.');
  });

  it('takes its time from SOURCE_DATE_EPOCH when set', async () => {
    const root = await pages({ 'a.txt': '====== A ======\nText.' });
    const saved = process.env['SOURCE_DATE_EPOCH'];
    process.env['SOURCE_DATE_EPOCH'] = '1700000000';
    try {
      expect((await buildSnapshot(root)).generatedAt).toBe(1_700_000_000_000);
    } finally {
      if (saved === undefined) delete process.env['SOURCE_DATE_EPOCH'];
      else process.env['SOURCE_DATE_EPOCH'] = saved;
    }
  });

  it('refuses a file name that is not a page id, saying what to rename it to', async () => {
    const root = await pages({ 'Bad Name.txt': 'x' });
    await expect(buildSnapshot(root, { epoch: 1 })).rejects.toThrow(/Bad Name\.txt is not a DokuWiki page id: rename it to bad_name\.txt/);
  });

  it('says which folder it cannot read', async () => {
    await expect(buildSnapshot('/nonexistent/pages', { epoch: 1 })).rejects.toThrow(
      /Cannot read the knowledge base sources in \/nonexistent\/pages/,
    );
  });
});
