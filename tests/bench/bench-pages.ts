/**
 * Pages and term tables for the Chromium benchmarks: a knowledge base of
 * synthetic articles plus a few about Python (so that a real Python reference
 * page has terms to mark, and the inner-capital "CPython" to show the page is
 * on the subject), a page of everyday prose without any term, and a 1 MB page
 * of synthetic text.
 */
import { existsSync } from 'node:fs';
import { buildTermTable, type TermSource } from '../../lib/match/term-table';
import type { TermTable } from '../../lib/match/table';
import { seededRandom, syntheticArticles, syntheticText } from './synthetic-wiki';

/** Debian's python3.11-doc: large real HTML pages. */
export const PYTHON_DOC_DIR = '/usr/share/doc/python3.11/html';
export const STDTYPES_PATH = 'library/stdtypes.html';

export function pythonDocAvailable(): boolean {
  return existsSync(`${PYTHON_DOC_DIR}/${STDTYPES_PATH}`);
}

const PYTHON_ARTICLES: TermSource[] = [
  ['cpython', 'CPython'],
  ['unicode', 'Unicode'],
  ['hash_table', 'Hash Table'],
  ['iterator_protocol', 'Iterator Protocol'],
  ['generator_expression', 'Generator Expression'],
  ['list_comprehension', 'List Comprehension'],
  ['floating_point_arithmetic', 'Floating-Point Arithmetic'],
  ['buffer_protocol', 'Buffer Protocol'],
  ['context_manager', 'Context Manager'],
  ['type_annotation', 'Type Annotation'],
  ['bytecode', 'Bytecode'],
  ['garbage_collection', 'Garbage Collection'],
  ['twos_complement', "Two's Complement"],
  ['docstring', 'Docstring'],
  ['immutable_object', 'Immutable Object'],
  ['named_tuple', 'Named Tuple'],
  ['utf_8', 'UTF-8'],
  ['ieee_754', 'IEEE 754'],
  ['regular_expression', 'Regular Expression'],
  ['method_resolution_order', 'Method Resolution Order (MRO)'],
].map(([id, title]) => ({ id: id!, title: title!, summary: `${title} is a concept of programming.`, boldTerms: [] }));

/** The term table of `count` articles: synthetic ones and the Python ones. */
export function benchTable(count: number): TermTable {
  return buildTermTable([...syntheticArticles(count - PYTHON_ARTICLES.length), ...PYTHON_ARTICLES]);
}

const EVERYDAY = (
  'the morning was quiet and the kitchen smelled of bread while the children walked to school along the river ' +
  'where the old bridge stood under a grey sky and the baker waved from his door as the bus went past the park ' +
  'on the corner a woman sold flowers and fruit to people going to work in the town while a dog slept in the sun'
).split(' ');

/** About `size` characters of everyday prose in paragraphs, headings and a list: a page with no term at all. */
export function plainPage(size = 50_000): string {
  const random = seededRandom(11);
  const parts: string[] = ['<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A quiet morning</title></head><body><main>'];
  let length = 0;
  let n = 0;
  while (length < size) {
    const words = Array.from({ length: 60 + Math.floor(random() * 60) }, () => EVERYDAY[Math.floor(random() * EVERYDAY.length)]);
    const text = words.join(' ');
    if (n % 7 === 0) parts.push(`<h2>${words.slice(0, 4).join(' ')}</h2>`);
    parts.push(n % 5 === 4 ? `<ul><li>${text}</li></ul>` : `<p>${text}.</p>`);
    length += text.length;
    n++;
  }
  parts.push('</main></body></html>');
  return parts.join('\n');
}

/** About 1 MB of synthetic text that names the table's articles, in paragraphs with inline elements and links. */
export function syntheticPage(count: number, size = 1_000_000): string {
  const articles = syntheticArticles(count - PYTHON_ARTICLES.length);
  // Mentions drawn from 150 articles: a real page names dozens of distinct
  // terms, not hundreds, so the scan reads the whole page rather than
  // stopping at the page's cap of marks.
  const text = syntheticText(size, articles.slice(0, 150), 120);
  const parts: string[] = ['<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Synthetic</title></head><body>'];
  for (const paragraph of text.split('.\n\n')) {
    const words = paragraph.split(' ');
    let html = '<p>';
    for (let i = 0; i < words.length; i += 12) {
      const chunk = escapeHtml(words.slice(i, i + 12).join(' ')) + ' ';
      const kind = i % 48;
      html += kind === 12 ? `<em>${chunk}</em>` : kind === 24 ? `<a href="#">${chunk}</a>` : chunk;
    }
    parts.push(`${html}</p>`);
  }
  parts.push('</body></html>');
  return parts.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
