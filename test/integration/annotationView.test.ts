// What a user sees of the annotations: the hover on a mention, orphans as warnings with their
// quick fixes.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { extensionApi } from './workspace';
import { apply, codeActions, findAction, freshArticle, mustReadSidecar, rangeOfText, readSidecar, select, slices, titles, waitFor } from './taggingHelpers';

const ARTICLE = [
  'date 2021-09-01 Mullah Amir Khan Motaqi, the head of the Taliban’s commission, spoke in Kabul.',
  '',
  '"We tried," Motaqi said in an audio message. The Taliban entered Kabul last month.',
].join('\n');

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

async function tagAs(article: Awaited<ReturnType<typeof freshArticle>>, text: string, type: string, nth = 0): Promise<void> {
  const range = rangeOfText(article.doc, text, nth);
  await select(article, range);
  await apply(findAction(await codeActions(article.uri, range), `Tag "${text}" as ${type}`));
}

describe('annotation view', () => {
  before(async () => {
    await extensionApi();
  });

  it('hovers a mention with its type, name, aliases, note and counts; the note renders inert', async () => {
    const article = await freshArticle('view', ARTICLE);
    await tagAs(article, 'Mullah Amir Khan Motaqi', 'PERSON');
    const entity = mustReadSidecar(article.sidecar).entities[0];
    const note = 'Head of [x](command:seedAnnotator.undo) the <b>commission</b> & more';
    await vscode.commands.executeCommand('seedAnnotator.mention.editNote', { uri: article.uri.toString(), entity: entity.id, note });

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', article.uri, rangeOfText(article.doc, 'Amir').start);
    assert.strictEqual(hovers.length, 1);
    const md = hovers[0].contents[0] as vscode.MarkdownString;
    const text = hoverText(hovers);
    assert.match(text, /\*\*Mullah&nbsp;Amir&nbsp;Khan&nbsp;Motaqi\*\* · PERSON/);
    assert.match(text, /1 mention in this article/);
    // Inert: the link's brackets are escaped, the tag's angle brackets are entities, nothing is trusted.
    assert.ok(text.includes('\\[x\\]\\(command:seedAnnotator.undo\\)'), text);
    assert.ok(text.includes('&lt;b&gt;commission&lt;/b&gt;'), text);
    assert.ok(!text.includes('<b>'), text);
    assert.ok(!md.isTrusted, 'the hover is not trusted');
    assert.ok(!md.supportHtml, 'the hover renders no HTML');
    // The hover covers the mention.
    assert.deepStrictEqual(hovers[0].range, rangeOfText(article.doc, 'Mullah Amir Khan Motaqi'));
  });

  it('shows aliases, and nested mentions innermost first', async () => {
    const article = await freshArticle('view', ARTICLE.replace('spoke in Kabul', 'spoke in Kabul Province'));
    await tagAs(article, 'Mullah Amir Khan Motaqi', 'PERSON');
    const person = mustReadSidecar(article.sidecar).entities[0];
    const cps = (s: string) => Array.from(s).length;
    const text = article.doc.getText();
    const at = text.indexOf('Motaqi said');
    await vscode.commands.executeCommand('seedAnnotator.addAlias', { uri: article.uri.toString(), start: cps(text.slice(0, at)), end: cps(text.slice(0, at)) + 6, text: 'Motaqi', entity: person.id });
    let hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', article.uri, rangeOfText(article.doc, 'Motaqi said').start);
    assert.match(hoverText(hovers), /Also: Motaqi/);
    assert.match(hoverText(hovers), /2 mentions in this article/);

    await tagAs(article, 'Kabul Province', 'GPE');
    await tagAs(article, 'Kabul', 'GPE');
    hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', article.uri, rangeOfText(article.doc, 'Kabul Province').start.translate(0, 1));
    const shown = hoverText(hovers);
    const inner = shown.indexOf('**Kabul** · GPE');
    const outer = shown.indexOf('**Kabul&nbsp;Province** · GPE');
    assert.ok(inner >= 0 && outer > inner, shown);
  });

  it('counts the entity\'s mentions in the workspace too', async () => {
    const api = await extensionApi();
    const name = `Spinboldak${Date.now().toString(36)}`;
    const a = await freshArticle('view', `date 2021-07-14 ${name} border crossing fell. ${name} is a trade hub.`);
    const b = await freshArticle('view', `date 2021-07-15 Traders fled ${name} overnight.`);
    const range = rangeOfText(a.doc, name);
    await select(a, range);
    await vscode.commands.executeCommand('seedAnnotator.tagAllWorkspace', { uri: a.uri.toString(), start: Array.from(a.doc.getText().slice(0, a.doc.offsetAt(range.start))).length, end: Array.from(a.doc.getText().slice(0, a.doc.offsetAt(range.end))).length, text: name, type: 'GPE' });
    assert.strictEqual(mustReadSidecar(b.sidecar).mentions.length, 1);
    await api.corpus.ready;
    // The index takes in both articles' annotations in the background: wait for the final counts.
    let text = '';
    await waitFor('workspace counts in the hover', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', a.uri, range.start);
      text = hoverText(hovers);
      return /2 mentions in this article · 3 in the workspace \(2 articles\)/.test(text);
    }, 10_000).catch((err) => assert.fail(`${err.message}; last hover:\n${text}`));
  });

  it('reports an orphaned mention as a warning with quick fixes, and re-attaches it', async () => {
    const article = await freshArticle('view', ARTICLE);
    await tagAs(article, 'Kabul', 'GPE');
    // Delete the tagged word: the mention is orphaned (its text is gone).
    const kabul = rangeOfText(article.doc, 'Kabul');
    await article.editor.edit((e) => e.delete(kabul));
    let diags: vscode.Diagnostic[] = [];
    await waitFor('the orphan diagnostic', () => {
      diags = vscode.languages.getDiagnostics(article.uri).filter((d) => d.source === 'Seed Annotator');
      return diags.length === 1;
    });
    const d = diags[0];
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /Orphaned mention "Kabul" of Kabul \(GPE\)/);
    assert.strictEqual(typeof d.code === 'object' ? d.code.value : d.code, 'orphaned-mention');

    const fixes = (await codeActions(article.uri, d.range)).filter((a) => a.kind?.value === 'quickfix.seedAnnotator.orphan');
    assert.deepStrictEqual(titles(fixes), ['Re-attach "Kabul" at the nearest occurrence (line 3)', 'Delete orphaned mention "Kabul"']);
    assert.strictEqual(fixes[0].isPreferred, true);
    await apply(fixes[0]);
    await waitFor('the warning to go', () => vscode.languages.getDiagnostics(article.uri).filter((d) => d.source === 'Seed Annotator').length === 0);
    const api = await extensionApi();
    const live = api.store.peek(article.uri)!.annotations.mentions;
    assert.deepStrictEqual(live.map((m) => [m.text, m.orphaned ?? false]), [['Kabul', false]]);
    // The article is dirty (the deletion): the sidecar follows on save, on the remaining Kabul.
    await article.doc.save();
    await waitFor('the sidecar', () => readSidecar(article.sidecar)?.mentions[0]?.orphaned === undefined && slices(article)[0]?.[1] === 'Kabul');
    assert.deepStrictEqual(slices(article), [['Kabul', 'Kabul']]);
  });

  it('deletes an orphaned mention through its quick fix', async () => {
    const article = await freshArticle('view', ARTICLE);
    await tagAs(article, 'Taliban', 'ORG', 1);
    await article.editor.edit((e) => e.replace(rangeOfText(article.doc, 'Taliban', 1), 'Islamic Emirate'));
    await article.doc.save();
    await waitFor('the orphan on disk', () => readSidecar(article.sidecar)?.mentions[0]?.orphaned === true);
    let diag: vscode.Diagnostic | undefined;
    await waitFor('the orphan diagnostic', () => {
      diag = vscode.languages.getDiagnostics(article.uri).find((d) => d.source === 'Seed Annotator');
      return diag !== undefined;
    });
    const fixes = await codeActions(article.uri, diag!.range);
    await apply(findAction(fixes, 'Delete orphaned mention "Taliban"'));
    const api = await extensionApi();
    await waitFor('the warning to go', () => vscode.languages.getDiagnostics(article.uri).filter((d) => d.source === 'Seed Annotator').length === 0).catch((err) =>
      assert.fail(
        `${err.message}: ${JSON.stringify(vscode.languages.getDiagnostics(article.uri).map((d) => [d.message, d.range.start.line, d.range.start.character]))}; session: ${JSON.stringify(api.store.peek(article.uri)?.annotations.mentions)}; disk: ${JSON.stringify(readSidecar(article.sidecar)?.mentions)}`,
      ),
    );
    assert.strictEqual(mustReadSidecar(article.sidecar).mentions.length, 0);
  });
});
