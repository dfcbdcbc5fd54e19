// Runs the Playwright UI tests (test/ui/*.ui.mjs) one after another — each drives the packaged
// extension in a real workbench like a user — and sums their `ui: N passed, N failed` lines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.env.SEED_UI_FILES?.split(',');
const files = fs
  .readdirSync(path.join(root, 'test', 'ui'))
  .filter((f) => f.endsWith('.ui.mjs'))
  .filter((f) => !only || only.some((o) => f.startsWith(o)))
  .sort();
let passed = 0;
let failed = 0;
for (const f of files) {
  console.log(`--- test/ui/${f}`);
  const r = spawnSync(process.execPath, [path.join('test', 'ui', f)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout ?? '');
  const m = (r.stdout ?? '').match(/^ui: (\d+) passed, (\d+) failed/m);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0 && (!m || Number(m[2]) === 0)) failed++;
}
console.log(`ui: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
