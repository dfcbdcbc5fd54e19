// Takes the README's screenshots from the real product: the packaged extension installed into
// code-server, the workbench opened in headless Chromium, driven with the keyboard like a user.
//   node scripts/screenshots.mjs            writes media/screenshot-*.png
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath, ensureCodeServer, installExtension, startCodeServer, writeUserSettings } from './codeServer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Opens a file through Quick Open, as a user would. */
export async function quickOpen(page, fileName) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
  await page.keyboard.type(fileName, { delay: 20 });
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab[aria-label*="${fileName}"]`, { timeout: 15_000 });
  await page.waitForTimeout(1500);
}

/** A product session: packaged extension, fresh profile, a copy of seeds/ as the workspace. */
export async function productSession({ settings = {} } = {}) {
  ensureCodeServer(root);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-annotator-ui-'));
  const extensionsDir = path.join(tmp, 'extensions');
  const userDataDir = path.join(tmp, 'user-data');
  const workspace = path.join(tmp, 'seeds');
  fs.cpSync(path.join(root, 'seeds'), workspace, { recursive: true });
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, 'window.zoomLevel': 0, ...settings });
  installExtension(root, { extensionsDir, userDataDir, workDir: tmp });
  const server = await startCodeServer({ workspace, userDataDir, extensionsDir });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
  await page.waitForTimeout(2000);
  const close = async () => {
    await browser.close().catch(() => {});
    server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  return { page, workspace, close };
}

async function main() {
  const session = await productSession();
  try {
    await quickOpen(session.page, '000_eb28ad2c764fb3cf.txt');
    const shot = path.join(root, 'media', 'screenshot-seed.png');
    await session.page.screenshot({ path: shot });
    console.log(`screenshots: wrote ${path.relative(root, shot)}`);
  } finally {
    await session.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`screenshots: ${err.stack || err}`);
    process.exit(1);
  });
}
