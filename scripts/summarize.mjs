// Sums every suite's results into the one line CI reads: "N passed, N failed, N skipped".
// Exits non-zero when anything failed or a suite produced no report at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

if (existsSync('test-results/checks.jsonl')) {
  for (const line of readFileSync('test-results/checks.jsonl', 'utf8')
    .split('\n')
    .filter(Boolean)) {
    const { status } = JSON.parse(line);
    if (status === 'passed') passed++;
    else failed++;
  }
} else missing.push('checks');

const vitestReports = readdirSync('test-results').filter((f) => /^vitest.*\.json$/.test(f));
if (vitestReports.length === 0) missing.push('vitest');
for (const file of vitestReports) {
  const v = JSON.parse(readFileSync(`test-results/${file}`, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  // A test file that fails to load has no tests to count: it is still a failure.
  for (const f of v.testResults ?? []) {
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed++;
  }
}

if (existsSync('test-results/playwright.json')) {
  const p = JSON.parse(readFileSync('test-results/playwright.json', 'utf8'));
  const s = p.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
  // Say why each skipped test was skipped, so a skip is never mistaken for a pass.
  const walk = (suite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const reason = (t.annotations ?? []).find((a) => a.type === 'skip')?.description;
        if (t.status === 'skipped') console.log(`skipped: ${spec.title}${reason ? ` (${reason})` : ''}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  for (const suite of p.suites ?? []) walk(suite);
  for (const e of p.errors ?? []) {
    console.log(`playwright error: ${e.message ?? JSON.stringify(e)}`);
    failed++;
  }
} else missing.push('playwright');

for (const m of missing) {
  console.log(`no report from ${m}: counted as a failure`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
