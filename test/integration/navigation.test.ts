import * as assert from 'assert';
import * as vscode from 'vscode';
import { activeSeed, entitiesView, readSidecar } from './entitiesView';
import { openInWorkspace, workspaceUri } from './workspace';

const FERRY = 'corpus-b/2022-11-02_ferry.txt';
const FARES = 'corpus-b/2022-11-20_fares.txt';

/** The position of the `nth` occurrence of `text` in a document (plus `into` characters). */
function positionOf(doc: vscode.TextDocument, text: string, nth = 0, into = 1): vscode.Position {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = doc.getText().indexOf(text, at + 1);
  assert.ok(at >= 0, `${text} #${nth} in ${doc.uri.path}`);
  return doc.positionAt(at + into);
}

async function openSeed(relative: string): Promise<vscode.TextDocument> {
  await openInWorkspace(relative);
  return (await activeSeed(workspaceUri(relative))).document;
}

async function textAt(location: vscode.Location): Promise<string> {
  const doc = await vscode.workspace.openTextDocument(location.uri);
  return doc.getText(location.range);
}

function where(location: vscode.Location): string {
  const r = location.range;
  return `${vscode.workspace.asRelativePath(location.uri)}:${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

describe('navigation', function () {
  this.timeout(60_000);

  before(async () => {
    const { api } = await entitiesView();
    await api.corpus.ready;
  });

  it('Go to Definition on a mention goes to the entity\'s first mention in the article', async () => {
    const doc = await openSeed(FERRY);
    // "Varga" after the 🚢 emoji: the editor counts the emoji as two UTF-16 units.
    const links = await vscode.commands.executeCommand<vscode.LocationLink[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'Varga', 1));
    assert.strictEqual(links.length, 1);
    const link = links[0];
    assert.strictEqual(link.targetUri.toString(), doc.uri.toString());
    assert.strictEqual(doc.getText(link.targetRange), 'Inés Varga');
    assert.deepStrictEqual([link.targetRange.start.line, link.targetRange.start.character], [0, 98]);
    assert.ok(link.originSelectionRange);
    assert.strictEqual(doc.getText(link.originSelectionRange), 'Varga');
    assert.strictEqual(link.originSelectionRange.start.character, 59);
  });

  it('Go to Definition on the first mention goes to the entity\'s entry in the sidecar', async () => {
    const doc = await openSeed(FERRY);
    const links = await vscode.commands.executeCommand<vscode.LocationLink[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'Inés Varga'));
    assert.strictEqual(links.length, 1);
    assert.ok(links[0].targetUri.path.endsWith('corpus-b/2022-11-02_ferry.ann.yaml'), links[0].targetUri.path);
    const sidecar = await vscode.workspace.openTextDocument(links[0].targetUri);
    assert.strictEqual(sidecar.lineAt(links[0].targetRange.start.line).text, '  - id: ines-varga');
  });

  it('offers nothing outside a mention', async () => {
    const doc = await openSeed(FERRY);
    const links = await vscode.commands.executeCommand<vscode.LocationLink[]>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'ferry timetable'));
    assert.deepStrictEqual(links, []);
  });

  it('Find All References lists every mention of the merged entity in the workspace', async () => {
    const doc = await openSeed(FARES);
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, positionOf(doc, 'Inés Varga'));
    // "Ines Varga" of this article and "Inés Varga" of the other are one entity (diacritics ignored).
    assert.deepStrictEqual(refs.map(where), [`${FERRY}:1:99-1:109`, `${FERRY}:3:60-3:65`, `${FARES}:1:17-1:27`]);
    assert.deepStrictEqual(await Promise.all(refs.map(textAt)), ['Inés Varga', 'Varga', 'Inés Varga']);
  });

  it('Go to Symbol in Workspace finds entities by name or alias, case- and diacritic-insensitive', async () => {
    const search = (q: string) => vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', q);
    const byName = await search('INES VARGA');
    const varga = byName.find((s) => s.name.startsWith('Inés Varga') || s.name.startsWith('Ines Varga'));
    assert.ok(varga, byName.map((s) => s.name).join(', '));
    assert.strictEqual(varga.kind, vscode.SymbolKind.Object);
    assert.strictEqual(varga.containerName, 'PERSON · 2 articles');
    assert.ok(varga.location.uri.path.endsWith(FERRY) || varga.location.uri.path.endsWith(FARES));
    assert.ok(['Inés Varga', 'Varga'].includes(await textAt(varga.location)));
    // Without the accent, the name carries the form that matched, so the editor's own filter keeps it.
    const plain = await search('ines');
    assert.ok(plain.some((s) => /^In[eé]s Varga/.test(s.name) && (s.name.includes('ines varga') || s.name.startsWith('Ines'))), plain.map((s) => s.name).join(', '));
    const alias = await search('alder');
    assert.ok(alias.some((s) => s.name === 'Port Alder' && s.kind === vscode.SymbolKind.Namespace));
  });

  it('Rename Symbol prepares on a mention with the canonical name, and refuses elsewhere', async () => {
    const doc = await openSeed(FERRY);
    const prepared = await vscode.commands.executeCommand<{ range: vscode.Range; placeholder: string }>('vscode.prepareRename', doc.uri, positionOf(doc, 'Varga', 1));
    assert.strictEqual(prepared.placeholder, 'Inés Varga');
    assert.strictEqual(doc.getText(prepared.range), 'Varga');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('vscode.prepareRename', doc.uri, positionOf(doc, 'ferry timetable'))),
      /tagged mention/,
    );
  });

  it('Rename Symbol renames the entity in every sidecar that has it, through the store', async () => {
    const doc = await openSeed(FERRY);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', doc.uri, positionOf(doc, 'Harbour Board'), 'Port Alder Harbour Board');
    // The sidecars are written by the store; the edit itself is empty (see navigation.ts).
    assert.strictEqual(edit.size, 0);
    const ferry = readSidecar(workspaceUri(FERRY));
    const fares = readSidecar(workspaceUri(FARES));
    // The old name is the text of a mention in each article: it stays as an alias.
    assert.match(ferry, / {2}- id: harbour-board\n {4}type: ORG\n {4}name: Port Alder Harbour Board\n {4}aliases: \[Harbour Board\]\n/);
    assert.match(fares, / {2}- id: board\n {4}type: ORG\n {4}name: Port Alder Harbour Board\n {4}aliases: \[Harbour Board\]\n/);
    // The article text is untouched and no sidecar is left open with unsaved changes.
    assert.ok(doc.getText().includes('The Harbour Board of Port Alder'));
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isDirty), 'no dirty documents');
    // The store keeps an undo step per article.
    const { api } = await entitiesView();
    assert.strictEqual(api.store.peek(workspaceUri(FARES))?.undoStack.at(-1)?.label, 'Rename entity to "Port Alder Harbour Board"');
  });
});
