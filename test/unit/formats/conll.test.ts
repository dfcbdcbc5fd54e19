import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { conllDocument, conllTag, createConllExporter } from '../../../src/core/formats/conll';
import type { SeedDocument } from '../../../src/core/formats/document';
import { annotatedSeed, annotatedSeedIds, designSeed, docArb, NUM_RUNS, pythonHas, readConllWithNltk, sampleSeedIds, taggedSeed, tempDir } from './support';

type Tags = 'types' | 'conll';

/** Every document exported here, for the NLTK check at the end (one Python process). */
const exported: Array<{ doc: SeedDocument; tags: Tags; block: string }> = [];

function exportDoc(doc: SeedDocument, tags: Tags = 'types') {
  const chunk = conllDocument(doc, { tags });
  exported.push({ doc, tags, block: chunk.text });
  return chunk;
}

/** Rows of a block as [token, tag], sentences separated by null. */
function rows(block: string): Array<[string, string] | null> {
  return block
    .split('\n')
    .slice(2, -1)
    .map((line) => (line === '' ? null : (line.split(' ') as [string, string])));
}

/**
 * What a reader should find, worked out from the mentions alone (not from the exporter): the
 * outermost of nested mentions, types mapped, DATE dropped under `conll`.
 */
function expectedSpans(doc: SeedDocument, tags: Tags): Array<[number, number, string]> {
  const header = /^\s*date \d{4}-\d{2}-\d{2}/.exec(doc.text.split(/[\r\n]/)[0]);
  const headerEnd = header ? header[0].length : 0;
  const candidates = doc.annotations.mentions
    .filter((m) => !m.orphaned && m.start >= headerEnd)
    .map((m) => {
      const type = doc.annotations.entities.find((e) => e.id === m.entity)?.type as string;
      return { start: m.start, end: m.end, tag: tags === 'conll' ? ({ PERSON: 'PER', ORG: 'ORG', GPE: 'LOC', LOC: 'LOC', DATE: 'O' } as Record<string, string>)[type] ?? 'MISC' : type };
    })
    .filter((c) => c.tag !== 'O')
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Array<[number, number, string]> = [];
  for (const c of candidates) if (kept.length === 0 || c.start >= kept[kept.length - 1][1]) kept.push([c.start, c.end, c.tag]);
  return kept;
}

describe('formats/conll', () => {
  it('writes the seed as CoNLL-2003: -DOCSTART-, the header as an O sentence, IOB2 tags', () => {
    const chunk = exportDoc(designSeed());
    assert.ok(chunk.text.startsWith('-DOCSTART- O\n\ndate O\n2021 O\n- O\n09 O\n- O\n01 O\n\nThe O\nnegotiations O\n'));
    assert.ok(chunk.text.includes('\nthe O\nTaliban B-ORG\nand O\n'));
    assert.ok(chunk.text.includes('\n. O\n\nMullah B-PERSON\nAmir I-PERSON\nKhan I-PERSON\nMotaqi I-PERSON\n, O\n'));
    assert.ok(chunk.text.includes('\n" O\nMuttaqi B-PERSON\nsaid O\n'));
    assert.ok(chunk.text.includes("\nafter O\nAfghanistan's O\ncapital O\n"), 'an untagged possessive stays one token');
    assert.ok(chunk.text.endsWith('\n( O\nWith O\ninputs O\nfrom O\nagencies O\n) O\n\n'));
    assert.deepStrictEqual(
      chunk.skipped.map((s) => s.cause),
      ['orphaned'],
    );
  });

  it('maps types with tags: conll (PERSON→PER, GPE/LOC→LOC, DATE→O, others→MISC)', () => {
    assert.deepStrictEqual(
      ['PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'EVENT', 'DATE', 'MISC', 'CUSTOM'].map((t) => conllTag(t, 'conll')),
      ['PER', 'ORG', 'LOC', 'LOC', 'MISC', 'MISC', 'O', 'MISC', 'MISC'],
    );
    assert.strictEqual(conllTag('WORK OF ART'), 'WORK_OF_ART');
    const doc = designSeed();
    doc.annotations.entities.push({ id: 'month', type: 'DATE', name: 'last month' }, { id: 'na', type: 'NORP', name: 'Northern Alliance' });
    doc.annotations.mentions.push({ entity: 'month', start: 670, end: 680, text: 'last month' }, { entity: 'na', start: 686, end: 703, text: 'Northern Alliance' });
    const text = exportDoc(doc, 'conll').text;
    assert.ok(text.includes('\nMullah B-PER\nAmir I-PER\n'));
    assert.ok(text.includes('\nlast O\nmonth O\n'));
    assert.ok(text.includes('\nNorthern B-MISC\nAlliance I-MISC\n'));
  });

  it('cuts tokens at entity boundaries: Taliban’s → Taliban ’s', () => {
    const doc = designSeed();
    doc.annotations.mentions.push({ entity: 'taliban', start: 167, end: 174, text: 'Taliban' });
    assert.ok(exportDoc(doc).text.includes('\nof O\nTaliban B-ORG\n’s O\ncommission O\n'));
  });

  it('tags the outermost of nested mentions and reports the inner one', () => {
    const doc = designSeed();
    doc.annotations.entities.push({ id: 'valley', type: 'LOC', name: 'Panjshir Valley' }, { id: 'panjshir', type: 'GPE', name: 'Panjshir' });
    doc.annotations.mentions.push({ entity: 'panjshir', start: 543, end: 551, text: 'Panjshir' }, { entity: 'valley', start: 543, end: 558, text: 'Panjshir Valley' });
    const chunk = exportDoc(doc);
    assert.ok(chunk.text.includes('\n\nPanjshir B-LOC\nValley I-LOC\nhas O\n'));
    const nested = chunk.skipped.filter((s) => s.cause === 'nested');
    assert.strictEqual(nested.length, 1);
    assert.strictEqual(nested[0].mention?.entity, 'panjshir');
    assert.match(nested[0].reason, /inside "Panjshir Valley" \[543, 558\)/);
  });

  it('keeps a tagged entity in one sentence even across ". " and tags the header O', () => {
    const text = 'date 2021-09-01 Gen. Dostum left. Then';
    const doc: SeedDocument = {
      id: 'x.txt',
      text,
      annotations: {
        schema: 1,
        article: 'x.txt',
        entities: [{ id: 'd', type: 'PERSON', name: 'Gen. Dostum' }, { id: 'h', type: 'DATE', name: 'date' }],
        mentions: [{ entity: 'd', start: 16, end: 27, text: 'Gen. Dostum' }, { entity: 'h', start: 5, end: 15, text: '2021-09-01' }],
        quotes: [],
        relations: [],
      },
    };
    const chunk = exportDoc(doc);
    assert.strictEqual(chunk.text, '-DOCSTART- O\n\ndate O\n2021 O\n- O\n09 O\n- O\n01 O\n\nGen B-PERSON\n. I-PERSON\nDostum I-PERSON\nleft O\n. O\n\nThen O\n\n');
    assert.deepStrictEqual(chunk.skipped.map((s) => s.cause), ['header']);
  });

  it('streams one block per article with no header or footer', () => {
    const ex = createConllExporter({ tags: 'conll' });
    assert.strictEqual(ex.kind, 'stream');
    assert.strictEqual(ex.header() + ex.footer(), '');
    const out = sampleSeedIds().map((id) => ex.document(taggedSeed(id)).text).join('');
    assert.strictEqual(out.split('-DOCSTART- O\n\n').length - 1, sampleSeedIds().length);
  });

  it('property: tokens cover the text, one column of valid IOB2 tags, entities start with B (generated articles)', () => {
    fc.assert(
      fc.property(docArb, fc.constantFrom<Tags>('types', 'conll'), ({ doc }, tags) => {
        const chunk = exportDoc(doc, tags);
        assert.ok(chunk.text.startsWith('-DOCSTART- O\n\n'));
        assert.ok(chunk.text.endsWith('\n\n') || chunk.text === '-DOCSTART- O\n\n');
        const tokens: string[] = [];
        let previous = 'O';
        for (const row of rows(chunk.text)) {
          if (row === null) {
            previous = 'O';
            continue;
          }
          assert.strictEqual(row.length, 2, JSON.stringify(row));
          const [token, tag] = row;
          assert.match(tag, /^(O|[BI]-\S+)$/);
          if (tag.startsWith('I-')) assert.ok(previous !== 'O' && previous.slice(2) === tag.slice(2), `${previous} then ${tag}`);
          previous = tag;
          tokens.push(token);
        }
        // eslint-disable-next-line no-control-regex -- Python's str.split() also splits at \x1c-\x1f
        assert.strictEqual(tokens.join(''), doc.text.replace(/[\s\x1c-\x1f\x85]/g, ''));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  describe('read by NLTK', function () {
    before(function () {
      if (!pythonHas('nltk')) this.skip();
    });

    it("ConllCorpusReader reads every block; tokens align with the text and IOB2 spans are the expected mentions", () => {
      for (const tags of ['types', 'conll'] as const) {
        for (const id of sampleSeedIds()) exportDoc(taggedSeed(id), tags);
        for (const id of annotatedSeedIds()) exportDoc(annotatedSeed(id), tags);
      }
      const dir = tempDir('conll');
      try {
        fs.writeFileSync(path.join(dir, 'all.conll'), exported.map((e) => e.block).join(''), 'utf8');
        const result = readConllWithNltk(path.join(dir, 'all.conll'), exported.map((e) => e.doc.text));
        assert.strictEqual(result.documents, exported.length);
        let spans = 0;
        exported.forEach((e, i) => {
          const r = result.results[i];
          assert.deepStrictEqual(r.errors, [], `${e.doc.id}: ${JSON.stringify(e.doc.text)}`);
          assert.deepStrictEqual(r.spans, expectedSpans(e.doc, e.tags), `${e.doc.id} (${e.tags}): ${JSON.stringify(e.doc.text)}`);
          spans += r.spans.length;
        });
        assert.ok(exported.length >= NUM_RUNS && spans > NUM_RUNS, `${exported.length} documents, ${spans} spans`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
