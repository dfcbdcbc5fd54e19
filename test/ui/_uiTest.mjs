// The frame every UI test (test/ui/*.ui.mjs) runs in: one product session (packaged extension in
// code-server, headless Chromium, a copy of seeds/ as the workspace), named checks that print
// ✔ or ✘ as they go, and the `ui: N passed, N failed` line that scripts/test-ui.mjs sums; exit
// code 1 on failure. Not a test itself: the name does not end in .ui.mjs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { productSession } from '../../scripts/screenshots.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The project's seed the UI tests open. */
export const ARTICLE = '000_eb28ad2c764fb3cf.txt';

/**
 * Where a test's screenshot goes: the README's media/ folder when SEED_SCREENSHOTS=1 (to refresh
 * them), else a temporary folder, so that running the tests leaves the working tree as it was.
 */
export function screenshotPath(name) {
  if (process.env.SEED_SCREENSHOTS === '1') return path.join(root, 'media', name);
  const dir = path.join(os.tmpdir(), 'seed-annotator-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/**
 * Runs `body({ page, workspace, check })` in a fresh product session, closed afterwards whatever
 * happens. `check(name, fn)` runs one named check: a failure is reported and counted, and the
 * following checks still run. An error outside a check fails the whole file.
 */
export function runUiTest(body) {
  const results = [];
  async function check(name, fn) {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      results.push({ name, ok: false });
      console.log(`  ✘ ${name}\n    ${String(err?.stack || err).split('\n').join('\n    ')}`);
    }
  }

  async function main() {
    const session = await productSession();
    try {
      await body({ page: session.page, workspace: session.workspace, check });
    } finally {
      await session.close();
    }
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    console.log(`ui: ${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  }

  main().catch((err) => {
    console.error(`ui: ${err?.stack || err}`);
    console.log('ui: 0 passed, 1 failed');
    process.exit(1);
  });
}
