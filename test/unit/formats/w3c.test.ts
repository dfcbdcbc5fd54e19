import * as assert from 'assert';
import fc from 'fast-check';
import type { SeedDocument } from '../../../src/core/formats/document';
import { articleIri, createW3cExporter, w3cDocument, W3C_CONTEXT } from '../../../src/core/formats/w3c';
import { designSeed, docArb, exportedMentions, NUM_RUNS, pythonHas, runPython, sampleSeedIds, taggedSeed, annotatedSeed, annotatedSeedIds } from './support';

/** Pages written here, with the article texts by id, for Python at the end. */
const pages: Array<{ page: string; texts: Record<string, string> }> = [];

function exportPage(docs: SeedDocument[]): string {
  const ex = createW3cExporter();
  let page = ex.header();
  for (const d of docs) page += ex.document(d).text;
  page += ex.footer();
  pages.push({ page, texts: Object.fromEntries(docs.map((d) => [d.id, d.text])) });
  return page;
}

describe('formats/w3c', () => {
  it('writes an AnnotationPage with one Annotation per mention of the seed', () => {
    const page = JSON.parse(exportPage([designSeed()]));
    assert.strictEqual(page['@context'], W3C_CONTEXT);
    assert.strictEqual(page.type, 'AnnotationPage');
    assert.strictEqual(page.items.length, 3);
    assert.deepStrictEqual(page.items[0], {
      id: 'urn:seed-annotator:seeds/000_eb28ad2c764fb3cf.txt#mention-46-53-taliban',
      type: 'Annotation',
      motivation: 'identifying',
      body: [
        { type: 'TextualBody', purpose: 'tagging', value: 'ORG' },
        { type: 'SpecificResource', purpose: 'identifying', source: { id: 'urn:seed-annotator:seeds/000_eb28ad2c764fb3cf.txt#entity-taliban', label: 'Taliban' } },
      ],
      target: {
        source: 'seeds/000_eb28ad2c764fb3cf.txt',
        selector: [
          { type: 'TextQuoteSelector', exact: 'Taliban', prefix: '01 The negotiations between the ', suffix: ' and leaders of Panjshir have fa' },
          { type: 'TextPositionSelector', start: 46, end: 53 },
        ],
      },
    });
    assert.deepStrictEqual(page.items[1].body.slice(2), [
      { type: 'SpecificResource', purpose: 'identifying', source: 'http://www.wikidata.org/entity/Q123' },
      { type: 'TextualBody', purpose: 'describing', value: "Head of the Taliban's commission for guidance" },
    ]);
    assert.deepStrictEqual(page.items[2].target.selector[1], { type: 'TextPositionSelector', start: 460, end: 467 });
    assert.deepStrictEqual(w3cDocument(designSeed()).skipped.map((s) => s.cause), ['orphaned']);
  });

  it('writes a valid page for no mentions, and percent-encodes ids', () => {
    assert.deepStrictEqual(JSON.parse(exportPage([])), { '@context': W3C_CONTEXT, type: 'AnnotationPage', items: [] });
    assert.strictEqual(articleIri('seeds/a b#1?.txt'), 'urn:seed-annotator:seeds/a%20b%231%3F.txt');
    assert.strictEqual(articleIri('seeds/Herāt.txt'), 'urn:seed-annotator:seeds/Her%C4%81t.txt');
  });

  it('property: one JSON document, unique ids, selectors that agree (generated corpora)', () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 0, maxLength: 3 }), (generated) => {
        const docs = generated.map(({ doc }, i) => ({ ...doc, id: `case-${pages.length}-${i}/${doc.id}` }));
        const page = JSON.parse(exportPage(docs));
        const expected = docs.reduce((n, d) => n + exportedMentions(d).length, 0);
        assert.strictEqual(page.items.length, expected);
        const ids = page.items.map((a: { id: string }) => a.id);
        assert.strictEqual(new Set(ids).size, ids.length);
        for (const a of page.items) {
          const [quote, position] = a.target.selector;
          assert.ok([...quote.prefix].length <= 32 && [...quote.suffix].length <= 32);
          assert.strictEqual([...quote.exact].length, position.end - position.start);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  describe('read by Python', function () {
    before(function () {
      if (!pythonHas('json')) this.skip();
    });

    it('json.loads each page; exact, prefix and suffix sit at the code-point position', () => {
      exportPage(sampleSeedIds().map(taggedSeed));
      exportPage(annotatedSeedIds().map(annotatedSeed));
      const script = String.raw`
import json, sys
cases = json.load(sys.stdin)
bad, items = [], 0
for n, case in enumerate(cases):
    page = json.loads(case['page'])
    assert page['@context'] == 'http://www.w3.org/ns/anno.jsonld'
    for a in page['items']:
        items += 1
        q, p = a['target']['selector']
        text = case['texts'][a['target']['source']]
        s, e = p['start'], p['end']
        if text[s:e] != q['exact'] or text[s - len(q['prefix']):s] != q['prefix'] or text[e:e + len(q['suffix'])] != q['suffix']:
            bad.append([n, a['id']])
print(json.dumps({'bad': bad[:5], 'items': items}))
`;
      const r = runPython<{ bad: unknown[]; items: number }>(script, pages);
      assert.deepStrictEqual(r.bad, []);
      assert.ok(r.items > NUM_RUNS, String(r.items));
    });
  });
});
