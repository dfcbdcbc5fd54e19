/**
 * The integration suite's entry: the standard `run()` that @vscode/test-electron calls, and that
 * scripts/test-integration.mjs makes code-server's extension host call. Every `*.test.js` file
 * beside this one (each bundled by esbuild) runs in one workbench session.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const only = process.env.SEED_IT_FILES?.split(',').filter(Boolean);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => !only || only.some((o) => f.startsWith(o)))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  if (process.env.SEED_IT_GREP) mocha.grep(process.env.SEED_IT_GREP);

  const stats = await new Promise<{ passes: number; failures: number; pending: number }>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0, pending: runner.stats?.pending ?? 0 }));
    } catch (err) {
      reject(err);
    }
  });
  const resultsFile = process.env.SEED_IT_RESULTS;
  if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify(stats));
  if (stats.failures > 0) throw new Error(`${stats.failures} integration test(s) failed`);
}
