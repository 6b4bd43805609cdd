/**
 * Scoring of term detection against the golden pages in tests/fixtures/golden:
 * each NAME.html has a NAME.expected.json written by reading the page as a
 * reader would (which articles should be offered there, not what the code
 * happens to do). Shared by the Node runner (tests/unit/golden) and the
 * Chromium runner (tests/e2e/golden.test.ts), which differ only in how they
 * collect the marks.
 *
 * Counting: an article is found when some mark on the page names it among its
 * ids (a mark owned by several articles lists them all on its card). A mark
 * naming no expected article is a false positive, counted once per article it
 * names first. Precision and recall are over distinct articles per page; the
 * overall figures sum the counts of all pages (micro-average), so a page with
 * twenty terms weighs more than a page with two.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const GOLDEN_DIR = resolve(import.meta.dirname, '../../fixtures/golden');

export interface ExpectedTerm {
  /** Article id, e.g. "metagpt" or "papers:react_reasoning_acting". */
  id: string;
  /** The text of the article's first occurrence in markable text, as the page spells it. */
  text: string;
}

export interface Expectation {
  description: string;
  terms: ExpectedTerm[];
  /** Surface strings that no mark may equal or lie inside (case-sensitive). */
  mustNotMark: string[];
}

export interface GoldenPage {
  /** File name without .html. */
  name: string;
  html: string;
  expected: Expectation;
}

/** One marked occurrence, as the scanner or the browser reports it. */
export interface Mark {
  text: string;
  /** Article ids, best first. */
  ids: string[];
  /** Offsets in the page text (the body's textContent), end exclusive. */
  start: number;
  end: number;
}

export interface PageScore {
  name: string;
  expected: string[];
  found: string[];
  missed: string[];
  falsePositives: { id: string; text: string }[];
  precision: number;
  recall: number;
  /** Expected terms found, but first marked with other text than expected (elsewhere, or a different alias). */
  textMismatches: { id: string; expected: string; actual: string }[];
  /** Marks that equal or lie inside a surface string that must never be marked. */
  violations: { surface: string; mark: string }[];
  markCount: number;
}

export function loadGoldenPages(dir: string = GOLDEN_DIR): GoldenPage[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.html'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.html'.length);
      const expectedPath = join(dir, `${name}.expected.json`);
      let expected: Expectation;
      try {
        expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Expectation;
      } catch (error) {
        throw new Error(`${name}.html needs a readable ${name}.expected.json beside it: ${(error as Error).message}`);
      }
      return { name, html: readFileSync(join(dir, file), 'utf8'), expected };
    });
}

/**
 * The text a reader sees, for comparing surfaces: soft hyphens and zero-width
 * characters dropped (they never show), every run of white space (no-break
 * spaces and line breaks of the source included) as one space.
 */
export function normalizeSurface(text: string): string {
  return text
    .replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export function scorePage(page: GoldenPage, marks: readonly Mark[], pageText: string): PageScore {
  const expectedIds = [...new Set(page.expected.terms.map((t) => t.id))];
  const wanted = new Set(expectedIds);
  const ordered = [...marks].sort((a, b) => a.start - b.start);

  const firstMarkOf = new Map<string, Mark>();
  const falsePositives = new Map<string, string>();
  for (const mark of ordered) {
    const hits = mark.ids.filter((id) => wanted.has(id));
    if (hits.length === 0) {
      const id = mark.ids[0] ?? '(no id)';
      if (!falsePositives.has(id)) falsePositives.set(id, mark.text);
      continue;
    }
    for (const id of hits) if (!firstMarkOf.has(id)) firstMarkOf.set(id, mark);
  }

  const found = expectedIds.filter((id) => firstMarkOf.has(id));
  const missed = expectedIds.filter((id) => !firstMarkOf.has(id));
  const detected = found.length + falsePositives.size;

  const textMismatches: PageScore['textMismatches'] = [];
  for (const term of page.expected.terms) {
    const mark = firstMarkOf.get(term.id);
    if (mark && normalizeSurface(mark.text) !== normalizeSurface(term.text)) {
      textMismatches.push({ id: term.id, expected: term.text, actual: mark.text });
    }
  }

  return {
    name: page.name,
    expected: expectedIds,
    found,
    missed,
    falsePositives: [...falsePositives].map(([id, text]) => ({ id, text })),
    precision: detected === 0 ? 1 : found.length / detected,
    recall: expectedIds.length === 0 ? 1 : found.length / expectedIds.length,
    textMismatches,
    violations: mustNotMarkViolations(page.expected.mustNotMark, ordered, pageText),
    markCount: marks.length,
  };
}

/**
 * A mark breaks "must not mark S" when its text is S (after normalizing white
 * space) or when it lies inside an occurrence of S on the page: a mark "GPT-4"
 * inside "GPT-4o", or "rag" inside "rag rug".
 */
function mustNotMarkViolations(surfaces: readonly string[], marks: readonly Mark[], pageText: string): PageScore['violations'] {
  const violations: PageScore['violations'] = [];
  for (const surface of surfaces) {
    const spans: [number, number][] = [];
    for (let at = pageText.indexOf(surface); at >= 0; at = pageText.indexOf(surface, at + 1)) {
      spans.push([at, at + surface.length]);
    }
    for (const mark of marks) {
      const equal = normalizeSurface(mark.text) === normalizeSurface(surface);
      const inside = spans.some(([start, end]) => mark.start >= start && mark.end <= end);
      if (equal || inside) violations.push({ surface, mark: mark.text });
    }
  }
  return violations;
}

export interface OverallScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

export function overallScore(scores: readonly PageScore[]): OverallScore {
  const truePositives = scores.reduce((n, s) => n + s.found.length, 0);
  const falsePositives = scores.reduce((n, s) => n + s.falsePositives.length, 0);
  const falseNegatives = scores.reduce((n, s) => n + s.missed.length, 0);
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: truePositives + falsePositives === 0 ? 1 : truePositives / (truePositives + falsePositives),
    recall: truePositives + falseNegatives === 0 ? 1 : truePositives / (truePositives + falseNegatives),
  };
}

/** A plain-text report: one row per page, the totals, then every miss, false positive and violation. */
export function formatReport(title: string, scores: readonly PageScore[]): string {
  const total = overallScore(scores);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const width = Math.max(...scores.map((s) => s.name.length), 'overall'.length);
  const lines = [
    title,
    `${'page'.padEnd(width)}  expect  found  false  missed  precision  recall  must-not`,
  ];
  for (const s of scores) {
    lines.push(
      `${s.name.padEnd(width)}  ${String(s.expected.length).padStart(6)}  ${String(s.found.length).padStart(5)}  ` +
        `${String(s.falsePositives.length).padStart(5)}  ${String(s.missed.length).padStart(6)}  ${pct(s.precision).padStart(9)}  ` +
        `${pct(s.recall).padStart(6)}  ${String(s.violations.length).padStart(8)}`,
    );
  }
  lines.push(
    `${'overall'.padEnd(width)}  ${String(total.truePositives + total.falseNegatives).padStart(6)}  ` +
      `${String(total.truePositives).padStart(5)}  ${String(total.falsePositives).padStart(5)}  ` +
      `${String(total.falseNegatives).padStart(6)}  ${pct(total.precision).padStart(9)}  ${pct(total.recall).padStart(6)}`,
  );
  const details: string[] = [];
  for (const s of scores) {
    for (const id of s.missed) details.push(`  ${s.name}: missed ${id}`);
    for (const fp of s.falsePositives) details.push(`  ${s.name}: false positive ${fp.id} on "${fp.text}"`);
    for (const v of s.violations) details.push(`  ${s.name}: marked "${v.mark}" (must not mark "${v.surface}")`);
    for (const m of s.textMismatches) details.push(`  ${s.name}: ${m.id} first marked as "${m.actual}", expected "${m.expected}"`);
  }
  if (details.length) lines.push('', 'Details:', ...details);
  return lines.join('\n');
}
