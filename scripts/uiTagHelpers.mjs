// Playwright helpers for driving tagging in the real workbench like a user: find a word on screen,
// select it with the mouse, open Ctrl+. and pick an action by its title, wait for a file.
/* global document, NodeFilter -- page.evaluate callbacks run in the browser */
import * as fs from 'node:fs';

/** Screen coordinates of the centre of the n-th rendered occurrence of `text` in the active editor. */
export async function wordBox(page, text, nth = 0) {
  const box = await page.evaluate(
    ({ text, nth }) => {
      const editor = document.querySelector('.editor-instance .monaco-editor .view-lines') ?? document.querySelector('.monaco-editor .view-lines');
      if (!editor) return undefined;
      // Monaco renders spaces as no-break spaces; lines in screen order.
      const lines = [...editor.querySelectorAll('.view-line')].sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      let seen = 0;
      for (const line of lines) {
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        const nodes = [];
        let whole = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          nodes.push({ node: n, at: whole.length });
          whole += n.textContent.replace(/\u00a0/g, ' ');
        }
        let from = 0;
        for (let i = whole.indexOf(text, from); i >= 0; i = whole.indexOf(text, from)) {
          from = i + 1;
          if (seen++ < nth) continue;
          const locate = (offset) => {
            const entry = [...nodes].reverse().find((e) => e.at <= offset);
            return [entry.node, offset - entry.at];
          };
          const range = document.createRange();
          range.setStart(...locate(i));
          range.setEnd(...locate(i + text.length));
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
      }
      return undefined;
    },
    { text, nth },
  );
  if (!box) throw new Error(`"${text}" (#${nth}) is not on screen`);
  return box;
}

/** Double-clicks a word, as a user selects it. */
export async function doubleClickWord(page, text, nth = 0) {
  const b = await wordBox(page, text, nth);
  await page.mouse.dblclick(b.x + b.width / 2, b.y + b.height / 2);
  await page.waitForTimeout(200);
}

/** Clicks into a word (an empty selection: the cursor on it). */
export async function clickWord(page, text, nth = 0, at = 0.5) {
  const b = await wordBox(page, text, nth);
  await page.mouse.click(b.x + b.width * at, b.y + b.height / 2);
  await page.waitForTimeout(200);
}

/** Selects from the start of one rendered text to the end of another by dragging. */
export async function dragSelect(page, fromText, toText) {
  const a = await wordBox(page, fromText);
  const b = await wordBox(page, toText);
  await page.mouse.move(a.x + 1, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width - 1, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForTimeout(200);
}

/** Presses Ctrl+. and returns the titles of the code-action menu. */
export async function openCodeActions(page) {
  await page.keyboard.press('Control+.');
  await page.waitForSelector('.action-widget .monaco-list-row.action', { timeout: 15_000 });
  await page.waitForTimeout(300);
  return page.$$eval('.action-widget .monaco-list-row.action .title', (els) => els.map((e) => e.textContent));
}

/**
 * Chooses an action of the open code-action menu by its exact title, with the keyboard as a user
 * does (the menu blocks pointer clicks right after it opens): arrows to the row, then Enter.
 * Returns the time (Date.now()) at which Enter was pressed.
 */
export async function chooseCodeAction(page, title) {
  const focused = () => page.$eval('.action-widget .monaco-list-row.action.focused', (e) => e.getAttribute('aria-label')).catch(() => undefined);
  const count = await page.$$eval('.action-widget .monaco-list-row.action', (els) => els.length);
  for (let i = 0; i <= count + 2; i++) {
    if ((await focused()) === title) {
      const pressed = Date.now();
      await page.keyboard.press('Enter');
      await page.waitForSelector('.action-widget .monaco-list-row.action', { state: 'detached', timeout: 5_000 }).catch(() => {});
      return pressed;
    }
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(60);
  }
  await page.keyboard.press('Escape');
  throw new Error(`no code action titled ${title}`);
}

/** Types into the open quick pick and accepts the first match. */
export async function pickInQuickInput(page, text) {
  await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
  await page.keyboard.type(text, { delay: 20 });
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}

/** Polls a file until `predicate(content)` holds; returns the time it took in ms. */
export async function waitForFile(file, predicate, timeoutMs = 15_000) {
  const started = Date.now();
  for (;;) {
    if (fs.existsSync(file)) {
      const content = fs.readFileSync(file, 'utf8');
      if (predicate(content)) return Date.now() - started;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Flips a boolean setting in the Settings editor (Ctrl+,), as a user does, and returns to the previous editor. */
export async function toggleSettingInUi(page, id) {
  await page.keyboard.press('Control+,');
  await page.waitForSelector('.settings-editor .suggest-input-container textarea, .settings-editor input.input', { timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.keyboard.type(id, { delay: 10 });
  await page.waitForTimeout(1200);
  const box = page.locator('.settings-editor .setting-item-bool .setting-value-checkbox').first();
  await box.click();
  await page.waitForTimeout(500);
  await page.keyboard.press('Control+W');
  await page.waitForTimeout(500);
}
