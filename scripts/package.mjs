// `npm run package`: a .vsix with @vscode/vsce, offline and without a prompt, then its file list,
// so that what ships is visible (no sources, tests or dev dependencies).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = process.argv[2] || path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');

execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
// The bundle holds every runtime dependency, so vsce need not walk node_modules.
// Relative README links stay relative: VS Code resolves them inside the installed extension.
try {
  execFileSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, VSCE_TELEMETRY: 'false' },
  });
} catch {
  console.error('package: vsce failed (its message is above)');
  process.exit(1);
}
const listing = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
console.log(`\n${out} (${(fs.statSync(out).size / 1024).toFixed(1)} KiB) holds:\n${listing}`);
