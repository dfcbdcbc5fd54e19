import * as assert from 'assert';
import { nameSimilarity, rankAliasCandidates } from '../../src/core/nameSimilarity';

describe('nameSimilarity', () => {
  it('is 1 for names equal up to case and diacritics', () => {
    assert.strictEqual(nameSimilarity('Herāt', 'herat'), 1);
    assert.strictEqual(nameSimilarity('Hera\u0304t', 'Herāt'), 1);
  });

  it('ranks a contained name, an acronym and a near spelling above unrelated names', () => {
    const muttaqi = nameSimilarity('Muttaqi', 'Amir Khan Muttaqi');
    const un = nameSimilarity('UN', 'United Nations');
    const motaqi = nameSimilarity('Motaqi', 'Amir Khan Muttaqi');
    const unrelated = nameSimilarity('Motaqi', 'Panjshir Valley');
    assert.strictEqual(muttaqi, 0.9);
    assert.strictEqual(un, 0.85);
    assert.ok(motaqi > 0.5 && motaqi < 0.85, String(motaqi));
    assert.ok(unrelated < 0.4, String(unrelated));
    assert.strictEqual(nameSimilarity('', 'x'), 0);
  });

  it('prefers a plausible entity of the article itself to a closer name from elsewhere', () => {
    const ranked = rankAliasCandidates('Motaqi', [
      { entity: { type: 'PERSON', name: 'Mullah Amir Khan Motaqi' }, ref: 'elsewhere' },
      { entity: { type: 'PERSON', name: 'Amir Khan Muttaqi' }, ref: 'here', local: true },
      { entity: { type: 'ORG', name: 'Taliban' }, ref: 'unrelated-here', local: true },
    ]);
    assert.deepStrictEqual(ranked.map((c) => c.ref), ['here', 'elsewhere', 'unrelated-here']);
  });

  it('orders candidates: similarity, then the preferred type, then the article\'s own', () => {
    const ranked = rankAliasCandidates(
      'Motaqi',
      [
        { entity: { type: 'ORG', name: 'Taliban' }, ref: 'taliban' },
        { entity: { type: 'PERSON', name: 'Amir Khan Muttaqi' }, ref: 'muttaqi' },
        { entity: { type: 'GPE', name: 'Panjshir', aliases: ['Panjsher'] }, ref: 'panjshir' },
      ],
      'PERSON',
    );
    assert.strictEqual(ranked[0].ref, 'muttaqi');
    const tie = rankAliasCandidates('Kabul', [
      { entity: { type: 'GPE', name: 'Kabul' }, ref: 'other' },
      { entity: { type: 'GPE', name: 'Kabul' }, ref: 'here', local: true },
    ]);
    assert.deepStrictEqual(tie.map((c) => c.ref), ['here', 'other']);
  });
});
