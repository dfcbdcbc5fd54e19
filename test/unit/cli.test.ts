/**
 * The CLI as users run it: the bundle (built here from src/cli/main.ts with the options of
 * dist/cli.js, scripts/bundleOptions.mjs) in a child process, on copies of test/fixtures/cli and
 * the sample seeds.
 * Asserts stdout, stderr and exit codes (DESIGN.md, "CLI").
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import YAML from 'yaml';
import { version } from '../../package.json';
import { buildCli } from '../../scripts/bundleOptions.mjs';
import { OffsetMap } from '../../src/core/offsets';
import { validateSidecar } from '../../src/core/validate';
import { parseSidecarFast } from '../../src/core/sidecarFastPath';
import { quickProblems } from '../../src/cli/validate';
import { loadArticle } from '../../src/core/articleFiles';
import { PER_DOCUMENT, runExport } from '../../src/core/exportRun';
import type { ExportItem } from '../../src/core/exportRun';
import { createExporter } from '../../src/core/formats';
import type { ExportFormat, SeedDocument } from '../../src/core/formats';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');
let CLI = '';
let TMP = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; small runs use no worker thread unless `env` forces the pool (pool.ts). */
function run(args: string[], cwd: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SEED_ANNOTATE_DEBUG: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder for one test. */
function scratch(): string {
  return fs.mkdtempSync(path.join(TMP, 't-'));
}

/** A copy of a fixture folder (or of the project's seeds/ as `seeds/`), returns its root. */
function copyFixture(name: string): string {
  const dir = scratch();
  if (name === 'seeds') fs.cpSync(path.join(ROOT, 'seeds'), path.join(dir, 'seeds'), { recursive: true });
  else fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

function noStackTrace(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `stack trace on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /\n\s+at .+:\d+:\d+/);
}

/** Every file under a folder with its bytes' hash: to prove that nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Code-point slice, as Python's str slicing. */
function slice(text: string, start: number, end: number): string {
  return new OffsetMap(text).slice(start, end);
}

function articleText(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

interface Sidecar {
  sha256?: string;
  entities: Array<{ id: string; type: string; name: string }>;
  mentions: Array<{ entity: string; start: number; end: number; text: string; orphaned?: boolean }>;
}

function readSidecar(file: string): Sidecar {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as Sidecar;
}

describe('CLI (dist bundle)', function () {
  this.timeout(60_000);

  before(async () => {
    TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-cli-test-'));
    CLI = path.join(TMP, 'cli.js');
    // The options of dist/cli.js, built on its own so this suite does not depend on the
    // extension bundle building.
    await buildCli(CLI);
  });

  after(() => {
    fs.rmSync(TMP, { recursive: true, force: true });
  });

  describe('help, version and usage errors', () => {
    it('--help lists every verb; --version prints the package version', () => {
      const help = run(['--help'], ROOT);
      assert.strictEqual(help.code, 0);
      for (const verb of ['validate', 'stats', 'reanchor', 'export', 'import']) assert.match(help.stdout, new RegExp(`seed-annotate ${verb}`));
      const v = run(['--version'], ROOT);
      assert.strictEqual(v.code, 0);
      assert.strictEqual(v.stdout, `${version}\n`);
    });

    it('each verb has --help with usage and examples, on stdout, exit 0', () => {
      for (const verb of ['validate', 'stats', 'reanchor', 'export', 'import']) {
        const r = run([verb, '--help'], ROOT);
        assert.strictEqual(r.code, 0, verb);
        assert.match(r.stdout, new RegExp(`^Usage: seed-annotate ${verb}`), verb);
        assert.match(r.stdout, /Examples:\n {2}seed-annotate /, verb);
        assert.strictEqual(r.stderr, '');
      }
      assert.match(run(['export', '--help'], ROOT).stdout, /seed-annotate export --format jsonl seeds\/ > seeds\.jsonl/);
    });

    const usage: Array<[string, string[], RegExp]> = [
      ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
      ['an unknown option', ['validate', '--fast', 'seeds'], /unknown option '--fast'[\s\S]*see seed-annotate validate --help/],
      ['no paths', ['stats'], /give the articles, sidecars or folders/],
      ['export without --format', ['export', 'seeds'], /--format is required/],
      ['an unknown format', ['export', '--format', 'xml', 'seeds'], /--format' must be one of jsonl, conll, brat, w3c, csv/],
      ['brat without --out', ['export', '--format', 'brat', 'seeds'], /brat writes a folder: give it with --out DIR/],
      ['--offsets with conll', ['export', '--format', 'conll', '--offsets', 'utf16', 'seeds'], /--offsets applies to --format jsonl only/],
      ['a suffix without a dot', ['validate', '--suffix', 'yaml', 'seeds'], /--suffix must start with a dot/],
      ['import of csv', ['import', '--format', 'csv', 'x.csv'], /must be one of brat, jsonl/],
      ['a flag given a value', ['stats', '--json=yes', 'seeds'], /takes no value/],
    ];
    for (const [what, args, message] of usage) {
      it(`exit 2 with a clear message for ${what}`, () => {
        const r = run(args, ROOT);
        assert.strictEqual(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.strictEqual(r.stdout, '');
        noStackTrace(r);
      });
    }

    it('exit 2 for a path that does not exist, naming it relative to the current folder', () => {
      const r = run(['validate', 'no/such/folder'], ROOT);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /cannot read no\/such\/folder: no such file or folder/);
      noStackTrace(r);
    });
  });

  describe('validate', () => {
    it('passes on the sample seeds: exit 0, nothing on stdout, a summary on stderr', () => {
      const r = run(['validate', 'seeds/'], ROOT);
      assert.strictEqual(r.code, 0, r.stdout + r.stderr);
      assert.strictEqual(r.stdout, '');
      assert.match(r.stderr, /4 sidecars checked: no problems/);
    });

    it('prints each problem as file:line: severity: reason, paths relative to the current folder; exit 1', () => {
      const dir = copyFixture('problems');
      const r = run(['validate', 'seeds'], dir);
      assert.strictEqual(r.code, 1);
      assert.deepStrictEqual(lines(r.stdout), [
        `seeds/mixed.ann.yaml:14: error: mention 2 (Herat): text differs from the article, which has "Herāt" at [42, 47)`,
        `seeds/mixed.ann.yaml:15: error: mention 3 (Amina Rahimi): unknown entity 'rahimi'`,
        `seeds/mixed.ann.yaml:17: warning: orphaned mention 'Taliban' (entity taliban)`,
      ]);
      assert.match(r.stderr, /1 sidecar checked: 2 errors, 1 warning/);
      // From the parent folder, the same problems name the path from there.
      const up = run(['validate', path.join(path.basename(dir), 'seeds', 'mixed.ann.yaml')], path.dirname(dir));
      assert.match(up.stdout, new RegExp(`^${path.basename(dir)}/seeds/mixed\\.ann\\.yaml:14: error:`));
    });

    it('orphans are warnings: exit 0; --strict makes them fail', () => {
      const dir = copyFixture('orphans');
      const r = run(['validate', 'seeds'], dir);
      assert.strictEqual(r.code, 0);
      assert.deepStrictEqual(lines(r.stdout), [`seeds/quiet.ann.yaml:14: warning: orphaned mention 'Muttaqi' (entity muttaqi)`]);
      const strict = run(['validate', '--strict', 'seeds'], dir);
      assert.strictEqual(strict.code, 1);
      assert.strictEqual(strict.stdout, r.stdout);
      assert.match(strict.stderr, /--strict: warnings fail/);
    });

    it('reports a sidecar that does not parse with its line, exit 1', () => {
      const dir = copyFixture('broken');
      const r = run(['validate', 'seeds/broken.ann.yaml'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stdout, /^seeds\/broken\.ann\.yaml:10: error: YAML syntax error/);
      noStackTrace(r);
    });

    it('re-anchors in memory when the article changed: what would be orphaned is a warning at its line', () => {
      const dir = copyFixture('changed');
      const before = snapshot(dir);
      const r = run(['validate', 'seeds'], dir);
      assert.strictEqual(r.code, 0);
      const out = lines(r.stdout);
      assert.strictEqual(out.length, 2);
      assert.match(out[0], /^seeds\/changed\.ann\.yaml:5: warning: the article changed since this sidecar was written: 3 spans would move and 1 would be orphaned/);
      assert.match(out[1], /^seeds\/changed\.ann\.yaml:19: warning: orphaned mention 'Mullah Baradar' \(entity baradar\)/);
      assert.strictEqual(run(['validate', '--strict', 'seeds'], dir).code, 1);
      assert.deepStrictEqual(snapshot(dir), before, 'validate wrote something');
    });

    it('a sidecar whose article is missing is an error', () => {
      const dir = copyFixture('orphans');
      fs.rmSync(path.join(dir, 'seeds', 'quiet.txt'));
      const r = run(['validate', 'seeds'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stdout, /^seeds\/quiet\.ann\.yaml:1: error: its article quiet\.txt does not exist beside it/);
    });

    it('an article that is not valid UTF-8 is unreadable input: exit 2', () => {
      const dir = copyFixture('orphans');
      fs.writeFileSync(path.join(dir, 'seeds', 'quiet.txt'), Buffer.from([0x64, 0x61, 0xff, 0xfe, 0x0a]));
      const r = run(['validate', 'seeds'], dir);
      assert.strictEqual(r.code, 2);
      assert.match(r.stdout, /seeds\/quiet\.txt:1: error: the article is not valid UTF-8 text/);
      noStackTrace(r);
    });

    it('--suffix finds sidecars with another suffix (and only those)', () => {
      const dir = copyFixture('seeds');
      for (const f of fs.readdirSync(path.join(dir, 'seeds'))) {
        if (f.endsWith('.ann.yaml')) fs.renameSync(path.join(dir, 'seeds', f), path.join(dir, 'seeds', f.replace('.ann.yaml', '.notes.yaml')));
      }
      const r = run(['validate', '--suffix', '.notes.yaml', 'seeds'], dir);
      assert.strictEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /4 sidecars checked: no problems/);
      assert.match(run(['validate', 'seeds'], dir).stderr, /0 sidecars checked/);
      const stats = JSON.parse(run(['stats', '--json', '--suffix=.notes.yaml', 'seeds'], dir).stdout);
      assert.strictEqual(stats.mentions, 91);
    });

    it('the fast check of canonical sidecars reports exactly what validateSidecar reports', () => {
      const cases: Array<{ name: string; article: string; sidecar: string }> = [];
      for (const f of fs.readdirSync(path.join(ROOT, 'seeds')).filter((x) => x.endsWith('.txt'))) {
        cases.push({ name: f, article: articleText(path.join(ROOT, 'seeds', f)), sidecar: fs.readFileSync(path.join(ROOT, 'seeds', f.replace(/\.txt$/, '.ann.yaml')), 'utf8') });
      }
      for (const d of ['orphans', 'problems', 'unicode']) {
        const seeds = path.join(FIXTURES, d, 'seeds');
        for (const f of fs.readdirSync(seeds).filter((x) => x.endsWith('.txt'))) {
          cases.push({ name: f, article: articleText(path.join(seeds, f)), sidecar: fs.readFileSync(path.join(seeds, f.replace(/\.txt$/, '.ann.yaml')), 'utf8') });
        }
      }
      // Mutations: each changes one mention line of the seed's sidecar.
      const seed = cases[0];
      const mentionLines = seed.sidecar.split('\n').map((l, i) => ({ l, i })).filter((x) => x.l.startsWith('  - {entity:'));
      const mutate = (k: number, f: (line: string) => string) => {
        const all = seed.sidecar.split('\n');
        all[mentionLines[k].i] = f(all[mentionLines[k].i]);
        return all.join('\n');
      };
      cases.push({ ...seed, name: 'orphan', sidecar: mutate(3, (l) => l.replace(/}$/, ', orphaned: true}')) });
      cases.push({ ...seed, name: 'two orphans', sidecar: mutate(5, (l) => l.replace(/}$/, ', orphaned: true}')).replace(mentionLines[9].l, mentionLines[9].l.replace(/}$/, ', orphaned: true}')) });
      cases.push({ ...seed, name: 'shifted', sidecar: mutate(2, (l) => l.replace(/start: (\d+), end: (\d+)/, (_m, s, e) => `start: ${+s + 1}, end: ${+e + 1}`)) });
      cases.push({ ...seed, name: 'unknown entity', sidecar: mutate(4, (l) => l.replace(/entity: [^,]+/, 'entity: nobody')) });
      cases.push({ ...seed, name: 'duplicate', sidecar: seed.sidecar.replace(mentionLines[1].l, `${mentionLines[1].l}\n${mentionLines[1].l}`) });
      cases.push({ ...seed, name: 'past the end', sidecar: mutate(6, (l) => l.replace(/end: \d+/, 'end: 99999')) });
      cases.push({ ...seed, name: 'empty span', sidecar: mutate(6, (l) => l.replace(/end: \d+/, 'end: 0')) });
      cases.push({ ...seed, name: 'wrong article name', sidecar: seed.sidecar.replace(/^article: .*$/m, 'article: other.txt') });
      let quick = 0;
      for (const c of cases) {
        const model = parseSidecarFast(c.sidecar);
        if (!model) continue;
        const articleName = model.article === 'other.txt' ? '000_eb28ad2c764fb3cf.txt' : model.article;
        const full = validateSidecar(c.sidecar, { file: 'x.ann.yaml', articleName, articleText: c.article }).map(({ file, line, severity, reason }) => ({ file, line, severity, reason }));
        const fast = quickProblems('x.ann.yaml', articleName, c.sidecar, model, c.article);
        if (fast === undefined) {
          assert.ok(full.some((p) => !/^orphaned /.test(p.reason)), `${c.name}: the fast check gave up on a sidecar whose only problems are orphans`);
          continue;
        }
        quick++;
        assert.deepStrictEqual(fast, full, c.name);
      }
      assert.ok(quick >= 8, `only ${quick} cases took the fast check`);
    });
  });

  describe('stats', () => {
    it('prints totals, a table per type and per article; exit 0', () => {
      const r = run(['stats', 'seeds'], ROOT);
      assert.strictEqual(r.code, 0);
      const out = r.stdout.split('\n');
      assert.strictEqual(out[0], '4 articles (4 annotated), 59 entities, 91 mentions (0 orphaned), 17 quotes, 4 relations');
      assert.match(r.stdout, /^type +entities +mentions$/m);
      assert.match(r.stdout, /^GPE +18 +33$/m);
      assert.match(r.stdout, /^seeds\/000_eb28ad2c764fb3cf\.txt +2021-09-01 +23 +46 +0 +6 +3$/m);
      assert.strictEqual(r.stderr, '');
    });

    it('--json gives the same counts as one object, files in path order', () => {
      const r = run(['stats', '--json', 'seeds/'], ROOT);
      assert.strictEqual(r.code, 0);
      const s = JSON.parse(r.stdout);
      assert.strictEqual(s.articles, 4);
      assert.strictEqual(s.mentions, 91);
      assert.deepStrictEqual(s.types.GPE, { entities: 18, mentions: 33 });
      assert.deepStrictEqual(
        s.files.map((f: { article: string }) => f.article),
        ['seeds/000_eb28ad2c764fb3cf.txt', 'seeds/001_kabul_airport_crlf.txt', 'seeds/002_herat_curly.txt', 'seeds/003_unicode_names.txt'],
      );
      assert.strictEqual(s.files.reduce((n: number, f: { mentions: number }) => n + f.mentions, 0), s.mentions);
      const perType = Object.values(s.types as Record<string, { mentions: number }>).reduce((n, t) => n + t.mentions, 0);
      assert.strictEqual(perType, s.mentions);
    });

    it('counts orphans and warns about them on stderr; counts after re-anchoring a changed article', () => {
      const orphans = run(['stats', '--json', 'seeds'], copyFixture('orphans'));
      assert.strictEqual(orphans.code, 0);
      assert.strictEqual(JSON.parse(orphans.stdout).orphaned, 1);
      assert.match(orphans.stderr, /warning: 1 orphaned mention in 1 article/);
      const changed = JSON.parse(run(['stats', '--json', 'seeds'], copyFixture('changed')).stdout);
      assert.strictEqual(changed.orphaned, 1);
      assert.strictEqual(changed.changed, 1);
      assert.strictEqual(changed.files[0].changed, true);
    });

    it('a sidecar that does not parse is reported on stderr, not counted; exit 1', () => {
      const r = run(['stats', 'seeds'], copyFixture('broken'));
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^seeds\/broken\.ann\.yaml:10: error: YAML syntax error/m);
      assert.match(r.stdout, /^0 articles/);
    });
  });

  describe('reanchor', () => {
    it('re-anchors a changed article, writes its sidecar atomically and reports the orphan', () => {
      const dir = copyFixture('changed');
      const sidecar = path.join(dir, 'seeds', 'changed.ann.yaml');
      const r = run(['reanchor', 'seeds/'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, 'seeds/changed.ann.yaml: updated (3 moved, 1 orphaned)\n');
      assert.match(r.stderr, /^seeds\/changed\.ann\.yaml:19: warning: orphaned mention 'Mullah Baradar' \(entity baradar\): /m);
      assert.match(r.stderr, /1 updated, 0 up to date, 1 span orphaned/);
      const text = articleText(path.join(dir, 'seeds', 'changed.txt'));
      const s = readSidecar(sidecar);
      assert.strictEqual(s.sha256, sha256(path.join(dir, 'seeds', 'changed.txt')));
      assert.strictEqual(s.mentions.length, 4, 'a mention was dropped');
      for (const m of s.mentions) {
        if (m.orphaned) assert.strictEqual(m.text, 'Mullah Baradar');
        else assert.strictEqual(slice(text, m.start, m.end), m.text);
      }
      assert.match(fs.readFileSync(sidecar, 'utf8'), /# A comment the user wrote by hand: it must survive re-anchoring\./);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'seeds')).sort(), ['changed.ann.yaml', 'changed.txt'], 'a temporary file was left behind');
      // The result validates, with the orphan as a warning; a second run has nothing to do.
      const v = run(['validate', 'seeds'], dir);
      assert.strictEqual(v.code, 0);
      assert.match(v.stdout, /^seeds\/changed\.ann\.yaml:19: warning: orphaned mention 'Mullah Baradar'/);
      const bytes = fs.readFileSync(sidecar);
      const again = run(['reanchor', 'seeds'], dir);
      assert.strictEqual(again.stdout, '');
      assert.match(again.stderr, /0 updated, 1 up to date/);
      assert.ok(fs.readFileSync(sidecar).equals(bytes));
    });

    it('--dry-run reports and writes nothing; up-to-date sidecars are left alone', () => {
      const dir = copyFixture('changed');
      const before = snapshot(dir);
      const r = run(['reanchor', '--dry-run', 'seeds'], dir);
      assert.strictEqual(r.code, 0);
      assert.strictEqual(r.stdout, 'seeds/changed.ann.yaml: would update (3 moved, 1 orphaned)\n');
      assert.deepStrictEqual(snapshot(dir), before);
      const seeds = copyFixture('seeds');
      const untouched = snapshot(seeds);
      assert.strictEqual(run(['reanchor', 'seeds'], seeds).code, 0);
      assert.deepStrictEqual(snapshot(seeds), untouched);
    });

    it('never overwrites a sidecar that does not parse: reported with its line, exit 1', () => {
      const dir = copyFixture('broken');
      fs.appendFileSync(path.join(dir, 'seeds', 'broken.txt'), 'More text.\n');
      const before = snapshot(dir);
      const r = run(['reanchor', 'seeds'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^seeds\/broken\.ann\.yaml:10: error: YAML syntax error/m);
      assert.match(r.stderr, /left as it is/);
      assert.deepStrictEqual(snapshot(dir), before);
      noStackTrace(r);
    });
  });

  describe('export', () => {
    it('jsonl to stdout: one line per article in path order; every label is the text at its code points', () => {
      const before = snapshot(path.join(ROOT, 'seeds'));
      const r = run(['export', '--format', 'jsonl', 'seeds/'], ROOT);
      assert.strictEqual(r.code, 0, r.stderr);
      const docs = lines(r.stdout).map((l) => JSON.parse(l));
      assert.deepStrictEqual(
        docs.map((d) => d.id),
        ['seeds/000_eb28ad2c764fb3cf.txt', 'seeds/001_kabul_airport_crlf.txt', 'seeds/002_herat_curly.txt', 'seeds/003_unicode_names.txt'],
      );
      let labels = 0;
      for (const d of docs) {
        assert.strictEqual(d.text, articleText(path.join(ROOT, d.id)));
        for (const [s, e, type] of d.label) {
          labels++;
          const m = d.mentions.find((x: { start: number; end: number }) => x.start === s && x.end === e);
          assert.ok(m, `${d.id}: label [${s}, ${e}) has no mention`);
          assert.strictEqual(d.entities.find((x: { id: string }) => x.id === m.entity).type, type);
        }
      }
      assert.strictEqual(labels, 91);
      assert.match(r.stderr, /export: 4 articles, 91 mentions written as jsonl/);
      assert.deepStrictEqual(snapshot(path.join(ROOT, 'seeds')), before, 'export wrote next to the articles');
    });

    it('conll, w3c and csv to stdout', () => {
      const conll = run(['export', '--format', 'conll', '--tags', 'conll', 'seeds'], ROOT);
      assert.strictEqual(conll.code, 0, conll.stderr);
      assert.strictEqual(conll.stdout.split('\n').filter((l) => l === '-DOCSTART- O').length, 4);
      for (const l of conll.stdout.split('\n')) if (l !== '') assert.match(l, /^\S+ (O|[BI]-(PER|ORG|LOC|MISC))$/, l);
      const w3c = run(['export', '--format', 'w3c', 'seeds'], ROOT);
      assert.strictEqual(w3c.code, 0);
      const page = JSON.parse(w3c.stdout);
      assert.strictEqual(page.type, 'AnnotationPage');
      assert.strictEqual(page.items.length, 91);
      const csv = run(['export', '--format', 'csv', 'seeds'], ROOT);
      assert.strictEqual(csv.code, 0);
      const rows = csv.stdout.split('\r\n').filter((l) => l !== '');
      assert.strictEqual(rows[0], 'file,date,entity,type,name,start,end,text');
      assert.strictEqual(rows.length, 92);
    });

    it('--out writes a file (no temporary left); paths in ids are relative to the current folder', () => {
      const dir = copyFixture('unicode');
      const sub = path.join(dir, 'work');
      fs.mkdirSync(sub);
      const r = run(['export', '--format', 'jsonl', '--offsets', 'utf16', '--out', 'out.jsonl', '../seeds'], sub);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(fs.readdirSync(sub), ['out.jsonl']);
      const doc = JSON.parse(fs.readFileSync(path.join(sub, 'out.jsonl'), 'utf8'));
      assert.strictEqual(doc.id, '../seeds/crlf_bom.txt');
      for (const [s, e] of doc.label) {
        const m = doc.mentions.find((x: { start: number }) => x.start === s);
        assert.strictEqual(doc.text.slice(s, e), m ? doc.text.slice(m.start, m.end) : undefined);
      }
      assert.deepStrictEqual(
        doc.label.map(([s, e]: [number, number]) => doc.text.slice(s, e)),
        ['Mazār-i-Sharīf', 'Zoe\u0308 Mu\u0308ller', 'Nguyễn Văn An', 'Red Cross'],
      );
      const cp = JSON.parse(run(['export', '--format', 'jsonl', '../seeds'], sub).stdout);
      assert.deepStrictEqual(
        cp.label.map(([s, e]: [number, number]) => slice(cp.text, s, e)),
        ['Mazār-i-Sharīf', 'Zoe\u0308 Mu\u0308ller', 'Nguyễn Văn An', 'Red Cross'],
      );
    });

    it('--out is atomic: an unreadable article later in the run leaves no file, and an older file as it was', () => {
      const dir = copyFixture('seeds');
      fs.writeFileSync(path.join(dir, 'seeds', 'zzz_broken.txt'), Buffer.from([0x64, 0x61, 0x74, 0x65, 0xc3, 0x28]));
      fs.copyFileSync(path.join(dir, 'seeds', '002_herat_curly.ann.yaml'), path.join(dir, 'seeds', 'zzz_broken.ann.yaml'));
      const r = run(['export', '--format', 'jsonl', '--out', 'out.jsonl', 'seeds'], dir);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /seeds\/zzz_broken\.txt:1: error: the article is not valid UTF-8 text/);
      assert.match(r.stderr, /nothing was written to out\.jsonl/);
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['seeds']);
      fs.writeFileSync(path.join(dir, 'out.jsonl'), 'previous export\n');
      assert.strictEqual(run(['export', '--format', 'csv', '--out', 'out.jsonl', 'seeds'], dir).code, 2);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8'), 'previous export\n');
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['out.jsonl', 'seeds']);
      const brat = run(['export', '--format', 'brat', '--out', 'brat', 'seeds'], dir);
      assert.strictEqual(brat.code, 2);
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['out.jsonl', 'seeds'], 'a half brat folder was left');
      noStackTrace(r);
    });

    it('Ctrl+C during an export to --out leaves neither the file nor a temporary (exit 130)', async () => {
      const dir = scratch();
      // A corpus big enough to be interrupted: the sample seeds, 400 times.
      for (let k = 0; k < 400; k++) fs.cpSync(path.join(ROOT, 'seeds'), path.join(dir, 'seeds', `c${String(k).padStart(3, '0')}`), { recursive: true });
      const child = spawn(process.execPath, [CLI, 'export', '--format', 'conll', '--out', 'out.conll', 'seeds'], { cwd: dir, env: { ...process.env, SEED_ANNOTATE_WORKERS: '0' } });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += String(d)));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 20_000;
      while (!fs.readdirSync(dir).some((f) => f.startsWith('.out.conll.tmp-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGINT');
      const code = await exited;
      assert.strictEqual(code, 130, stderr);
      assert.match(stderr, /interrupted; nothing was left half written/);
      assert.deepStrictEqual(fs.readdirSync(dir), ['seeds']);
    });

    it('brat --out writes a folder as brat reads it; re-exporting replaces it; a folder of other files is refused', () => {
      const dir = copyFixture('unicode');
      const r = run(['export', '--format', 'brat', '--out', 'brat', 'seeds'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'brat')).sort(), ['annotation.conf', 'crlf_bom.ann', 'crlf_bom.txt', 'visual.conf']);
      const txt = fs.readFileSync(path.join(dir, 'brat', 'crlf_bom.txt'), 'utf8');
      assert.ok(!txt.includes('\r') && txt.charCodeAt(0) !== 0xfeff, 'brat text must be LF without BOM');
      const ts = fs.readFileSync(path.join(dir, 'brat', 'crlf_bom.ann'), 'utf8').split('\n').filter((l) => l.startsWith('T'));
      assert.strictEqual(ts.length, 4);
      for (const t of ts) {
        const [, spec, text] = t.split('\t');
        const [, s, e] = spec.split(' ');
        assert.strictEqual(slice(txt, Number(s), Number(e)), text);
      }
      fs.writeFileSync(path.join(dir, 'brat', '.stats_cache'), 'brat made this');
      assert.strictEqual(run(['export', '--format', 'brat', '--out', 'brat', 'seeds'], dir).code, 0);
      assert.ok(!fs.existsSync(path.join(dir, 'brat', '.stats_cache')));
      fs.writeFileSync(path.join(dir, 'brat', 'thesis.docx'), 'not ours');
      const refused = run(['export', '--format', 'brat', '--out', 'brat', 'seeds'], dir);
      assert.strictEqual(refused.code, 2);
      assert.match(refused.stderr, /already holds files this export does not write \(thesis\.docx\)/);
      assert.ok(fs.existsSync(path.join(dir, 'brat', 'thesis.docx')));
    });

    it('orphans are left out and reported on stderr (exit 0); a changed article is re-anchored in memory only', () => {
      const orphans = copyFixture('orphans');
      const r = run(['export', '--format', 'jsonl', 'seeds'], orphans);
      assert.strictEqual(r.code, 0);
      const doc = JSON.parse(r.stdout);
      assert.deepStrictEqual(doc.label, [[16, 21, 'GPE']]);
      assert.match(r.stderr, /^seeds\/quiet\.txt: warning: skipped mention "Muttaqi" \[70, 77\) \(muttaqi\): orphaned/m);
      assert.match(r.stderr, /1 orphan left out/);

      const changed = copyFixture('changed');
      const before = snapshot(changed);
      const c = run(['export', '--format', 'jsonl', 'seeds'], changed);
      assert.strictEqual(c.code, 0);
      const d = JSON.parse(c.stdout);
      assert.deepStrictEqual(
        d.label.map(([s, e]: [number, number]) => slice(d.text, s, e)),
        ['Kandahar', 'Taliban', 'Kandahar'],
      );
      assert.match(c.stderr, /seeds\/changed\.txt: warning: changed since its sidecar was written: re-anchored in memory \(3 moved, 1 orphaned\)/);
      assert.match(c.stderr, /skipped mention "Mullah Baradar"/);
      assert.deepStrictEqual(snapshot(changed), before);
    });

    it('a sidecar that does not parse stops the export: reported with its line, exit 1, no --out file', () => {
      const dir = copyFixture('broken');
      const r = run(['export', '--format', 'csv', '--out', 'x.csv', 'seeds'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^seeds\/broken\.ann\.yaml:10: error: YAML syntax error/m);
      assert.ok(!fs.existsSync(path.join(dir, 'x.csv')));
    });
  });

  describe('worker threads', () => {
    const POOL = { SEED_ANNOTATE_POOL_MIN: '1', SEED_ANNOTATE_WORKERS: '3', SEED_ANNOTATE_POOL_CHUNK: '1' };
    const NO_POOL = { SEED_ANNOTATE_WORKERS: '0' };

    /** The seeds and the fixtures with orphans, a changed article and a CRLF + BOM one, in one corpus. */
    function mixedCorpus(): string {
      const dir = copyFixture('seeds');
      for (const f of ['orphans', 'changed', 'unicode', 'problems']) fs.cpSync(path.join(FIXTURES, f, 'seeds'), path.join(dir, 'seeds', f), { recursive: true });
      return dir;
    }

    it('give byte-identical results: export in every format, stats, validate', () => {
      const dir = mixedCorpus();
      for (const format of ['jsonl', 'conll', 'w3c', 'csv']) {
        const a = run(['export', '--format', format, 'seeds'], dir, POOL);
        const b = run(['export', '--format', format, 'seeds'], dir, NO_POOL);
        assert.strictEqual(a.code, 0, a.stderr);
        assert.strictEqual(a.stdout, b.stdout, format);
        assert.strictEqual(a.stderr, b.stderr, format);
      }
      assert.strictEqual(run(['export', '--format', 'brat', '--out', 'b1', 'seeds'], dir, POOL).code, 0);
      assert.strictEqual(run(['export', '--format', 'brat', '--out', 'b2', 'seeds'], dir, NO_POOL).code, 0);
      assert.deepStrictEqual(snapshot(path.join(dir, 'b1')), snapshot(path.join(dir, 'b2')));
      for (const args of [['stats', '--json', 'seeds'], ['stats', 'seeds'], ['validate', 'seeds']]) {
        const a = run(args, dir, POOL);
        const b = run(args, dir, NO_POOL);
        assert.strictEqual(a.code, b.code, args.join(' '));
        assert.strictEqual(a.stdout, b.stdout, args.join(' '));
        assert.strictEqual(a.stderr, b.stderr, args.join(' '));
      }
      assert.strictEqual(run(['validate', 'seeds'], dir, POOL).code, 1, 'the problems fixture has errors');
    });

    it('formatting one document at a time writes exactly what each exporter writes', async () => {
      const items: ExportItem[] = [];
      const add = (dir: string, prefix: string) => {
        for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
          const article = path.join(dir, f);
          items.push({ id: `${prefix}/${f}`, article, sidecar: article.replace(/\.txt$/, '.ann.yaml'), articleDisplay: f, sidecarDisplay: f });
        }
      };
      add(path.join(ROOT, 'seeds'), 'seeds');
      for (const d of ['orphans', 'changed', 'unicode', 'problems']) add(path.join(FIXTURES, d, 'seeds'), d);
      // An article without a sidecar in the middle: no mention, an empty chunk (w3c's separators).
      const bare = path.join(ROOT, 'test', 'fixtures', 'workspace', 'other', 'dated-report.txt');
      items.splice(2, 0, { id: 'other/dated-report.txt', article: bare, sidecar: bare.replace(/\.txt$/, '.ann.yaml'), articleDisplay: 'x', sidecarDisplay: 'y' });
      const docs: SeedDocument[] = [];
      for (const item of items) {
        const load = await loadArticle(item);
        assert.ok(load.ok);
        docs.push({ id: item.id, text: load.text, hadBom: load.hadBom, annotations: load.annotations });
      }
      for (const format of Object.keys(PER_DOCUMENT) as ExportFormat[]) {
        for (const options of [{}, { offsets: 'utf16' as const, tags: 'conll' as const }]) {
          const exporter = createExporter(format, options);
          assert.strictEqual(exporter.kind, 'stream');
          if (exporter.kind !== 'stream') continue;
          let expected = exporter.header();
          for (const d of docs) expected += exporter.document(d).text;
          expected += exporter.footer();
          let actual = '';
          await runExport(items, format, options, { kind: 'stream', write: async (t) => void (actual += t) });
          assert.strictEqual(actual, expected, `${format} ${JSON.stringify(options)}`);
          // Without documents, too (w3c's separators).
          let empty = '';
          await runExport([], format, options, { kind: 'stream', write: async (t) => void (empty += t) });
          const fresh = createExporter(format, options);
          assert.strictEqual(empty, fresh.kind === 'stream' ? fresh.header() + fresh.footer() : '', `${format}: empty run`);
        }
      }
    });

    it('stop at an unreadable article without a half --out file', () => {
      const dir = mixedCorpus();
      fs.writeFileSync(path.join(dir, 'seeds', '001_zz.txt'), Buffer.from([0xff, 0xfe, 0x00]));
      fs.copyFileSync(path.join(dir, 'seeds', '002_herat_curly.ann.yaml'), path.join(dir, 'seeds', '001_zz.ann.yaml'));
      const r = run(['export', '--format', 'conll', '--out', 'out.conll', 'seeds'], dir, POOL);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /seeds\/001_zz\.txt:1: error: the article is not valid UTF-8 text/);
      assert.deepStrictEqual(fs.readdirSync(dir), ['seeds']);
    });
  });

  describe('import', () => {
    it('jsonl: importing our own export into the seeds changes nothing (no duplicated mention)', () => {
      const dir = copyFixture('seeds');
      const exported = run(['export', '--format', 'jsonl', '--out', 'seeds.jsonl', 'seeds'], dir);
      assert.strictEqual(exported.code, 0);
      const before = snapshot(path.join(dir, 'seeds'));
      const r = run(['import', '--format', 'jsonl', '--out', 'seeds', 'seeds.jsonl'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.deepStrictEqual(lines(r.stdout), [
        'seeds/000_eb28ad2c764fb3cf.ann.yaml: 0 mentions added, 46 already there',
        'seeds/001_kabul_airport_crlf.ann.yaml: 0 mentions added, 17 already there',
        'seeds/002_herat_curly.ann.yaml: 0 mentions added, 14 already there',
        'seeds/003_unicode_names.ann.yaml: 0 mentions added, 14 already there',
      ]);
      assert.deepStrictEqual(snapshot(path.join(dir, 'seeds')), before);
    });

    it('jsonl: merges into an existing sidecar, adding only what is missing, one line each', () => {
      const dir = copyFixture('seeds');
      run(['export', '--format', 'jsonl', '--out', 'seeds.jsonl', 'seeds'], dir);
      const sidecar = path.join(dir, 'seeds', '002_herat_curly.ann.yaml');
      const original = fs.readFileSync(sidecar, 'utf8');
      const all = original.split('\n');
      const removed = all.filter((l) => l.startsWith('  - {entity:')).slice(2, 4);
      fs.writeFileSync(sidecar, all.filter((l) => !removed.includes(l)).join('\n'));
      const r = run(['import', '--format', 'jsonl', '--out', 'seeds', 'seeds.jsonl'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /^seeds\/002_herat_curly\.ann\.yaml: 2 mentions added, 12 already there$/m);
      const now = readSidecar(sidecar);
      const was = YAML.parse(original) as Sidecar;
      const key = (m: Sidecar['mentions'][number]) => `${m.entity}@${m.start}-${m.end}`;
      assert.deepStrictEqual(now.mentions.map(key), was.mentions.map(key));
      const text = articleText(path.join(dir, 'seeds', '002_herat_curly.txt'));
      for (const m of now.mentions) assert.strictEqual(slice(text, m.start, m.end), m.text);
      assert.strictEqual(run(['validate', 'seeds'], dir).code, 0);
    });

    it('jsonl (doccano, UTF-16): safe names inside --out, date header with shifted offsets, bad spans reported by line', () => {
      const dir = copyFixture('import');
      const r = run(['import', '--format', 'jsonl', '--offsets', 'utf16', '--out', 'corpus', 'doccano.jsonl'], dir);
      assert.strictEqual(r.code, 1, 'a span left out is a problem found');
      assert.match(r.stderr, /^doccano\.jsonl:3: error: label\[1\]: span \[30, 99\) is empty or outside the text/m);
      assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['corpus', 'doccano.jsonl', 'spacy.jsonl'], 'an id escaped --out');
      assert.deepStrictEqual(fs.readdirSync(path.join(dir, 'corpus')).sort(), ['7.ann.yaml', '7.txt', 'bad-span.ann.yaml', 'bad-span.txt', 'evil_name.ann.yaml', 'evil_name.txt']);
      const evilText = articleText(path.join(dir, 'corpus', 'evil_name.txt'));
      const evil = readSidecar(path.join(dir, 'corpus', 'evil_name.ann.yaml'));
      assert.deepStrictEqual(evil.mentions.map((m) => slice(evilText, m.start, m.end)), ['Herāt', 'Kabul']);
      assert.deepStrictEqual(evil.mentions.map((m) => m.text), ['Herāt', 'Kabul']);
      const dated = articleText(path.join(dir, 'corpus', '7.txt'));
      assert.strictEqual(dated, 'date 2024-03-07 Ghazni fell quietly, officials in Ghazni said.');
      const seven = readSidecar(path.join(dir, 'corpus', '7.ann.yaml'));
      assert.deepStrictEqual(seven.mentions.map((m) => [m.start, m.end, m.text]), [[16, 22, 'Ghazni']]);
      assert.strictEqual(seven.sha256, sha256(path.join(dir, 'corpus', '7.txt')));
      assert.strictEqual(readSidecar(path.join(dir, 'corpus', 'bad-span.ann.yaml')).mentions.length, 1);
      assert.strictEqual(run(['validate', 'corpus'], dir).code, 0);
      // spaCy triples, no id: the line number names the article.
      const spacy = run(['import', '--format', 'jsonl', '--out', 'corpus', 'spacy.jsonl'], dir);
      assert.strictEqual(spacy.code, 0, spacy.stderr);
      assert.match(spacy.stdout, /^corpus\/line-1\.ann\.yaml: 2 mentions added, 2 entities added; new article corpus\/line-1\.txt$/m);
    });

    it('jsonl: an existing article with another text is never rewritten; the line is reported', () => {
      const dir = copyFixture('import');
      fs.mkdirSync(path.join(dir, 'corpus'));
      fs.writeFileSync(path.join(dir, 'corpus', '7.txt'), 'date 2024-03-07 Something else entirely.');
      const r = run(['import', '--format', 'jsonl', '--offsets', 'utf16', '--out', 'corpus', 'doccano.jsonl'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^doccano\.jsonl:2: error: the article 7\.txt exists and its text differs from this line's "text" \(article line 1, column 17\); not imported/m);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'corpus', '7.txt'), 'utf8'), 'date 2024-03-07 Something else entirely.');
      assert.ok(!fs.existsSync(path.join(dir, 'corpus', '7.ann.yaml')));
    });

    it('brat: round trip through a CRLF + BOM article: offsets mapped back onto the article as stored', () => {
      const dir = copyFixture('unicode');
      assert.strictEqual(run(['export', '--format', 'brat', '--out', 'brat', 'seeds'], dir).code, 0);
      const sidecar = path.join(dir, 'seeds', 'crlf_bom.ann.yaml');
      const original = readSidecar(sidecar);
      // Drop the mentions after the CRLF, so the import must place them across it.
      const text = fs.readFileSync(sidecar, 'utf8');
      fs.writeFileSync(sidecar, text.split('\r\n').filter((l) => !/entity: (nguyen|red-cross),/.test(l)).join('\r\n'));
      const r = run(['import', '--format', 'brat', '--out', 'seeds', 'brat'], dir);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, 'seeds/crlf_bom.ann.yaml: 2 mentions added, 2 already there\n');
      const now = readSidecar(sidecar);
      const strip = (m: Sidecar['mentions'][number]) => ({ entity: m.entity, start: m.start, end: m.end, text: m.text });
      assert.deepStrictEqual(now.mentions.map(strip), original.mentions.map(strip));
      assert.ok(fs.readFileSync(sidecar, 'utf8').includes('\r\n'), 'the sidecar kept its CRLF lines');
      assert.strictEqual(run(['validate', 'seeds'], dir).code, 0);
    });

    it('brat: into a new folder (default: beside each .ann), reporting discontinuous spans', () => {
      const dir = scratch();
      fs.mkdirSync(path.join(dir, 'b'));
      const txt = 'date 2024-03-10 Fighters left Kunduz and Taloqan.\nThe United Nations said so.\n';
      fs.writeFileSync(path.join(dir, 'b', 'doc1.txt'), txt);
      fs.writeFileSync(
        path.join(dir, 'b', 'doc1.ann'),
        ['T1\tGPE 30 36\tKunduz', 'T2\tGPE 41 48\tTaloqan', 'T3\tORG 50 53;61 68\tThe Nations', 'T4\tORG 50 68\tThe United Nations', '#1\tAnnotatorNotes T4\tUN', 'N1\tReference T4 wikidata:Q1065\tUnited Nations', ''].join('\n'),
      );
      const r = run(['import', '--format', 'brat', 'b'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^b\/doc1\.ann:3: error: T3: discontinuous span 50 53;61 68 is not supported; skipped$/m);
      assert.strictEqual(r.stdout, 'b/doc1.ann.yaml: 3 mentions added, 3 entities added\n');
      const s = YAML.parse(fs.readFileSync(path.join(dir, 'b', 'doc1.ann.yaml'), 'utf8'));
      const un = s.entities.find((e: { type: string }) => e.type === 'ORG');
      assert.deepStrictEqual([un.name, un.note, un.links], ['United Nations', 'UN', { wikidata: 'Q1065' }]);
      assert.strictEqual(run(['validate', 'b'], dir).code, 0);
    });

    it('never writes into a sidecar that does not parse; --dry-run writes nothing', () => {
      const dir = copyFixture('broken');
      fs.mkdirSync(path.join(dir, 'in'));
      fs.writeFileSync(path.join(dir, 'in', 'b.jsonl'), JSON.stringify({ id: 'broken', text: 'date 2024-03-03 Nothing happened in Ghazni.\n', label: [[36, 42, 'GPE']] }) + '\n');
      const before = snapshot(dir);
      const r = run(['import', '--format', 'jsonl', '--out', 'seeds', 'in/b.jsonl'], dir);
      assert.strictEqual(r.code, 1);
      assert.match(r.stderr, /^seeds\/broken\.ann\.yaml:10: error: YAML syntax error/m);
      assert.deepStrictEqual(snapshot(dir), before);
      const dry = run(['import', '--format', 'jsonl', '--dry-run', '--out', 'new', 'in/b.jsonl'], dir);
      assert.strictEqual(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /would import: 1 mention added, 1 entity added; new article new\/broken\.txt/);
      assert.deepStrictEqual(snapshot(dir), before);
      assert.ok(!fs.existsSync(path.join(dir, 'new')));
    });
  });
});
