/**
 * The real DokuWiki pages of tests/fixtures/wiki (see its README): source,
 * the wiki's export with and without the tag plugin, and the pages that
 * existed when they were captured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../../fixtures/wiki/', import.meta.url));

const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const pathOf = (id: string): string => id.split(':').join('/');

export interface WikiFixture {
  id: string;
  raw: string;
  /** do=export_xhtmlbody of a DokuWiki without plugins. */
  html: string;
  /** The same with the tag plugin installed, where captured. */
  tagPluginHtml: string | null;
}

export const existingPages: ReadonlySet<string> = new Set(
  read('existing-pages.txt')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean),
);

export const pageExists = (id: string): boolean => existingPages.has(id);

export const FIXTURE_IDS = [
  'metagpt',
  'open_closed_performance_gap',
  'how_to_use_mcp',
  'langchain_vs_llamaindex_comparison',
  'papers:react_reasoning_acting',
  'digest_20261127',
  'crewai',
  'ai:rlhf',
  'ai:dpo',
  'papers:instructgpt',
  'syntax:formatting',
  'syntax:links',
  'syntax:blocks',
  'syntax:code',
  'syntax:tables',
  'syntax:stress',
  'syntax:edge',
] as const;

export function fixture(id: string): WikiFixture {
  const tagPluginPath = `export-tag-plugin/${pathOf(id)}.html`;
  return {
    id,
    raw: read(`pages/${pathOf(id)}.txt`),
    html: read(`export/${pathOf(id)}.html`),
    tagPluginHtml: existsSync(join(root, tagPluginPath)) ? read(tagPluginPath) : null,
  };
}

export const allFixtures = (): WikiFixture[] => FIXTURE_IDS.map(fixture);
