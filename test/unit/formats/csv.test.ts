import * as assert from 'assert';
import fc from 'fast-check';
import { createCsvExporter, csvDocument, csvField, CSV_COLUMNS } from '../../../src/core/formats/csv';
import type { SeedDocument } from '../../../src/core/formats/document';
import { designSeed, docArb, exportedMentions, NUM_RUNS, pythonHas, runPython, sampleSeedIds, taggedSeed, annotatedSeed, annotatedSeedIds } from './support';

/** Whole CSV files written here, with the rows a reader must find, for Python at the end. */
const files: Array<{ csv: string; rows: string[][]; texts: Record<string, string> }> = [];

function exportAll(docs: SeedDocument[]): string {
  const ex = createCsvExporter();
  let csv = ex.header();
  for (const d of docs) csv += ex.document(d).text;
  csv += ex.footer();
  const rows = docs.flatMap((d) => {
    const date = /^\s*date (\d{4}-\d{2}-\d{2})\b/.exec(d.text.split(/[\r\n]/)[0])?.[1] ?? '';
    return exportedMentions(d).map((m) => {
      const e = d.annotations.entities.find((x) => x.id === m.entity);
      return [d.id, date, m.entity, e?.type ?? '', e?.name ?? '', String(m.start), String(m.end), m.text];
    });
  });
  files.push({ csv, rows: [[...CSV_COLUMNS], ...rows], texts: Object.fromEntries(docs.map((d) => [d.id, d.text])) });
  return csv;
}

describe('formats/csv', () => {
  it('writes a header row and one CRLF-ended row per mention of the seed', () => {
    assert.strictEqual(
      exportAll([designSeed()]),
      'file,date,entity,type,name,start,end,text\r\n' +
        'seeds/000_eb28ad2c764fb3cf.txt,2021-09-01,taliban,ORG,Taliban,46,53,Taliban\r\n' +
        'seeds/000_eb28ad2c764fb3cf.txt,2021-09-01,muttaqi,PERSON,Amir Khan Muttaqi,130,153,Mullah Amir Khan Motaqi\r\n' +
        'seeds/000_eb28ad2c764fb3cf.txt,2021-09-01,muttaqi,PERSON,Amir Khan Muttaqi,460,467,Muttaqi\r\n',
    );
    assert.deepStrictEqual(csvDocument(designSeed()).skipped.map((s) => s.cause), ['orphaned']);
  });

  it('quotes fields with a comma, a quote, CR or LF (quotes doubled), and leaves formula-like text as it is', () => {
    assert.strictEqual(csvField('plain text'), 'plain text');
    assert.strictEqual(csvField('a,b'), '"a,b"');
    assert.strictEqual(csvField('say "hi"'), '"say ""hi"""');
    assert.strictEqual(csvField('a\r\nb'), '"a\r\nb"');
    assert.strictEqual(csvField('a\rb'), '"a\rb"');
    assert.strictEqual(csvField('=1+2'), '=1+2');
    assert.strictEqual(csvField(' -x '), ' -x ');
    assert.strictEqual(csvField(46), '46');
  });

  it('leaves date empty for an article without a header', () => {
    const d = designSeed();
    d.text = d.text.replace(' date 2021-09-01', 'xdate 2021-09-01');
    const csv = exportAll([d]);
    assert.ok(csv.split('\r\n')[1].startsWith('seeds/000_eb28ad2c764fb3cf.txt,,taliban,'));
  });

  it('property: generated corpora (quotes, commas, CRLF, emoji in text and names)', () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 3 }), (generated) => {
        const docs = generated.map(({ doc }, i) => ({ ...doc, id: `${i}/${doc.id}, "x"` }));
        const csv = exportAll(docs);
        assert.ok(csv.endsWith('\r\n'));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  describe("read by Python's csv module", function () {
    before(function () {
      if (!pythonHas('csv')) this.skip();
    });

    it('gives back every field, and text is article[start:end] in code points', () => {
      exportAll(sampleSeedIds().map(taggedSeed));
      exportAll(annotatedSeedIds().map(annotatedSeed));
      const script = String.raw`
import csv, io, json, sys
cases = json.load(sys.stdin)
bad = []
for n, case in enumerate(cases):
    rows = list(csv.reader(io.StringIO(case['csv'], newline='')))
    if rows != case['rows']:
        bad.append([n, 'rows differ', rows[:3], case['rows'][:3]])
        continue
    for row in rows[1:]:
        text = case['texts'][row[0]]
        if text[int(row[5]):int(row[6])] != row[7]:
            bad.append([n, row])
print(json.dumps({'bad': bad[:5], 'files': len(cases)}))
`;
      const r = runPython<{ bad: unknown[]; files: number }>(script, files);
      assert.deepStrictEqual(r.bad, []);
      assert.strictEqual(r.files, files.length);
    });
  });
});
