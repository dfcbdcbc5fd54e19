import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CorpusIndex, discoverSidecars } from '../../src/core/corpus';
import { activeSeed, entitiesView, eventually, labelOf, rowAt, rows } from './entitiesView';
import { openInWorkspace, workspaceRoot, workspaceUri } from './workspace';

const ARTICLE = 'date 2024-05-05 Mayor Oona Fairweather of Saltmarsh opened the new lock gates on Sunday.\n';

function sidecarText(article: string, name: string, extra = ''): string {
  return [
    `# Annotations for ${article} (Seed Annotator sidecar, schema 1).`,
    'schema: 1',
    `article: "${article}"`,
    'entities:',
    '  - id: fairweather',
    '    type: PERSON',
    `    name: ${name}`,
    '  - id: saltmarsh',
    '    type: GPE',
    '    name: Saltmarsh',
    'mentions:',
    '  - {entity: fairweather, start: 22, end: 38, text: Oona Fairweather}',
    '  - {entity: saltmarsh, start: 42, end: 51, text: Saltmarsh}',
    extra,
  ].join('\n');
}

function write(relative: string, text: string): void {
  const file = workspaceUri(relative).fsPath;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('corpus index', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.commands.executeCommand('seedAnnotator.entities.showWorkspace');
  });

  after(async () => {
    await vscode.commands.executeCommand('seedAnnotator.entities.showArticle');
  });

  it('indexes every sidecar of the workspace in the background and caches it', async () => {
    const { api } = await entitiesView();
    await api.corpus.ready;
    assert.ok(api.corpus.isIndexed);
    const sidecars = await discoverSidecars([workspaceRoot().fsPath]);
    assert.ok(sidecars.length >= 7, `sidecars: ${sidecars.length}`);
    assert.strictEqual(api.corpus.index.size, sidecars.length);
    // A warm start: a new index over the same cache parses nothing that did not change. Earlier
    // tests may still have a sidecar write on its way through the watcher's debounce: once the
    // index has caught up, the cache it saves must cover every file.
    const storage = api.context.storageUri ?? api.context.globalStorageUri;
    let counts: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      await api.corpus.index.saveCache(true);
      const warm = new CorpusIndex({ suffix: '.ann.yaml', cachePath: path.join(storage.fsPath, 'corpus-cache.json') });
      const stats = await warm.build(sidecars, { saveCache: false });
      counts = [stats.parsed, stats.fromCache];
      if (stats.parsed === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepStrictEqual(counts, [0, sidecars.length]);
  });

  it('shows a sidecar written by another program, re-reading only that file', async () => {
    const { api, view } = await entitiesView();
    await api.corpus.ready;
    const parsedBefore = api.corpus.index.stats.parsed;
    write('corpus-d/2024-05-05_locks.txt', ARTICLE);
    write('corpus-d/2024-05-05_locks.ann.yaml', sidecarText('2024-05-05_locks.txt', 'Oona Fairweather'));
    const row = await eventually(() => rowAt(view, 'PERSON', 'Oona Fairweather'), 15_000);
    assert.strictEqual(row.text, 'Oona Fairweather — 1 mention in 1 article');
    // Changed by hand (git checkout, another editor): the new name shows.
    write('corpus-d/2024-05-05_locks.ann.yaml', sidecarText('2024-05-05_locks.txt', 'Mayor Oona Fairweather'));
    await eventually(() => rowAt(view, 'PERSON', 'Mayor Oona Fairweather'), 15_000);
    const people = await rows(view, (await rowAt(view, 'PERSON')).node);
    assert.ok(!people.some((r) => labelOf(r.item) === 'Oona Fairweather'));
    // One file changed: one sidecar parsed per change, never the whole corpus again.
    const parsed = api.corpus.index.stats.parsed - parsedBefore;
    assert.ok(parsed >= 1 && parsed <= 4, `parsed ${parsed} sidecars`);
  });

  it('follows an external change of the open article\'s sidecar in article scope', async () => {
    const { view } = await entitiesView();
    await vscode.commands.executeCommand('seedAnnotator.entities.showArticle');
    try {
      await openInWorkspace('corpus-d/2024-05-05_locks.txt');
      await activeSeed(workspaceUri('corpus-d/2024-05-05_locks.txt'));
      await eventually(() => rowAt(view, 'PERSON', 'Mayor Oona Fairweather'));
      write('corpus-d/2024-05-05_locks.ann.yaml', sidecarText('2024-05-05_locks.txt', 'Oona Fairweather', '  - {entity: saltmarsh, start: 60, end: 71, text: Old Harbour, orphaned: true}\n'));
      await eventually(async () => {
        await rowAt(view, 'PERSON', 'Oona Fairweather');
        assert.strictEqual((await rowAt(view, 'Orphaned')).text, 'Orphaned — 1 mention');
      }, 15_000);
    } finally {
      await vscode.commands.executeCommand('seedAnnotator.entities.showWorkspace');
    }
  });

  it('keeps the annotations of an article renamed in the editor: its sidecar moves along', async () => {
    const { api, view } = await entitiesView();
    const from = workspaceUri('corpus-d/2024-05-05_locks.txt');
    const to = workspaceUri('corpus-d/2024-05-05_lock-gates.txt');
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(from, to);
    assert.ok(await vscode.workspace.applyEdit(edit));
    const sidecar = workspaceUri('corpus-d/2024-05-05_lock-gates.ann.yaml').fsPath;
    await eventually(() => assert.ok(fs.existsSync(sidecar), 'the sidecar moved'));
    assert.ok(!fs.existsSync(workspaceUri('corpus-d/2024-05-05_locks.ann.yaml').fsPath));
    await eventually(() => assert.match(fs.readFileSync(sidecar, 'utf8'), /^article: "?2024-05-05_lock-gates\.txt"?$/m));
    assert.match(fs.readFileSync(sidecar, 'utf8'), /name: Oona Fairweather/);
    await eventually(async () => {
      const person = await rowAt(view, 'PERSON', 'Oona Fairweather');
      const [article] = await rows(view, person.node);
      assert.strictEqual(article.item.description, '2024-05-05_lock-gates.txt · 1 mention');
    }, 15_000);
    assert.strictEqual(api.corpus.index.entry(workspaceUri('corpus-d/2024-05-05_locks.txt').fsPath), undefined);
  });

  it('follows an article and its sidecar renamed on disk together', async () => {
    const { view } = await entitiesView();
    await vscode.workspace.fs.rename(workspaceUri('corpus-d/2024-05-05_lock-gates.txt'), workspaceUri('corpus-d/2024-05-05_gates.txt'));
    await vscode.workspace.fs.rename(workspaceUri('corpus-d/2024-05-05_lock-gates.ann.yaml'), workspaceUri('corpus-d/2024-05-05_gates.ann.yaml'));
    await eventually(async () => {
      const person = await rowAt(view, 'PERSON', 'Oona Fairweather');
      const articles = await rows(view, person.node);
      assert.deepStrictEqual(articles.map((a) => a.item.description), ['2024-05-05_gates.txt · 1 mention']);
      assert.strictEqual(labelOf(articles[0].item), '2024-05-05 Mayor Oona Fairweather of Saltmarsh opened the new lock gates on Sunday.');
    }, 15_000);
  });

  it('forgets the sidecars of a deleted folder', async () => {
    const { api, view } = await entitiesView();
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.uri.path.includes('/corpus-d/'))) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    fs.rmSync(workspaceUri('corpus-d').fsPath, { recursive: true, force: true });
    await eventually(async () => {
      const people = await rows(view, (await rowAt(view, 'PERSON')).node);
      assert.ok(!people.some((r) => labelOf(r.item) === 'Oona Fairweather'), people.map((r) => r.text).join(' | '));
    }, 15_000);
    assert.strictEqual(api.corpus.index.entry(workspaceUri('corpus-d/2024-05-05_gates.txt').fsPath), undefined);
  });

  it('indexes the store\'s annotation actions at once', async () => {
    const { api } = await entitiesView();
    const article = workspaceUri('corpus-a/2023-03-06_bakery.txt');
    await api.store.edit(article, 'test: add an entity', ({ doc }) => doc.addEntity({ type: 'ORG', name: 'Mill Street Bakery' }));
    try {
      await eventually(() => assert.ok(api.corpus.findEntities('mill street bakery').some((e) => e.name === 'Mill Street Bakery')), 2_000);
    } finally {
      await api.store.undo(article);
    }
    await eventually(() => assert.ok(!api.corpus.findEntities('mill street bakery').some((e) => e.name === 'Mill Street Bakery')), 5_000);
  });
});
