import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { extensionApi, workspaceUri } from './workspace';

const ARTICLE = 'date 2024-03-01 The Taliban met elders in Herāt on Monday.\n\n"We talked," said Amina Rahimi, a teacher from Herāt.\n';

interface DiskSidecar {
  sha256?: string;
  entities: { id: string; name: string; type: string }[];
  mentions: { entity: string; start: number; end: number; text: string; orphaned?: boolean }[];
}

/** A fresh article of its own for each test, so tests never see each other's sidecars. */
let counter = 0;
async function freshArticle(text = ARTICLE): Promise<{ uri: vscode.Uri; sidecar: string; doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  counter++;
  const uri = workspaceUri(`seeds/store-${counter}.txt`);
  fs.writeFileSync(uri.fsPath, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  return { uri, sidecar: uri.fsPath.replace(/\.txt$/, '.ann.yaml'), doc, editor };
}

function readSidecar(path: string): DiskSidecar {
  return parse(fs.readFileSync(path, 'utf8')) as DiskSidecar;
}

/** Code-point slice of the article as stored on disk. */
function slice(path: string, start: number, end: number): string {
  return Array.from(fs.readFileSync(path, 'utf8').replace(/^\uFEFF/, '')).slice(start, end).join('');
}

function sha(path: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(path)).digest('hex');
}

async function tag(uri: vscode.Uri, name: string, type: string, occurrence = 0): Promise<void> {
  const api = await extensionApi();
  await api.store.edit(uri, `Tag ${name}`, ({ doc, text }) => {
    const cps = Array.from(text);
    const flat = cps.join('');
    let u = -1;
    for (let i = 0; i <= occurrence; i++) u = flat.indexOf(name, u + 1);
    const start = Array.from(flat.slice(0, u)).length;
    const existing = doc.annotations.entities.find((e) => e.name === name);
    const entity = existing ?? doc.addEntity({ type, name });
    doc.addMention({ entity: entity.id, start, end: start + Array.from(name).length, text: name });
  });
}

async function waitFor(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sidecar store', () => {
  it('writes the sidecar at once when the article is saved, with the sha256 of its bytes', async () => {
    const { uri, sidecar } = await freshArticle();
    assert.ok(!fs.existsSync(sidecar));
    await tag(uri, 'Herāt', 'GPE');
    const disk = readSidecar(sidecar);
    assert.strictEqual(disk.sha256, sha(uri.fsPath));
    assert.deepStrictEqual(
      disk.mentions.map((m) => [m.text, slice(uri.fsPath, m.start, m.end)]),
      [['Herāt', 'Herāt']],
    );
  });

  it('waits for the save of a dirty article, then writes offsets that fit the saved text', async () => {
    const { uri, sidecar, editor } = await freshArticle();
    await tag(uri, 'Taliban', 'ORG');
    const before = fs.readFileSync(sidecar, 'utf8');
    await editor.edit((e) => e.insert(new vscode.Position(0, 16), 'BREAKING: '));
    await tag(uri, 'Amina Rahimi', 'PERSON');
    assert.strictEqual(fs.readFileSync(sidecar, 'utf8'), before, 'nothing is written while the article is dirty');
    await editor.document.save();
    await waitFor('the sidecar to follow the save', () => fs.readFileSync(sidecar, 'utf8') !== before);
    const disk = readSidecar(sidecar);
    assert.strictEqual(disk.sha256, sha(uri.fsPath));
    for (const m of disk.mentions) assert.strictEqual(slice(uri.fsPath, m.start, m.end), m.text);
    assert.deepStrictEqual(disk.mentions.map((m) => m.text).sort(), ['Amina Rahimi', 'Taliban']);
  });

  it('drops unsaved annotations when the article is reverted', async () => {
    const { uri, sidecar, editor } = await freshArticle();
    await tag(uri, 'Taliban', 'ORG');
    const saved = fs.readFileSync(sidecar, 'utf8');
    await editor.edit((e) => e.insert(new vscode.Position(0, 16), 'UPDATE '));
    await tag(uri, 'Amina Rahimi', 'PERSON');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const api = await extensionApi();
    await waitFor('the revert to drop the pending mention', () => !api.store.peek(uri)?.pending);
    const session = await api.store.get(uri);
    assert.deepStrictEqual(session.annotations.mentions.map((m) => m.text), ['Taliban']);
    assert.strictEqual(fs.readFileSync(sidecar, 'utf8'), saved);
  });

  it('undoes and redoes annotation actions, on disk too', async () => {
    const { uri, sidecar } = await freshArticle();
    const api = await extensionApi();
    await tag(uri, 'Taliban', 'ORG');
    await tag(uri, 'Herāt', 'GPE', 1);
    assert.strictEqual(readSidecar(sidecar).mentions.length, 2);
    assert.strictEqual(await api.store.undo(uri), 'Tag Herāt');
    assert.deepStrictEqual(readSidecar(sidecar).mentions.map((m) => m.text), ['Taliban']);
    assert.strictEqual(await api.store.redo(uri), 'Tag Herāt');
    const redone = readSidecar(sidecar).mentions;
    assert.deepStrictEqual(redone.map((m) => m.text), ['Taliban', 'Herāt']);
    assert.strictEqual(slice(uri.fsPath, redone[1].start, redone[1].end), 'Herāt');
  });

  it('brings an undone mention back at its moved place after the text changed', async () => {
    const { uri, sidecar, editor } = await freshArticle();
    const api = await extensionApi();
    await tag(uri, 'Amina Rahimi', 'PERSON');
    await api.store.undo(uri);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'x'));
    await editor.edit((e) => e.delete(new vscode.Range(0, 0, 0, 1)));
    await editor.edit((e) => e.insert(new vscode.Position(2, 0), 'Quote: '));
    await editor.document.save();
    await api.store.redo(uri);
    const m = readSidecar(sidecar).mentions;
    assert.strictEqual(m.length, 1);
    assert.strictEqual(slice(uri.fsPath, m[0].start, m[0].end), 'Amina Rahimi');
  });

  it('takes in a sidecar changed on disk by another program', async () => {
    const { uri, sidecar } = await freshArticle();
    const api = await extensionApi();
    await tag(uri, 'Taliban', 'ORG');
    const text = fs.readFileSync(sidecar, 'utf8').replace('name: Taliban', 'name: Taliban movement');
    fs.writeFileSync(sidecar, text);
    await waitFor('the store to reload the sidecar', () => api.store.peek(uri)?.annotations.entities[0]?.name === 'Taliban movement', 10_000);
  });

  it('merges an external sidecar change with unsaved annotations instead of losing either', async () => {
    const { uri, sidecar, editor } = await freshArticle();
    const api = await extensionApi();
    await tag(uri, 'Taliban', 'ORG');
    await editor.edit((e) => e.insert(new vscode.Position(0, 16), 'LIVE '));
    await tag(uri, 'Amina Rahimi', 'PERSON');
    // Another program adds an entity with a mention of Monday (offsets of the saved text, no context).
    const disk = fs.readFileSync(sidecar, 'utf8')
      .replace('mentions:', 'mentions:\n  - {entity: monday, start: 51, end: 57, text: Monday}')
      .replace('entities:', 'entities:\n  - id: monday\n    type: DATE\n    name: Monday');
    fs.writeFileSync(sidecar, disk);
    await waitFor('the merge', () => (api.store.peek(uri)?.annotations.mentions.length ?? 0) === 3, 10_000);
    await editor.document.save();
    await waitFor('the merged sidecar on disk', () => readSidecar(sidecar).mentions.length === 3);
    for (const m of readSidecar(sidecar).mentions) assert.strictEqual(slice(uri.fsPath, m.start, m.end), m.text);
  });

  it('merges, never clobbers, when the sidecar changed on disk just before an action writes it', async () => {
    const { uri, sidecar } = await freshArticle();
    await tag(uri, 'Taliban', 'ORG');
    // Another program adds an entity, a mention and a comment; the next action writes at once.
    const theirs = fs.readFileSync(sidecar, 'utf8')
      .replace('mentions:', '# checked by the desk\nmentions:\n  - {entity: monday, start: 51, end: 57, text: Monday}')
      .replace('entities:', 'entities:\n  - id: monday\n    type: DATE\n    name: Monday');
    fs.writeFileSync(sidecar, theirs);
    await tag(uri, 'Amina Rahimi', 'PERSON');
    await waitFor('both versions on disk', () => readSidecar(sidecar).mentions.length === 3);
    const disk = readSidecar(sidecar);
    assert.deepStrictEqual(disk.entities.map((e) => e.name).sort(), ['Amina Rahimi', 'Monday', 'Taliban']);
    assert.ok(fs.readFileSync(sidecar, 'utf8').includes('# checked by the desk'), 'their comment is kept');
    for (const m of disk.mentions) assert.strictEqual(slice(uri.fsPath, m.start, m.end), m.text);
  });

  it('never overwrites a sidecar that does not parse, and says where it is broken', async () => {
    const { uri, sidecar } = await freshArticle();
    const broken = 'schema: 1\narticle: x.txt\nentities: [\n';
    fs.writeFileSync(sidecar, broken);
    const api = await extensionApi();
    await assert.rejects(() => tag(uri, 'Taliban', 'ORG'), /ann\.yaml:\d+: .*never overwritten/);
    assert.strictEqual(fs.readFileSync(sidecar, 'utf8'), broken);
    const diags = vscode.languages.getDiagnostics(vscode.Uri.file(sidecar));
    assert.ok(diags.length > 0 && diags[0].severity === vscode.DiagnosticSeverity.Error, 'an error diagnostic on the sidecar');
    assert.ok(api.store.peek(uri)?.problem);
  });
});
