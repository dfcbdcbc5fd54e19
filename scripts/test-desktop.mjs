// `npm run test:desktop`: the same integration suite through @vscode/test-electron, for machines
// that can download desktop VS Code (this one cannot: use `npm test`, which runs it in code-server).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { makeTestWorkspace } from './test-integration.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--dev', '--tests'], { cwd: root, stdio: 'inherit' });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-annotator-desktop-'));
const workspace = makeTestWorkspace(tmp);
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`test:desktop: ${err.message || err}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
