/**
 * `npm run bench`: runs every benchmark under tests/bench/ (files named
 * `*.bench.ts` whose default export is an async function). Each prints its
 * figures beside a baseline measured in the same run, because these machines
 * are shared and noisy: a ratio holds where an absolute time does not.
 *
 * `npm run bench -- match` runs only the benchmarks whose file name contains
 * "match".
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(import.meta.dirname, '../tests/bench');
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ') || '(all)'} in ${dir}.`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n━━ ${file}`);
  try {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: () => Promise<void> };
    if (typeof module.default !== 'function') throw new Error(`${file} has no default export to run.`);
    await module.default();
  } catch (error) {
    failed++;
    console.error(`${file} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
