// Grammar tests: runs vscode-tmgrammar-test on every fixture in test/grammar/*.seed.txt against
// syntaxes/seed.tmLanguage.json, one process per fixture so each file gets its own verdict, and
// ends with one line, `grammar: N passed, N failed` (N = fixture files). Exits non-zero when a
// fixture fails, cannot be parsed, or holds no assertion at all (it would pass vacuously).
//
// Fixture format (vscode-tmgrammar-test): the first line `# SYNTAX TEST "text.seed" "description"`
// declares `#` as the comment token; lines starting with `#` followed by `^` or `<-` are
// assertions about the source line above them and are not tokenized. No seed line starts so.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin', 'vscode-tmgrammar-test');
const grammar = 'syntaxes/seed.tmLanguage.json';
const dir = 'test/grammar';

const fixtures = readdirSync(path.join(root, dir))
  .filter((f) => f.endsWith('.seed.txt'))
  .sort()
  .map((f) => `${dir}/${f}`);

function assertionCount(file) {
  const lines = readFileSync(path.join(root, file), 'utf8').split(/\r\n|\n/).slice(1);
  return lines.filter((l) => /^#\s*(\^|<~*-)/.test(l)).length;
}

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(bin, ['-g', grammar, file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ output: output + String(err), code: 1 }));
    child.on('close', (code) => resolve({ output, code: code ?? 1 }));
  });
}

if (fixtures.length === 0) {
  console.log(`no fixtures in ${dir}`);
  console.log('grammar: 0 passed, 1 failed');
  process.exit(1);
}

const results = await Promise.all(
  fixtures.map(async (file) => {
    const assertions = assertionCount(file);
    const { output, code } = await run(file);
    const ok = code === 0 && assertions > 0;
    return { file, assertions, output, ok, reason: code !== 0 ? `exit code ${code}` : assertions === 0 ? 'no assertions' : '' };
  }),
);

let passed = 0;
let failed = 0;
let assertions = 0;
for (const r of results) {
  assertions += r.assertions;
  if (r.ok) {
    passed++;
    console.log(`  ok    ${r.file} (${r.assertions} assertions)`);
  } else {
    failed++;
    console.log(`  FAIL  ${r.file} (${r.reason})`);
    console.log(r.output.replace(/^/gm, '        ').trimEnd());
  }
}
console.log(`${fixtures.length} fixtures, ${assertions} assertion lines`);
console.log(`grammar: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
