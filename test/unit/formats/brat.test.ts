import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import {
  bratAnnotationConf,
  bratArticle,
  bratVisualConf,
  createBratExporter,
  importBrat,
  NewlineFolding,
  toBratText,
} from '../../../src/core/formats/brat';
import type { OutputFile, SeedDocument } from '../../../src/core/formats/document';
import { formatProblem, UniqueNames } from '../../../src/core/formats/document';
import { OffsetMap } from '../../../src/core/offsets';
import { annotatedSeed, annotatedSeedIds, designSeed, docArb, exportedMentions, NUM_RUNS, pythonHas, runPython, sampleSeedIds, taggedSeed, tempDir } from './support';

/** Every .txt/.ann pair written here, for the Python check at the end (one process). */
const written: Array<{ txt: string; ann: string }> = [];

function exportOne(doc: SeedDocument) {
  const article = bratArticle(doc);
  written.push({ txt: article.txt, ann: article.ann });
  return article;
}

function doc(text: string, mentions: Array<[number, number, string]>, entities = [{ id: 'e', type: 'GPE', name: 'E' }]): SeedDocument {
  const map = new OffsetMap(text);
  return {
    id: 'x.txt',
    text,
    annotations: { schema: 1, article: 'x.txt', entities, mentions: mentions.map(([start, end, entity]) => ({ entity, start, end, text: map.slice(start, end) })), quotes: [], relations: [] },
  };
}

describe('formats/brat', () => {
  describe('export', () => {
    it('writes the seed as brat standoff: T, *Equiv, N, # and R lines', () => {
      const seed = designSeed();
      const a = exportOne(seed);
      assert.strictEqual(a.txt, seed.text);
      assert.strictEqual(
        a.ann,
        [
          'T1\tORG 46 53\tTaliban',
          'T2\tPERSON 130 153\tMullah Amir Khan Motaqi',
          'T3\tPERSON 460 467\tMuttaqi',
          '*\tEquiv T2 T3',
          'N1\tReference T2 wikidata:Q123\tAmir Khan Muttaqi',
          'N2\tReference T3 wikidata:Q123\tAmir Khan Muttaqi',
          "#1\tAnnotatorNotes T2\tHead of the Taliban's commission for guidance",
          'R1\tmember_of Arg1:T2 Arg2:T1',
          '',
        ].join('\n'),
      );
      assert.deepStrictEqual([...a.types], ['ORG', 'PERSON']);
      assert.deepStrictEqual(a.skipped.map((s) => s.cause), ['orphaned']);
    });

    it('writes LF text without BOM and counts code points in it (CRLF article, astral characters)', () => {
      const text = 'date 2021-09-01 😀 A\r\n\r\nKabul\rHerāt\r\n';
      const d = doc(text, [[23, 28, 'e'], [29, 34, 'e']]);
      d.hadBom = true;
      const a = exportOne(d);
      assert.strictEqual(a.txt, 'date 2021-09-01 😀 A\n\nKabul\nHerāt\n');
      assert.strictEqual(a.ann.split('\n')[0], 'T1\tGPE 21 26\tKabul');
      assert.strictEqual(a.ann.split('\n')[1], 'T2\tGPE 27 32\tHerāt');
    });

    it('writes a mention over a line break as fragments, and skips one that starts with a line break', () => {
      const text = 'date 2021-09-01 Panjshir\r\nValley and\n\nmore';
      const a = exportOne(doc(text, [[16, 32, 'e'], [24, 32, 'e']]));
      assert.strictEqual(a.ann.split('\n')[0], 'T1\tGPE 16 24;25 31\tPanjshir Valley');
      assert.deepStrictEqual(a.skipped.map((s) => [s.cause, s.mention?.start]), [['unsupported', 24]]);
    });

    it('reports what brat cannot hold: odd link sources, line breaks in notes, relations without mentions', () => {
      const d = doc('date 2021-09-01 Kabul and Herāt', [[16, 21, 'k']], [
        { id: 'k', type: 'GPE', name: 'Kabul', note: 'capital\nof Afghanistan', links: { wikidata: 'Q5838', 'geo names': '1138958', 'a:b': 'c' } } as never,
        { id: 'h', type: 'GPE', name: 'Herāt' },
      ]);
      d.annotations.relations.push({ type: 'near', from: 'k', to: 'h' });
      const a = exportOne(d);
      assert.ok(a.ann.includes('N1\tReference T1 wikidata:Q5838\tKabul\n'));
      assert.ok(a.ann.includes('#1\tAnnotatorNotes T1\tcapital of Afghanistan\n'));
      assert.ok(!a.ann.includes('R1'));
      assert.deepStrictEqual(a.skipped.map((s) => s.kind), ['link', 'link', 'note', 'relation']);
    });

    it('names files after the ids, uniquely, and describes the types in annotation.conf and visual.conf', () => {
      const ex = createBratExporter({ colours: { PERSON: '#123456', ORG: 'not a colour;' } });
      const files: OutputFile[] = [];
      for (const id of ['a/b.txt', 'c/b.txt', '../../x.txt']) {
        const d = designSeed();
        d.id = id;
        files.push(...ex.document(d).files);
      }
      files.push(...ex.document(doc('Kabul', [[0, 5, 'e']], [{ id: 'e', type: 'WORK OF ART', name: 'K' }])).files);
      files.push(...ex.finish());
      assert.deepStrictEqual(files.map((f) => f.name), ['b.txt', 'b.ann', 'b-2.txt', 'b-2.ann', 'x.txt', 'x.ann', 'x-2.txt', 'x-2.ann', 'annotation.conf', 'visual.conf']);
      const conf = files[8].content;
      assert.match(conf, /\[entities\]\nPERSON\nORG\nWORK_OF_ART\n/);
      assert.match(conf, /\nEquiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n/);
      assert.match(conf, /\nmember_of\tArg1:<ENTITY>, Arg2:<ENTITY>\n/);
      assert.match(conf, /\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n/);
      const visual = files[9].content;
      assert.match(visual, /\nPERSON\tbgColor:#123456, borderColor:darken\n/);
      assert.match(visual, /\nORG\tbgColor:#8fb2ff, borderColor:darken\n/);
      assert.match(visual, /\nWORK_OF_ART\tbgColor:#[0-9a-f]{6}, borderColor:darken\n/);
      assert.strictEqual(bratAnnotationConf([], []).includes('[entities]\n\n[relations]'), true);
      assert.ok(bratVisualConf(['GPE']).includes('GPE\tbgColor:#7fe2ff'));
    });

    it('folds CRLF both ways (NewlineFolding)', () => {
      const stored = 'a\r\nb\rc\r\n😀\r\nd';
      const f = new NewlineFolding(stored);
      const lf = toBratText(stored);
      assert.strictEqual(lf, 'a\nb\nc\n😀\nd');
      const storedCps = [...stored];
      const lfCps = [...lf];
      for (let i = 0; i <= lfCps.length; i++) {
        const s = f.toStored(i);
        assert.strictEqual(f.toLf(s), i);
        if (i < lfCps.length) assert.strictEqual(lfCps[i] === '\n' ? '\n\r'.includes(storedCps[s]) : storedCps[s] === lfCps[i], true, String(i));
      }
    });
  });

  describe('import', () => {
    it('reads back the seed: mentions, entity by Equiv and Reference, note, link, relation', () => {
      const seed = designSeed();
      const a = exportOne(seed);
      const { document, problems } = importBrat({ annPath: 'out/000_eb28ad2c764fb3cf.ann', ann: a.ann, txtPath: 'out/000_eb28ad2c764fb3cf.txt', txt: a.txt, article: { text: seed.text } });
      assert.deepStrictEqual(problems, []);
      assert.ok(document);
      assert.strictEqual(document.fileName, '000_eb28ad2c764fb3cf.txt');
      assert.deepStrictEqual(document.annotations.entities, [
        { id: 'taliban', type: 'ORG', name: 'Taliban' },
        { id: 'amir-khan-muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', note: "Head of the Taliban's commission for guidance", links: { wikidata: 'Q123' } },
      ]);
      assert.deepStrictEqual(document.annotations.mentions, [
        { entity: 'taliban', start: 46, end: 53, text: 'Taliban' },
        { entity: 'amir-khan-muttaqi', start: 130, end: 153, text: 'Mullah Amir Khan Motaqi' },
        { entity: 'amir-khan-muttaqi', start: 460, end: 467, text: 'Muttaqi' },
      ]);
      assert.deepStrictEqual(document.annotations.relations, [{ type: 'member_of', from: 'amir-khan-muttaqi', to: 'taliban' }]);
    });

    it('maps offsets of the LF text back onto a CRLF article, and counts a BOM in the .txt as brat does', () => {
      const stored = 'date 2021-09-01 A\r\n\r\nKabul\r\nfell';
      const txt = '\uFEFFdate 2021-09-01 A\n\nKabul\nfell';
      const ann = 'T1\tGPE 20 25\tKabul\nT2\tX 0 1\t\uFEFF\n';
      const { document, problems } = importBrat({ annPath: 'k.ann', ann, txtPath: 'k.txt', txt, article: { text: stored, hadBom: false } });
      assert.deepStrictEqual(problems.map(formatProblem), ['k.ann:2: T2: span 0 1 covers the byte-order mark']);
      assert.deepStrictEqual(document?.annotations.mentions, [{ entity: 'kabul', start: 21, end: 26, text: 'Kabul' }]);
      assert.strictEqual(document?.text, stored);
      assert.strictEqual(document?.hadBom, undefined);
      // Without a stored article, the .txt (BOM removed) becomes the article.
      const alone = importBrat({ annPath: 'k.ann', ann: '\uFEFFT1\tGPE 20 25\tKabul', txtPath: 'k.txt', txt });
      assert.deepStrictEqual(alone.problems, []);
      assert.strictEqual(alone.document?.text, 'date 2021-09-01 A\n\nKabul\nfell');
      assert.strictEqual(alone.document?.hadBom, true);
      assert.deepStrictEqual(alone.document?.annotations.mentions.map((m) => [m.start, m.end]), [[19, 24]]);
    });

    it('reports lines it cannot take, with file and line, and imports the others', () => {
      const txt = 'Kabul and Herāt and Kabul.\nKabul';
      const ann = [
        'T1\tGPE 0 5\tKabul',
        'T2\tGPE 10 15\tHerat',
        'T3\tGPE 0 3;6 9\tKab and',
        'T4\tGPE 20 25\tKabul',
        'T1\tGPE 0 5\tKabul',
        'T5 GPE 0 5 Kabul',
        'T6\tGPE 27 32\tKabul trailing words',
        'T7\tGPE 20 40\tKabul',
        '#1\tAnnotatorNotes T9\tnote',
        'A1\tNegation T1',
        'E1\tAttack:T1',
        '#2\tAnnotatorNotes T1\tfirst note',
        '#3\tAnnotatorNotes T4\tsecond note',
        'N1\tReference T1 geonames:1138958\t',
        'R1\tnear Arg1:T1 Arg2:T2',
      ].join('\r\n');
      const { document, problems } = importBrat({ annPath: 'p.ann', ann, txtPath: 'p.txt', txt });
      assert.deepStrictEqual(problems.map(formatProblem), [
        'p.ann:2: T2: text "Herat" is not the text at its span: "Herāt"',
        'p.ann:3: T3: discontinuous span 0 3;6 9 is not supported; skipped',
        'p.ann:5: T1 is defined twice',
        'p.ann:6: not a text-bound line (T<id><TAB>TYPE START END<TAB>TEXT)',
        'p.ann:8: T7: span 20 40 is outside the text (32 characters)',
        'p.ann:9: T9 is not a text-bound annotation of this file (or was skipped)',
        'p.ann:10: warning: not imported (only T, #AnnotatorNotes, N Reference, R and *Equiv lines are): A1\tNegation T1',
        'p.ann:11: warning: not imported (only T, #AnnotatorNotes, N Reference, R and *Equiv lines are): E1\tAttack:T1',
        'p.ann:13: warning: a second note for entity "kabul" is not imported: "second note"',
        'p.ann:15: T2 is not a text-bound annotation of this file (or was skipped)',
      ]);
      assert.deepStrictEqual(document?.annotations.entities, [{ id: 'kabul', type: 'GPE', name: 'Kabul', note: 'first note', links: { geonames: '1138958' } }]);
      assert.deepStrictEqual(document?.annotations.mentions.map((m) => [m.start, m.end]), [[0, 5], [20, 25], [27, 32]]);
    });

    it('refuses a .txt that is not the article', () => {
      const r = importBrat({ annPath: 'a.ann', ann: '', txtPath: 'a.txt', txt: 'line one\nline two', article: { text: 'line one\r\nline 2' } });
      assert.strictEqual(r.document, undefined);
      assert.deepStrictEqual(r.problems.map(formatProblem), ['a.txt:2: the article differs from this brat text at line 2, column 6; nothing imported']);
    });

    it('groups by shared Reference even across texts, and keeps different types apart', () => {
      const txt = 'Muttaqi and Motaqi and Kabul and Kabul';
      const ann = 'T1\tPERSON 0 7\tMuttaqi\nT2\tPERSON 12 18\tMotaqi\nT3\tGPE 23 28\tKabul\nT4\tORG 33 38\tKabul\nN1\tReference T1 wikidata:Q1\tAmir Khan Muttaqi\nN2\tReference T2 wikidata:Q1\tAmir Khan Muttaqi\n';
      const { document, problems } = importBrat({ annPath: 'g.ann', ann, txtPath: 'g.txt', txt, names: new UniqueNames() });
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(document?.annotations.entities.map((e) => [e.id, e.type, e.name]), [
        ['amir-khan-muttaqi', 'PERSON', 'Amir Khan Muttaqi'],
        ['kabul', 'GPE', 'Kabul'],
        ['kabul-2', 'ORG', 'Kabul'],
      ]);
      assert.deepStrictEqual(document?.annotations.mentions.map((m) => m.entity), ['amir-khan-muttaqi', 'amir-khan-muttaqi', 'kabul', 'kabul-2']);
    });

    it('reads a span over a line break back as one mention', () => {
      const stored = 'date 2021-09-01 Panjshir\r\nValley';
      const a = exportOne(doc(stored, [[16, 32, 'e']]));
      const { document, problems } = importBrat({ annPath: 'v.ann', ann: a.ann, txtPath: 'v.txt', txt: a.txt, article: { text: stored } });
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(document?.annotations.mentions, [{ entity: 'panjshir-valley', start: 16, end: 32, text: 'Panjshir\r\nValley' }]);
    });
  });

  describe('round trip', () => {
    /** Mentions as comparable strings, and the partition of mentions into entities. */
    function shape(mentions: Array<{ start: number; end: number; text: string; entity: string }>, typeOf: (entity: string) => string) {
      const keys = mentions.map((m) => `${m.start}/${m.end}/${typeOf(m.entity)}/${m.text}`);
      const groups = new Map<string, string[]>();
      mentions.forEach((m, i) => groups.set(m.entity, [...(groups.get(m.entity) ?? []), keys[i]]));
      return { keys: [...new Set(keys)].sort(), groups: [...groups.values()].map((g) => [...new Set(g)].sort().join('|')).sort() };
    }

    /** The entity partition brat can give back: the original one, joined where two mentions share type and text. */
    function expectedShape(d: SeedDocument) {
      const mentions = exportedMentions(d);
      const typeOf = (id: string) => d.annotations.entities.find((e) => e.id === id)?.type as string;
      const parent = new Map<string, string>();
      const find = (x: string): string => (parent.get(x) === undefined || parent.get(x) === x ? x : find(parent.get(x) as string));
      const union = (a: string, b: string) => parent.set(find(a), find(b));
      const bySurface = new Map<string, string>();
      for (const m of mentions) {
        const key = `${typeOf(m.entity)}\u0000${m.text}`;
        const other = bySurface.get(key);
        if (other) union(other, m.entity);
        else bySurface.set(key, m.entity);
      }
      const linked = new Map<string, string>();
      for (const e of d.annotations.entities) {
        const q = e.links?.wikidata && `${e.type}/${e.links.wikidata}`;
        if (!q || !mentions.some((m) => m.entity === e.id)) continue;
        if (linked.has(q)) union(linked.get(q) as string, e.id);
        else linked.set(q, e.id);
      }
      return shape(
        mentions.map((m) => ({ ...m, entity: find(m.entity) })),
        (id) => typeOf(id),
      );
    }

    it('export → import gives back the same mentions, types and entities (CRLF, BOM, emoji, combining marks)', () => {
      fc.assert(
        fc.property(fc.array(docArb, { minLength: 1, maxLength: 3 }), (generated) => {
          const ex = createBratExporter();
          const names = new UniqueNames();
          for (const { doc: d } of generated) {
            const chunk = ex.document(d);
            const [txt, ann] = chunk.files;
            written.push({ txt: txt.content, ann: ann.content });
            assert.ok(!txt.content.includes('\r') && !txt.content.startsWith('\uFEFF'));
            const { document, problems } = importBrat({
              annPath: `out/${ann.name}`,
              ann: ann.content,
              txtPath: `out/${txt.name}`,
              txt: txt.content,
              article: { text: d.text, hadBom: d.hadBom },
              names,
            });
            // Warnings are expected where two entities merge (same type and text) with different links or notes.
            assert.deepStrictEqual(problems.filter((p) => p.severity === 'error'), []);
            assert.ok(document);
            assert.strictEqual(document.text, d.text);
            assert.strictEqual(document.fileName, txt.name);
            assert.strictEqual(Boolean(document.hadBom), Boolean(d.hadBom));
            const typeOf = (id: string) => document.annotations.entities.find((e) => e.id === id)?.type as string;
            assert.deepStrictEqual(shape(document.annotations.mentions, typeOf), expectedShape(d));
            for (const m of document.annotations.mentions) assert.strictEqual(new OffsetMap(d.text).slice(m.start, m.end), m.text);
          }
          const conf = ex.finish();
          assert.deepStrictEqual(conf.map((f) => f.name), ['annotation.conf', 'visual.conf']);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('round-trips the sample seeds with their hand-made sidecars (CRLF, BOM, curly quotes, Unicode names)', () => {
      for (const id of annotatedSeedIds()) {
        const d = annotatedSeed(id);
        const a = exportOne(d);
        const { document, problems } = importBrat({ annPath: 'a.ann', ann: a.ann, txtPath: 'a.txt', txt: a.txt, article: { text: d.text, hadBom: d.hadBom } });
        assert.deepStrictEqual(problems.filter((p) => p.severity === 'error'), [], id);
        const typeOf = (e: string) => document?.annotations.entities.find((x) => x.id === e)?.type as string;
        assert.deepStrictEqual(shape(document?.annotations.mentions ?? [], typeOf), expectedShape(d), id);
        const notes = d.annotations.entities.filter((e) => e.note && d.annotations.mentions.some((m) => m.entity === e.id)).map((e) => e.note).sort();
        assert.deepStrictEqual(document?.annotations.entities.filter((e) => e.note).map((e) => e.note).sort(), notes, id);
        assert.strictEqual(document?.annotations.relations.length, d.annotations.relations.length, id);
      }
    });

    it('round-trips the sample seeds, every capitalized word tagged', () => {
      for (const id of sampleSeedIds()) {
        const d = taggedSeed(id);
        const a = exportOne(d);
        const { document, problems } = importBrat({ annPath: 'a.ann', ann: a.ann, txtPath: 'a.txt', txt: a.txt, article: { text: d.text, hadBom: d.hadBom } });
        assert.deepStrictEqual(problems, [], id);
        assert.deepStrictEqual(
          document?.annotations.mentions.map((m) => [m.start, m.end, m.text]),
          d.annotations.mentions.map((m) => [m.start, m.end, m.text]),
          id,
        );
      }
    });
  });

  describe('read as brat reads it (Python)', function () {
    before(function () {
      if (!pythonHas('json')) this.skip();
    });

    it("open(txt, encoding='utf-8', newline=None).read()[start:end] is every T line's text", () => {
      const dir = tempDir('brat');
      try {
        written.forEach((w, i) => {
          fs.writeFileSync(path.join(dir, `${i}.txt`), w.txt, 'utf8');
          fs.writeFileSync(path.join(dir, `${i}.ann`), w.ann, 'utf8');
        });
        const script = String.raw`
import json, os, re, sys
data = json.load(sys.stdin)
bad, ts = [], 0
for i in range(data['count']):
    text = open(os.path.join(data['dir'], '%d.txt' % i), encoding='utf-8', newline=None).read()
    ids = set()
    with open(os.path.join(data['dir'], '%d.ann' % i), encoding='utf-8', newline=None) as f:
        lines = f.read().split('\n')
    for line in lines:
        if not line:
            continue
        ident, rest = line.split('\t', 1)
        if ident.startswith('T'):
            data_, tail = rest.split('\t', 1)
            type_, spans = data_.split(' ', 1)
            frags = [tuple(int(x) for x in s.split(' ')) for s in spans.split(';')]
            if ' '.join(text[s:e] for s, e in frags) != tail:
                bad.append([i, line])
            ids.add(ident)
            ts += 1
        else:
            refs = re.findall(r'(?<![\w])T\d+', rest.split('\t')[0])
            if any(r not in ids for r in refs):
                bad.append([i, 'dangling ' + line])
print(json.dumps({'bad': bad[:5], 'ts': ts}))
`;
        const r = runPython<{ bad: unknown[]; ts: number }>(script, { dir, count: written.length });
        assert.deepStrictEqual(r.bad, []);
        assert.ok(r.ts > NUM_RUNS, String(r.ts));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
