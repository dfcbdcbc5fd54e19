import * as assert from 'assert';
import * as vscode from 'vscode';
import { openInWorkspace, extensionApi, EXTENSION_ID } from './workspace';

describe('activation and language', () => {
  it('activates when a seed opens and gives it the seed language', async () => {
    const doc = await openInWorkspace('seeds/000_eb28ad2c764fb3cf.txt');
    assert.strictEqual(doc.languageId, 'seed');
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    await extensionApi();
    assert.strictEqual(ext.isActive, true);
  });

  it('switches a dated .txt outside seeds/ to the seed language', async () => {
    const doc = await openInWorkspace('other/dated-report.txt');
    const deadline = Date.now() + 10_000;
    let current = doc;
    while (current.languageId !== 'seed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      current = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString()) ?? current;
    }
    assert.strictEqual(current.languageId, 'seed');
  });

  it('leaves an undated .txt as plain text', async () => {
    const doc = await openInWorkspace('other/undated-notes.txt');
    await new Promise((r) => setTimeout(r, 1000));
    const current = vscode.workspace.textDocuments.find((d) => d.uri.toString() === doc.uri.toString()) ?? doc;
    assert.strictEqual(current.languageId, 'plaintext');
  });

  it('contributes its commands', async () => {
    await extensionApi();
    const all = await vscode.commands.getCommands(true);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const declared: { command: string }[] = ext.packageJSON.contributes.commands;
    assert.ok(declared.length > 0, 'the manifest declares commands');
    const missing = declared.map((c) => c.command).filter((c) => !all.includes(c));
    assert.deepStrictEqual(missing, [], 'every declared command is registered');
  });
});

describe('keybindings', () => {
  it("take no chord that VS Code's default keybindings already use", async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline) {
      text = vscode.window.activeTextEditor?.document.getText() ?? '';
      if (text.includes('"key"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // The defaults list, without our own contributions.
    const defaults = new Set(
      [...text.matchAll(/"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"/g)].filter((m) => !m[2].startsWith('seedAnnotator.')).map((m) => m[1]),
    );
    assert.ok(defaults.size > 200, `read the default keybindings (${defaults.size})`);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const ours: { key: string }[] = ext.packageJSON.contributes.keybindings;
    // VS Code writes modifiers in the order ctrl+shift+alt+meta.
    const canonical = (key: string) =>
      key.split(' ').map((chord) => {
        const parts = chord.split('+');
        const k = parts.pop()!;
        return [...['ctrl', 'shift', 'alt', 'meta'].filter((m) => parts.includes(m)), k].join('+');
      }).join(' ');
    const taken = ours.map((b) => canonical(b.key)).filter((k) => defaults.has(k) || [...defaults].some((d) => d.startsWith(`${k} `)));
    assert.deepStrictEqual(taken, []);
  });
});
