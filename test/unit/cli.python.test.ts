/**
 * What the CLI writes, read by the tools our users run: NLTK's ConllCorpusReader on the CoNLL
 * export of seeds/, the brat export read as brat reads it (UTF-8, universal newlines, Python
 * string slices), the jsonl export sliced in Python (and with --offsets utf16 as JavaScript-minded
 * tools count), and the sidecars that `import` and `reanchor` write, loaded with PyYAML. Runs
 * Debian's /usr/bin/python3; skipped when it or a module is missing.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as esbuild from 'esbuild';
import YAML from 'yaml';
import { PYTHON, pythonHas, readConllWithNltk, runPython } from './formats/support';

const ROOT = path.resolve(__dirname, '../..');
let CLI = '';
let TMP = '';

function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI output read by Python tools', function () {
  this.timeout(120_000);

  before(async function () {
    if (!fs.existsSync(PYTHON)) this.skip();
    TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-cli-py-'));
    CLI = path.join(TMP, 'cli.js');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'silent' });
    fs.cpSync(path.join(ROOT, 'seeds'), path.join(TMP, 'seeds'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'cli', 'unicode', 'seeds'), path.join(TMP, 'seeds', 'unicode'), { recursive: true });
  });

  after(() => {
    if (TMP) fs.rmSync(TMP, { recursive: true, force: true });
  });

  it('NLTK ConllCorpusReader reads the CoNLL export; its B-/I- spans are the sidecars\' mentions', function () {
    if (!pythonHas('nltk')) this.skip();
    for (const tags of ['types', 'conll']) {
      const r = cli(['export', '--format', 'conll', '--tags', tags, '--out', `all-${tags}.conll`, 'seeds'], TMP);
      assert.strictEqual(r.code, 0, r.stderr);
      const jsonl = cli(['export', '--format', 'jsonl', 'seeds'], TMP);
      const docs = jsonl.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string; label: Array<[number, number, string]> });
      // The reader lets a BOM stand between tokens; the jsonl texts carry none, so here only
      // whitespace may.
      for (const d of docs) assert.ok(!d.text.includes('\ufeff'), d.id);
      const result = readConllWithNltk(path.join(TMP, `all-${tags}.conll`), docs.map((d) => d.text));
      assert.strictEqual(result.documents, docs.length, 'one -DOCSTART- block per article');
      const map: Record<string, string> = { PERSON: 'PER', ORG: 'ORG', GPE: 'LOC', LOC: 'LOC' };
      docs.forEach((d, i) => {
        assert.deepStrictEqual(result.results[i].errors, [], d.id);
        // Outermost mentions only (nested ones are reported and skipped), DATE is O with --tags conll.
        const outer = d.label.filter(([s, e], k) => !d.label.some(([s2, e2], j) => j !== k && s2 <= s && e <= e2 && (s2 < s || e < e2 || j < k)));
        const expected = outer
          .map(([s, e, t]): [number, number, string] => [s, e, tags === 'conll' ? (map[t] ?? (t === 'DATE' ? 'O' : 'MISC')) : t])
          .filter(([, , t]) => t !== 'O');
        assert.deepStrictEqual(result.results[i].spans, expected, d.id);
      });
    }
  });

  it('the brat export, read as brat reads it (universal newlines, code points), has every T at its text', () => {
    const r = cli(['export', '--format', 'brat', '--out', 'brat', 'seeds'], TMP);
    assert.strictEqual(r.code, 0, r.stderr);
    const result = runPython<{ checked: number; errors: string[] }>(
      String.raw`
import json, os, sys, io
data = json.load(sys.stdin)
checked, errors = 0, []
for name in sorted(os.listdir(data['dir'])):
    if not name.endswith('.ann'):
        continue
    with io.open(os.path.join(data['dir'], name[:-4] + '.txt'), 'r', encoding='utf-8') as f:
        text = f.read()
    with io.open(os.path.join(data['dir'], name), 'r', encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line.startswith('T'):
                continue
            tid, spec, surface = line.split('\t')
            parts = spec.split(' ', 1)[1].split(';')
            frags = [text[int(a):int(b)] for a, b in (p.split(' ') for p in parts)]
            checked += 1
            if ' '.join(frags) != surface:
                errors.append('%s %s: %r != %r' % (name, tid, ' '.join(frags), surface))
print(json.dumps({'checked': checked, 'errors': errors}))
`,
      { dir: path.join(TMP, 'brat') },
    );
    assert.deepStrictEqual(result.errors, []);
    assert.strictEqual(result.checked, 95);
  });

  it('jsonl slices in Python: text[start:end] is each mention; --offsets utf16 counts UTF-16 units', () => {
    const cp = cli(['export', '--format', 'jsonl', 'seeds'], TMP);
    const u16 = cli(['export', '--format', 'jsonl', '--offsets', 'utf16', 'seeds'], TMP);
    const expected = cp.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const d = JSON.parse(l) as { label: Array<[number, number, string]>; text: string };
        return d.label.map(([s, e]) => Array.from(d.text).slice(s, e).join(''));
      });
    const result = runPython<{ cp: string[][]; u16: string[][] }>(
      String.raw`
import json, sys
data = json.load(sys.stdin)
def spans(lines, utf16):
    out = []
    for line in lines.split('\n'):
        if not line:
            continue
        d = json.loads(line)
        t = d['text']
        if utf16:
            b = t.encode('utf-16-le')
            out.append([b[2*s:2*e].decode('utf-16-le') for s, e, _ in d['label']])
        else:
            out.append([t[s:e] for s, e, _ in d['label']])
    return out
print(json.dumps({'cp': spans(data['cp'], False), 'u16': spans(data['u16'], True)}))
`,
      { cp: cp.stdout, u16: u16.stdout },
    );
    assert.deepStrictEqual(result.cp, expected);
    assert.deepStrictEqual(result.u16, expected);
    assert.ok(expected.flat().includes('Zoe\u0308 Mu\u0308ller'), 'the combining-mark fixture is in the corpus');
  });

  it('sidecars written by import and reanchor load with PyYAML as they load with the yaml package', function () {
    if (!pythonHas('yaml')) this.skip();
    const dir = fs.mkdtempSync(path.join(TMP, 'imp-'));
    assert.strictEqual(cli(['export', '--format', 'jsonl', '--out', path.join(dir, 'all.jsonl'), 'seeds'], TMP).code, 0);
    assert.strictEqual(cli(['import', '--format', 'jsonl', '--out', 'new', 'all.jsonl'], dir).code, 0);
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'cli', 'changed', 'seeds'), path.join(dir, 'changed'), { recursive: true });
    assert.strictEqual(cli(['reanchor', 'changed'], dir).code, 0);
    const files = [...fs.readdirSync(path.join(dir, 'new')).map((f) => path.join(dir, 'new', f)), path.join(dir, 'changed', 'changed.ann.yaml')].filter((f) => f.endsWith('.ann.yaml'));
    assert.ok(files.length >= 6);
    const py = runPython<unknown[]>(
      String.raw`
import json, sys, yaml
files = json.load(sys.stdin)
print(json.dumps([yaml.safe_load(open(f, encoding='utf-8')) for f in files]))
`,
      files,
    );
    files.forEach((f, i) => assert.deepStrictEqual(py[i], YAML.parse(fs.readFileSync(f, 'utf8')), f));
  });
});
