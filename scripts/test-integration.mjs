// Runs the integration suite (test/integration) inside a real VS Code: code-server 4.100.3 serves
// the workbench, headless Debian Chromium opens it through playwright-core, and the workbench's
// extension host calls the suite's standard run(). See ../shared/TESTING.md.
//
// Env: SEED_IT_FILES=activation,tree (only these test files), SEED_IT_GREP=pattern,
//      SEED_IT_TIMEOUT=seconds (default 900), SEED_IT_KEEP=1 (keep the temporary workspace),
//      SEED_IT_RESULTS=path (where the pass/fail counts are written as JSON).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, ensureCodeServer, startCodeServer, workbenchUrl, writeUserSettings } from './codeServer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Copies the project's seeds and the test fixtures' workspace into a fresh temporary folder. */
export function makeTestWorkspace(tmp) {
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'seeds'), path.join(workspace, 'seeds'), { recursive: true });
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  return workspace;
}

async function main() {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--dev', '--tests'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
  ensureCodeServer(root);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-annotator-it-'));
  const workspace = makeTestWorkspace(tmp);
  const userDataDir = path.join(tmp, 'user-data');
  writeUserSettings(userDataDir);
  const resultsFile = process.env.SEED_IT_RESULTS || path.join(tmp, 'results.json');
  process.env.SEED_IT_RESULTS = resultsFile;

  const server = await startCodeServer({ workspace, userDataDir, extensionsDir: path.join(tmp, 'extensions') });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  let exitCode;
  const started = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise((resolve) => {
      page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      if (/open-vsx\.org|ENOTFOUND/.test(line)) return; // no network here; harmless
      process.stdout.write(line.endsWith('\n') ? line : line + '\n');
    });
    const timeoutSeconds = Number(process.env.SEED_IT_TIMEOUT || 900);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutSeconds * 1000).unref());
    await page.goto(
      workbenchUrl(server.port, workspace, {
        extensionDevelopmentPath: root,
        extensionTestsPath: path.join(root, 'out', 'test', 'integration'),
      }),
    );
    const result = await Promise.race([exited, timeout]);
    if (result === 'timeout') {
      console.error(`integration: no result after ${timeoutSeconds} s`);
      await page.screenshot({ path: path.join(tmp, 'timeout.png') }).catch(() => {});
      exitCode = 1;
    } else {
      exitCode = result === 0 ? 0 : 1;
    }
  } finally {
    await browser.close().catch(() => {});
    server.stop();
  }
  let stats = { passes: 0, failures: exitCode === 0 ? 0 : 1, pending: 0 };
  if (fs.existsSync(resultsFile)) stats = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  else if (exitCode !== 0) console.error('integration: the suite did not report results (it did not start, or crashed)');
  console.log(`integration: ${stats.passes} passed, ${stats.failures} failed${stats.pending ? `, ${stats.pending} skipped` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s in the workbench)`);
  if (!process.env.SEED_IT_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  else console.log(`integration: workspace kept in ${tmp}`);
  process.exit(exitCode === 0 && stats.failures === 0 ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`integration: ${err.stack || err}`);
    process.exit(1);
  });
}
