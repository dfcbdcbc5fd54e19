// Tagging as a user does it: select a name (or put the cursor on it), ask for the code actions
// (Ctrl+.), apply one, and find the sidecar on disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { extensionApi } from './workspace';
import {
  apply,
  codeActions,
  diskSlice,
  findAction,
  freshArticle,
  mustReadSidecar,
  rangeOfText,
  readSidecar,
  runAndAcceptFirst,
  select,
  slices,
  titles,
  waitFor,
} from './taggingHelpers';

const ARTICLE = [
  'date 2021-09-01 😀 The Taliban and leaders of Panjshir have failed, reported AFP. Mullah Amir Khan Motaqi, the head of Taliban’s commission, said so in Herāt.',
  '',
  '"My brothers," Motaqi said. Panjshir Valley has become the centre of anti-Taliban resistance.',
  '',
  'The Taliban took Kabul last month.',
].join('\n');

describe('tagging', () => {
  before(async () => {
    await extensionApi();
  });

  it('offers one "Tag as TYPE" per configured type, the last used first and preferred, and tags in code points', async () => {
    const api = await extensionApi();
    const article = await freshArticle('tagging', ARTICLE);
    const range = rangeOfText(article.doc, 'Herāt');
    await select(article, range);
    const actions = await codeActions(article.uri, range);
    const ordered = api.types.ordered().map((t) => t.name);
    const typeTitles = ordered.map((t) => `Tag "Herāt" as ${t}`);
    assert.deepStrictEqual(titles(actions).slice(0, ordered.length), typeTitles);
    assert.strictEqual(actions[0].isPreferred === true, api.types.lastUsed !== undefined);
    assert.ok(actions.every((a) => a.kind?.value.startsWith('quickfix.seedAnnotator')), titles(actions).join(', '));
    // The menu stays short: the types, then at most a few others.
    assert.ok(actions.length <= ordered.length + 4, titles(actions).join('\n'));

    const gpe = findAction(actions, 'Tag "Herāt" as GPE');
    const started = Date.now();
    await apply(gpe);
    await waitFor('the sidecar on disk', () => fs.existsSync(article.sidecar));
    const elapsed = Date.now() - started;
    console.log(`      tag action → sidecar on disk: ${elapsed} ms`);

    const disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(disk.entities.map((e) => [e.type, e.name]), [['GPE', 'Herāt']]);
    assert.deepStrictEqual(slices(article, disk), [['Herāt', 'Herāt']]);
    // The emoji before it is one code point: offsets are not UTF-16.
    const m = disk.mentions[0];
    assert.strictEqual(m.start, Array.from(ARTICLE.slice(0, ARTICLE.indexOf('Herāt'))).length);
    assert.strictEqual(m.before?.endsWith('said so in '), true, 'context before is written');
    assert.strictEqual(api.types.lastUsed, 'GPE');
  });

  it('Auto Fix (Shift+Alt+.) tags as the last used type in one chord', async () => {
    const api = await extensionApi();
    await api.types.setLastUsed('GPE');
    const article = await freshArticle('tagging', ARTICLE);
    await select(article, rangeOfText(article.doc, 'Kabul'));
    await vscode.commands.executeCommand('editor.action.autoFix');
    await waitFor('the sidecar', () => readSidecar(article.sidecar) !== undefined);
    const disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(disk.entities.map((e) => [e.type, e.name]), [['GPE', 'Kabul']]);
  });

  it('with the cursor on a name and no selection, offers the whole capitalised phrase', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const at = rangeOfText(article.doc, 'Khan').start;
    const cursor = new vscode.Range(at, at);
    await select(article, cursor);
    const actions = await codeActions(article.uri, cursor);
    const person = findAction(actions, 'Tag "Mullah Amir Khan Motaqi" as PERSON');
    await apply(person);
    assert.deepStrictEqual(slices(article), [['Mullah Amir Khan Motaqi', 'Mullah Amir Khan Motaqi']]);
    // Now the preferred type of that name is its entity's type.
    const again = rangeOfText(article.doc, 'Motaqi', 1);
    const next = await codeActions(article.uri, again);
    assert.strictEqual(next[0].title, 'Tag "Motaqi" as PERSON');
    assert.strictEqual(next[0].isPreferred, true);
  });

  it('trims the selection and drops a possessive', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const range = rangeOfText(article.doc, ' Taliban’s ');
    await select(article, range);
    const actions = await codeActions(article.uri, range);
    assert.ok(titles(actions).includes('Tag "Taliban" as ORG'), titles(actions).join('\n'));
  });

  it('refuses a selection across a paragraph break, with a reason, and writes nothing', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const range = new vscode.Range(rangeOfText(article.doc, 'Herāt').start, rangeOfText(article.doc, 'Motaqi said').end);
    await select(article, range);
    // The menu shows one disabled "Tag selection" with the reason; the API lists only enabled actions.
    assert.deepStrictEqual(titles(await codeActions(article.uri, range)), []);
    await vscode.commands.executeCommand('seedAnnotator.tagAs', { index: 0 });
    assert.strictEqual(readSidecar(article.sidecar), undefined);
  });

  it('tags all occurrences in the article, hyphen-joined ones counted, through the type picker', async () => {
    const api = await extensionApi();
    await api.types.setLastUsed('ORG');
    const article = await freshArticle('tagging', ARTICLE);
    const range = rangeOfText(article.doc, 'Taliban');
    await select(article, range);
    const actions = await codeActions(article.uri, range);
    // "Taliban’s" holds one too: the possessive is not a letter after the name.
    const all = findAction(actions, 'Tag all 4 occurrences of "Taliban" (1 hyphen-joined) as…');
    assert.strictEqual(all.kind?.value, 'quickfix.seedAnnotator.tagAll');
    // The picker lists the last used type first: accept it as a user pressing Enter.
    await runAndAcceptFirst(all.command!.command, ...(all.command!.arguments ?? []));
    await waitFor('the sidecar', () => (readSidecar(article.sidecar)?.mentions.length ?? 0) === 4);
    const disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(disk.entities.map((e) => [e.type, e.name]), [['ORG', 'Taliban']]);
    assert.deepStrictEqual(slices(article, disk), Array(4).fill(['Taliban', 'Taliban']));
    assert.ok(disk.mentions.every((m) => m.entity === disk.entities[0].id));

    // On a tagged occurrence the menu offers the mention's actions, and no more tag-all here.
    const after = await codeActions(article.uri, range);
    assert.deepStrictEqual(titles(after).filter((t) => !/in the workspace/.test(t)), [
      'Change type of Taliban (ORG)…',
      'Remove this mention of "Taliban"',
      'Remove entity Taliban and all its 4 mentions',
      'Edit entity note of Taliban…',
    ]);
  });

  it('tags the other occurrences as the same entity from a tagged one, and nested names', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const first = rangeOfText(article.doc, 'Panjshir');
    await select(article, first);
    await apply(findAction(await codeActions(article.uri, first), 'Tag "Panjshir" as GPE'));
    const actions = await codeActions(article.uri, first);
    const others = findAction(actions, 'Tag the other occurrence of "Panjshir" as Panjshir (GPE)');
    await apply(others);
    // The second occurrence is inside "Panjshir Valley": tag that one as LOC, nested.
    const valley = rangeOfText(article.doc, 'Panjshir Valley');
    await select(article, valley);
    await apply(findAction(await codeActions(article.uri, valley), 'Tag "Panjshir Valley" as LOC'));
    const disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(
      disk.mentions.map((m) => [m.text, disk.entities.find((e) => e.id === m.entity)?.type]),
      [
        ['Panjshir', 'GPE'],
        ['Panjshir', 'GPE'],
        ['Panjshir Valley', 'LOC'],
      ],
    );
    assert.deepStrictEqual(slices(article, disk), [
      ['Panjshir', 'Panjshir'],
      ['Panjshir', 'Panjshir'],
      ['Panjshir Valley', 'Panjshir Valley'],
    ]);
  });

  it('tags all occurrences in the workspace, with a count, in every article', async () => {
    const name = `Zaranj${Date.now().toString(36)}`;
    const a = await freshArticle('tagging-ws', `date 2021-08-06 ${name} fell first. ${name} is on the border.`);
    const b = await freshArticle('tagging-ws', `date 2021-08-07 After ${name}, the Taliban moved on.`);
    const range = rangeOfText(a.doc, name);
    await select(a, range);
    let ws: vscode.CodeAction | undefined;
    await waitFor('the workspace count', async () => {
      const actions = await codeActions(a.uri, range);
      ws = actions.find((x) => x.title === `Tag all 3 occurrences of "${name}" in the workspace (2 articles) as…`);
      return ws !== undefined;
    });
    await vscode.commands.executeCommand(ws!.command!.command, { ...ws!.command!.arguments![0], type: 'GPE' });
    for (const article of [a, b]) {
      const disk = mustReadSidecar(article.sidecar);
      assert.deepStrictEqual(disk.entities.map((e) => [e.id, e.type, e.name]), [[name.toLowerCase(), 'GPE', name]]);
      assert.ok(slices(article, disk).every(([t, s]) => t === name && s === name));
    }
    assert.strictEqual(mustReadSidecar(a.sidecar).mentions.length, 2);
    assert.strictEqual(mustReadSidecar(b.sidecar).mentions.length, 1);
  });

  it('adds a name as alias of an existing entity, most likely first', async () => {
    const article = await freshArticle('tagging', ARTICLE.replace('Mullah Amir Khan Motaqi', 'Amir Khan Muttaqi'));
    const full = rangeOfText(article.doc, 'Amir Khan Muttaqi');
    await select(article, full);
    await apply(findAction(await codeActions(article.uri, full), 'Tag "Amir Khan Muttaqi" as PERSON'));
    const taliban = rangeOfText(article.doc, 'Taliban');
    await select(article, taliban);
    await apply(findAction(await codeActions(article.uri, taliban), 'Tag "Taliban" as ORG'));

    const motaqi = rangeOfText(article.doc, 'Motaqi');
    await select(article, motaqi);
    const actions = await codeActions(article.uri, motaqi);
    const alias = findAction(actions, 'Add "Motaqi" as alias of…');
    // The quick pick's first entry is the most likely entity (Muttaqi, not Taliban): accept it.
    await runAndAcceptFirst(alias.command!.command, ...(alias.command!.arguments ?? []));
    await waitFor('the alias', () => (readSidecar(article.sidecar)?.entities.find((e) => e.type === 'PERSON')?.aliases ?? []).includes('Motaqi'));
    const disk = mustReadSidecar(article.sidecar);
    const person = disk.entities.find((e) => e.type === 'PERSON')!;
    assert.deepStrictEqual(person.aliases, ['Motaqi']);
    const m = disk.mentions.find((x) => x.text === 'Motaqi');
    assert.strictEqual(m?.entity, person.id);
    assert.strictEqual(diskSlice(article.uri.fsPath, m.start, m.end), 'Motaqi');
  });

  it('suggests an entity of another article as alias target, and copies its identity here', async () => {
    const api = await extensionApi();
    const unique = `Qari${Date.now().toString(36)}`;
    const a = await freshArticle('tagging-alias', `date 2021-09-02 Mawlawi ${unique} Fasihuddin was named army chief.`);
    const full = rangeOfText(a.doc, `Mawlawi ${unique} Fasihuddin`);
    await select(a, full);
    await apply(findAction(await codeActions(a.uri, full), `Tag "Mawlawi ${unique} Fasihuddin" as PERSON`));
    const source = mustReadSidecar(a.sidecar).entities[0];
    await api.corpus.ready;
    await waitFor('the index to know the entity', () => api.corpus.index.findEntities(unique).length > 0, 10_000);

    const b = await freshArticle('tagging-alias', `date 2021-09-03 The new chief, ${unique}, visited Panjshir.`);
    const short = rangeOfText(b.doc, unique);
    await select(b, short);
    const alias = findAction(await codeActions(b.uri, short), `Add "${unique}" as alias of…`);
    await runAndAcceptFirst(alias.command!.command, ...(alias.command!.arguments ?? []));
    await waitFor('the sidecar', () => readSidecar(b.sidecar) !== undefined);
    const disk = mustReadSidecar(b.sidecar);
    assert.deepStrictEqual(disk.entities.map((e) => [e.id, e.type, e.name, e.aliases]), [[source.id, 'PERSON', source.name, [unique]]]);
    assert.deepStrictEqual(slices(b, disk), [[unique, unique]]);
  });

  it('changes the type, edits the note, removes a mention and an entity', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const kabul = rangeOfText(article.doc, 'Kabul');
    await select(article, kabul);
    await apply(findAction(await codeActions(article.uri, kabul), 'Tag "Kabul" as GPE'));
    const herat = rangeOfText(article.doc, 'Herāt');
    await select(article, herat);
    await apply(findAction(await codeActions(article.uri, herat), 'Tag "Herāt" as GPE'));

    const onKabul = await codeActions(article.uri, kabul);
    const change = findAction(onKabul, 'Change type of Kabul (GPE)…');
    await vscode.commands.executeCommand(change.command!.command, { ...change.command!.arguments![0], type: 'LOC' });
    assert.strictEqual(mustReadSidecar(article.sidecar).entities.find((e) => e.name === 'Kabul')?.type, 'LOC');

    const note = findAction(await codeActions(article.uri, kabul), 'Edit entity note of Kabul…');
    await vscode.commands.executeCommand(note.command!.command, { ...note.command!.arguments![0], note: 'Capital: "city" of 4 million' });
    assert.strictEqual(mustReadSidecar(article.sidecar).entities.find((e) => e.name === 'Kabul')?.note, 'Capital: "city" of 4 million');

    await apply(findAction(await codeActions(article.uri, herat), 'Remove this mention of "Herāt"'));
    let disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(disk.mentions.map((m) => m.text), ['Kabul']);
    assert.deepStrictEqual(disk.entities.map((e) => e.name), ['Kabul'], 'a bare entity goes with its last mention');

    await apply(findAction(await codeActions(article.uri, kabul), 'Remove entity Kabul and its mention'));
    disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual([disk.entities.length, disk.mentions.length], [0, 0]);
  });

  it('follows a change of the entity types setting without a reload, and names a wrapped name on one line', async () => {
    const config = vscode.workspace.getConfiguration('seedAnnotator');
    const before = config.inspect('entityTypes')?.workspaceValue;
    try {
      await config.update('entityTypes', [{ name: 'PERSON' }, { name: 'WEAPON', color: '#d04040', description: 'Arms' }], vscode.ConfigurationTarget.Workspace);
      const article = await freshArticle('tagging', 'date 2021-09-01 Fighters carried Stinger\nmissiles into the Panjshir.');
      const range = rangeOfText(article.doc, 'Stinger\nmissiles');
      await select(article, range);
      const actions = await codeActions(article.uri, range);
      assert.ok(titles(actions).includes('Tag "Stinger missiles" as WEAPON'), titles(actions).join('\n'));
      assert.ok(!titles(actions).some((t) => / as GPE$/.test(t)), 'GPE is no longer configured');
      // Ctrl+Alt+2 is the second configured type.
      await vscode.commands.executeCommand('seedAnnotator.tagAs', { index: 1 });
      const disk = mustReadSidecar(article.sidecar);
      assert.deepStrictEqual(disk.entities.map((e) => [e.type, e.name]), [['WEAPON', 'Stinger missiles']]);
      assert.deepStrictEqual(slices(article, disk), [['Stinger\nmissiles', 'Stinger\nmissiles']]);
    } finally {
      await config.update('entityTypes', before, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('undoes and redoes annotation actions, naming what was undone', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const kabul = rangeOfText(article.doc, 'Kabul');
    await select(article, kabul);
    await vscode.commands.executeCommand('seedAnnotator.tagAs', { index: 2 });
    assert.deepStrictEqual(slices(article), [['Kabul', 'Kabul']]);
    const undone = await vscode.commands.executeCommand<string>('seedAnnotator.undo');
    assert.strictEqual(undone, 'Tag "Kabul" as GPE');
    assert.strictEqual(mustReadSidecar(article.sidecar).mentions.length, 0);
    const redone = await vscode.commands.executeCommand<string>('seedAnnotator.redo');
    assert.strictEqual(redone, 'Tag "Kabul" as GPE');
    assert.deepStrictEqual(slices(article), [['Kabul', 'Kabul']]);
    assert.strictEqual(await vscode.commands.executeCommand('seedAnnotator.redo'), undefined);
  });

  it('tags every selection at once (multi-cursor) with the keybinding command', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const editor = await vscode.window.showTextDocument(article.doc);
    const a = rangeOfText(article.doc, 'Kabul');
    const b = rangeOfText(article.doc, 'Herāt');
    editor.selections = [new vscode.Selection(a.start, a.end), new vscode.Selection(b.start, b.end)];
    await vscode.commands.executeCommand('seedAnnotator.tagAs', { index: 2 });
    const disk = mustReadSidecar(article.sidecar);
    assert.deepStrictEqual(disk.mentions.map((m) => m.text).sort(), ['Herāt', 'Kabul']);
    assert.deepStrictEqual(disk.entities.map((e) => e.type), ['GPE', 'GPE']);
  });

  it('an edit before a mention, then save: the sidecar offsets slice the right text', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    const kabul = rangeOfText(article.doc, 'Kabul');
    await select(article, kabul);
    await vscode.commands.executeCommand('seedAnnotator.tag', { uri: article.uri.toString(), start: Array.from(ARTICLE.slice(0, ARTICLE.indexOf('Kabul'))).length, end: Array.from(ARTICLE.slice(0, ARTICLE.indexOf('Kabul'))).length + 5, text: 'Kabul', type: 'GPE' });
    await article.editor.edit((e) => e.insert(new vscode.Position(0, 16), 'BREAKING 🇦🇫: '));
    await article.doc.save();
    await waitFor('the sidecar to follow the save', () => {
      const m = readSidecar(article.sidecar)?.mentions[0];
      return m !== undefined && diskSlice(article.uri.fsPath, m.start, m.end) === 'Kabul' && m.start > 120;
    });
    assert.deepStrictEqual(slices(article), [['Kabul', 'Kabul']]);
  });

  it('on a dirty article, waits for the save before writing the sidecar', async () => {
    const article = await freshArticle('tagging', ARTICLE);
    await article.editor.edit((e) => e.insert(new vscode.Position(0, 16), 'UPDATED: '));
    assert.ok(article.doc.isDirty);
    const herat = rangeOfText(article.doc, 'Herāt');
    await select(article, herat);
    await apply(findAction(await codeActions(article.uri, herat), 'Tag "Herāt" as GPE'));
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(readSidecar(article.sidecar), undefined, 'nothing on disk while the article is unsaved');
    await article.doc.save();
    await waitFor('the sidecar after the save', () => readSidecar(article.sidecar) !== undefined);
    assert.deepStrictEqual(slices(article), [['Herāt', 'Herāt']]);
  });

  it('picks up an external change of the sidecar (git pull, another editor)', async () => {
    const api = await extensionApi();
    const article = await freshArticle('tagging', ARTICLE);
    const kabul = rangeOfText(article.doc, 'Kabul');
    await select(article, kabul);
    await apply(findAction(await codeActions(article.uri, kabul), 'Tag "Kabul" as GPE'));
    const text = fs.readFileSync(article.sidecar, 'utf8');
    const start = Array.from(ARTICLE.slice(0, ARTICLE.indexOf('Herāt'))).length;
    const edited = text
      .replace(/^mentions:/m, `  - id: herat\n    type: GPE\n    name: Herāt\nmentions:`)
      .replace(/^(mentions:\n)/m, `$1  - {entity: herat, start: ${start}, end: ${start + 5}, text: Herāt}\n`);
    fs.writeFileSync(article.sidecar, edited);
    await waitFor('the store to reload', () => (api.store.peek(article.uri)?.annotations.mentions.length ?? 0) === 2, 8000);
    const herat = rangeOfText(article.doc, 'Herāt');
    const actions = await codeActions(article.uri, herat);
    assert.ok(titles(actions).includes('Change type of Herāt (GPE)…'), titles(actions).join('\n'));
  });
});
