/**
 * The Export and Import commands in the real editor, with the format and scope chosen
 * programmatically (the commands take an options object instead of the pickers), the files they
 * write checked on disk.
 */
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { ExportCommandResult, ImportCommandResult } from '../../src/extension/exportImport';
import { extensionApi, openInWorkspace, workspaceUri } from './workspace';

interface JsonlLine {
  id: string;
  text: string;
  label: Array<[number, number, string]>;
  mentions: Array<{ start: number; end: number; entity: string }>;
}

interface DiskSidecar {
  sha256?: string;
  entities: Array<{ id: string; type: string; name: string }>;
  mentions: Array<{ entity: string; start: number; end: number; text: string; orphaned?: boolean }>;
}

const cpSlice = (text: string, start: number, end: number) => Array.from(text).slice(start, end).join('');
const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const readJsonl = (file: string): JsonlLine[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JsonlLine);

let tmp = '';

describe('export and import commands', function () {
  this.timeout(60_000);

  before(async () => {
    await extensionApi();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-export-it-'));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('exports the workspace as jsonl to the chosen file: every label is the article text at its code points', async () => {
    const out = path.join(tmp, 'workspace.jsonl');
    const r = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'jsonl', scope: 'workspace', out, quiet: true });
    assert.ok(r, 'the command returned no result');
    assert.strictEqual(r.out, out);
    const lines = readJsonl(out);
    assert.strictEqual(lines.length, r.articles);
    const ids = lines.map((l) => l.id);
    assert.deepStrictEqual(ids, [...ids].sort(), 'articles in path order');
    for (const id of ['seeds/000_eb28ad2c764fb3cf.txt', 'seeds/001_kabul_airport_crlf.txt', 'seeds/002_herat_curly.txt', 'seeds/003_unicode_names.txt']) {
      assert.ok(ids.includes(id), `${id} exported`);
    }
    for (const l of lines) {
      const onDisk = fs.readFileSync(workspaceUri(l.id).fsPath, 'utf8').replace(/^\uFEFF/, '');
      assert.strictEqual(l.text, onDisk, l.id);
      for (const [s, e] of l.label) assert.ok(cpSlice(l.text, s, e).length > 0, `${l.id}: empty label [${s}, ${e})`);
      const sidecar = parse(fs.readFileSync(workspaceUri(l.id.replace(/\.txt$/, '.ann.yaml')).fsPath, 'utf8')) as DiskSidecar;
      for (const m of l.mentions) {
        const stored = sidecar.mentions.find((x) => x.start === m.start && x.end === m.end && x.entity === m.entity);
        assert.ok(stored, `${l.id}: mention [${m.start}, ${m.end}) is not in the sidecar`);
        assert.strictEqual(cpSlice(l.text, m.start, m.end), stored.text);
      }
    }
    assert.ok(r.mentions >= 91);
  });

  it('exports a folder as CoNLL with CoNLL-2003 tags, and one article as csv', async () => {
    const out = path.join(tmp, 'seeds.conll');
    const r = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'conll', tags: 'conll', scope: 'folder', target: workspaceUri('seeds'), out, quiet: true });
    assert.ok(r);
    const text = fs.readFileSync(out, 'utf8');
    assert.strictEqual(text.split('\n').filter((l) => l === '-DOCSTART- O').length, r.articles);
    assert.match(text, /^Taliban B-ORG$/m);
    for (const l of text.split('\n')) if (l !== '') assert.match(l, /^\S+ (O|[BI]-(PER|ORG|LOC|MISC))$/);

    await openInWorkspace('seeds/002_herat_curly.txt');
    const csv = path.join(tmp, 'herat.csv');
    const one = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'csv', scope: 'article', out: csv, quiet: true });
    assert.ok(one);
    assert.strictEqual(one.articles, 1);
    const rows = fs.readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
    assert.strictEqual(rows[0], 'file,date,entity,type,name,start,end,text');
    assert.ok(rows.slice(1).every((row) => row.startsWith('seeds/002_herat_curly.txt,2021-08-13,')));
    assert.strictEqual(rows.length - 1, one.mentions);
  });

  it('exports brat into a new folder: .txt with LF and no BOM, .ann offsets into it, the configuration files', async () => {
    const out = path.join(tmp, 'brat');
    const r = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'brat', scope: 'folder', target: workspaceUri('seeds'), out, quiet: true });
    assert.ok(r);
    const files = fs.readdirSync(out);
    assert.ok(files.includes('annotation.conf') && files.includes('visual.conf'));
    const txt = fs.readFileSync(path.join(out, '001_kabul_airport_crlf.txt'), 'utf8');
    assert.ok(!txt.includes('\r'), 'brat text is LF');
    for (const line of fs.readFileSync(path.join(out, '001_kabul_airport_crlf.ann'), 'utf8').split('\n')) {
      if (!line.startsWith('T')) continue;
      const [, spec, text] = line.split('\t');
      const [, s, e] = spec.split(' ');
      assert.strictEqual(cpSlice(txt, Number(s), Number(e)), text);
    }
  });

  it('leaves orphans out of the export and reports them', async () => {
    const folder = workspaceUri('export-it');
    fs.mkdirSync(folder.fsPath, { recursive: true });
    const article = 'date 2024-04-01 Kabul was quiet, residents said.\n';
    const articlePath = path.join(folder.fsPath, 'quiet.txt');
    fs.writeFileSync(articlePath, article);
    fs.writeFileSync(
      path.join(folder.fsPath, 'quiet.ann.yaml'),
      [
        'schema: 1',
        'article: quiet.txt',
        `sha256: ${sha(articlePath)}`,
        'entities:',
        '  - id: kabul',
        '    type: GPE',
        '    name: Kabul',
        'mentions:',
        '  - {entity: kabul, start: 16, end: 21, text: Kabul}',
        '  - {entity: kabul, start: 60, end: 65, text: Kabul, orphaned: true}',
        '',
      ].join('\n'),
    );
    const out = path.join(tmp, 'orphans.jsonl');
    const r = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'jsonl', scope: 'folder', target: folder, out, quiet: true });
    assert.ok(r);
    assert.strictEqual(r.orphans, 1);
    assert.ok(r.skipped.some((s) => /export-it\/quiet\.txt: skipped mention "Kabul" \[60, 65\).*orphaned/.test(s)), r.skipped.join('\n'));
    const [line] = readJsonl(out);
    assert.deepStrictEqual(line.label, [[16, 21, 'GPE']]);
  });

  it('imports jsonl into a new folder through the sidecar store; importing again adds nothing', async () => {
    const source = path.join(tmp, 'for-import.jsonl');
    const exported = await vscode.commands.executeCommand<ExportCommandResult>('seedAnnotator.export', { format: 'jsonl', scope: 'folder', target: workspaceUri('seeds'), out: source, quiet: true });
    assert.ok(exported);
    const target = workspaceUri('imported');
    const r = await vscode.commands.executeCommand<ImportCommandResult>('seedAnnotator.import', { format: 'jsonl', files: [source], target, quiet: true });
    assert.ok(r);
    assert.deepStrictEqual(r.problems, []);
    assert.strictEqual(r.articles, exported.articles);
    assert.strictEqual(r.newArticles, exported.articles);
    for (const name of ['000_eb28ad2c764fb3cf', '001_kabul_airport_crlf']) {
      const articleFile = path.join(target.fsPath, `${name}.txt`);
      assert.ok(fs.readFileSync(articleFile).equals(fs.readFileSync(workspaceUri(`seeds/${name}.txt`).fsPath)), `${name}.txt is the original, byte for byte`);
      const s = parse(fs.readFileSync(path.join(target.fsPath, `${name}.ann.yaml`), 'utf8')) as DiskSidecar;
      const o = parse(fs.readFileSync(workspaceUri(`seeds/${name}.ann.yaml`).fsPath, 'utf8')) as DiskSidecar;
      assert.strictEqual(s.sha256, sha(articleFile));
      const key = (m: DiskSidecar['mentions'][number]) => `${m.entity}@${m.start}-${m.end}:${m.text}`;
      assert.deepStrictEqual(s.mentions.map(key), o.mentions.filter((m) => !m.orphaned).map(key));
    }
    const again = await vscode.commands.executeCommand<ImportCommandResult>('seedAnnotator.import', { format: 'jsonl', files: [source], target, quiet: true });
    assert.ok(again);
    assert.strictEqual(again.mentionsAdded, 0);
    assert.strictEqual(again.newArticles, 0);
    assert.strictEqual(again.mentionsPresent, r.mentionsAdded);
  });

  it('merges an import into an existing sidecar without duplicating its mention, and the import can be undone', async () => {
    const api = await extensionApi();
    const folder = workspaceUri('merge-it');
    fs.mkdirSync(folder.fsPath, { recursive: true });
    const text = 'date 2024-04-02 The Taliban entered Herāt on Monday.\n';
    const article = vscode.Uri.joinPath(folder, 'herat.txt');
    fs.writeFileSync(article.fsPath, text);
    await api.store.edit(article, 'Tag Taliban', ({ doc }) => {
      const e = doc.addEntity({ type: 'ORG', name: 'Taliban' });
      doc.addMention({ entity: e.id, start: 20, end: 27, text: 'Taliban' });
    });
    const sidecarPath = path.join(folder.fsPath, 'herat.ann.yaml');
    const before = fs.readFileSync(sidecarPath, 'utf8');
    const input = path.join(tmp, 'merge.jsonl');
    fs.writeFileSync(input, JSON.stringify({ id: 'herat', text, label: [[20, 27, 'ORG'], [36, 41, 'GPE']] }) + '\n');
    const r = await vscode.commands.executeCommand<ImportCommandResult>('seedAnnotator.import', { format: 'jsonl', files: [input], target: folder, quiet: true });
    assert.ok(r);
    assert.deepStrictEqual([r.mentionsAdded, r.mentionsPresent, r.newArticles], [1, 1, 0]);
    const s = parse(fs.readFileSync(sidecarPath, 'utf8')) as DiskSidecar;
    assert.deepStrictEqual(
      s.mentions.map((m) => [m.start, m.end, m.text]),
      [
        [20, 27, 'Taliban'],
        [36, 41, 'Herāt'],
      ],
    );
    assert.strictEqual(s.sha256, sha(article.fsPath));
    assert.strictEqual(await api.store.undo(article), 'Import jsonl annotations');
    const deadline = Date.now() + 5000;
    while (fs.readFileSync(sidecarPath, 'utf8') !== before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    assert.strictEqual(fs.readFileSync(sidecarPath, 'utf8'), before);
  });
});
