import * as assert from 'assert';
import * as vscode from 'vscode';
import type { EntityTreeNode } from '../../src/extension/entityTree';
import { activeSeed, child, entitiesView, eventually, labelOf, readSidecar, rowAt, rows } from './entitiesView';
import { openInWorkspace, workspaceUri } from './workspace';

const FLOOD = 'corpus-a/2023-03-01_flood.txt';
const RECOVERY = 'corpus-a/2023-03-04_recovery.txt';
const BAKERY = 'corpus-a/2023-03-06_bakery.txt';

async function showArticle(relative: string): Promise<vscode.TextEditor> {
  await openInWorkspace(relative);
  return activeSeed(workspaceUri(relative));
}

function highlighted(item: vscode.TreeItem): string {
  const label = item.label as vscode.TreeItemLabel;
  assert.ok(label.highlights && label.highlights.length === 1, `one highlight in ${label.label}`);
  const [[s, e]] = label.highlights;
  return label.label.slice(s, e);
}

/** A sidecar's lines, entity blocks sorted: equal for the same annotations in another entity order. */
function canonical(sidecar: string): string[] {
  const [head, rest] = sidecar.split('entities:\n');
  const [entities, tail] = rest.split('mentions:\n');
  const blocks = entities.split(/(?= {2}- id: )/).sort();
  return [head, ...blocks, tail];
}

describe('entities view', function () {
  this.timeout(60_000);

  before(async () => {
    await vscode.commands.executeCommand('seedAnnotator.entities.showArticle');
  });

  describe('article scope', () => {
    it('shows the types of the active article in the configured order, with counts', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      await eventually(async () => {
        const roots = await rows(view);
        assert.deepStrictEqual(
          roots.map((r) => r.text),
          ['PERSON — 1 entity · 2 mentions', 'ORG — 1 entity · 1 mention', 'GPE — 1 entity · 2 mentions', 'LOC — 1 entity · 1 mention'],
        );
      });
      assert.strictEqual(view.provider.scope, 'article');
      assert.strictEqual(view.treeView.description, '2023-03-01_flood.txt');
      const person = await rowAt(view, 'PERSON');
      assert.deepStrictEqual(person.item.iconPath, new vscode.ThemeIcon('person', new vscode.ThemeColor('seedAnnotator.entity.PERSON')));
    });

    it('lists entities with their aliases and mention counts, and the note in the tooltip', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      const brannock = await eventually(() => rowAt(view, 'PERSON', 'Edda Brannock'));
      assert.strictEqual(brannock.text, 'Edda Brannock — Brannock · 2 mentions');
      assert.strictEqual(brannock.item.contextValue, 'entity');
      const tooltip = brannock.item.tooltip as vscode.MarkdownString;
      // appendText escapes the note (user data) and keeps its spaces as &nbsp;.
      assert.match(tooltip.value.replace(/&nbsp;/g, ' '), /Chief engineer of the Quillhaven Council/);
      assert.strictEqual(tooltip.isTrusted, undefined);
      assert.strictEqual((await rowAt(view, 'GPE', 'Marrowby')).text, 'Marrowby — 2 mentions');
    });

    it('lists mentions by line:column with a snippet that emphasises the mention', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      const brannock = await eventually(() => rowAt(view, 'PERSON', 'Edda Brannock'));
      const mentions = await rows(view, brannock.node);
      assert.deepStrictEqual(
        mentions.map((r) => labelOf(r.item)),
        ['1:124 …two shelters, said Edda Brannock, the council\'s chief engineer.', '3:47 …to crest on Thursday," Brannock said. "It came two days early."'],
      );
      assert.deepStrictEqual(mentions.map((r) => highlighted(r.item)), ['Edda Brannock', 'Brannock']);
    });

    it('reveals and selects a mention when it is clicked', async () => {
      const { view } = await entitiesView();
      const editor = await showArticle(RECOVERY);
      const akerlund = await eventually(() => rowAt(view, 'PERSON', 'Sören Åkerlund'));
      const mentions = await rows(view, akerlund.node);
      // The mention after the emoji: its column counts the emoji as two UTF-16 units, as the editor does.
      const last = mentions.find((r) => labelOf(r.item).startsWith('3:128 '));
      assert.ok(last, mentions.map((r) => labelOf(r.item)).join(' | '));
      await vscode.window.showTextDocument(editor.document, { selection: new vscode.Range(0, 0, 0, 0) });
      const command = last.item.command!;
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
      const selection = vscode.window.activeTextEditor!.selection;
      assert.strictEqual(vscode.window.activeTextEditor!.document.getText(selection), 'Åkerlund');
      assert.deepStrictEqual([selection.start.line, selection.start.character], [2, 127]);
    });

    it('shows an Orphaned node for mentions whose text is gone', async () => {
      const { view } = await entitiesView();
      await showArticle(RECOVERY);
      const orphaned = await eventually(() => rowAt(view, 'Orphaned'));
      assert.strictEqual(orphaned.text, 'Orphaned — 1 mention');
      const [orphan] = await rows(view, orphaned.node);
      assert.strictEqual(orphan.text, 'said Mister Åkerlund on Sunday — orphaned · Sören Åkerlund');
      assert.strictEqual(orphan.item.contextValue, 'orphan');
      // Under its entity too, marked.
      const akerlund = await rowAt(view, 'PERSON', 'Sören Åkerlund');
      assert.strictEqual(akerlund.text, 'Sören Åkerlund — Åkerlund · 3 mentions, 1 orphaned');
    });

    it('follows the active editor', async () => {
      const { view } = await entitiesView();
      await showArticle(BAKERY);
      await eventually(async () => assert.deepStrictEqual((await rows(view)).map((r) => r.text), ['PERSON — 1 entity · 1 mention']));
      assert.strictEqual(view.treeView.description, '2023-03-06_bakery.txt');
      await showArticle(FLOOD);
      await eventually(async () => assert.strictEqual((await rows(view)).length, 4));
    });

    it('is empty (the welcome view shows) for an article without annotations', async () => {
      const { view } = await entitiesView();
      await openInWorkspace('other/dated-report.txt');
      await activeSeed(workspaceUri('other/dated-report.txt'));
      await eventually(async () => assert.deepStrictEqual(await rows(view), []));
    });

    it('edits an entity from its context menu: rename, note, change type (article scope: this article only)', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      const lumen = await eventually(() => rowAt(view, 'LOC', 'Lumen River'));
      await vscode.commands.executeCommand('seedAnnotator.entity.rename', lumen.node, [lumen.node], { name: 'River Lumen' });
      await vscode.commands.executeCommand('seedAnnotator.entity.editNote', lumen.node, [lumen.node], { note: 'Floods every spring' });
      await vscode.commands.executeCommand('seedAnnotator.entity.changeType', lumen.node, [lumen.node], { type: 'GPE' });
      const sidecar = readSidecar(workspaceUri(FLOOD));
      assert.match(sidecar, / {2}- id: lumen-river\n {4}type: GPE\n {4}name: River Lumen\n {4}aliases: \[Lumen River\]\n {4}note: Floods every spring\n/);
      // The other article's entity of the same name is untouched.
      assert.match(readSidecar(workspaceUri(RECOVERY)), / {2}- id: lumen-river\n {4}type: LOC\n {4}name: Lumen River\n/);
      const gpe = await eventually(async () => {
        const r = await rowAt(view, 'GPE');
        assert.strictEqual(r.text, 'GPE — 2 entities · 3 mentions');
        return r;
      });
      assert.deepStrictEqual((await rows(view, gpe.node)).map((r) => r.text), ['Marrowby — 2 mentions', 'River Lumen — Lumen River · 1 mention']);
      assert.ok(!(await rows(view)).some((r) => labelOf(r.item) === 'LOC'), 'no LOC type left');
    });

    it('copies an entity\'s mentions as file:line:col text', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      const brannock = await eventually(() => rowAt(view, 'PERSON', 'Edda Brannock'));
      const text = await vscode.commands.executeCommand<string>('seedAnnotator.entity.copyMentions', brannock.node, [brannock.node]);
      assert.strictEqual(text, `${FLOOD}:1:124 Edda Brannock\n${FLOOD}:3:47 Brannock\n`);
      assert.strictEqual(await vscode.env.clipboard.readText(), text);
    });

    it('opens an entity\'s entry in its sidecar', async () => {
      const { view } = await entitiesView();
      await showArticle(FLOOD);
      const brannock = await eventually(() => rowAt(view, 'PERSON', 'Edda Brannock'));
      await vscode.commands.executeCommand('seedAnnotator.entity.openSidecar', brannock.node, [brannock.node]);
      const editor = vscode.window.activeTextEditor!;
      assert.ok(editor.document.uri.path.endsWith('corpus-a/2023-03-01_flood.ann.yaml'));
      assert.strictEqual(editor.document.lineAt(editor.selection.active.line).text, '  - id: edda-brannock');
      // The sidecar editor does not change the article shown.
      assert.strictEqual(view.treeView.description, '2023-03-01_flood.txt');
    });
  });

  describe('workspace scope', () => {
    before(async () => {
      await vscode.commands.executeCommand('seedAnnotator.entities.showWorkspace');
    });

    after(async () => {
      await vscode.commands.executeCommand('seedAnnotator.entities.showArticle');
    });

    it('switches scope and remembers it', async () => {
      const { api, view } = await entitiesView();
      assert.strictEqual(view.provider.scope, 'workspace');
      assert.strictEqual(view.treeView.description, 'Workspace');
      assert.strictEqual(api.context.workspaceState.get('seedAnnotator.entities.scope'), 'workspace');
    });

    it('merges entities across articles (diacritics ignored) → articles (date and title) → mentions', async () => {
      const { api, view } = await entitiesView();
      await api.corpus.ready;
      // One entity for "Sören Åkerlund" and "Soren Akerlund" (the merged name is the more common of
      // the two: here a tie), and "Soren Akerlund" is not listed again as an alias.
      const akerlund = await eventually(async () => {
        const r = await rowAt(view, 'PERSON', /^S[öo]ren [ÅA]kerlund$/);
        assert.strictEqual(r.item.description, 'Åkerlund · 4 mentions in 2 articles, 1 orphaned');
        return r;
      });
      const articles = await rows(view, akerlund.node);
      assert.deepStrictEqual(
        articles.map((r) => r.text),
        [
          '2023-03-04 Cleanup began in Marrowby after the Lumen River fell back below its banks, the… — 2023-03-04_recovery.txt · 3 mentions',
          '2023-03-06 The bakery of Soren Akerlund reopened on Monday with a queue down Mill Street. — 2023-03-06_bakery.txt · 1 mention',
        ],
      );
      const mentions = await rows(view, articles[1].node);
      assert.deepStrictEqual(mentions.map((r) => labelOf(r.item)), ['1:31 The bakery of Soren Akerlund reopened on Monday with a queue down Mill…']);
      assert.strictEqual(highlighted(mentions[0].item), 'Soren Akerlund');
    });

    it('shows the workspace\'s orphans by article', async () => {
      const { view } = await entitiesView();
      const orphaned = await eventually(() => rowAt(view, 'Orphaned'));
      const recovery = await child(view, orphaned.node, /^2023-03-04 Cleanup began/);
      assert.strictEqual(recovery.item.description, '2023-03-04_recovery.txt · 1 orphaned');
      const list = await rows(view, recovery.node);
      assert.deepStrictEqual(list.map((r) => r.text), ['said Mister Åkerlund on Sunday — orphaned · Sören Åkerlund']);
    });

    it('merges one entity into another across two articles: both sidecars change', async () => {
      const { view } = await entitiesView();
      const org = async (name: string) => eventually(() => rowAt(view, 'ORG', name));
      const tidewater = await org('Tidewater Trust');
      const gull = await org('Gull Island Trust');
      assert.match(String(gull.item.description), /2 mentions in 2 articles/);
      await vscode.commands.executeCommand('seedAnnotator.entity.merge', gull.node, [gull.node], { target: tidewater.node });
      const reserve = readSidecar(workspaceUri('corpus-c/2024-01-10_reserve.txt'));
      const count = readSidecar(workspaceUri('corpus-c/2024-02-02_count.txt'));
      for (const sidecar of [reserve, count]) {
        assert.doesNotMatch(sidecar, /name: Gull Island Trust/);
        assert.match(sidecar, /name: Tidewater Trust\n {4}aliases: \[Gull Island Trust\]/);
      }
      assert.match(reserve, /\{entity: tidewater, start: 44, end: 61, text: Gull Island Trust\}/);
      assert.match(count, /\{entity: tidewater-trust, start: 36, end: 53, text: Gull Island Trust\}/);
      await eventually(async () => {
        const merged = await rowAt(view, 'ORG', 'Tidewater Trust');
        assert.strictEqual(merged.text, 'Tidewater Trust — Gull Island Trust · 4 mentions in 2 articles');
        assert.ok(!(await rows(view, (await rowAt(view, 'ORG')).node)).some((r) => labelOf(r.item) === 'Gull Island Trust'));
      });
    });

    it('deletes an entity in every article, with confirmation, and undoes it', async () => {
      const { api, view } = await entitiesView();
      const before = [readSidecar(workspaceUri('corpus-c/2024-01-10_reserve.txt')), readSidecar(workspaceUri('corpus-c/2024-02-02_count.txt'))];
      const ardent = await eventually(() => rowAt(view, 'PERSON', 'Kel Ardent'));
      const outcome = await vscode.commands.executeCommand<{ changed: vscode.Uri[]; label: string }>('seedAnnotator.entity.delete', ardent.node, [ardent.node], { confirmed: true });
      assert.strictEqual(outcome.changed.length, 2);
      for (const rel of ['corpus-c/2024-01-10_reserve.txt', 'corpus-c/2024-02-02_count.txt']) {
        assert.doesNotMatch(readSidecar(workspaceUri(rel)), /Kel Ardent/);
      }
      await eventually(async () => {
        const people = await rows(view, (await rowAt(view, 'PERSON')).node);
        assert.ok(!people.some((r) => labelOf(r.item) === 'Kel Ardent'));
      });
      // What the message's Undo button does: the store's undo in each article.
      for (const uri of outcome.changed) assert.strictEqual(await api.store.undo(uri), outcome.label);
      // The same annotations again (the store's undo re-appends the entity at the end of the list).
      const after = [readSidecar(workspaceUri('corpus-c/2024-01-10_reserve.txt')), readSidecar(workspaceUri('corpus-c/2024-02-02_count.txt'))];
      assert.deepStrictEqual(after.map(canonical), before.map(canonical));
      await eventually(() => rowAt(view, 'PERSON', 'Kel Ardent'));
    });

    it('changes the type of several selected entities at once', async () => {
      const { view } = await entitiesView();
      const marrowby = await eventually(() => rowAt(view, 'GPE', 'Marrowby'));
      const council = await eventually(() => rowAt(view, 'ORG', 'Quillhaven Council'));
      const selected: EntityTreeNode[] = [marrowby.node, council.node];
      await vscode.commands.executeCommand('seedAnnotator.entity.changeType', council.node, selected, { type: 'MISC' });
      for (const rel of [FLOOD, RECOVERY]) {
        const sidecar = readSidecar(workspaceUri(rel));
        assert.match(sidecar, /type: MISC\n {4}name: Marrowby/);
        assert.match(sidecar, /type: MISC\n {4}name: Quillhaven Council/);
      }
      await eventually(async () => {
        const misc = await rows(view, (await rowAt(view, 'MISC')).node);
        const names = misc.map((r) => labelOf(r.item));
        assert.ok(names.includes('Marrowby') && names.includes('Quillhaven Council'), names.join(', '));
      });
      await vscode.commands.executeCommand('seedAnnotator.entity.changeType', marrowby.node, [marrowby.node], { type: 'GPE' });
      await vscode.commands.executeCommand('seedAnnotator.entity.changeType', council.node, [council.node], { type: 'ORG' });
    });

    it('has a row per type that exists, and children only when expanded', async () => {
      const { view } = await entitiesView();
      const roots = await rows(view);
      for (const r of roots) assert.notStrictEqual(r.item.collapsibleState, vscode.TreeItemCollapsibleState.None, r.text);
      const person = await child(view, undefined, 'PERSON');
      assert.match(String(person.item.description), /^\d+ entit(y|ies) · \d+ mentions?$/);
    });
  });
});
