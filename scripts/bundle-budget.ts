/**
 * Size budgets that fail the build: the content script runs on every page the
 * user opens, so its gzip size is capped (DESIGN.md: at most 30 kB gzip); its
 * second stage, on every page that may hold a term, is held to the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONTENT_MAIN_FILE, CONTENT_SCRIPT_FILE } from './build-config';

export const BUDGETS_GZIP_BYTES: Record<string, number> = {
  [CONTENT_SCRIPT_FILE]: 30 * 1024,
  [CONTENT_MAIN_FILE]: 30 * 1024,
};

export interface BudgetReport {
  file: string;
  gzipBytes: number;
  budget: number;
}

export function measureBudgets(extensionDir: string): BudgetReport[] {
  return Object.entries(BUDGETS_GZIP_BYTES).map(([file, budget]) => {
    const path = join(extensionDir, file);
    if (!existsSync(path)) throw new Error(`Bundle budget: ${file} is missing from ${extensionDir}.`);
    return { file, gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length, budget };
  });
}

/** Throws when any file is over its budget; otherwise returns one line per file. */
export function enforceBudgets(extensionDir: string): string[] {
  const reports = measureBudgets(extensionDir);
  const lines = reports.map(
    (r) => `${r.file}: ${(r.gzipBytes / 1024).toFixed(1)} kB gzip of ${(r.budget / 1024).toFixed(0)} kB allowed`,
  );
  const over = reports.filter((r) => r.gzipBytes > r.budget);
  if (over.length > 0) throw new Error(`Over the size budget:\n  ${lines.join('\n  ')}`);
  return lines;
}
