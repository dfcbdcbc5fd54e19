// The tagging workflow driven through the real UI (packaged extension in code-server, headless
// Chromium): open the project's seed, double-click a name, press Ctrl+., choose "Tag … as GPE",
// and find the sidecar on disk; then tag a few more names (a capitalised phrase under the cursor,
// every occurrence through the type picker) and save a screenshot of the highlighted article for
// the README.
//   node test/ui/tagging.ui.mjs        prints `ui: N passed, N failed`; exit code 1 on failure
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { quickOpen } from '../../scripts/screenshots.mjs';
import { chooseCodeAction, clickWord, doubleClickWord, openCodeActions, pickInQuickInput, toggleSettingInUi, waitForFile } from '../../scripts/uiTagHelpers.mjs';
import { ARTICLE, root, runUiTest, screenshotPath } from './_uiTest.mjs';

function codePointSlice(text, start, end) {
  return Array.from(text.replace(/^\uFEFF/, '')).slice(start, end).join('');
}

runUiTest(async ({ page, workspace, check }) => {
  const articlePath = path.join(workspace, ARTICLE);
  const sidecarPath = articlePath.replace(/\.txt$/, '.ann.yaml');
  // A clean slate: the workspace is a temporary copy of seeds/, which may hold sample sidecars.
  fs.rmSync(sidecarPath, { force: true });
  const articleText = fs.readFileSync(articlePath, 'utf8');
  const sidecar = () => parse(fs.readFileSync(sidecarPath, 'utf8'));
  const mentionTexts = () => (fs.existsSync(sidecarPath) ? sidecar().mentions.map((m) => m.text) : []);
  await quickOpen(page, ARTICLE);

  await check('select a word, Ctrl+., "Tag … as GPE": the sidecar holds the mention', async () => {
    await doubleClickWord(page, 'Kabul');
    const titles = await openCodeActions(page);
    assert.ok(titles.includes('Tag "Kabul" as GPE'), titles.join('\n'));
    const pressed = await chooseCodeAction(page, 'Tag "Kabul" as GPE');
    await waitForFile(sidecarPath, (s) => /text: Kabul/.test(s));
    console.log(`    code action chosen (Enter) → sidecar on disk: ${Date.now() - pressed} ms (through the UI, polled every 5 ms)`);
    const s = sidecar();
    assert.deepStrictEqual(s.entities.map((e) => [e.type, e.name]), [['GPE', 'Kabul']]);
    assert.deepStrictEqual(s.mentions.map((m) => codePointSlice(articleText, m.start, m.end)), ['Kabul']);
  });

  await check('the cursor on a name offers the capitalised phrase (Mullah Amir Khan Motaqi as PERSON)', async () => {
    await clickWord(page, 'Amir');
    await openCodeActions(page);
    await chooseCodeAction(page, 'Tag "Mullah Amir Khan Motaqi" as PERSON');
    await waitForFile(sidecarPath, (s) => /text: Mullah Amir Khan Motaqi/.test(s));
  });

  await check('tag all occurrences through the menu and the type picker (Taliban as ORG)', async () => {
    await doubleClickWord(page, 'Taliban');
    const titles = await openCodeActions(page);
    const all = titles.find((t) => /^Tag all \d+ occurrences of "Taliban"/.test(t) && !/workspace/.test(t));
    assert.ok(all, titles.join('\n'));
    const n = Number(/^Tag all (\d+)/.exec(all)[1]);
    await chooseCodeAction(page, all);
    await pickInQuickInput(page, 'ORG');
    await waitForFile(sidecarPath, () => mentionTexts().filter((t) => t === 'Taliban').length === n);
  });

  await check('a nested name: Panjshir Valley as LOC around Panjshir as GPE', async () => {
    await doubleClickWord(page, 'Panjshir');
    await openCodeActions(page);
    const titles = await page.$$eval('.action-widget .monaco-list-row.action .title', (els) => els.map((e) => e.textContent));
    const all = titles.find((t) => /^Tag all \d+ occurrences of "Panjshir"/.test(t) && !/workspace/.test(t));
    assert.ok(all, titles.join('\n'));
    await chooseCodeAction(page, all);
    await pickInQuickInput(page, 'GPE');
    await waitForFile(sidecarPath, () => mentionTexts().filter((t) => t === 'Panjshir').length >= 3);
    await clickWord(page, 'Valley');
    await openCodeActions(page);
    await chooseCodeAction(page, 'Tag "Panjshir Valley" as LOC');
    await waitForFile(sidecarPath, () => mentionTexts().includes('Panjshir Valley'));
  });

  await check('highlights and the status bar show the annotations', async () => {
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(600);
    const decorated = await page.$$eval('.monaco-editor .view-lines [class*="ced-"], .monaco-editor .view-overlays [class*="ced-"]', (els) => els.length);
    assert.ok(decorated > 0, 'mention decorations are rendered');
    const status = await page.locator('.statusbar-item', { hasText: /\d+ mentions · \d+ entit/ }).first().textContent();
    const s = sidecar();
    assert.match(status ?? '', new RegExp(`${s.mentions.length} mentions · ${s.entities.length} entities`));
  });

  await check('the Ctrl+. menu of a new name: types first, then a few others (screenshot)', async () => {
    await doubleClickWord(page, 'Parwan');
    const titles = await openCodeActions(page);
    assert.deepStrictEqual(titles.slice(0, 8).map((t) => /^Tag "Parwan" as (\S+)$/.exec(t)?.[1]).filter(Boolean).length, 8, titles.join('\n'));
    assert.ok(titles.length <= 12, titles.join('\n'));
    const shot = screenshotPath('screenshot-tagging-menu.png');
    await page.screenshot({ path: shot });
    console.log(`    wrote ${path.relative(root, shot)}`);
    await page.keyboard.press('Escape');
  });

  await check('with tagOnSelection on (Settings editor), a mouse selection opens the type picker', async () => {
    await toggleSettingInUi(page, 'seedAnnotator.tagOnSelection');
    try {
      await doubleClickWord(page, 'Twitter');
      await pickInQuickInput(page, 'ORG');
      await waitForFile(sidecarPath, () => mentionTexts().includes('Twitter'));
    } finally {
      await page.keyboard.press('Escape');
      await toggleSettingInUi(page, 'seedAnnotator.tagOnSelection');
    }
  });

  await check('screenshot of the highlighted article for the README', async () => {
    await clickWord(page, 'Mullah');
    await page.mouse.move(5, 5);
    await page.waitForTimeout(500);
    const shot = screenshotPath('screenshot-tagging.png');
    await page.screenshot({ path: shot });
    assert.ok(fs.statSync(shot).size > 10_000);
    console.log(`    wrote ${path.relative(root, shot)}`);
  });
});
