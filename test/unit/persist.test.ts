import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Annotations } from '../../src/core/model';
import { loadSidecar, mergeAnnotations, mergeMentionSets, saveSidecar, saveSidecarMerging } from '../../src/core/persist';
import type { LoadedSidecar } from '../../src/core/persist';
import { sha256Hex, SidecarDocument } from '../../src/core/sidecar';

const FIXTURE = fs.readFileSync(path.join(__dirname, '../fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml'), 'utf8');

describe('persist', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-persist-'));
    file = path.join(dir, '000_eb28ad2c764fb3cf.ann.yaml');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function loaded(): Promise<LoadedSidecar> {
    const r = await loadSidecar(file, { file: 'a.ann.yaml' });
    assert.ok(r.ok, JSON.stringify(r));
    return r;
  }

  describe('load', () => {
    it('reports a missing file as missing, not as an error', async () => {
      assert.deepEqual(await loadSidecar(file), { ok: false, reason: 'missing', problems: [] });
    });

    it('returns the document, the hash of the bytes read and the mtime', async () => {
      fs.writeFileSync(file, FIXTURE);
      const r = await loaded();
      assert.equal(r.diskHash, sha256Hex(Buffer.from(FIXTURE)));
      assert.equal(r.sidecar.toString(), FIXTURE);
      assert.ok(r.mtimeMs > 0);
      assert.deepEqual(r.problems.map((p) => `${p.severity} ${p.line}`), ['warning 28']);
    });

    it('reports a sidecar that does not parse or validate with file, line and reason', async () => {
      fs.writeFileSync(file, 'schema: 1\narticle: a.txt\nmentions:\n  - {entity: x, start: 1, end: 2, text: y\n');
      assert.deepEqual(await loadSidecar(file, { file: 'a.ann.yaml' }), {
        ok: false,
        reason: 'invalid',
        problems: [{ file: 'a.ann.yaml', line: 5, column: 1, severity: 'error', reason: 'YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }' }],
      });
      fs.writeFileSync(file, 'schema: 1\narticle: a.txt\nmentions:\n  - {entity: x, start: 1, end: 2, text: why}\n');
      const r = await loadSidecar(file, { file: 'a.ann.yaml' });
      assert.equal(r.ok, false);
      assert.deepEqual(!r.ok && r.problems.map((p) => `${p.line}: ${p.reason}`), ["4: mention 1 (why): unknown entity 'x'"]);
    });

    it('reports bytes that are not UTF-8 with their line', async () => {
      fs.writeFileSync(file, Buffer.concat([Buffer.from('schema: 1\narticle: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
      assert.deepEqual(await loadSidecar(file, { file: 'a.ann.yaml' }), {
        ok: false,
        reason: 'invalid',
        problems: [{ file: 'a.ann.yaml', line: 2, severity: 'error', reason: 'not valid UTF-8 text' }],
      });
    });

    it('refuses a huge file without reading it', async () => {
      fs.writeFileSync(file, '');
      fs.truncateSync(file, 21 * 1024 * 1024);
      const r = await loadSidecar(file, { file: 'a.ann.yaml' });
      assert.deepEqual(r, { ok: false, reason: 'invalid', problems: [{ file: 'a.ann.yaml', line: 1, severity: 'error', reason: 'sidecar too large (21.0 MB; the limit is 20 MB)' }] });
    });

    it('reports an unreadable path as a value', async () => {
      const r = await loadSidecar(dir, { file: 'd' });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.reason, 'unreadable');
    });
  });

  describe('save', () => {
    it('writes a new file atomically, leaving no temp file', async () => {
      const doc = SidecarDocument.create({ schema: 1, article: '000_eb28ad2c764fb3cf.txt', entities: [], mentions: [], quotes: [], relations: [] });
      const r = await saveSidecar(file, doc, null);
      assert.ok(r.ok);
      assert.equal(r.written, true);
      assert.equal(fs.readFileSync(file, 'utf8'), doc.toString());
      assert.equal(r.diskHash, sha256Hex(fs.readFileSync(file)));
      assert.deepEqual(fs.readdirSync(dir), ['000_eb28ad2c764fb3cf.ann.yaml']);
    });

    it('saves an edit over the version it read, keeping the file byte for byte elsewhere', async () => {
      fs.writeFileSync(file, FIXTURE);
      const { sidecar, diskHash } = await loaded();
      sidecar.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' });
      const r = await saveSidecar(file, sidecar, diskHash);
      assert.ok(r.ok && r.written);
      const written = fs.readFileSync(file, 'utf8');
      assert.equal(written, sidecar.toString());
      assert.equal(written.split('\n').length, FIXTURE.split('\n').length + 1);
      // Saving the same content again writes nothing.
      const again = await saveSidecar(file, sidecar, r.ok ? r.diskHash : '');
      assert.ok(again.ok && !again.written);
    });

    it('refuses to overwrite a file that changed on disk since it was read', async () => {
      fs.writeFileSync(file, FIXTURE);
      const { sidecar, diskHash } = await loaded();
      sidecar.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' });
      const theirs = FIXTURE.replace('reviewed_by: alice', 'reviewed_by: bob  ');
      fs.writeFileSync(file, theirs);
      const r = await saveSidecar(file, sidecar, diskHash, { file: 'a.ann.yaml' });
      assert.deepEqual(r, {
        ok: false,
        reason: 'conflict',
        diskHash: sha256Hex(Buffer.from(theirs)),
        diskText: theirs,
        problems: [{ file: 'a.ann.yaml', line: 1, severity: 'error', reason: 'the sidecar changed on disk since it was read; not overwritten' }],
      });
      assert.equal(fs.readFileSync(file, 'utf8'), theirs);
      // A new file must not exist yet: null (or undefined) never skips the check.
      assert.equal((await saveSidecar(file, sidecar, null)).ok, false);
      assert.equal((await saveSidecar(file, sidecar, undefined)).ok, false);
      fs.rmSync(file);
      const gone = await saveSidecar(file, sidecar, diskHash, { file: 'a.ann.yaml' });
      assert.equal(!gone.ok && gone.reason, 'conflict');
      assert.equal(fs.existsSync(file), false);
    });

    it('never writes a sidecar that does not parse or validate', async () => {
      fs.writeFileSync(file, FIXTURE);
      const { diskHash } = await loaded();
      const r = await saveSidecar(file, 'schema: 1\narticle: [\n', diskHash, { file: 'a.ann.yaml' });
      assert.equal(!r.ok && r.reason, 'invalid');
      assert.deepEqual(!r.ok && r.problems.map((p) => p.line), [3]);
      const r2 = await saveSidecar(file, FIXTURE.replace('entity: taliban, start: 46', 'entity: nobody, start: 46'), diskHash);
      assert.equal(!r2.ok && r2.reason, 'invalid');
      assert.equal(fs.readFileSync(file, 'utf8'), FIXTURE);
    });

    it('reports an I/O failure as a value', async () => {
      const r = await saveSidecar(path.join(dir, 'no/such/folder/a.ann.yaml'), FIXTURE, null, { file: 'x.ann.yaml' });
      assert.equal(!r.ok && r.reason, 'io');
      assert.match(!r.ok ? r.problems[0].reason : '', /^could not write: ENOENT/);
    });
  });

  describe('merge', () => {
    const base: Annotations = {
      schema: 1,
      article: 'a.txt',
      sha256: 'a'.repeat(64),
      entities: [
        { id: 'taliban', type: 'ORG', name: 'Taliban' },
        { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi'] },
      ],
      mentions: [
        { entity: 'taliban', start: 46, end: 53, text: 'Taliban' },
        { entity: 'muttaqi', start: 130, end: 153, text: 'Mullah Amir Khan Motaqi' },
        { entity: 'muttaqi', start: 460, end: 467, text: 'Muttaqi' },
      ],
      quotes: [],
      relations: [],
    };
    const clone = (a: Annotations): Annotations => structuredClone(a);

    it('takes additions from both sides and deletions the other side did not touch', () => {
      const ours = clone(base);
      ours.mentions.push({ entity: 'taliban', start: 167, end: 174, text: 'Taliban' });
      ours.mentions = ours.mentions.filter((m) => m.start !== 460);
      const theirs = clone(base);
      theirs.entities.push({ id: 'panjshir', type: 'GPE', name: 'Panjshir' });
      theirs.mentions.push({ entity: 'panjshir', start: 69, end: 77, text: 'Panjshir' });
      theirs.mentions = theirs.mentions.filter((m) => m.start !== 46);
      const r = mergeAnnotations(base, ours, theirs);
      assert.deepEqual(r.annotations.mentions.map((m) => `${m.entity}@${m.start}`), ['panjshir@69', 'muttaqi@130', 'taliban@167']);
      assert.deepEqual(r.annotations.entities.map((e) => e.id), ['taliban', 'muttaqi', 'panjshir']);
      assert.deepEqual(r.conflicts, []);
      assert.deepEqual(mergeMentionSets(base, ours, theirs), r.annotations);
    });

    it('without a base, nothing counts as deleted: the union', () => {
      const ours = clone(base);
      ours.mentions = ours.mentions.slice(0, 1);
      const theirs = clone(base);
      theirs.mentions = theirs.mentions.slice(2);
      assert.deepEqual(mergeAnnotations(undefined, ours, theirs).annotations.mentions.map((m) => m.start), [46, 460]);
    });

    it('merges fields: one-sided changes win, two-sided conflicts keep ours and are reported', () => {
      const ours = clone(base);
      ours.entities[1].name = 'Mawlawi Amir Khan Muttaqi';
      ours.entities[1].aliases = ['Motaqi', 'Mottaqi'];
      ours.entities[0].note = 'ours';
      ours.mentions[0].orphaned = true;
      const theirs = clone(base);
      theirs.entities[1].type = 'PER';
      theirs.entities[1].aliases = ['Muttaki'];
      theirs.entities[0].note = 'theirs';
      theirs.mentions[0].before = 'between the ';
      const r = mergeAnnotations(base, ours, theirs);
      assert.deepEqual(r.annotations.entities[1], { id: 'muttaqi', type: 'PER', name: 'Mawlawi Amir Khan Muttaqi', aliases: ['Mottaqi', 'Muttaki'] });
      assert.equal(r.annotations.entities[0].note, 'ours');
      assert.deepEqual(r.annotations.mentions[0], { entity: 'taliban', start: 46, end: 53, text: 'Taliban', before: 'between the ', orphaned: true });
      assert.deepEqual(r.conflicts, [{ kind: 'entity', key: 'taliban', field: 'note', resolution: "'note' differs here and on disk: kept this side's" }]);
    });

    it('keeps an entity deleted on one side while the other still uses it', () => {
      const ours = clone(base);
      ours.entities = ours.entities.filter((e) => e.id !== 'muttaqi');
      ours.mentions = ours.mentions.filter((m) => m.entity !== 'muttaqi');
      const theirs = clone(base);
      theirs.mentions.push({ entity: 'muttaqi', start: 1905, end: 1920, text: 'Mawlawi Muttaqi' });
      const r = mergeAnnotations(base, ours, theirs);
      assert.deepEqual(r.annotations.entities.map((e) => e.id), ['taliban', 'muttaqi']);
      assert.deepEqual(r.annotations.mentions.map((m) => m.start), [46, 1905]);
      assert.deepEqual(r.conflicts, [{ kind: 'entity', key: 'muttaqi', resolution: 'deleted on one side but still referenced on the other: kept' }]);
    });

    it('reports a different sha256 (the other side needs re-anchoring)', () => {
      const theirs = clone(base);
      theirs.sha256 = 'b'.repeat(64);
      const r = mergeAnnotations(base, clone(base), theirs);
      assert.equal(r.annotations.sha256, 'a'.repeat(64));
      assert.deepEqual(r.conflicts.map((c) => c.kind), ['sha256']);
    });

    it('saveSidecarMerging merges into the disk version, keeping its layout', async () => {
      fs.writeFileSync(file, FIXTURE);
      const first = await loaded();
      const baseModel = first.sidecar.annotations;
      first.sidecar.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' });
      // Meanwhile another editor adds a mention and a comment.
      const other = SidecarDocument.parse(FIXTURE);
      other.addMention({ entity: 'taliban', start: 2062, end: 2069, text: 'Taliban' });
      const theirs = other.toString().replace('relations:', '# reviewed on the other machine\nrelations:');
      fs.writeFileSync(file, theirs);
      const r = await saveSidecarMerging(file, first.sidecar, first.diskHash, baseModel);
      assert.ok(r.ok && r.merged);
      const written = fs.readFileSync(file, 'utf8');
      assert.match(written, /# reviewed on the other machine\n/);
      assert.match(written, /\{entity: panjshir, start: 296, end: 304, text: Panjshir\}/);
      assert.match(written, /\{entity: taliban, start: 2062, end: 2069, text: Taliban\}/);
      assert.equal(written.split('\n').length, theirs.split('\n').length + 1);
      assert.equal(r.ok && r.sidecar.toString(), written);
    });

    it('saveSidecarMerging never overwrites a disk version that does not parse', async () => {
      fs.writeFileSync(file, FIXTURE);
      const first = await loaded();
      first.sidecar.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' });
      const broken = `${FIXTURE}<<<<<<< HEAD\n`;
      fs.writeFileSync(file, broken);
      const r = await saveSidecarMerging(file, first.sidecar, first.diskHash, undefined, { file: 'a.ann.yaml' });
      assert.equal(!r.ok && r.reason, 'conflict');
      assert.equal(fs.readFileSync(file, 'utf8'), broken);
    });
  });
});
