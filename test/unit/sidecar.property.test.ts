/**
 * Property tests of the sidecar format (issue 3, properties 2 and 3):
 * (2) serialize → parse is the identity on random models, for our reader and for PyYAML
 *     (pure-Python SafeLoader and libyaml's CSafeLoader), and random edit sequences keep the
 *     document equal to a reference model, one line per added mention;
 * (3) random byte mutations of valid sidecars never throw past the validator.
 *
 * FC_NUM_RUNS raises the number of cases (default 300); FC_SEED replays a reported failure.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { compareMentions } from '../../src/core/model';
import type { Annotations, Entity, Mention, Quote, Relation } from '../../src/core/model';
import { loadSidecar } from '../../src/core/persist';
import { annotationsToPlain, serializeAnnotations, SidecarDocument, SidecarEditError, SidecarParseError } from '../../src/core/sidecar';
import { slugify } from '../../src/core/slug';
import { validateSidecar } from '../../src/core/validate';

const NUM_RUNS = Number(process.env.FC_NUM_RUNS) || 300;
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : undefined;
const params = <T>(extra: fc.Parameters<T> = {}): fc.Parameters<T> => ({ numRuns: NUM_RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), ...extra });

const FIXTURE = fs.readFileSync(path.join(__dirname, '../fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml'), 'utf8');
const ARTICLE = fs.readFileSync(path.join(__dirname, '../../seeds/000_eb28ad2c764fb3cf.txt'), 'utf8');

// -- arbitraries ---------------------------------------------------------------------------------

/** Strings YAML readers are known to misread, and the characters that need care. */
const TRICKY = [
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', '~', 'null', 'NULL', '', '0', '-1', '+1', '1e3', '1E-3', '1_000', '0x1F', '0o17', '0b101', '017',
  '.inf', '-.Inf', '.NaN', '3.14', '.5', '1:20', '2021-09-01', '2021-9-1', '2021-09-01 10:00:00', '2021-09-01T10:00:00Z', '=', '<<', '...', '---',
  ' leading', 'trailing ', '  ', '"quoted"', "'single'", 'it\'s', 'a: b', 'a:b', 'a #b', 'C#', '#x', '- x', '-', '?', 'x?', 'a,b', '[x]', '{x: y}',
  '&a', '*a', '!tag', '|', '>', '%x', '@x', '`x`', 'back\\slash', 'Taliban’s', 'Herāt', 'Hera\u0304t', '👩‍👩‍👧', '🇦🇫', 'line\nbreak', 'crlf\r\n', 'tab\t',
];
const CHARS = [
  '"', "'", ':', '#', ' ', '\n', '\r', '\t', '\\', ',', '[', ']', '{', '}', '?', '-', '&', '*', '!', '|', '>', '%', '@', '`', '.', '=', '<', '~',
  '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\u200d', '\u0304', 'ā', '’', '“', '”', '🇦', '👩', '😀',
];

const codePoint = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCodePoint(c)) },
  { weight: 2, arbitrary: fc.constantFrom(...CHARS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)) },
);
const randomString = fc.array(codePoint, { maxLength: 12 }).map((cs) => cs.join(''));
const anyString = fc.oneof(fc.constantFrom(...TRICKY), randomString, fc.tuple(fc.constantFrom(...TRICKY), randomString).map(([a, b]) => a + b));
const nonEmpty = anyString.filter((s) => s !== '');
/** Entity names and types: something besides white space (the API refuses blank ones). */
const nameArb = anyString.filter((s) => s.trim() !== '');
const noSpace = fc.oneof(nonEmpty.filter((s) => !/\s/u.test(s)), nonEmpty.map(slugify));

const entityArb: fc.Arbitrary<Entity> = fc
  .record(
    {
      id: noSpace,
      type: fc.oneof(fc.constantFrom('PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'EVENT', 'DATE', 'MISC'), nonEmpty),
      name: nonEmpty,
      aliases: fc.array(anyString, { maxLength: 3 }),
      note: anyString,
      links: fc.dictionary(nonEmpty.filter((k) => k !== '__proto__'), anyString, { maxKeys: 2, noNullPrototype: true }),
    },
    { requiredKeys: ['id', 'type', 'name'] },
  )
  .map((e) => e as Entity);

const hex64 = fc.oneof(
  fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: 64, maxLength: 64 }).map((xs) => xs.join('')),
  fc.constantFrom('0'.repeat(64), '1234567890'.repeat(6) + '1234', `1e${'9'.repeat(62)}`, `0x${'f'.repeat(62)}`),
);

function spanArb(): fc.Arbitrary<{ start: number; end: number }> {
  return fc.tuple(fc.nat({ max: 100_000 }), fc.integer({ min: 1, max: 200 })).map(([start, len]) => ({ start, end: start + len }));
}

const modelArb: fc.Arbitrary<Annotations> = fc
  .record({
    article: nonEmpty,
    sha256: fc.option(hex64, { nil: undefined }),
    entities: fc.uniqueArray(entityArb, { selector: (e) => e.id, minLength: 1, maxLength: 5 }),
    seed: fc.array(
      fc.record({
        pick: fc.nat(),
        span: spanArb(),
        text: anyString,
        before: fc.option(anyString, { nil: undefined }),
        after: fc.option(anyString, { nil: undefined }),
        orphaned: fc.boolean(),
        by: fc.option(nonEmpty, { nil: undefined }),
      }),
      { maxLength: 8 },
    ),
    quoteSeed: fc.array(fc.record({ pick: fc.nat(), span: spanArb(), text: anyString, speaker: fc.boolean() }), { maxLength: 3 }),
    relSeed: fc.array(fc.record({ type: nonEmpty, from: fc.nat(), to: fc.nat() }), { maxLength: 3 }),
  })
  .map(({ article, sha256, entities, seed, quoteSeed, relSeed }) => {
    const ids = entities.map((e) => e.id);
    const mentions = new Map<string, Mention>();
    for (const s of seed) {
      const m: Mention = { entity: ids[s.pick % ids.length], ...s.span, text: s.text };
      if (s.before !== undefined) m.before = s.before;
      if (s.after !== undefined) m.after = s.after;
      if (s.orphaned) m.orphaned = true;
      if (s.by !== undefined) m.by = s.by;
      mentions.set(`${m.entity}\u0000${m.start}\u0000${m.end}`, m);
    }
    const quotes = new Map<string, Quote>();
    for (const q of quoteSeed) {
      const quote: Quote = { ...q.span, text: q.text };
      if (q.speaker) quote.speaker = ids[q.pick % ids.length];
      quotes.set(`${quote.start}-${quote.end}`, quote);
    }
    const relations: Relation[] = relSeed.map((r) => ({ type: r.type, from: ids[r.from % ids.length], to: ids[r.to % ids.length] }));
    const a: Annotations = {
      schema: 1,
      article,
      entities,
      mentions: [...mentions.values()].sort(compareMentions),
      quotes: [...quotes.values()].sort((x, y) => x.start - y.start || x.end - y.end),
      relations,
    };
    if (sha256 !== undefined) a.sha256 = sha256;
    return a;
  });

function plain(a: Annotations): unknown {
  return JSON.parse(JSON.stringify(annotationsToPlain(a)));
}

// -- (2) serialize → parse -----------------------------------------------------------------------

describe('sidecar properties', function () {
  this.timeout(300_000);

  it(`(2) serialize → parse is the identity on random models (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(modelArb, (a) => {
        const text = serializeAnnotations(a);
        const d = SidecarDocument.parse(text);
        assert.deepEqual(plain(d.annotations), plain(a));
        assert.equal(d.toString(), text);
        // Generated ids may contain white space or look alike and sha256 may be a non-hex lookalike on purpose;
        // everything else must validate.
        assert.deepEqual(validateSidecar(text, { file: 'p.ann.yaml' }).filter((p) => p.severity === 'error' && !/duplicate|white space|unknown|sha256/.test(p.reason)), []);
      }),
      params(),
    );
  });

  it(`(2) PyYAML reads what we write as the same model (${NUM_RUNS} cases, SafeLoader and CSafeLoader)`, () => {
    const seed = SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
    const models = fc.sample(modelArb, { numRuns: NUM_RUNS, seed });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-pyyaml-'));
    try {
      models.forEach((a, i) => fs.writeFileSync(path.join(dir, `${i}.ann.yaml`), serializeAnnotations(a), 'utf8'));
      const script = [
        'import json, sys, yaml',
        'def other(o): return {"__python__": type(o).__name__, "repr": repr(o)}',
        'for i in range(int(sys.argv[2])):',
        '    data = open("%s/%d.ann.yaml" % (sys.argv[1], i), "rb").read()',
        '    out = []',
        '    for loader in (yaml.SafeLoader, yaml.CSafeLoader):',
        '        try: out.append(yaml.load(data, Loader=loader))',
        '        except Exception as e: out.append({"__error__": str(e)})',
        '    print(json.dumps(out, default=other))',
      ].join('\n');
      const output = execFileSync('/usr/bin/python3', ['-c', script, dir, String(models.length)], { encoding: 'utf8', maxBuffer: 1 << 28 });
      const lines = output.trimEnd().split('\n');
      assert.equal(lines.length, models.length);
      lines.forEach((line, i) => {
        const [pure, libyaml] = JSON.parse(line);
        const expected = plain(models[i]);
        const context = `model ${i} of fc.sample seed ${seed} (replay with FC_SEED=${seed}):\n${serializeAnnotations(models[i])}`;
        assert.deepEqual(pure, expected, `PyYAML SafeLoader, ${context}`);
        assert.deepEqual(libyaml, expected, `PyYAML CSafeLoader (libyaml), ${context}`);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // -- (2) edits keep the document equal to a reference model ------------------------------------

  type Op =
    | { kind: 'addMention'; pick: number; start: number; len: number; text: string }
    | { kind: 'removeMention'; pick: number }
    | { kind: 'updateMention'; pick: number; shift: number; orphan: boolean; before: string | undefined }
    | { kind: 'addEntity'; name: string; type: string }
    | { kind: 'updateEntity'; pick: number; name: string; note: string | undefined; aliases: string[] }
    | { kind: 'removeEntity'; pick: number }
    | { kind: 'shiftAfter'; at: number; delta: number }
    | { kind: 'sha'; sha: string | undefined }
    | { kind: 'addQuote'; start: number; len: number; text: string };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('addMention' as const), pick: fc.nat(), start: fc.nat({ max: 3000 }), len: fc.integer({ min: 1, max: 30 }), text: anyString }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('removeMention' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('updateMention' as const), pick: fc.nat(), shift: fc.integer({ min: -50, max: 50 }), orphan: fc.boolean(), before: fc.option(anyString, { nil: undefined }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('addEntity' as const), name: nameArb, type: fc.constantFrom('PERSON', 'ORG', 'GPE') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('updateEntity' as const), pick: fc.nat(), name: nameArb, note: fc.option(anyString, { nil: undefined }), aliases: fc.array(anyString, { maxLength: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeEntity' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('shiftAfter' as const), at: fc.nat({ max: 3000 }), delta: fc.integer({ min: -5, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sha' as const), sha: fc.option(hex64.filter((h) => /^[0-9a-f]{64}$/.test(h)), { nil: undefined }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addQuote' as const), start: fc.nat({ max: 3000 }), len: fc.integer({ min: 1, max: 30 }), text: anyString }) },
  );

  /** Applies an op to the document and to the reference model; checks the line-level contract. */
  function step(d: SidecarDocument, ref: Annotations, op: Op): Annotations {
    const before = d.toString();
    const key = (m: Mention) => `${m.entity}\u0000${m.start}\u0000${m.end}`;
    switch (op.kind) {
      case 'addMention': {
        if (ref.entities.length === 0) return ref;
        const m: Mention = { entity: ref.entities[op.pick % ref.entities.length].id, start: op.start, end: op.start + op.len, text: op.text };
        const added = d.addMention(m);
        if (ref.mentions.some((x) => key(x) === key(m))) {
          assert.equal(added, false);
          return ref;
        }
        assert.equal(added, true);
        // Exactly one line more, and the old lines all still there in order.
        const after = d.toString().split('\n');
        // The first mention also turns `mentions: []` into `mentions:` (a comment keeps its column).
        const old = before.split('\n').map((l) => (ref.mentions.length === 0 ? l.replace(/^mentions: \[\]( *#)/, 'mentions:   $1').replace(/^mentions: \[\]$/, 'mentions:') : l));
        assert.equal(after.length, old.length + 1);
        const at = after.findIndex((l, i) => l !== old[i]);
        assert.deepEqual([...after.slice(0, at), ...after.slice(at + 1)], old);
        return { ...ref, mentions: [...ref.mentions, m].sort(compareMentions) };
      }
      case 'removeMention': {
        if (ref.mentions.length === 0) return ref;
        const m = ref.mentions[op.pick % ref.mentions.length];
        assert.equal(d.removeMention(m), true);
        assert.equal(d.toString().split('\n').length, before.split('\n').length - 1);
        return { ...ref, mentions: ref.mentions.filter((x) => x !== m) };
      }
      case 'updateMention': {
        if (ref.mentions.length === 0) return ref;
        const m = ref.mentions[op.pick % ref.mentions.length];
        const start = Math.max(0, m.start + op.shift);
        const next: Mention = { ...m, start, end: start + (m.end - m.start) };
        if (op.orphan) next.orphaned = true;
        else delete next.orphaned;
        if (op.before === undefined) delete next.before;
        else next.before = op.before;
        if (ref.mentions.some((x) => x !== m && key(x) === key(next))) {
          assert.throws(() => d.updateMention(m, { start: next.start, end: next.end, orphaned: op.orphan, before: op.before }), SidecarEditError);
          assert.equal(d.toString(), before);
          return ref;
        }
        assert.equal(d.updateMention(m, { start: next.start, end: next.end, orphaned: op.orphan, before: op.before }), true);
        return { ...ref, mentions: ref.mentions.map((x) => (x === m ? next : x)).sort(compareMentions) };
      }
      case 'addEntity': {
        const e = d.addEntity({ name: op.name, type: op.type });
        assert.ok(!ref.entities.some((x) => x.id === e.id));
        assert.ok(!/\s/u.test(e.id) && e.id !== '');
        return { ...ref, entities: [...ref.entities, { id: e.id, type: op.type, name: op.name }] };
      }
      case 'updateEntity': {
        if (ref.entities.length === 0) return ref;
        const e = ref.entities[op.pick % ref.entities.length];
        d.updateEntity(e.id, { name: op.name, note: op.note, aliases: op.aliases.length > 0 ? op.aliases : undefined });
        const next: Entity = { ...e, name: op.name };
        if (op.note === undefined) delete next.note;
        else next.note = op.note;
        if (op.aliases.length > 0) next.aliases = op.aliases;
        else delete next.aliases;
        return { ...ref, entities: ref.entities.map((x) => (x === e ? next : x)) };
      }
      case 'removeEntity': {
        if (ref.entities.length === 0) return ref;
        const id = ref.entities[op.pick % ref.entities.length].id;
        d.removeEntity(id);
        return {
          ...ref,
          entities: ref.entities.filter((x) => x.id !== id),
          mentions: ref.mentions.filter((m) => m.entity !== id),
          quotes: ref.quotes.map((q) => {
            if (q.speaker !== id) return q;
            const { speaker: _drop, ...rest } = q;
            return rest;
          }),
          relations: ref.relations.filter((r) => r.from !== id && r.to !== id),
        };
      }
      case 'shiftAfter': {
        const shifted = ref.mentions.map((m) => (m.start >= op.at ? { ...m, start: Math.max(0, m.start + op.delta), end: Math.max(0, m.start + op.delta) + (m.end - m.start) } : m));
        const keys = new Set(shifted.map(key));
        if (keys.size !== shifted.length) return ref;
        d.replaceMentions(shifted);
        const unchanged = ref.mentions.filter((m) => m.start < op.at).length;
        const changedLines = before.split('\n').filter((l) => !d.toString().split('\n').includes(l)).length;
        assert.ok(changedLines <= ref.mentions.length - unchanged, 'replaceMentions touched unchanged lines');
        return { ...ref, mentions: [...shifted].sort(compareMentions) };
      }
      case 'sha': {
        d.setSha256(op.sha);
        const next = { ...ref, sha256: op.sha };
        if (op.sha === undefined) delete next.sha256;
        return next;
      }
      case 'addQuote': {
        const q: Quote = { start: op.start, end: op.start + op.len, text: op.text };
        const added = d.addQuote(q);
        if (ref.quotes.some((x) => x.start === q.start && x.end === q.end)) {
          assert.equal(added, false);
          return ref;
        }
        return { ...ref, quotes: [...ref.quotes, q].sort((a, b) => a.start - b.start || a.end - b.end) };
      }
    }
  }

  it(`(2) random edit sequences keep the document equal to the reference model (${NUM_RUNS} cases)`, () => {
    const start = fc.oneof(
      fc.constant(undefined),
      modelArb.filter((a) => new Set(a.entities.map((e) => e.id)).size === a.entities.length),
    );
    fc.assert(
      fc.property(start, fc.array(opArb, { minLength: 1, maxLength: 12 }), (initial, ops) => {
        const d = initial ? SidecarDocument.create(initial) : SidecarDocument.parse(FIXTURE);
        let ref = d.annotations;
        for (const op of ops) {
          ref = step(d, ref, op);
          assert.deepEqual(plain(d.annotations), plain(ref), `after ${op.kind}`);
        }
        // What we hold is what a fresh read of the text gives.
        assert.deepEqual(plain(SidecarDocument.parse(d.toString()).annotations), plain(ref));
      }),
      params(),
    );
  });

  // -- (3) mutations never throw past the validator ----------------------------------------------

  type Mutation = { kind: 'set' | 'insert' | 'delete'; at: number; byte: number; len: number };
  const mutationArb: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('set' as const, 'insert' as const, 'delete' as const),
    at: fc.nat(),
    byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...Buffer.from(':#-{}[],"\'\n\r\t &*!|>%@`\\?~').values())),
    len: fc.integer({ min: 1, max: 8 }),
  });

  function mutate(bytes: Buffer, ms: Mutation[]): Buffer {
    let b = Buffer.from(bytes);
    for (const m of ms) {
      const at = b.length === 0 ? 0 : m.at % (b.length + 1);
      if (m.kind === 'set' && at < b.length) b[at] = m.byte;
      else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.alloc(m.len, m.byte), b.subarray(at)]);
      else b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    }
    return b;
  }

  const baseText = fc.oneof(fc.constant(FIXTURE), modelArb.map((a) => serializeAnnotations(a)));

  it(`(3) random byte mutations of valid sidecars never throw past the validator (${NUM_RUNS} cases)`, () => {
    let clean = 0;
    let withProblems = 0;
    fc.assert(
      fc.property(baseText, fc.array(mutationArb, { minLength: 1, maxLength: 6 }), (text, ms) => {
        const bytes = mutate(Buffer.from(text, 'utf8'), ms);
        const mutated = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
        const problems = validateSidecar(mutated, { file: 'm.ann.yaml', articleText: ARTICLE });
        for (const p of problems) {
          assert.equal(p.file, 'm.ann.yaml');
          assert.ok(Number.isInteger(p.line) && p.line >= 1, JSON.stringify(p));
          assert.ok(p.severity === 'error' || p.severity === 'warning');
          assert.ok(typeof p.reason === 'string' && p.reason.length > 0 && !p.reason.includes('could not validate'), p.reason);
        }
        const errors = problems.filter((p) => p.severity === 'error');
        if (errors.length > 0) withProblems++;
        else clean++;
        // The document reader either reads it or throws its typed error, never anything else.
        let doc: SidecarDocument | undefined;
        try {
          doc = SidecarDocument.parse(mutated);
        } catch (err) {
          assert.ok(err instanceof SidecarParseError, String(err));
          assert.ok(errors.length > 0, `parse failed but validate found no error: ${(err as Error).message}`);
        }
        if (doc && errors.length === 0) {
          // A valid result reads as a model and survives an edit that re-reads it.
          const a = doc.annotations;
          assert.ok(Array.isArray(a.mentions) && Array.isArray(a.entities));
          if (a.entities.length > 0) {
            try {
              doc.addEntity({ name: 'Property Test', type: 'MISC' });
            } catch (err) {
              assert.ok(err instanceof SidecarEditError, String(err));
            }
            assert.doesNotThrow(() => SidecarDocument.parse(doc.toString()));
          }
        }
      }),
      params(),
    );
    console.log(`      (3) ${clean + withProblems} mutated sidecars: ${clean} valid, ${withProblems} with errors reported`);
  });

  it(`(3) loadSidecar returns values, never exceptions, on mutated files (${Math.ceil(NUM_RUNS / 3)} cases)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-mutate-'));
    try {
      await fc.assert(
        fc.asyncProperty(baseText, fc.array(mutationArb, { minLength: 1, maxLength: 6 }), async (text, ms) => {
          const file = path.join(dir, 'x.ann.yaml');
          fs.writeFileSync(file, mutate(Buffer.from(text, 'utf8'), ms));
          const r = await loadSidecar(file, { file: 'x.ann.yaml' });
          if (r.ok) assert.ok(r.sidecar instanceof SidecarDocument);
          else {
            assert.equal(r.reason, 'invalid');
            assert.ok(r.problems.length > 0 && r.problems.every((p) => p.line >= 1 && p.reason.length > 0));
          }
        }),
        params({ numRuns: Math.ceil(NUM_RUNS / 3) }),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
