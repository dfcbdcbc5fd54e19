import * as assert from 'assert';
import { mergeImported } from '../../src/core/importMerge';
import type { Annotations, Entity, Mention } from '../../src/core/model';

const TEXT = 'date 2024-03-01 The Taliban met elders in Herāt. Herat residents and the Taliban’s envoy talked.';

function at(text: string, nth = 0): { start: number; end: number; text: string } {
  let u = -1;
  for (let i = 0; i <= nth; i++) u = TEXT.indexOf(text, u + 1);
  const start = Array.from(TEXT.slice(0, u)).length;
  return { start, end: start + Array.from(text).length, text };
}

function annotations(entities: Entity[], mentions: Mention[], extra: Partial<Annotations> = {}): Annotations {
  return { schema: 1, article: 'a.txt', entities, mentions, quotes: [], relations: [], ...extra };
}

describe('importMerge', () => {
  const taliban: Entity = { id: 'taliban', type: 'ORG', name: 'Taliban' };
  const herat: Entity = { id: 'herat', type: 'GPE', name: 'Herāt', links: { wikidata: 'Q5838' } };

  it('adds nothing when every imported mention is already there, whatever the imported ids', () => {
    const existing = annotations([taliban, herat], [{ entity: 'taliban', ...at('Taliban') }, { entity: 'herat', ...at('Herāt') }]);
    const imported = annotations(
      [
        { id: 'org-1', type: 'ORG', name: 'Taliban' },
        { id: 'gpe-1', type: 'GPE', name: 'Herāt' },
      ],
      [{ entity: 'org-1', ...at('Taliban') }, { entity: 'gpe-1', ...at('Herāt') }],
    );
    const { annotations: merged, report } = mergeImported(existing, imported, TEXT);
    assert.deepStrictEqual([report.mentionsAdded, report.mentionsPresent, report.entitiesAdded, report.entitiesUpdated], [0, 2, 0, 0]);
    assert.deepStrictEqual(merged.entities, existing.entities);
    assert.deepStrictEqual(merged.mentions, existing.mentions);
  });

  it('meets existing entities by id, by link and by name without case or diacritics; new ones are added', () => {
    const existing = annotations([taliban, herat], [{ entity: 'taliban', ...at('Taliban') }]);
    const imported = annotations(
      [
        { id: 'taliban', type: 'ORG', name: 'Taliban' },
        { id: 'x', type: 'GPE', name: 'Herat city', links: { wikidata: 'Q5838' } },
        { id: 'y', type: 'GPE', name: 'HERAT' },
        { id: 'envoy', type: 'PERSON', name: 'envoy' },
      ],
      [
        { entity: 'taliban', ...at('Taliban', 1) },
        { entity: 'x', ...at('Herāt') },
        { entity: 'y', ...at('Herat') },
        { entity: 'envoy', ...at('envoy') },
      ],
    );
    const { annotations: merged, report } = mergeImported(existing, imported, TEXT);
    assert.deepStrictEqual(
      merged.mentions.map((m) => [m.entity, m.text]),
      [
        ['taliban', 'Taliban'],
        ['herat', 'Herāt'],
        ['herat', 'Herat'],
        ['taliban', 'Taliban'],
        ['envoy', 'envoy'],
      ],
    );
    assert.deepStrictEqual(merged.entities.map((e) => e.id), ['taliban', 'herat', 'envoy']);
    // Matched by its link: the imported name is a new spelling of the same entity.
    assert.deepStrictEqual(merged.entities[1].aliases, ['Herat city']);
    assert.deepStrictEqual([report.mentionsAdded, report.entitiesAdded, report.entitiesUpdated], [4, 1, 1]);
    // Added mentions carry context for re-anchoring.
    const added = merged.mentions.find((m) => m.text === 'envoy') as Mention;
    assert.ok(added.before?.endsWith('Taliban’s ') && added.after?.startsWith(' talked'));
  });

  it('gives an imported entity a fresh id when its id is taken by an entity of another type', () => {
    const existing = annotations([{ id: 'herat', type: 'PERSON', name: 'Herat Khan' }], []);
    const imported = annotations([{ id: 'herat', type: 'GPE', name: 'Herāt' }], [{ entity: 'herat', ...at('Herāt') }]);
    const { annotations: merged } = mergeImported(existing, imported, TEXT);
    assert.deepStrictEqual(merged.entities.map((e) => [e.id, e.type]), [
      ['herat', 'PERSON'],
      ['herat-2', 'GPE'],
    ]);
    assert.strictEqual(merged.mentions[0].entity, 'herat-2');
  });

  it('keeps the existing tag of a span; a span tagged with another type is added and reported', () => {
    const existing = annotations([taliban], [{ entity: 'taliban', ...at('Taliban') }]);
    const imported = annotations([{ id: 'taliban-group', type: 'NORP', name: 'Taliban' }], [{ entity: 'taliban-group', ...at('Taliban') }]);
    const { annotations: merged, report } = mergeImported(existing, imported, TEXT);
    assert.strictEqual(merged.mentions.length, 2);
    assert.strictEqual(report.notes.length, 1);
    assert.match(report.notes[0], /already tagged as taliban \(ORG\); also tagged as taliban-group \(NORP\)/);
  });

  it('maps quote speakers and relations onto the matched entities, once', () => {
    const existing = annotations([taliban, herat], [{ entity: 'taliban', ...at('Taliban') }], { relations: [{ type: 'based_in', from: 'taliban', to: 'herat' }] });
    const imported = annotations(
      [
        { id: 't', type: 'ORG', name: 'Taliban' },
        { id: 'h', type: 'GPE', name: 'Herat' },
      ],
      [{ entity: 't', ...at('Taliban') }],
      { relations: [{ type: 'based_in', from: 't', to: 'h' }, { type: 'fights', from: 't', to: 'h' }], quotes: [{ ...at('Herat residents'), speaker: 't' }] },
    );
    const { annotations: merged, report } = mergeImported(existing, imported, TEXT);
    assert.deepStrictEqual(merged.relations, [
      { type: 'based_in', from: 'taliban', to: 'herat' },
      { type: 'fights', from: 'taliban', to: 'herat' },
    ]);
    assert.strictEqual(merged.quotes[0].speaker, 'taliban');
    assert.deepStrictEqual([report.relationsAdded, report.quotesAdded, report.entitiesAdded], [1, 1, 0]);
  });

  it('adds an imported entity without mentions (a lossless jsonl keeps them), but not one whose mentions were all there', () => {
    const existing = annotations([taliban], [{ entity: 'taliban', ...at('Taliban') }]);
    const imported = annotations(
      [
        { id: 'org-1', type: 'ORG', name: 'Taleban' },
        { id: 'unused', type: 'PERSON', name: 'Mullah Baradar', note: 'not in this article' },
      ],
      [{ entity: 'org-1', ...at('Taliban') }],
    );
    const { annotations: merged } = mergeImported(existing, imported, TEXT);
    assert.deepStrictEqual(merged.entities.map((e) => e.id), ['taliban', 'unused']);
    assert.strictEqual(merged.entities[0].aliases, undefined, "a name met through a span's tag is not an alias");
  });
});
