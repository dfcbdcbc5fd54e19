// `npm test`: every suite in order — type check, lint, unit (mocha, plain Node), grammar
// (vscode-tmgrammar-test), integration (mocha inside a real VS Code), ui (Playwright drives the
// packaged extension in the workbench like a user) — and one closing line for
// all of them together, alone on its line: `N passed, N failed` (`, N skipped` when any were).
// A suite that fails does not stop the later ones; the exit code is non-zero if any failed.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

/** Each suite: how to run it and how to read its counts from its output. */
const suites = [
  { name: 'type check', cmd: [bin('tsc'), '--noEmit', '-p', '.'], count: gate },
  { name: 'lint', cmd: [bin('eslint'), '--max-warnings', '0', '.'], count: gate },
  { name: 'unit', cmd: [bin('mocha'), '--color', 'false'], count: mochaCounts },
  { name: 'grammar', cmd: [process.execPath, 'scripts/test-grammar.mjs'], count: summaryLine('grammar') },
  { name: 'integration', cmd: [process.execPath, 'scripts/test-integration.mjs'], count: summaryLine('integration') },
  { name: 'ui', cmd: [process.execPath, 'scripts/test-ui.mjs'], count: summaryLine('ui') },
];

/** A check without test cases of its own counts as one test. */
function gate(_output, code) {
  return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
}

function mochaCounts(output, code) {
  const n = (re) => Number(output.match(re)?.[1] ?? 0);
  const counts = { passed: n(/^\s*(\d+) passing/m), failed: n(/^\s*(\d+) failing/m), skipped: n(/^\s*(\d+) pending/m) };
  if (code !== 0 && counts.failed === 0) counts.failed = 1; // crashed before reporting
  return counts;
}

function summaryLine(prefix) {
  return (output, code) => {
    // The last such line is the suite's own total (a suite may echo its parts' lines before it).
    const m = [...output.matchAll(new RegExp(`^${prefix}: (\\d+) passed, (\\d+) failed(?:, (\\d+) skipped)?`, 'gm'))].pop();
    const counts = m ? { passed: +m[1], failed: +m[2], skipped: +(m[3] ?? 0) } : { passed: 0, failed: 0, skipped: 0 };
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  };
}

function run(cmd) {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('error', (err) => resolve({ output: output + String(err), code: 1 }));
    child.on('close', (code) => resolve({ output, code: code ?? 1 }));
  });
}

const only = process.env.SEED_TEST_SUITES?.split(',');
const total = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
for (const suite of suites) {
  if (only && !only.includes(suite.name)) continue;
  console.log(`\n=== ${suite.name} ===`);
  const started = Date.now();
  const { output, code } = await run(suite.cmd);
  const c = suite.count(output, code);
  for (const k of Object.keys(total)) total[k] += c[k];
  rows.push(`${suite.name.padEnd(12)} ${String(c.passed).padStart(5)} passed ${String(c.failed).padStart(4)} failed ${String(c.skipped).padStart(4)} skipped  ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
console.log('\n=== summary ===');
for (const r of rows) console.log(r);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
