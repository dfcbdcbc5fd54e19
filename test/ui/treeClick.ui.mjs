// The Entities view driven through the real UI (packaged extension in code-server, headless
// Chromium): open the project's seed, click the Seed Annotator icon in the activity bar, expand a
// type and an entity, click a mention, and find the editor's selection on it (the status bar's
// "Ln X, Col Y (N selected)" and the selected text); then switch to the workspace scope. Saves a
// screenshot of the tree for the README.
//   node test/ui/treeClick.ui.mjs        prints `ui: N passed, N failed`; exit code 1 on failure
/* global document */ // page functions run in the browser
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { quickOpen } from '../../scripts/screenshots.mjs';
import { clickWord, waitForFile } from '../../scripts/uiTagHelpers.mjs';
import { ARTICLE, root, runUiTest, screenshotPath } from './_uiTest.mjs';

/** Editor position (0-based line, UTF-16 character) of a code-point offset, as VS Code counts. */
function positionOf(text, codePoint) {
  const before = Array.from(text).slice(0, codePoint).join('');
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** The rows of the Entities view, as shown: [{ text, level, expanded }]. */
async function treeRows(page) {
  return page.$$eval('.pane-body .monaco-list[aria-label*="Entities"] .monaco-list-row, [id="workbench.view.extension.seedAnnotator"] .monaco-list-row', (rows) =>
    rows.map((r) => ({
      text: (r.querySelector('.label-name')?.textContent ?? '') + ' | ' + (r.querySelector('.label-description')?.textContent ?? ''),
      level: Number(r.getAttribute('aria-level')),
      expanded: r.getAttribute('aria-expanded'),
    })),
  );
}

/** A row of the Entities view whose label (the part before any description) starts with `label`. */
function row(page, label) {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
}

runUiTest(async ({ page, workspace, check }) => {
  const articleText = fs.readFileSync(path.join(workspace, ARTICLE), 'utf8').replace(/^\uFEFF/, '');
  const sidecar = parse(fs.readFileSync(path.join(workspace, ARTICLE.replace(/\.txt$/, '.ann.yaml')), 'utf8'));
  const muttaqi = sidecar.entities.find((e) => e.id === 'muttaqi');
  const mentions = sidecar.mentions.filter((m) => m.entity === 'muttaqi' && !m.orphaned);
  await quickOpen(page, ARTICLE);

  await check('the activity-bar icon opens the Entities view with the article\'s types', async () => {
    await page.locator('.part.activitybar [aria-label^="Seed Annotator"]').first().click();
    await row(page, 'PERSON').waitFor({ timeout: 20_000 });
    const rows = await treeRows(page);
    const types = rows.filter((r) => r.level === 1).map((r) => r.text.split(' | ')[0]);
    assert.deepStrictEqual(types.slice(0, 3), ['PERSON', 'ORG', 'GPE'], rows.map((r) => r.text).join('\n'));
  });

  await check('expanding a type and an entity lists its mentions by line:column', async () => {
    const person = row(page, 'PERSON');
    if ((await person.getAttribute('aria-expanded')) !== 'true') await person.click();
    await row(page, muttaqi.name).click();
    const first = positionOf(articleText, mentions[0].start);
    await row(page, `${first.line + 1}:${first.character + 1} `).waitFor({ timeout: 10_000 });
    const rows = await treeRows(page);
    const shown = rows.filter((r) => r.level === 3).map((r) => r.text.split(' | ')[0]);
    assert.strictEqual(shown.length, mentions.length, shown.join('\n'));
    assert.ok(shown[1].includes(mentions[1].text), shown[1]);
  });

  await check('clicking a mention selects it in the editor', async () => {
    const m = mentions[1];
    const start = positionOf(articleText, m.start);
    const end = positionOf(articleText, m.end);
    await row(page, `${start.line + 1}:${start.character + 1} `).click();
    const status = page.locator('[id="status.editor.selection"]');
    const expected = `Ln ${end.line + 1}, Col ${end.character + 1} (${m.end - m.start} selected)`;
    await page.waitForFunction(
      (want) => document.querySelector('[id="status.editor.selection"]')?.textContent?.includes(want),
      expected,
      { timeout: 10_000 },
    ).catch(() => undefined);
    assert.strictEqual((await status.textContent())?.trim(), expected);
    // The selection is painted on the mention's text.
    const selected = await page.$$eval('.editor-instance .monaco-editor .selected-text', (els) => els.length);
    assert.ok(selected > 0, 'a selection is painted in the editor');
  });

  await check('screenshot of the tree for the README', async () => {
    // A wider sidebar, so the mention snippets show; the pointer away from any hover.
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      const x = sidebar.x + sidebar.width - 1;
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(x, y);
      await page.waitForTimeout(300);
      await page.mouse.down();
      await page.mouse.move(x + 150, y, { steps: 10 });
      await page.mouse.up();
    }
    // Park the pointer on an empty line of the editor: no hover in the picture.
    const blank = await page.locator('.editor-instance .view-line').filter({ hasNotText: /\S/ }).first().boundingBox();
    await page.mouse.move(blank ? blank.x + 300 : 1000, blank ? blank.y + 5 : 400);
    await page.waitForTimeout(800);
    const shot = screenshotPath('screenshot-tree.png');
    await page.screenshot({ path: shot });
    assert.ok(fs.statSync(shot).size > 10_000);
    console.log(`    wrote ${path.relative(root, shot)}`);
  });

  await check('the title-bar button switches to the whole workspace', async () => {
    await page.locator('.part.sidebar .actions-container [aria-label^="Show Entities of the Whole Workspace"]').first().click();
    await page.locator('.part.sidebar .actions-container [aria-label^="Show Entities of the Active Article"]').first().waitFor({ timeout: 10_000 });
    // The view's description says which scope it shows; wait for the workspace's rows.
    await page.locator('.part.sidebar .pane-header .description, .part.sidebar .title-description', { hasText: 'Workspace' }).first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.locator('.part.sidebar .actions-container [aria-label^="Collapse All"]').first().click();
    await row(page, 'GPE').click();
    // Herāt (002) and Herat elsewhere are one entity: diacritics do not split it.
    const herat = page.locator('.part.sidebar .monaco-list-row .label-name').filter({ hasText: /^Her[aā]t$/ });
    await herat.first().waitFor({ timeout: 10_000 });
    assert.strictEqual(await herat.count(), 1);
  });

  await check('F2 on a mention renames the entity in its sidecar, with no error shown', async () => {
    const sidecarPath = path.join(workspace, ARTICLE.replace(/\.txt$/, '.ann.yaml'));
    await clickWord(page, 'Muttaqi', 0);
    await page.keyboard.press('F2');
    const input = page.locator('.rename-box input').first();
    await input.waitFor({ timeout: 10_000 });
    assert.strictEqual(await input.inputValue(), muttaqi.name);
    await input.fill('Amir Khan Muttaqi (minister)');
    await page.keyboard.press('Enter');
    await waitForFile(sidecarPath, (s) => /name: Amir Khan Muttaqi \(minister\)/.test(s), 30_000).catch(async (err) => {
      const toasts = await page.$$eval('.notifications-toasts .notification-toast', (els) => els.map((e) => e.textContent ?? ''));
      throw new Error(`${err.message}; notifications: ${toasts.join(' | ')}`);
    });
    await page.waitForTimeout(800);
    const errors = await page.$$eval('.notifications-toasts .notification-toast', (els) => els.map((e) => e.textContent ?? ''));
    assert.deepStrictEqual(errors, []);
    const dirty = await page.$$eval('.tab.dirty', (els) => els.map((e) => e.getAttribute('aria-label')));
    assert.deepStrictEqual(dirty, [], 'no editor left with unsaved changes');
  });
});
