import * as assert from 'assert';
import fc from 'fast-check';
import { formatProblem, safeFileName } from '../../../src/core/formats/document';
import type { SeedDocument } from '../../../src/core/formats/document';
import { createJsonlExporter, importJsonl, jsonlDocument } from '../../../src/core/formats/jsonl';
import { OffsetMap } from '../../../src/core/offsets';
import { annotatedSeed, annotatedSeedIds, designSeed, docArb, exportedMentions, NUM_RUNS, pythonHas, runPython, sampleSeedIds, taggedSeed } from './support';

/** Lines written in this file's tests, checked by Python at the end (one process). */
const written: Array<{ line: string; unit: 'codepoint' | 'utf16'; texts: string[] }> = [];

function exportLine(doc: SeedDocument, offsets: 'codepoint' | 'utf16' = 'codepoint', expected = exportedMentions(doc)) {
  const chunk = jsonlDocument(doc, { offsets });
  written.push({ line: chunk.text, unit: offsets, texts: expected.map((m) => m.text) });
  return chunk;
}

function normalizedEntities(doc: SeedDocument) {
  return doc.annotations.entities.map((e) => {
    const out: Record<string, unknown> = { id: e.id, type: e.type, name: e.name };
    if (e.aliases?.length) out.aliases = e.aliases;
    if (e.note !== undefined) out.note = e.note;
    if (e.links && Object.keys(e.links).length) out.links = e.links;
    return out;
  });
}

describe('formats/jsonl', () => {
  describe('export', () => {
    it('writes the seed as DESIGN.md shows: id, date, text, label, mentions, entities, quotes', () => {
      const doc = designSeed();
      const chunk = exportLine(doc);
      assert.ok(chunk.text.endsWith('}\n'));
      assert.strictEqual(chunk.text.indexOf('\n'), chunk.text.length - 1, 'one line');
      const line = JSON.parse(chunk.text);
      assert.deepStrictEqual(Object.keys(line), ['id', 'date', 'text', 'label', 'mentions', 'entities', 'quotes', 'relations']);
      assert.strictEqual(line.id, 'seeds/000_eb28ad2c764fb3cf.txt');
      assert.strictEqual(line.date, '2021-09-01');
      assert.strictEqual(line.text, doc.text);
      assert.deepStrictEqual(line.label, [
        [46, 53, 'ORG'],
        [130, 153, 'PERSON'],
        [460, 467, 'PERSON'],
      ]);
      assert.deepStrictEqual(line.mentions, [
        { start: 46, end: 53, entity: 'taliban' },
        { start: 130, end: 153, entity: 'muttaqi' },
        { start: 460, end: 467, entity: 'muttaqi' },
      ]);
      assert.deepStrictEqual(line.entities[1], { id: 'taliban', type: 'ORG', name: 'Taliban', aliases: [], note: null, links: {} });
      assert.deepStrictEqual(line.entities[0].links, { wikidata: 'Q123' });
      assert.deepStrictEqual(line.quotes, [{ start: 335, end: 459, speaker: 'muttaqi', text: doc.annotations.quotes[0].text }]);
      assert.deepStrictEqual(line.relations, [{ type: 'member_of', from: 'muttaqi', to: 'taliban' }]);
      assert.strictEqual(chunk.skipped.length, 1);
      assert.strictEqual(chunk.skipped[0].cause, 'orphaned');
      assert.strictEqual(chunk.skipped[0].mention?.start, 1905);
    });

    it('never exports a mention whose text is not at its offsets, nor one of an undeclared entity', () => {
      const doc = designSeed();
      const good = exportedMentions(doc);
      doc.annotations.mentions.push({ entity: 'taliban', start: 47, end: 54, text: 'Taliban' }, { entity: 'ghost', start: 46, end: 53, text: 'Taliban' });
      const chunk = exportLine(doc, 'codepoint', good);
      assert.strictEqual(JSON.parse(chunk.text).label.length, 3);
      assert.deepStrictEqual(chunk.skipped.map((s) => s.cause).sort(), ['mismatch', 'orphaned', 'unknown-entity']);
    });

    it('converts every offset to UTF-16 units with offsets: utf16, and none with codepoint', () => {
      const text = 'date 2021-09-01 😀👍🏽 Kabul and “Herāt”';
      const map = new OffsetMap(text);
      const kabul = [...text].indexOf('K');
      const doc: SeedDocument = {
        id: 'e.txt',
        text,
        annotations: {
          schema: 1,
          article: 'e.txt',
          entities: [{ id: 'kabul', type: 'GPE', name: 'Kabul' }],
          mentions: [{ entity: 'kabul', start: kabul, end: kabul + 5, text: 'Kabul' }],
          quotes: [{ start: kabul + 10, end: kabul + 17, text: map.slice(kabul + 10, kabul + 17) }],
          relations: [],
        },
      };
      const cp = JSON.parse(exportLine(doc).text);
      const u16 = JSON.parse(exportLine(doc, 'utf16').text);
      assert.deepStrictEqual(cp.label, [[kabul, kabul + 5, 'GPE']]);
      const u = text.indexOf('Kabul');
      assert.strictEqual(u, kabul + 3, 'three astral characters before Kabul');
      assert.deepStrictEqual(u16.label, [[u, u + 5, 'GPE']]);
      assert.deepStrictEqual(u16.mentions, [{ start: u, end: u + 5, entity: 'kabul' }]);
      assert.deepStrictEqual([u16.quotes[0].start, u16.quotes[0].end], [u + 10, u + 17]);
      assert.strictEqual(text.slice(u16.label[0][0], u16.label[0][1]), 'Kabul');
    });

    it('escapes U+2028, U+2029 and U+0085 so no line reader cuts the line', () => {
      const text = 'date 2021-09-01 a\u2028b\u2029c\u0085d';
      const chunk = exportLine({ id: 'x', text, annotations: { schema: 1, article: 'x', entities: [], mentions: [], quotes: [], relations: [] } });
      assert.ok(!/[\u2028\u2029\u0085]/.test(chunk.text));
      assert.strictEqual(JSON.parse(chunk.text).text, text);
    });

    it('streams: no header or footer, one line per document', () => {
      const ex = createJsonlExporter();
      assert.strictEqual(ex.header(), '');
      assert.strictEqual(ex.footer(), '');
      const out = sampleSeedIds().map((id) => ex.document(taggedSeed(id)).text).join('');
      assert.strictEqual(out.split('\n').length - 1, sampleSeedIds().length);
    });
  });

  describe('import', () => {
    it('reads back our own line of the seed: same text, entities, mentions, quotes, relations', () => {
      const doc = designSeed();
      const { documents, problems } = importJsonl(exportLine(doc).text, { file: 'out.jsonl' });
      assert.deepStrictEqual(problems, []);
      const [d] = documents;
      assert.strictEqual(d.id, doc.id);
      assert.strictEqual(d.fileName, '000_eb28ad2c764fb3cf.txt');
      assert.strictEqual(d.text, doc.text);
      assert.strictEqual(d.annotations.article, d.fileName);
      assert.deepStrictEqual(d.annotations.entities, normalizedEntities(doc));
      assert.deepStrictEqual(
        d.annotations.mentions,
        exportedMentions(doc).map(({ entity, start, end, text }) => ({ entity, start, end, text })),
      );
      assert.deepStrictEqual(d.annotations.quotes, doc.annotations.quotes);
      assert.deepStrictEqual(d.annotations.relations, doc.annotations.relations);
    });

    it('reads doccano label triples: one entity per (type, text)', () => {
      const line = JSON.stringify({ id: 7, text: 'Kabul fell. Kabul held. KABUL', label: [[0, 5, 'GPE'], [12, 17, 'GPE'], [24, 29, 'GPE'], [12, 17, 'LOC']] });
      const { documents, problems } = importJsonl(line, { file: 'd.jsonl' });
      assert.deepStrictEqual(problems, []);
      const [d] = documents;
      assert.strictEqual(d.fileName, '7.txt');
      assert.deepStrictEqual(d.annotations.entities, [
        { id: 'kabul', type: 'GPE', name: 'Kabul' },
        { id: 'kabul-2', type: 'GPE', name: 'KABUL' },
        { id: 'kabul-3', type: 'LOC', name: 'Kabul' },
      ]);
      assert.deepStrictEqual(
        d.annotations.mentions.map((m) => [m.start, m.end, m.entity]),
        [
          [0, 5, 'kabul'],
          [12, 17, 'kabul'],
          [12, 17, 'kabul-3'],
          [24, 29, 'kabul-2'],
        ],
      );
    });

    it('reads spaCy entities triples and doccano entities objects', () => {
      const spacy = JSON.stringify({ text: 'Muttaqi met Saleh', entities: [[0, 7, 'PERSON'], [12, 17, 'PERSON']] });
      const doccano = JSON.stringify({ text: 'Muttaqi met Saleh', label: [], entities: [{ id: 1, label: 'PERSON', start_offset: 12, end_offset: 17 }] });
      const { documents, problems } = importJsonl(`${spacy}\n${doccano}\n`, { file: 's.jsonl' });
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(documents.map((d) => d.fileName), ['line-1.txt', 'line-2.txt']);
      assert.deepStrictEqual(documents[0].annotations.mentions.map((m) => m.text), ['Muttaqi', 'Saleh']);
      assert.deepStrictEqual(documents[1].annotations.mentions, [{ entity: 'saleh', start: 12, end: 17, text: 'Saleh' }]);
    });

    it('puts `date YYYY-MM-DD ` in front of a text without header and shifts every offset by 16', () => {
      const line = JSON.stringify({ id: 'n', date: '2021-09-01', text: 'Taliban won', label: [[0, 7, 'ORG']] });
      const [d] = importJsonl(line, { file: 'n.jsonl' }).documents;
      assert.strictEqual(d.text, 'date 2021-09-01 Taliban won');
      assert.deepStrictEqual(d.annotations.mentions, [{ entity: 'taliban', start: 16, end: 23, text: 'Taliban' }]);
      // With a header already there nothing moves; a different date is a warning.
      const other = JSON.stringify({ id: 'm', date: '2021-09-02', text: ' date 2021-09-01 Taliban', label: [[17, 24, 'ORG']] });
      const r = importJsonl(other, { file: 'n.jsonl' });
      assert.strictEqual(r.documents[0].text, ' date 2021-09-01 Taliban');
      assert.deepStrictEqual(r.documents[0].annotations.mentions.map((m) => [m.start, m.end]), [[17, 24]]);
      assert.deepStrictEqual(r.problems.map(formatProblem), ['n.jsonl:1: warning: "date" 2021-09-02 differs from the text\'s header date 2021-09-01; the header is kept']);
    });

    it('drops a BOM at the start of text and moves offsets back by one', () => {
      const line = JSON.stringify({ text: '\uFEFFdate 2021-09-01 Kabul', label: [[17, 22, 'GPE'], [0, 3, 'X']] });
      const r = importJsonl(line, { file: 'b.jsonl' });
      assert.strictEqual(r.documents[0].text, 'date 2021-09-01 Kabul');
      assert.strictEqual(r.documents[0].hadBom, true);
      assert.deepStrictEqual(r.documents[0].annotations.mentions.map((m) => [m.start, m.end, m.text]), [[16, 21, 'Kabul']]);
      assert.deepStrictEqual(r.problems.map(formatProblem), ['b.jsonl:1: label[1]: span [0, 3) covers the byte-order mark']);
    });

    it('reads UTF-16 offsets with offsets: utf16 and refuses one that splits a surrogate pair', () => {
      const text = '😀 Kabul';
      const ok = importJsonl(JSON.stringify({ text, label: [[3, 8, 'GPE']] }), { file: 'u.jsonl', offsets: 'utf16' });
      assert.deepStrictEqual(ok.problems, []);
      assert.deepStrictEqual(ok.documents[0].annotations.mentions.map((m) => [m.start, m.end, m.text]), [[2, 7, 'Kabul']]);
      const bad = importJsonl(JSON.stringify({ text, label: [[1, 8, 'GPE']] }), { file: 'u.jsonl', offsets: 'utf16' });
      assert.deepStrictEqual(bad.problems.map(formatProblem), ['u.jsonl:1: label[0]: span [1, 8) splits a surrogate pair (are these offsets code points?)']);
    });

    it('reports every bad line and span as file:line: reason, and imports the rest', () => {
      const lines = [
        JSON.stringify({ id: 'a', text: 'Kabul', label: [[0, 5, 'GPE']] }),
        '{not json',
        '[1, 2]',
        JSON.stringify({ id: 'b' }),
        '',
        JSON.stringify({ id: 'c', text: 'Kabul', label: [[0, 9, 'GPE'], [3, 3, 'GPE'], ['0', 5, 'GPE'], [0, 5], [0, 5, '']] }),
        JSON.stringify({
          id: 'd',
          text: 'Kabul',
          entities: [{ id: 'k', type: 'GPE', name: 'Kabul' }, { id: 'k', type: 'GPE', name: 'K' }, { id: 'has space', type: 'GPE', name: 'x' }],
          mentions: [{ start: 0, end: 5, entity: 'k', text: 'Kabu' }, { start: 0, end: 5, entity: 'nobody' }, { start: 0, end: 5, entity: 'k' }],
          quotes: [{ start: 0, end: 5, speaker: 'nobody' }],
        }),
      ];
      const r = importJsonl(lines.join('\r\n'), { file: 'p.jsonl' });
      assert.deepStrictEqual(r.documents.map((d) => d.id), ['a', 'c', 'd']);
      const messages = r.problems.map(formatProblem);
      assert.deepStrictEqual(messages.map((m) => m.split(':').slice(0, 2).join(':')), [
        'p.jsonl:2',
        'p.jsonl:3',
        'p.jsonl:4',
        'p.jsonl:6',
        'p.jsonl:6',
        'p.jsonl:6',
        'p.jsonl:6',
        'p.jsonl:6',
        'p.jsonl:7',
        'p.jsonl:7',
        'p.jsonl:7',
        'p.jsonl:7',
        'p.jsonl:7',
      ]);
      assert.match(messages[0], /not valid JSON/);
      assert.match(messages[3], /label\[0\]: span \[0, 9\) is empty or outside the text \(5 code points\)/);
      assert.match(messages[9], /entities\[2\]: id "has space" must be a string without white space/);
      assert.match(messages[10], /mentions\[0\]: its text "Kabu" is not the text at \[0, 5\): "Kabul"/);
      assert.match(messages[11], /mentions\[1\]: entity "nobody" is not in "entities"/);
      assert.match(messages[12], /warning: quotes\[0\]: speaker "nobody"/);
      assert.deepStrictEqual(r.documents[2].annotations.mentions, [{ entity: 'k', start: 0, end: 5, text: 'Kabul' }]);
    });

    it('makes ids safe file names: no separators, no .., no device names, unique within an import', () => {
      assert.strictEqual(safeFileName('seeds/000_eb28ad2c764fb3cf.txt'), '000_eb28ad2c764fb3cf');
      assert.strictEqual(safeFileName('../../etc/passwd'), 'passwd');
      assert.strictEqual(safeFileName('..\\..\\windows\\win.ini'), 'win.ini');
      assert.strictEqual(safeFileName('/abs/path/x.TXT'), 'x');
      assert.strictEqual(safeFileName('..'), 'article');
      assert.strictEqual(safeFileName('...hidden'), 'hidden');
      assert.strictEqual(safeFileName('C:x'), 'C_x');
      assert.strictEqual(safeFileName('CON'), '_CON');
      assert.strictEqual(safeFileName('nul.txt'), '_nul');
      assert.strictEqual(safeFileName('com1.tar'), '_com1.tar');
      assert.strictEqual(safeFileName('a b\tc\u202Ed'), 'a_b_c_d');
      assert.strictEqual(safeFileName('trailing. '), 'trailing');
      assert.strictEqual(safeFileName('Herāt 😀'), 'Herāt_😀');
      const long = safeFileName('é'.repeat(300));
      assert.ok(Buffer.byteLength(long) <= 200, String(Buffer.byteLength(long)));
      assert.notStrictEqual(long, safeFileName(`${'é'.repeat(300)}x`));
      const lines = ['a/b.txt', 'c/b.txt', 'B.txt', '../..'].map((id) => JSON.stringify({ id, text: 'x' }));
      const r = importJsonl(lines.join('\n'), { file: 'n.jsonl' });
      assert.deepStrictEqual(r.documents.map((d) => d.fileName), ['b.txt', 'b-2.txt', 'B-3.txt', 'line-4.txt']);
      assert.strictEqual(r.problems.filter((p) => p.severity === 'warning').length, 2);
    });
  });

  describe('round trip (property)', () => {
    for (const offsets of ['codepoint', 'utf16'] as const) {
      it(`export → import gives back the same annotations (${offsets} offsets; CRLF, BOM, emoji, combining marks)`, () => {
        fc.assert(
          fc.property(docArb, ({ doc }) => {
            const chunk = exportLine(doc, offsets);
            const { documents, problems } = importJsonl(chunk.text, { file: 'rt.jsonl', offsets });
            assert.deepStrictEqual(problems, []);
            const [d] = documents;
            assert.strictEqual(d.text, doc.text);
            assert.deepStrictEqual(d.annotations.entities, normalizedEntities(doc));
            assert.deepStrictEqual(
              d.annotations.mentions,
              exportedMentions(doc).map(({ entity, start, end, text }) => ({ entity, start, end, text })),
            );
            assert.deepStrictEqual(
              d.annotations.quotes,
              [...doc.annotations.quotes].sort((a, b) => a.start - b.start || a.end - b.end),
            );
            assert.deepStrictEqual(d.annotations.relations, doc.annotations.relations);
            assert.deepStrictEqual(
              chunk.skipped.map((s) => s.mention),
              doc.annotations.mentions.filter((m) => m.orphaned),
            );
          }),
          { numRuns: NUM_RUNS },
        );
      });
    }

    it('round-trips the sample seeds with their hand-made sidecars, losslessly', () => {
      assert.ok(annotatedSeedIds().length >= 1);
      for (const id of annotatedSeedIds()) {
        const doc = annotatedSeed(id);
        const { documents, problems } = importJsonl(exportLine(doc).text, { file: 'seeds.jsonl' });
        assert.deepStrictEqual(problems, [], id);
        const [d] = documents;
        assert.strictEqual(d.text, doc.text, id);
        assert.deepStrictEqual(d.annotations.entities, normalizedEntities(doc), id);
        assert.deepStrictEqual(d.annotations.mentions, doc.annotations.mentions.map(({ entity, start, end, text }) => ({ entity, start, end, text })), id);
        assert.deepStrictEqual(d.annotations.quotes, doc.annotations.quotes.map(({ start, end, speaker, text }) => ({ start, end, ...(speaker ? { speaker } : {}), text })), id);
        assert.deepStrictEqual(d.annotations.relations, doc.annotations.relations, id);
      }
    });

    it('round-trips the sample seeds, every capitalized word tagged', () => {
      for (const id of sampleSeedIds()) {
        const doc = taggedSeed(id);
        const [d] = importJsonl(exportLine(doc).text, { file: 'seeds.jsonl' }).documents;
        assert.strictEqual(d.text, doc.text, id);
        assert.deepStrictEqual(d.annotations.mentions, doc.annotations.mentions, id);
      }
    });
  });

  describe('read by Python', function () {
    before(function () {
      if (!pythonHas('json')) this.skip();
    });

    it('json.loads every line, and text[start:end] is each mention (code points; UTF-16 when asked)', () => {
      const script = String.raw`
import json, sys
cases = json.load(sys.stdin)
bad = []
for n, case in enumerate(cases):
    lines = case['line'].splitlines()
    if len(lines) != 1:
        bad.append([n, 'splitlines gives %d lines' % len(lines)])
        continue
    doc = json.loads(lines[0])
    text = doc['text']
    if case['unit'] == 'utf16':
        units = text.encode('utf-16-le')
        got = [units[2 * s:2 * e].decode('utf-16-le') for s, e, _ in doc['label']]
    else:
        got = [text[s:e] for s, e, _ in doc['label']]
    if got != case['texts']:
        bad.append([n, got, case['texts']])
print(json.dumps({'checked': len(cases), 'bad': bad[:5]}))
`;
      const result = runPython<{ checked: number; bad: unknown[] }>(script, written);
      assert.deepStrictEqual(result.bad, []);
      assert.ok(result.checked >= 2 * NUM_RUNS, String(result.checked));
    });
  });
});
