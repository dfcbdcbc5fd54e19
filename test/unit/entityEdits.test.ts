import * as assert from 'assert';
import { cleanAliases, foldName, mergeEntities, renameChange, takeIdentityChange } from '../../src/core/entityEdits';
import type { Annotations } from '../../src/core/model';

function article(): Annotations {
  return {
    schema: 1,
    article: 'a.txt',
    entities: [
      { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi'] },
      { id: 'motaqi', type: 'PERSON', name: 'Mullah Motaqi', note: 'spelled as in AFP' },
      { id: 'taliban', type: 'ORG', name: 'Taliban', links: { wikidata: 'Q42739' } },
    ],
    mentions: [
      { entity: 'taliban', start: 4, end: 11, text: 'Taliban' },
      { entity: 'motaqi', start: 20, end: 33, text: 'Mullah Motaqi' },
      { entity: 'muttaqi', start: 20, end: 33, text: 'Mullah Motaqi' },
      { entity: 'muttaqi', start: 40, end: 47, text: 'Muttaqi' },
    ],
    quotes: [{ start: 50, end: 60, speaker: 'motaqi', text: '"We tried"' }],
    relations: [
      { type: 'member_of', from: 'motaqi', to: 'taliban' },
      { type: 'member_of', from: 'muttaqi', to: 'taliban' },
      { type: 'same_as', from: 'motaqi', to: 'muttaqi' },
    ],
  };
}

describe('entityEdits', () => {
  it('folds case and diacritics as the merge rule does', () => {
    assert.strictEqual(foldName('Herāt'), foldName('HERAT'));
    assert.strictEqual(foldName('Ismāʿīl  Khān'), 'ismaʿil khan');
  });

  it('cleans aliases of duplicates and of the canonical name', () => {
    assert.deepStrictEqual(cleanAliases('Herat', ['Herāt', 'Hirat', 'hirat', '']), ['Hirat']);
  });

  describe('renameChange', () => {
    it('keeps the old name as an alias when it is a surface form in the text', () => {
      const a = article();
      a.mentions.push({ entity: 'taliban', start: 70, end: 77, text: 'Taliban' });
      assert.deepStrictEqual(renameChange(a.entities[2], a.mentions, 'The Taliban'), { name: 'The Taliban', aliases: ['Taliban'] });
    });

    it('drops an old name that never occurs in the text (a corrected canonical name)', () => {
      const a = article();
      assert.deepStrictEqual(renameChange(a.entities[0], a.mentions, 'Amir Khan Muttaqi (minister)'), { name: 'Amir Khan Muttaqi (minister)', aliases: ['Motaqi'] });
    });

    it('takes the new name out of the aliases', () => {
      const a = article();
      assert.deepStrictEqual(renameChange(a.entities[0], a.mentions, 'Motaqi'), { name: 'Motaqi', aliases: undefined });
    });
  });

  describe('mergeEntities', () => {
    it('re-points mentions, quotes and relations and keeps the source name as an alias', () => {
      const merged = mergeEntities(article(), 'motaqi', 'muttaqi');
      assert.deepStrictEqual(merged.entities, [
        { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi', 'Mullah Motaqi'], note: 'spelled as in AFP' },
        { id: 'taliban', type: 'ORG', name: 'Taliban', links: { wikidata: 'Q42739' } },
      ]);
      // The mention both entities had at [20, 33) is kept once.
      assert.deepStrictEqual(
        merged.mentions.map((m) => `${m.entity}@${m.start}`),
        ['taliban@4', 'muttaqi@20', 'muttaqi@40'],
      );
      assert.strictEqual(merged.quotes[0].speaker, 'muttaqi');
      assert.deepStrictEqual(merged.relations, [{ type: 'member_of', from: 'muttaqi', to: 'taliban' }]);
    });

    it('refuses unknown entities and ignores a merge into itself', () => {
      assert.throws(() => mergeEntities(article(), 'nobody', 'muttaqi'), /unknown entity 'nobody'/);
      const a = article();
      assert.strictEqual(mergeEntities(a, 'muttaqi', 'muttaqi'), a);
    });
  });

  describe('takeIdentityChange', () => {
    it('makes an entity the target, keeping its own names as aliases and its note', () => {
      const source = article().entities[1];
      const change = takeIdentityChange(source, { type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi'], links: { wikidata: 'Q123' } });
      assert.deepStrictEqual(change, {
        type: 'PERSON',
        name: 'Amir Khan Muttaqi',
        aliases: ['Motaqi', 'Mullah Motaqi'],
        note: 'spelled as in AFP',
        links: { wikidata: 'Q123' },
      });
    });
  });
});
