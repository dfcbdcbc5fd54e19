// Starting and stopping code-server (VS Code's server build with the web workbench), shared by the
// integration runner, the UI tests, the screenshot script and `npm start`. See ../shared/TESTING.md.
import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';

export const CODE_SERVER_VERSION = '4.100.3';

export function cacheDir() {
  return process.env.SEED_ANNOTATOR_CACHE || path.join(os.homedir(), '.cache', 'seed-annotator');
}

export function codeServerBin() {
  return path.join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

/** Installs code-server into the cache if it is not there yet (idempotent). */
export function ensureCodeServer(projectRoot) {
  execFileSync('bash', [path.join(projectRoot, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
}

/**
 * Packages the extension as a .vsix and installs it into `extensionsDir`, as a user would
 * (`npm start` and the screenshots use it; the tests load the sources directly instead).
 */
export function installExtension(projectRoot, { extensionsDir, userDataDir, workDir }) {
  const vsix = path.join(workDir, 'seed-annotator.vsix');
  execFileSync(process.execPath, [path.join(projectRoot, 'scripts', 'package.mjs'), vsix], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(codeServerBin(), ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force', '--install-extension', vsix], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function probe(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Writes user settings that keep the workbench quiet and deterministic. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Starts code-server on 127.0.0.1 only, without auth, and resolves once it answers HTTP.
 * Returns { port, url, stop() }. It is spawned detached so that stop() can kill the whole
 * process group: its file-watcher child outlives a plain kill of the main process.
 */
export async function startCodeServer({ port, workspace, userDataDir, extensionsDir, log = false }) {
  port = port || (await freePort());
  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (workspace) args.push(workspace);
  const child = spawn(codeServerBin(), args, {
    detached: true,
    stdio: log ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SERVICE_URL: '', ITEM_URL: '' },
  });
  let output = '';
  if (!log) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 2000).unref();
  };
  const deadline = Date.now() + 60_000;
  while (!(await probe(port))) {
    if (exited) throw new Error(`code-server exited before answering:\n${output}`);
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer on port ${port} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, url: `http://127.0.0.1:${port}/`, stop, child, output: () => output };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** The workbench URL that opens `folder` and loads the extension under development (and tests). */
export function workbenchUrl(port, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://127.0.0.1:${port}${extensionTestsPath}`]);
  let url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  if (payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
