import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Annotations, Mention } from '../../src/core/model';
import {
  articlePathFor,
  needsQuotes,
  serializeAnnotations,
  sha256Hex,
  SidecarDocument,
  SidecarEditError,
  SidecarParseError,
  sidecarPathFor,
  yamlString,
} from '../../src/core/sidecar';
import { slugify, uniqueSlug } from '../../src/core/slug';

const FIXTURE = path.join(__dirname, '../fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml');
const SEED = path.join(__dirname, '../../seeds/000_eb28ad2c764fb3cf.txt');
const source = fs.readFileSync(FIXTURE, 'utf8');

/** Lines added and removed between two texts (longest common subsequence of lines). */
function lineDiff(a: string, b: string): { added: string[]; removed: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) added.push(y[j++]);
    else removed.push(x[i++]);
  }
  return { added, removed };
}

function fixture(): SidecarDocument {
  return SidecarDocument.parse(source);
}

function linesOf(text: string, needle: string): string[] {
  return text.split('\n').filter((l) => l.includes(needle));
}

describe('sidecar', () => {
  describe('reading', () => {
    it('reads the seed sidecar into the model, without unknown fields', () => {
      const a = fixture().annotations;
      assert.equal(a.schema, 1);
      assert.equal(a.article, '000_eb28ad2c764fb3cf.txt');
      assert.equal(a.sha256, '0c74c07778497459f2f0d674b7127600e197499068b17c8dee483e099f4fc45b');
      assert.deepEqual(a.entities[0], {
        id: 'muttaqi',
        type: 'PERSON',
        name: 'Amir Khan Muttaqi',
        aliases: ['Motaqi'],
        note: "Head of the Taliban's commission for guidance",
        links: { wikidata: 'Q123' },
      });
      assert.deepEqual(a.entities.map((e) => e.id), ['muttaqi', 'taliban', 'panjshir']);
      assert.deepEqual(a.mentions[2], { entity: 'muttaqi', start: 130, end: 153, text: 'Mullah Amir Khan Motaqi', before: 'AFP on Wednesday. ', after: ', the head' });
      assert.deepEqual(a.mentions[3], { entity: 'taliban', start: 167, end: 174, text: 'Taliban' });
      assert.deepEqual(a.mentions[5], { entity: 'muttaqi', start: 1905, end: 1920, text: 'Mawlawi Muttaqi', orphaned: true });
      assert.equal(a.quotes[1].text, '"don\'t want the problems to be solved peacefully.\n\n"Now it is up to you to talk to them,"');
      assert.deepEqual(a.relations, [{ type: 'member_of', from: 'muttaqi', to: 'taliban' }]);
    });

    it('has the real offsets of the seed', () => {
      const article = fs.readFileSync(SEED, 'utf8');
      const cps = Array.from(article);
      const a = fixture().annotations;
      for (const m of [...a.mentions.filter((x) => !x.orphaned), ...a.quotes]) assert.equal(cps.slice(m.start, m.end).join(''), m.text);
      assert.equal(sha256Hex(fs.readFileSync(SEED)), a.sha256);
    });

    it('throws SidecarParseError with the line of a syntax error', () => {
      assert.throws(
        () => SidecarDocument.parse('schema: 1\narticle: a.txt\nmentions: [\n'),
        (e: unknown) => e instanceof SidecarParseError && e.line === 4 && /YAML syntax error/.test(e.reason),
      );
      assert.throws(() => SidecarDocument.parse('- a\n- b\n'), (e: unknown) => e instanceof SidecarParseError && /must be a YAML mapping/.test(e.reason));
    });

    it('refuses alias bombs and huge inputs with a clear message', () => {
      const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', ''].join('\n');
      const t0 = Date.now();
      assert.throws(() => SidecarDocument.parse(bomb), (e: unknown) => e instanceof SidecarParseError && /alias bomb/.test(e.reason));
      const huge = `schema: 1\nnote: "${'x'.repeat(21 * 1024 * 1024)}"\n`;
      assert.throws(() => SidecarDocument.parse(huge), (e: unknown) => e instanceof SidecarParseError && /too large \(21\.0 MB; the limit is 20\.0 MB\)/.test(e.reason));
      assert.ok(Date.now() - t0 < 2000);
    });
  });

  describe('round trip', () => {
    it('is byte-identical when nothing changed', () => {
      assert.equal(fixture().toString(), source);
      assert.equal(fixture().modified, false);
    });

    it('is byte-identical for CRLF, a BOM and a missing final newline', () => {
      for (const text of [source.replace(/\n/g, '\r\n'), `\uFEFF${source}`, source.replace(/\n$/, '')]) {
        const d = SidecarDocument.parse(text);
        assert.equal(d.toString(), text);
        assert.equal(d.annotations.mentions.length, 6);
      }
    });

    it('is byte-identical after setAnnotations with the same model', () => {
      const d = fixture();
      d.setAnnotations(d.annotations);
      assert.equal(d.toString(), source);
    });
  });

  describe('mentions', () => {
    it('adding one mention adds exactly one line, at its sorted place', () => {
      const d = fixture();
      assert.equal(d.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' }), true);
      const diff = lineDiff(source, d.toString());
      assert.deepEqual(diff, { added: ['  - {entity: panjshir, start: 296, end: 304, text: Panjshir}'], removed: [] });
      const lines = d.toString().split('\n');
      const at = lines.indexOf('  - {entity: panjshir, start: 296, end: 304, text: Panjshir}');
      assert.match(lines[at - 1], /start: 167/);
      assert.match(lines[at + 1], /start: 460/);
    });

    it('adds at the start, at the end, and between equal starts by end then entity', () => {
      const d = fixture();
      d.addMention({ entity: 'taliban', start: 0, end: 1, text: ' ' });
      d.addMention({ entity: 'taliban', start: 2100, end: 2107, text: 'Taliban' });
      d.addMention({ entity: 'muttaqi', start: 46, end: 53, text: 'Taliban' });
      const ms = d.annotations.mentions;
      assert.deepEqual(ms.map((m) => `${m.start}-${m.end}-${m.entity}`).slice(0, 3), ['0-1-taliban', '46-53-muttaqi', '46-53-taliban']);
      assert.equal(ms[ms.length - 1].start, 2100);
      assert.deepEqual(lineDiff(source, d.toString()).removed, []);
      assert.equal(lineDiff(source, d.toString()).added.length, 3);
    });

    it('does not add a duplicate, nor a mention of an unknown entity', () => {
      const d = fixture();
      assert.equal(d.addMention({ entity: 'taliban', start: 46, end: 53, text: 'Taliban' }), false);
      assert.throws(() => d.addMention({ entity: 'nobody', start: 1, end: 2, text: 'x' }), SidecarEditError);
      assert.throws(() => d.addMention({ entity: 'taliban', start: 5, end: 5, text: '' }), SidecarEditError);
      assert.equal(d.toString(), source);
    });

    it('removing one mention removes exactly its line', () => {
      const d = fixture();
      assert.equal(d.removeMention({ entity: 'taliban', start: 167, end: 174 }), true);
      assert.deepEqual(lineDiff(source, d.toString()), {
        added: [],
        removed: ['  - {entity: taliban, start: 167, end: 174, text: Taliban, confidence: 0.9}   # unknown field'],
      });
      assert.equal(d.removeMention({ entity: 'taliban', start: 167, end: 174 }), false);
    });

    it('removing the last mention leaves `mentions: []` and keeps the comment', () => {
      const d = fixture();
      for (const m of d.annotations.mentions) d.removeMention(m);
      assert.equal(linesOf(d.toString(), 'mentions')[0], 'mentions: []                        # one flow mapping per line: clean git diffs');
      assert.deepEqual(d.annotations.mentions, []);
      d.addMention({ entity: 'taliban', start: 46, end: 53, text: 'Taliban' });
      const lines = d.toString().split('\n');
      const at = lines.indexOf(linesOf(source, 'mentions:')[0]);
      assert.deepEqual(lines.slice(at, at + 3), [linesOf(source, 'mentions:')[0], '  - {entity: taliban, start: 46, end: 53, text: Taliban}', linesOf(source, 'quotes:')[0]]);
    });

    it('updates offsets on the line, keeping unknown fields and the comment', () => {
      const d = fixture();
      d.updateMention({ entity: 'taliban', start: 167, end: 174 }, { start: 168, end: 175, before: 'of ' });
      assert.deepEqual(lineDiff(source, d.toString()), {
        added: ['  - {entity: taliban, start: 168, end: 175, text: Taliban, before: "of ", confidence: 0.9}   # unknown field'],
        removed: ['  - {entity: taliban, start: 167, end: 174, text: Taliban, confidence: 0.9}   # unknown field'],
      });
    });

    it('orphans and re-attaches a mention', () => {
      const d = fixture();
      d.updateMention({ entity: 'muttaqi', start: 460, end: 467 }, { orphaned: true });
      assert.equal(linesOf(d.toString(), 'start: 460')[0], '  - {entity: muttaqi, start: 460, end: 467, text: Muttaqi, orphaned: true}');
      d.updateMention({ entity: 'muttaqi', start: 1905, end: 1920 }, { orphaned: false });
      assert.equal(linesOf(d.toString(), 'start: 1905')[0], '  - {entity: muttaqi, start: 1905, end: 1920, text: Mawlawi Muttaqi}   # text gone: see Anchoring');
      d.updateMention({ entity: 'muttaqi', start: 130, end: 153 }, { before: undefined, after: undefined });
      assert.equal(linesOf(d.toString(), 'start: 130')[0], '  - {entity: muttaqi, start: 130, end: 153, text: Mullah Amir Khan Motaqi}');
    });

    it('moves a line when its sort place changes', () => {
      const d = fixture();
      d.updateMention({ entity: 'taliban', start: 46, end: 53 }, { start: 2000, end: 2007 });
      const ms = d.annotations.mentions;
      assert.deepEqual(ms.map((m) => m.start), [69, 130, 167, 460, 1905, 2000]);
      const diff = lineDiff(source, d.toString());
      assert.equal(diff.added.length, 1);
      assert.equal(diff.removed.length, 1);
    });

    it('replaceMentions touches only the lines that changed', () => {
      const d = fixture();
      // An insertion of 5 code points at offset 300 shifts the mentions after it.
      const shifted: Mention[] = d.annotations.mentions.map((m) => (m.start >= 300 ? { ...m, start: m.start + 5, end: m.end + 5 } : m));
      d.replaceMentions(shifted);
      const diff = lineDiff(source, d.toString());
      assert.deepEqual(diff.added, [
        '  - {entity: muttaqi, start: 465, end: 472, text: Muttaqi}',
        '  - {entity: muttaqi, start: 1910, end: 1925, text: Mawlawi Muttaqi, orphaned: true}   # text gone: see Anchoring',
      ]);
      assert.equal(diff.removed.length, 2);
      assert.deepEqual(d.annotations.mentions, shifted);
    });

    it('writes mentions into an empty, a null and a missing list', () => {
      for (const [text, expected] of [
        ['schema: 1\narticle: a.txt\nentities: []\nmentions: []\n', 'mentions:\n  - {entity: a, start: 0, end: 1, text: x}\n'],
        ['schema: 1\narticle: a.txt\nentities: []\nmentions:   # later\n', 'mentions:   # later\n  - {entity: a, start: 0, end: 1, text: x}\n'],
        ['schema: 1\narticle: a.txt\nentities: []\n', 'mentions:\n  - {entity: a, start: 0, end: 1, text: x}\n'],
        ['schema: 1\narticle: a.txt\nentities: []\nmentions: [{entity: b, start: 5, end: 6, text: y}]\n', 'mentions:\n  - {entity: a, start: 0, end: 1, text: x}\n  - {entity: b, start: 5, end: 6, text: y}\n'],
      ]) {
        const d = SidecarDocument.parse(text);
        d.addEntity({ id: 'a', type: 'ORG', name: 'A' });
        if (text.includes('entity: b')) d.addEntity({ id: 'b', type: 'ORG', name: 'B' });
        d.addMention({ entity: 'a', start: 0, end: 1, text: 'x' });
        assert.ok(d.toString().endsWith(expected), d.toString());
      }
    });

    it('keeps CRLF line ends in new lines', () => {
      const crlf = source.replace(/\n/g, '\r\n');
      const d = SidecarDocument.parse(crlf);
      d.addMention({ entity: 'panjshir', start: 296, end: 304, text: 'Panjshir' });
      d.addEntity({ name: 'Kabul', type: 'GPE' });
      assert.ok(!/[^\r]\n/.test(d.toString()));
    });
  });

  describe('entities', () => {
    it('appends an entity with a slug id after the last one', () => {
      const d = fixture();
      const e = d.addEntity({ name: 'Amir Khan Muttaqi', type: 'PERSON' });
      assert.equal(e.id, 'amir-khan-muttaqi');
      assert.deepEqual(lineDiff(source, d.toString()), {
        added: ['  - id: amir-khan-muttaqi', '    type: PERSON', '    name: Amir Khan Muttaqi'],
        removed: [],
      });
      assert.match(d.toString(), /name: Panjshir\n {2}- id: amir-khan-muttaqi\n/);
      assert.equal(d.addEntity({ name: 'Taliban', type: 'ORG' }).id, 'taliban-2');
      assert.equal(d.addEntity({ name: 'Taliban', type: 'ORG' }).id, 'taliban-3');
      assert.equal(d.addEntity({ name: 'Herāt', type: 'GPE', aliases: ['Herat', 'yes'], links: { wikidata: 'Q167241' } }).id, 'herat');
      assert.match(d.toString(), / {2}- id: herat\n {4}type: GPE\n {4}name: Herāt\n {4}aliases: \[Herat, "yes"\]\n {4}links: \{wikidata: Q167241\}\n/);
      assert.throws(() => d.addEntity({ id: 'taliban', name: 'X', type: 'ORG' }), /duplicate entity id 'taliban'/);
      assert.throws(() => d.addEntity({ id: 'a b', name: 'X', type: 'ORG' }), /without white space/);
    });

    it('renames an entity in place, keeping the comment column', () => {
      const d = fixture();
      d.updateEntity('muttaqi', { name: 'Amir Khan Muttaqi (Motaqi)' });
      assert.deepEqual(lineDiff(source, d.toString()), {
        added: ['    name: Amir Khan Muttaqi (Motaqi) # canonical name'],
        removed: ['    name: Amir Khan Muttaqi         # canonical name'],
      });
      const e = fixture();
      e.updateEntity('muttaqi', { name: 'A. K. Muttaqi' });
      assert.equal(linesOf(e.toString(), 'canonical name')[0], '    name: A. K. Muttaqi             # canonical name');
    });

    it('adds, changes and removes optional fields, keeping unknown ones', () => {
      const d = fixture();
      d.updateEntity('taliban', { note: 'Islamic Emirate', aliases: ['Talibs'], type: 'NORP' });
      assert.match(d.toString(), / {2}- id: taliban\n {4}type: NORP\n {4}name: Taliban\n {4}aliases: \[Talibs\]\n {4}note: Islamic Emirate\n\n {2}# Places\n/);
      d.updateEntity('muttaqi', { note: undefined, links: undefined, aliases: ['Motaqi', 'Mawlawi Muttaqi'] });
      const diff = lineDiff(source, d.toString());
      assert.ok(diff.removed.includes('    note: Head of the Taliban\'s commission for guidance   # optional'));
      assert.ok(diff.added.includes('    aliases: [Motaqi, Mawlawi Muttaqi] # optional'));
      assert.match(d.toString(), /x-reviewed: true {16}# unknown field inside an entry/);
      assert.throws(() => d.updateEntity('nobody', { name: 'x' }), /unknown entity 'nobody'/);
    });

    it('removes an entity with its mentions and relations, and clears it as a speaker', () => {
      const d = fixture();
      assert.deepEqual(d.removeEntity('muttaqi'), { mentions: 3, quotes: 1, relations: 1 });
      const a = d.annotations;
      assert.deepEqual(a.entities.map((e) => e.id), ['taliban', 'panjshir']);
      assert.ok(a.mentions.every((m) => m.entity !== 'muttaqi'));
      assert.equal(a.quotes[0].speaker, undefined);
      assert.deepEqual(a.relations, []);
      assert.match(d.toString(), /\nrelations: \[\] {23}# optional\n$/);
      assert.match(d.toString(), /reviewed_by: alice {18}# unknown field: kept as it is\nentities:\n {2}- id: taliban\n/);
    });
  });

  describe('sha256, quotes, relations', () => {
    it('sets, replaces and removes sha256, keeping its comment', () => {
      const d = fixture();
      d.setSha256('f'.repeat(64));
      assert.equal(linesOf(d.toString(), 'sha256')[0], `sha256: ${'f'.repeat(64)}   # of the article's bytes`);
      d.setSha256(undefined);
      assert.equal(linesOf(d.toString(), 'sha256').length, 0);
      d.setSha256('0'.repeat(64));
      assert.match(d.toString(), /article: 000_eb28ad2c764fb3cf\.txt {3}# file name, same folder\nsha256: "0{64}"\nreviewed_by/);
      assert.throws(() => d.setSha256('xyz'), SidecarEditError);
    });

    it('adds and removes quotes and relations by single lines', () => {
      const d = fixture();
      d.addQuote({ start: 1571, end: 1584, text: '"try their luck."' });
      d.addRelation({ type: 'located_in', from: 'taliban', to: 'panjshir' });
      assert.deepEqual(lineDiff(source, d.toString()), {
        added: ['  - {start: 1571, end: 1584, text: "\\"try their luck.\\""}', '  - {type: located_in, from: taliban, to: panjshir}'],
        removed: [],
      });
      assert.equal(d.removeRelation({ type: 'located_in', from: 'taliban', to: 'panjshir' }), true);
      assert.equal(d.removeQuote({ start: 1571, end: 1584 }), true);
      assert.equal(d.toString(), source);
      d.updateQuote({ start: 1249, end: 1338 }, { speaker: 'muttaqi' });
      assert.match(linesOf(d.toString(), 'start: 1249')[0], /^ {2}- \{start: 1249, end: 1338, speaker: muttaqi, text: "\\"don't/);
    });

    it('creates quotes and relations when the file has none', () => {
      const d = SidecarDocument.create({ schema: 1, article: 'a.txt', entities: [{ id: 'x', type: 'ORG', name: 'X' }], mentions: [], quotes: [], relations: [] });
      d.addRelation({ type: 'self', from: 'x', to: 'x' });
      d.addQuote({ start: 3, end: 9, speaker: 'x', text: '"hi"' });
      assert.equal(
        d.toString(),
        [
          '# Annotations for a.txt (Seed Annotator sidecar, schema 1).',
          'schema: 1',
          'article: a.txt',
          'entities:',
          '  - id: x',
          '    type: ORG',
          '    name: X',
          'mentions: []',
          'quotes:',
          '  - {start: 3, end: 9, speaker: x, text: "\\"hi\\""}',
          'relations:',
          '  - {type: self, from: x, to: x}',
          '',
        ].join('\n'),
      );
    });
  });

  describe('new files', () => {
    it('writes the header comment and the canonical key order', () => {
      const a: Annotations = {
        schema: 1,
        article: '000_eb28ad2c764fb3cf.txt',
        sha256: '0c74c07778497459f2f0d674b7127600e197499068b17c8dee483e099f4fc45b',
        entities: [
          { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi'], note: "Head of the Taliban's commission for guidance", links: { wikidata: 'Q123' } },
          { id: 'taliban', type: 'ORG', name: 'Taliban' },
        ],
        mentions: [
          { entity: 'muttaqi', start: 130, end: 153, text: 'Mullah Amir Khan Motaqi', before: 'AFP on Wednesday. ', after: ', the head' },
          { entity: 'taliban', start: 46, end: 53, text: 'Taliban' },
          { entity: 'muttaqi', start: 1905, end: 1920, text: 'Mawlawi Muttaqi', orphaned: true },
        ],
        quotes: [{ start: 335, end: 459, speaker: 'muttaqi', text: '"My brothers, we tried our best ..."' }],
        relations: [{ type: 'member_of', from: 'muttaqi', to: 'taliban' }],
      };
      assert.equal(
        serializeAnnotations(a),
        [
          '# Annotations for 000_eb28ad2c764fb3cf.txt (Seed Annotator sidecar, schema 1).',
          'schema: 1',
          'article: 000_eb28ad2c764fb3cf.txt',
          'sha256: 0c74c07778497459f2f0d674b7127600e197499068b17c8dee483e099f4fc45b',
          'entities:',
          '  - id: muttaqi',
          '    type: PERSON',
          '    name: Amir Khan Muttaqi',
          '    aliases: [Motaqi]',
          "    note: Head of the Taliban's commission for guidance",
          '    links: {wikidata: Q123}',
          '  - id: taliban',
          '    type: ORG',
          '    name: Taliban',
          'mentions:',
          '  - {entity: taliban, start: 46, end: 53, text: Taliban}',
          '  - {entity: muttaqi, start: 130, end: 153, text: Mullah Amir Khan Motaqi, before: "AFP on Wednesday. ", after: ", the head"}',
          '  - {entity: muttaqi, start: 1905, end: 1920, text: Mawlawi Muttaqi, orphaned: true}',
          'quotes:',
          '  - {start: 335, end: 459, speaker: muttaqi, text: "\\"My brothers, we tried our best ...\\""}',
          'relations:',
          '  - {type: member_of, from: muttaqi, to: taliban}',
          '',
        ].join('\n'),
      );
      const d = SidecarDocument.create(a);
      assert.deepEqual(d.annotations.mentions.map((m) => m.start), [46, 130, 1905]);
    });

    it('writes empty entities and mentions as [] and leaves out empty quotes and relations', () => {
      assert.equal(
        serializeAnnotations({ schema: 1, article: 'a b.txt', entities: [], mentions: [], quotes: [], relations: [] }),
        '# Annotations for a b.txt (Seed Annotator sidecar, schema 1).\nschema: 1\narticle: a b.txt\nentities: []\nmentions: []\n',
      );
    });
  });

  describe('scalars', () => {
    const ambiguous = [
      'yes', 'Yes', 'YES', 'no', 'No', 'on', 'Off', 'y', 'N', 'true', 'False', 'TRUE', '~', 'null', 'Null', 'NULL', '',
      '1', '-1', '+1', '007', '1_000', '0x1F', '0o17', '0b101', '1e3', '1E-3', '3.14', '.5', '1.', '.inf', '-.Inf', '.NaN', '1:20', '190:20:30',
      '2021-09-01', '2021-9-1', '2021-09-01T10:00:00Z', '2021-09-01 10:00', '=', '<<',
      ' leading', 'trailing ', 'a: b', 'a #b', '#x', '- x', '-', '?', '? x', 'x?', ':x', 'x:', 'a,b', '[x]', '{x}', '&a', '*a', '!x', '|', '>', "'q'", '"q"', '%x', '@x', '`x', '...', '---',
      'line\nbreak', 'tab\there', 'cr\r', 'nel\u0085', 'ls\u2028', 'bom\ufeff', 'nul\u0000', 'bell\u0007', 'del\u007f',
    ];
    const plain = ['Taliban', 'Mullah Amir Khan Motaqi', 'Taliban’s', "Head of the Taliban's commission", 'Herāt', 'Кабул', 'کابل', '🇦🇫 flag', 'AFP on Wednesday.', 'e-mail', 'C-3PO', 'member_of', 'Q123', '80 kilometres', 'x-reviewed', 'x.y'];

    it('quotes strings that a YAML 1.1 or 1.2 reader would not read as the same string', () => {
      for (const s of ambiguous) assert.ok(needsQuotes(s), JSON.stringify(s));
      for (const s of plain) assert.ok(!needsQuotes(s), JSON.stringify(s));
      assert.equal(yamlString('yes'), '"yes"');
      assert.equal(yamlString('say "hi"\n'), '"say \\"hi\\"\\n"');
      assert.equal(yamlString('nel\u0085'), '"nel\\u0085"');
      assert.equal(yamlString('Taliban’s'), 'Taliban’s');
    });

    it('PyYAML reads every one of them back as the same string', function () {
      const strings = [...ambiguous, ...plain, 'emoji 👩‍👩‍👧 ok', 'x\\y', "it's", 'a "b" c'];
      const model: Annotations = {
        schema: 1,
        article: 'a.txt',
        entities: strings.map((s, i) => ({ id: `e${i}`, type: 'MISC', name: s === '' ? 'x' : s, aliases: [s], note: s, links: { [s === '' ? 'k' : s]: s } })),
        mentions: strings.map((s, i) => ({ entity: `e${i}`, start: i, end: i + 1, text: s, before: s, after: s })),
        quotes: [],
        relations: [],
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-scalars-'));
      try {
        const file = path.join(dir, 's.ann.yaml');
        fs.writeFileSync(file, serializeAnnotations(model));
        const out = execFileSync('/usr/bin/python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), default=repr))', file], { encoding: 'utf8' });
        const read = JSON.parse(out);
        read.entities.forEach((e: { name: unknown; aliases: unknown[]; note: unknown; links: Record<string, unknown> }, i: number) => {
          const s = strings[i];
          assert.deepEqual([e.note, e.aliases[0], Object.values(e.links)[0]], [s, s, s], JSON.stringify(s));
        });
        read.mentions.forEach((m: { text: unknown; before: unknown; after: unknown; start: unknown }, i: number) => {
          assert.deepEqual([m.text, m.before, m.after, m.start], [strings[i], strings[i], strings[i], i]);
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('paths, hashes, slugs', () => {
    it('maps article and sidecar paths', () => {
      assert.equal(sidecarPathFor('seeds/000_eb28ad2c764fb3cf.txt'), 'seeds/000_eb28ad2c764fb3cf.ann.yaml');
      assert.equal(sidecarPathFor('/a/b.c.TXT', '.ann.yml'), '/a/b.c.ann.yml');
      assert.equal(articlePathFor('seeds/000_eb28ad2c764fb3cf.ann.yaml'), 'seeds/000_eb28ad2c764fb3cf.txt');
      assert.equal(articlePathFor('x/a.json', '.ann.json'), undefined);
      assert.equal(articlePathFor('x/a.ann.json', '.ann.json'), 'x/a.txt');
      assert.equal(articlePathFor('x/.ann.yaml'), undefined);
    });

    it('hashes bytes', () => {
      assert.equal(sha256Hex(new Uint8Array()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });

    it('slugs names readably and stably', () => {
      assert.equal(slugify('Amir Khan Muttaqi'), 'amir-khan-muttaqi');
      assert.equal(slugify('Herāt'), 'herat');
      assert.equal(slugify('Taliban’s commission'), 'talibans-commission');
      assert.equal(slugify('Ahmad Shah Massoud (1953–2001)'), 'ahmad-shah-massoud-1953-2001');
      assert.equal(slugify('Łódź Straße Ærø'), 'lodz-strasse-aero');
      assert.equal(slugify('Кабул'), 'кабул');
      assert.equal(slugify('!!!'), 'entity');
      assert.equal(slugify('Voice of America’s Dari language service in Washington, D.C., United States').length <= 48, true);
      assert.equal(uniqueSlug('Taliban', ['taliban']), 'taliban-2');
      assert.equal(uniqueSlug('Taliban', new Set(['taliban', 'taliban-2'])), 'taliban-3');
      assert.equal(uniqueSlug('Panjshir', []), 'panjshir');
    });
  });
});
