#!/usr/bin/env node
// Sums every JUnit report that the test suites wrote (jest, node:test, Playwright) into one line,
// `N passed, N failed, N skipped`, the line CI reads. Exits 1 when any test failed or none ran.
//   node tools/test-summary.mjs [--failed-steps N] [DIR...]   (default: the test-reports folders of the repo)
// --failed-steps counts steps that failed without writing a report (a crash, a compile error).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DEFAULT_DIRS = ['test-reports', 'api/test-reports', 'web/test-reports', 'playwright-runner/test-reports'];

function* xmlFiles(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* xmlFiles(path);
    else if (name.endsWith('.xml')) yield path;
  }
}

/** Counts the test cases of one JUnit XML document. */
export function countJunit(xml) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? '';
    if (/<(failure|error)\b/.test(body)) totals.failed++;
    else if (/<skipped\b/.test(body)) totals.skipped++;
    else totals.passed++;
  }
  return totals;
}

const args = process.argv.slice(2);
let failedSteps = 0;
if (args[0] === '--failed-steps') { failedSteps = Number(args[1]) || 0; args.splice(0, 2); }
const dirs = args.length ? args : DEFAULT_DIRS.map((d) => join(ROOT, d));
const sum = { passed: 0, failed: 0, skipped: 0 };
for (const dir of dirs) {
  for (const file of xmlFiles(dir)) {
    const t = countJunit(readFileSync(file, 'utf8'));
    console.log(`  ${relative(ROOT, file).padEnd(60)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
    for (const k of Object.keys(sum)) sum[k] += t[k];
  }
}
if (failedSteps > 0) {
  console.log(`  ${failedSteps} step(s) failed without a report of their failures: each counts as one failed test`);
  sum.failed += failedSteps;
}
console.log(`${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
process.exit(sum.failed > 0 || sum.passed === 0 ? 1 : 0);
