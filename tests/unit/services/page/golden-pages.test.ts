/**
 * Golden pages: saved pages with the terms a reader should see marked, as
 * JSON beside them. To accept a deliberate change, run with UPDATE_GOLDEN=1
 * and read the diff of the .expected.json files before committing it.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileMatcher } from '../../../../lib/match/matcher';
import { buildTermTable, type TermSource } from '../../../../lib/match/term-table';
import { startPageSession } from '../../../../services/page/page-session';

const DIR = join(__dirname, '../../../fixtures/pages');
const articles = JSON.parse(readFileSync(join(DIR, 'articles.json'), 'utf8')) as TermSource[];
const table = buildTermTable(articles);
const titles = new Map(table.ids.map((id, i) => [id, table.titles[i]!]));
const pages = readdirSync(DIR).filter((f) => f.endsWith('.html'));

const aborts: AbortController[] = [];
afterEach(() => {
  for (const abort of aborts.splice(0)) abort.abort();
});

function load(html: string): void {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  document.head.innerHTML = parsed.head.innerHTML;
  document.body.innerHTML = parsed.body.innerHTML;
}

describe('golden pages', () => {
  it('has pages to check', () => {
    expect(pages.length).toBeGreaterThanOrEqual(2);
  });

  for (const page of pages) {
    it(`marks what a reader expects on ${page}`, async () => {
      load(readFileSync(join(DIR, page), 'utf8'));
      const abort = new AbortController();
      aborts.push(abort);
      const session = startPageSession({
        doc: document,
        matcher: compileMatcher(table),
        titleOf: (id) => titles.get(id) ?? id,
        pageUrlOf: (id) => id,
        lookup: async () => null,
        openInSidePanel: () => undefined,
        signal: abort.signal,
        highlights: null,
      });
      await session.ready;
      const actual = {
        marked: session.occurrences().map((o) => ({ text: o.range.toString(), ids: o.ids })),
        terms: await session.terms(),
      };
      const expectedPath = join(DIR, page.replace(/\.html$/, '.expected.json'));
      if (process.env.UPDATE_GOLDEN) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, 'utf8')));
    });
  }
});
