#!/usr/bin/env node
// `npm test`: type-check, then every Vitest project (unit, integration
// against a real DokuWiki, end-to-end in real Chromium), then one closing line
// "N passed, N failed" that any CI can read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const run = (command, args, env = {}) =>
  spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const step = (name, command, args) => {
  console.log(`\n── ${name}`);
  const code = run(command, args);
  if (code !== 0) {
    console.log(`\n${name} failed.`);
    console.log('0 passed, 1 failed');
    process.exit(code);
  }
};

step('Type-check', 'npx', ['tsc', '--noEmit']);
step('Type-check lib/ without DOM types', 'npx', ['tsc', '--noEmit', '-p', 'lib/tsconfig.json']);

mkdirSync('.tmp', { recursive: true });
const projects = process.argv.slice(2).flatMap((p) => ['--project', p]);
console.log('\n── Tests');
const code = run('npx', ['vitest', 'run', ...projects, '--reporter=default', '--reporter=json', '--outputFile.json=.tmp/test-results.json']);

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(readFileSync('.tmp/test-results.json', 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  if (code !== 0 && failed === 0) failed = 1;
} catch {
  failed = 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0);
