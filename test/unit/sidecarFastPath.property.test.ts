/**
 * The fast path is an optimisation only: for every input it returns either `undefined` (the
 * caller then uses the full parser) or exactly the model the full parser gives,
 * `readAnnotations(parseSidecarYaml(text).value)`. Checked on random models written by the
 * project's writer (`serializeAnnotations`), by a test writer that varies everything the YAML
 * grammar allows (key order, spacing, quoting style, escapes, comments, CRLF), and on random
 * mutations of both.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { Scalar, stringify } from 'yaml';
import { compareMentions } from '../../src/core/model';
import type { Annotations, Entity, Mention, Quote, Relation } from '../../src/core/model';
import { needsQuotes, parseSidecarYaml, readAnnotations, serializeAnnotations } from '../../src/core/sidecar';
import { loadSidecarModel, parseSidecarFast } from '../../src/core/sidecarFastPath';

const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);

/** The model of the full parser, or undefined when it reports an error or no mapping. */
function fullModel(text: string): Annotations | undefined {
  const parsed = parseSidecarYaml(text);
  if (parsed.problems.some((p) => p.severity === 'error')) return undefined;
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return readAnnotations(v);
}

/** The contract: undefined, or deep-equal to the full parser's model. Returns which it was. */
function checkAgreement(text: string): 'fast' | 'fallback' {
  const fast = parseSidecarFast(text);
  if (fast === undefined) return 'fallback';
  const full = fullModel(text);
  assert.ok(full !== undefined, `fast path accepted text the full parser rejects:\n${text}`);
  assert.deepStrictEqual(fast, full, `fast path disagrees with the full parser on:\n${text}`);
  return 'fast';
}

// ---------------------------------------------------------------------------------------------
// Random models

const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', 'NULL', '~', 'null', '', ' ', '1', '-1', '0', '007', '1e3', '1_000', '0x1F', '0o17', '.inf', '-.Inf', '.nan',
  '12:30', '2021-09-01', '2021-9-1 10:00', '=', '<<', '- a', '-a', '? a', ':a', 'a:b', 'a: b', 'a #b', 'a#b', '#a', 'a,b', '[a]', '{a}', 'a]', '"a"', "'a'", "it's", 'a"b',
  '&a', '*a', '!a', '|', '>', '%a', '@a', '`a', 'a\\b', 'a\\', '\\n', 'tab\there', 'line\nbreak', 'cr\rlf', 'crlf\r\n', ' lead', 'trail ', 'two  spaces',
  '\u0085', '\u2028', '\u2029', '\ufeff', '\ufffe', '\u00a0', '\u0000', '\u001b', '\u007f', '\ud800', '\udfff', 'a\ud83d', '😀', 'Herāt', 'Ismāʿīl Khān', 'Кабул', '“curly”', 'Taliban’s', '__proto__', 'constructor',
];
const WORDS = ['Taliban', 'Muttaqi', 'Herat', 'Kabul', 'Amir Khan Muttaqi', 'Q123', 'wikidata', 'member_of', 'PERSON', 'ORG', 'GPE', 'the head', 'AFP on Wednesday. ', ', the head'];

const anyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...WORDS, ...TRICKY), { maxLength: 3 }).map((xs) => xs.join('')) },
);
const offset = fc.oneof({ weight: 5, arbitrary: fc.nat({ max: 100_000 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 999_999_999_999_999, 1_000_000_000_000_000, Number.MAX_SAFE_INTEGER) });

const entityArb: fc.Arbitrary<Entity> = fc
  .record(
    {
      id: anyString,
      type: fc.oneof(fc.constantFrom('PERSON', 'ORG', 'GPE', 'LOC'), anyString),
      name: anyString,
      aliases: fc.array(anyString, { maxLength: 3 }),
      note: anyString,
      links: fc.dictionary(fc.oneof(fc.constantFrom('wikidata', 'geonames', 'viaf'), anyString), anyString, { maxKeys: 3 }),
    },
    { requiredKeys: ['id', 'type', 'name'] },
  )
  .map((e) => {
    const out: Entity = { id: e.id, type: e.type, name: e.name };
    if (e.aliases && e.aliases.length > 0) out.aliases = e.aliases;
    if (e.note !== undefined) out.note = e.note;
    if (e.links && Object.keys(e.links).length > 0) out.links = { ...e.links };
    return out;
  });

const mentionArb: fc.Arbitrary<Mention> = fc
  .record(
    { entity: anyString, start: offset, end: offset, text: anyString, before: anyString, after: anyString, orphaned: fc.boolean(), by: anyString },
    { requiredKeys: ['entity', 'start', 'end', 'text'] },
  )
  .map((m) => {
    const out: Mention = { entity: m.entity, start: m.start, end: m.end, text: m.text };
    if (m.before !== undefined) out.before = m.before;
    if (m.after !== undefined) out.after = m.after;
    if (m.orphaned) out.orphaned = true;
    if (m.by !== undefined) out.by = m.by;
    return out;
  });

const quoteArb: fc.Arbitrary<Quote> = fc
  .record({ start: offset, end: offset, speaker: anyString, text: anyString, before: anyString, after: anyString, orphaned: fc.boolean() }, { requiredKeys: ['start', 'end', 'text'] })
  .map((q) => {
    const out: Quote = { start: q.start, end: q.end, text: q.text };
    if (q.speaker !== undefined) out.speaker = q.speaker;
    if (q.before !== undefined) out.before = q.before;
    if (q.after !== undefined) out.after = q.after;
    if (q.orphaned) out.orphaned = true;
    return out;
  });

const relationArb: fc.Arbitrary<Relation> = fc.record({ type: anyString, from: anyString, to: anyString });

/** Strings that every writer puts plain or in simple double quotes: the files of real corpora. */
const SAFE = [...WORDS, 'Herāt', 'Кабул', '😀 emoji', 'Taliban’s', ', "quoted"', 'back\\slash', 'tab\tand\nnewline', '\u0007bell', 'a - b', 'x!y'];

/** Models made of such strings: the fast path must read every one of them. */
const safeModelArb: fc.Arbitrary<Annotations> = fc
  .record({
    strings: fc.array(fc.constantFrom(...SAFE), { minLength: 1, maxLength: 4 }),
    entities: fc.nat({ max: 4 }),
    mentions: fc.array(fc.tuple(fc.nat({ max: 1_000_000 }), fc.nat({ max: 1_000_000 }), fc.boolean()), { maxLength: 6 }),
    quotes: fc.array(fc.tuple(fc.nat({ max: 1_000_000 }), fc.nat({ max: 1_000_000 })), { maxLength: 2 }),
    relations: fc.boolean(),
  })
  .map(({ strings, entities, mentions, quotes, relations }) => {
    const s = (i: number): string => strings[i % strings.length];
    const a: Annotations = {
      schema: 1,
      article: 'a.txt',
      sha256: '0c74c07778497459f2f0d674b7127600e197499068b17c8dee483e099f4fc45b',
      entities: Array.from({ length: entities }, (_, i) => ({
        id: `e${i}`, type: 'PERSON', name: s(i), ...(strings.length > 1 ? { aliases: strings.slice(1) } : {}), ...(i % 2 ? { note: s(i + 1) } : {}), links: { wikidata: `Q${i + 1}` },
      })),
      mentions: mentions.map(([start, end, orphaned], i) => ({ entity: `e${i % 3}`, start, end, text: s(i), before: s(i + 1), after: s(i + 2), ...(orphaned ? { orphaned: true } : {}) })),
      quotes: quotes.map(([start, end], i) => ({ start, end, speaker: 'e0', text: s(i) })),
      relations: relations ? [{ type: 'member_of', from: 'e0', to: 'e1' }] : [],
    };
    return a;
  });

const modelArb: fc.Arbitrary<Annotations> = fc
  .record(
    {
      article: fc.oneof(fc.constantFrom('000_eb28ad2c764fb3cf.txt', 'a.txt', 'Herāt news.txt'), anyString),
      sha256: fc.oneof(fc.constant('0c74c07778497459f2f0d674b7127600e197499068b17c8dee483e099f4fc45b'), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1, maxLength: 64 })),
      entities: fc.array(entityArb, { maxLength: 5 }),
      mentions: fc.array(mentionArb, { maxLength: 6 }),
      quotes: fc.array(quoteArb, { maxLength: 2 }),
      relations: fc.array(relationArb, { maxLength: 2 }),
    },
    { requiredKeys: ['article', 'entities', 'mentions', 'quotes', 'relations'] },
  )
  .map((r) => {
    const a: Annotations = { schema: 1, article: r.article, entities: r.entities, mentions: r.mentions, quotes: r.quotes, relations: r.relations };
    if (r.sha256 !== undefined) a.sha256 = r.sha256;
    return a;
  });

// ---------------------------------------------------------------------------------------------
// A writer that varies what YAML allows

interface Style {
  /** Fields the model does not know, with this value (none when undefined). */
  extra?: string;
  extraKey: string;
  eol: string;
  /** 0: the writer's choice (plain when safe), 1: always double-quoted (JSON), 2: yaml's double-quoted, 3: plain when safe, else JSON. */
  quoting: number;
  pad: boolean;
  shuffle: number;
  comments: boolean;
  spaces: number;
  seed: number;
}

const EXTRA_VALUES = ['1', '0.9', 'true', 'alice', '"a, b"', '[a, "b"]', '[]', '{k: v}', '{}', '~', 'null', '[a: b]', '{k: {v: 1}}', "'x'", '&a x', '!t x', '"x"  # c', '2021-01-01'];
const EXTRA_KEYS = ['confidence', 'x-reviewed', 'reviewed_by', '"q k"', '1', 'yes', 'true', '__proto__', 'entity', 'start', 'id', 'schema', 'constructor'];

const styleArb: fc.Arbitrary<Style> = fc.record({
  extra: fc.option(fc.constantFrom(...EXTRA_VALUES), { nil: undefined }),
  extraKey: fc.constantFrom(...EXTRA_KEYS),
  eol: fc.constantFrom('\n', '\r\n'),
  quoting: fc.integer({ min: 0, max: 3 }),
  pad: fc.boolean(),
  shuffle: fc.nat(),
  comments: fc.boolean(),
  spaces: fc.integer({ min: 1, max: 2 }),
  seed: fc.nat(),
});

function scalar(s: string | number | boolean, style: Style, salt: number): string {
  if (typeof s !== 'string') return String(s);
  const mode = style.quoting === 3 ? ((style.seed + salt) % 3) : style.quoting;
  if (mode === 1) return JSON.stringify(s);
  if (mode === 2) return stringify(new Scalar(s), { defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 }).trimEnd();
  return needsQuotes(s) ? JSON.stringify(s) : s;
}

function shuffled<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function flowMap(fields: Array<[string, string | number | boolean]>, style: Style, salt: number): string {
  const order = style.shuffle % 2 ? shuffled(fields, style.shuffle + salt) : fields;
  const sep = `:${' '.repeat(style.spaces)}`;
  const parts = order.map(([k, v], i) => `${k}${sep}${scalar(v, style, salt + i)}`);
  if (style.extra !== undefined && salt % 2 === 0) parts.splice(salt % (parts.length + 1), 0, `${style.extraKey}${sep}${style.extra}`);
  const body = parts.join(', ');
  return style.pad && body ? `{ ${body} }` : `{${body}}`;
}

function defined(fields: Array<[string, string | number | boolean | undefined]>): Array<[string, string | number | boolean]> {
  return fields.filter((f): f is [string, string | number | boolean] => f[1] !== undefined);
}

function writeVaried(a: Annotations, style: Style): string {
  const eol = style.eol;
  const sep = `:${' '.repeat(style.spaces)}`;
  const c = (text: string): string => (style.comments ? `${text}   # ${text.length}` : text);
  const lines: string[] = ['# Annotations (varied layout)'];
  const top: string[][] = [[`schema${sep}${a.schema}`], [c(`article${sep}${scalar(a.article, style, 1)}`)]];
  if (style.extra !== undefined && style.seed % 3 === 0) top.push([`${style.extraKey}${sep}${style.extra}`]);
  if (a.sha256 !== undefined) top.push([`sha256${sep}${scalar(a.sha256, style, 2)}`]);
  const ents: string[] = [];
  a.entities.forEach((e, i) => {
    const fields: string[] = [`id${sep}${scalar(e.id, style, i)}`, `type${sep}${scalar(e.type, style, i + 1)}`, `name${sep}${scalar(e.name, style, i + 2)}`];
    if (e.aliases) fields.push(`aliases${sep}[${e.aliases.map((x, j) => scalar(x, style, i + j)).join(', ')}]`);
    if (e.note !== undefined) fields.push(c(`note${sep}${scalar(e.note, style, i + 3)}`));
    if (e.links) fields.push(`links${sep}${flowMap(Object.entries(e.links).map(([k, v]) => [needsQuotes(k) ? JSON.stringify(k) : k, v]), style, i)}`);
    if (style.extra !== undefined && i % 2 === 1) fields.push(`${style.extraKey}${sep}${style.extra}`);
    const ordered = style.shuffle % 3 === 0 ? shuffled(fields, style.shuffle + i) : fields;
    ordered.forEach((f, j) => ents.push(`${j === 0 ? '  - ' : '    '}${f}`));
    if (style.comments && i === 0) ents.push('    # a comment inside an entity');
  });
  top.push(a.entities.length ? ['entities:', ...ents] : ['entities: []']);
  const ms = a.mentions.map((m, i) =>
    `  - ${c(flowMap(defined([['entity', m.entity], ['start', m.start], ['end', m.end], ['text', m.text], ['before', m.before], ['after', m.after], ['orphaned', m.orphaned], ['by', m.by]]), style, i))}`);
  top.push(a.mentions.length ? [c('mentions:'), ...ms] : ['mentions: []']);
  if (a.quotes.length) {
    top.push(['quotes:', ...a.quotes.map((q, i) => `  - ${flowMap(defined([['start', q.start], ['end', q.end], ['speaker', q.speaker], ['text', q.text], ['before', q.before], ['after', q.after], ['orphaned', q.orphaned]]), style, i)}`)]);
  }
  if (a.relations.length) top.push(['relations:', ...a.relations.map((r, i) => `  - ${flowMap([['type', r.type], ['from', r.from], ['to', r.to]], style, i)}`)]);
  const blocks = style.shuffle % 5 === 0 ? shuffled(top, style.shuffle) : top;
  for (const b of blocks) {
    lines.push(...b);
    if (style.comments) lines.push('', '# between sections');
  }
  return lines.join(eol) + (style.seed % 4 === 0 ? '' : eol);
}

// ---------------------------------------------------------------------------------------------
// Mutations

const SNIPPETS = [
  ' ', '  ', '\t', '\n', '\r\n', '\r', '#', ' #', ':', ': ', ',', '-', '- ', '[', ']', '{', '}', '"', "'", '\\', '\\"', '\\x41', '\\u00e9', '\\U0001F600', '\\N', '\\q',
  '&a ', '*a', '!!str ', '!tag ', '|', '>', '---', '...', '%YAML 1.2', '? ', '~', 'null', 'true', '1', '01', '1.5', '0x1', '2021-01-01', '__proto__',
  '\u2028', '\ufeff', '\u0085', '\u0000', '😀', '\ud800', 'é', 'é', 'extra: 1', 'entity: x, ', 'schema: 2', 'a: [b, c]', 'note: |', '<<: *a',
];

interface Mutation {
  kind: number;
  at: number;
  len: number;
  snippet: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.integer({ min: 0, max: 6 }),
  at: fc.nat(),
  len: fc.integer({ min: 0, max: 8 }),
  snippet: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SNIPPETS) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }),
});

function mutate(text: string, muts: Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const at = t.length === 0 ? 0 : m.at % (t.length + 1);
    const lines = t.split('\n');
    const li = lines.length ? m.at % lines.length : 0;
    switch (m.kind) {
      case 0: // insert a snippet
        t = t.slice(0, at) + m.snippet + t.slice(at);
        break;
      case 1: // delete a few characters
        t = t.slice(0, at) + t.slice(at + m.len);
        break;
      case 2: // replace a few characters
        t = t.slice(0, at) + m.snippet + t.slice(at + Math.max(1, m.len));
        break;
      case 3: // duplicate a line
        lines.splice(li, 0, lines[li] ?? '');
        t = lines.join('\n');
        break;
      case 4: // change a line's indentation
        lines[li] = ' '.repeat(m.len % 6) + (lines[li] ?? '').trimStart();
        t = lines.join('\n');
        break;
      case 5: // delete a line
        lines.splice(li, 1);
        t = lines.join('\n');
        break;
      default: // swap two lines
        if (lines.length > 1) {
          const lj = (li + 1 + m.len) % lines.length;
          [lines[li], lines[lj]] = [lines[lj], lines[li]];
          t = lines.join('\n');
        }
    }
  }
  return t;
}

// ---------------------------------------------------------------------------------------------

describe('sidecarFastPath (property: equal to the full parser or undefined)', () => {
  it("reads the project writer's output, and agrees with the full parser on it", () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(modelArb, (model) => {
        const text = serializeAnnotations(model);
        runs++;
        if (checkAgreement(text) === 'fast') fast++;
      }),
      { numRuns: NUM_RUNS },
    );
    // The fast path must be the common case, not a path that always gives up.
    assert.ok(fast > runs * 0.2, `fast path taken for only ${fast} of ${runs} writer outputs`);
  });

  it('reads every model written with plain-safe strings (the common case) on the fast path', () => {
    fc.assert(
      fc.property(safeModelArb, (m) => {
        const text = serializeAnnotations(m);
        assert.equal(checkAgreement(text), 'fast', text);
        assert.deepStrictEqual(parseSidecarFast(text), { ...m, mentions: [...m.mentions].sort(compareMentions), quotes: [...m.quotes].sort((x, y) => x.start - y.start || x.end - y.end) });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('agrees with the full parser on layouts the writer does not produce (key order, quoting, escapes, comments, CRLF)', () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof(modelArb, safeModelArb), styleArb, (model, style) => {
        runs++;
        if (checkAgreement(writeVaried(model, style)) === 'fast') fast++;
      }),
      { numRuns: NUM_RUNS },
    );
    assert.ok(fast > runs * 0.1, `fast path taken for only ${fast} of ${runs} varied layouts`);
  });

  it('agrees with the full parser on random mutations of written sidecars', () => {
    let fast = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.oneof(modelArb, safeModelArb), styleArb, fc.boolean(), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (model, style, canonical, muts) => {
        const text = canonical ? serializeAnnotations(model) : writeVaried(model, style);
        runs++;
        if (checkAgreement(mutate(text, muts)) === 'fast') fast++;
      }),
      { numRuns: NUM_RUNS * 4 },
    );
    // Some mutations must keep the text readable by the fast path, or this would prove nothing.
    assert.ok(fast > runs * 0.05, `fast path taken for only ${fast} of ${runs} mutations`);
  });

  it('agrees with the full parser on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        checkAgreement(s);
        checkAgreement(`schema: 1\narticle: a.txt\n${s}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads the project seed sidecar on the fast path', () => {
    const file = path.join(__dirname, '../fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml');
    if (!fs.existsSync(file)) return;
    const text = fs.readFileSync(file, 'utf8');
    const fast = parseSidecarFast(text);
    const full = fullModel(text);
    if (fast) assert.deepStrictEqual(fast, full);
    else assert.ok(full, 'the seed sidecar reads with the full parser');
  });
});

describe('sidecarFastPath: examples', () => {
  const base = '# c\nschema: 1\narticle: a.txt\nentities:\n  - id: x\n    type: PERSON\n    name: X\nmentions:\n  - {entity: x, start: 0, end: 1, text: X}\n';

  it('reads the canonical layout', () => {
    assert.deepStrictEqual(parseSidecarFast(base), {
      schema: 1, article: 'a.txt', entities: [{ id: 'x', type: 'PERSON', name: 'X' }], mentions: [{ entity: 'x', start: 0, end: 1, text: 'X' }], quotes: [], relations: [],
    });
  });

  for (const [what, text] of [
    ['an anchor', base.replace('name: X', 'name: &n X')],
    ['an alias', base.replace('text: X', 'text: *n')],
    ['a single-quoted scalar', base.replace('name: X', "name: 'X'")],
    ['a block scalar', base.replace('name: X', 'name: |\n      X')],
    ['a tag', base.replace('name: X', 'name: !!str X')],
    ['an unknown key with a value on the next lines', base.replace('name: X', 'name: X\n    colour:\n      - red')],
    ['an unknown key that could be a number', base.replace('text: X}', 'text: X, 1: a, 01: b}')],
    ['a repeated unknown key', `${base}extra: 1\nextra: 2\n`],
    ['a nested value of an unknown key', base.replace('text: X}', 'text: X, x: [a, [b]]}')],
    ['__proto__', base.replace('text: X}', 'text: X, __proto__: {a: b}}')],
    ['a duplicate key', base.replace('start: 0', 'start: 0, start: 0')],
    ['a flow mapping over two lines', base.replace('text: X}', 'text: X,\n    by: me}')],
    ['a number where a string goes', base.replace('name: X', 'name: 12')],
    ['a boolean-like word', base.replace('name: X', 'name: yes')],
    ['a document marker', `---\n${base}`],
    ['a tab', base.replace('name: X', 'name:\tX')],
    ['a BOM', `\ufeff${base}`],
    ['an empty section', base.replace('mentions:\n  - {entity: x, start: 0, end: 1, text: X}\n', 'mentions:\n')],
    ['a missing required field', base.replace(', text: X', '')],
    ['an unsupported escape', base.replace('text: X', 'text: "X\\q"')],
  ] as const) {
    it(`falls back on ${what}`, () => {
      assert.equal(parseSidecarFast(text), undefined);
      checkAgreement(text);
    });
  }

  it('reads past fields the model does not know (they stay in the file)', () => {
    const text = base
      .replace('article: a.txt', 'article: a.txt\nreviewed_by: alice   # kept')
      .replace('name: X', 'name: X\n    x-reviewed: true\n    tags: [a, "b c"]\n    extra: {k: v, "q": 1}')
      .replace('text: X}', 'text: X, confidence: 0.9, flags: []}');
    assert.deepStrictEqual(parseSidecarFast(text), parseSidecarFast(base));
    checkAgreement(text);
  });

  it('decodes the escapes the writer uses', () => {
    const text = base.replace('text: X', 'text: "a\\"b\\\\c\\n\\t\\u00e9\\ud83d\\ude00\\x41\\U0001F600\\0"');
    assert.equal(parseSidecarFast(text)?.mentions[0].text, 'a"b\\c\n\té😀A😀\0');
    checkAgreement(text);
  });

  it('keeps trailing comments out of values', () => {
    const text = base.replace('article: a.txt', 'article: a.txt   # the file').replace('text: X}', 'text: X}   # gone');
    assert.equal(parseSidecarFast(text)?.article, 'a.txt');
    checkAgreement(text);
  });

  it('loadSidecarModel: model from either path, problems and no model for broken YAML', () => {
    const ok = loadSidecarModel(base, 'a.ann.yaml');
    assert.equal(ok.via, 'fast');
    assert.equal(ok.annotations?.mentions.length, 1);
    const slow = loadSidecarModel(base.replace('name: X', "name: 'X'"), 'a.ann.yaml');
    assert.equal(slow.via, 'yaml');
    assert.deepStrictEqual(slow.annotations, ok.annotations);
    const broken = loadSidecarModel(base.replace('text: X}', 'text: X'), 'b.ann.yaml');
    assert.equal(broken.annotations, undefined);
    assert.ok(broken.problems.length > 0 && broken.problems[0].file === 'b.ann.yaml' && broken.problems[0].line >= 1);
    const list = loadSidecarModel('- a\n- b\n', 'c.ann.yaml');
    assert.equal(list.annotations, undefined);
    assert.match(list.problems[0].reason, /mapping/);
    const schema2 = loadSidecarModel(base.replace('schema: 1', 'schema: 2'), 'd.ann.yaml');
    assert.equal(schema2.annotations, undefined);
    assert.equal(schema2.problems[0].line, 2);
    assert.match(schema2.problems[0].reason, /schema 2/);
  });

  it('loadSidecarModel refuses alias bombs', () => {
    const bomb = ['schema: 1', 'article: a.txt', 'a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'entities: []', 'mentions: []'].join('\n');
    const r = loadSidecarModel(bomb, 'bomb.ann.yaml');
    assert.equal(r.annotations, undefined);
    assert.ok(r.problems.length > 0);
  });
});
