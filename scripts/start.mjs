// `npm start`: builds the extension, installs it into a code-server of its own, and serves a real
// VS Code on http://127.0.0.1:PORT (loopback only, no auth) with the project's seeds/ open.
// PORT is 8080, or SEED_PORT, or `npm start -- --port N`. Ctrl+C stops it and its children.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, ensureCodeServer, installExtension, startCodeServer, writeUserSettings } from './codeServer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argPort = process.argv.indexOf('--port');
const port = Number(argPort > 0 ? process.argv[argPort + 1] : process.env.SEED_PORT || 8080);
const workspace = process.argv.includes('--folder') ? path.resolve(process.argv[process.argv.indexOf('--folder') + 1]) : path.join(root, 'seeds');

ensureCodeServer(root);
const runDir = path.join(cacheDir(), 'run');
const extensionsDir = path.join(runDir, 'extensions');
const userDataDir = path.join(runDir, 'user-data');
fs.mkdirSync(runDir, { recursive: true });
installExtension(root, { extensionsDir, userDataDir, workDir: runDir });
if (!fs.existsSync(path.join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern' });

const server = await startCodeServer({ port, workspace, userDataDir, extensionsDir });
console.log(`\nSeed Annotator is running in VS Code at ${server.url}?folder=${encodeURIComponent(workspace)}`);
console.log(`(open ${server.url} in a browser; Ctrl+C stops it)\n`);
const stop = () => {
  server.stop();
  setTimeout(() => process.exit(0), 300);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.child.on('exit', (code) => process.exit(code ?? 0));
