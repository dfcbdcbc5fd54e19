import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { EntityMergeIndex, mergeEntities, normalizeName } from '../../src/core/entityMerge';
import type { EntityMember, MergedEntity } from '../../src/core/entityMerge';
import type { Entity } from '../../src/core/model';

const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);

function member(file: string, entity: Entity, index = 0): EntityMember {
  return { file, entity, index, mentionCount: 0 };
}

function e(id: string, type: string, name: string, extra: Partial<Entity> = {}): Entity {
  return { id, type, name, ...extra };
}

/** The merged groups as sorted lists of `file#id`, for comparisons that ignore everything else. */
function groups(merged: MergedEntity[]): string[][] {
  return merged.map((m) => m.members.map((x) => `${x.file}#${x.entity.id}`).sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function mergedOf(merged: MergedEntity[], file: string, id: string): MergedEntity {
  const m = merged.find((x) => x.members.some((y) => y.file === file && y.entity.id === id));
  assert.ok(m, `${file}#${id} is in a merged entity`);
  return m;
}

describe('entityMerge', () => {
  describe('normalizeName', () => {
    it('ignores case, diacritics and white space', () => {
      assert.equal(normalizeName('Herāt'), 'herat');
      assert.equal(normalizeName('HERAT'), 'herat');
      assert.equal(normalizeName('  Herat  '), 'herat');
      assert.equal(normalizeName('Amir   Khan\tMuttaqi'), 'amir khan muttaqi');
      assert.equal(normalizeName('Ismāʿīl Khān'), normalizeName('Ismaʿil Khan'));
      assert.equal(normalizeName('Mazār-i-Sharīf'), 'mazar-i-sharif');
      assert.equal(normalizeName('STRAẞE'), normalizeName('strasse'));
      assert.equal(normalizeName('Zoë'), normalizeName('ZOE'));
      assert.equal(normalizeName('Кабул'), 'кабул');
      // Precomposed and decomposed forms meet.
      assert.equal(normalizeName('He\u0301rat'), normalizeName('H\u00e9rat'));
    });
  });

  describe('the merge rule', () => {
    it('merges the same wikidata id, across names and types', () => {
      const merged = mergeEntities([
        member('a', e('herat', 'GPE', 'Herāt', { links: { wikidata: 'Q1' } })),
        member('b', e('hirat', 'LOC', 'Hirat', { links: { wikidata: 'Q1' } })),
        member('c', e('herat-city', 'GPE', 'Herat City', { links: { wikidata: 'Q1' } })),
      ]);
      assert.equal(merged.length, 1);
      assert.equal(merged[0].key, 'wikidata:Q1');
      assert.equal(merged[0].type, 'GPE');
      assert.equal(merged[0].fileCount, 3);
      assert.deepStrictEqual(merged[0].links, { wikidata: 'Q1' });
    });

    it('merges the same name or alias of the same type, case- and diacritic-insensitive', () => {
      const merged = mergeEntities([
        member('a', e('herat', 'GPE', 'Herāt')),
        member('b', e('herat', 'GPE', 'Herat')),
        member('c', e('herat', 'GPE', 'HERAT')),
        member('d', e('herat', 'ORG', 'Herat')), // another type: another entity
      ]);
      assert.deepStrictEqual(groups(merged), [['a#herat', 'b#herat', 'c#herat'], ['d#herat']]);
      const gpe = mergedOf(merged, 'a', 'herat');
      assert.equal(gpe.key, 'GPE:herat');
      assert.equal(mergedOf(merged, 'd', 'herat').key, 'ORG:herat');
      assert.equal(gpe.aliases.length, 0, 'spellings that normalise to the name are not aliases');
    });

    it('lets an alias absorb an entity of that canonical name', () => {
      const merged = mergeEntities([
        member('a', e('muttaqi', 'PERSON', 'Amir Khan Muttaqi', { aliases: ['Motaqi'] })),
        member('b', e('motaqi', 'PERSON', 'Motāqi')),
      ]);
      assert.equal(merged.length, 1);
      assert.equal(merged[0].name, 'Amir Khan Muttaqi');
      assert.deepStrictEqual(merged[0].aliases, ['Motaqi']);
    });

    it('never merges different ids of one link key, even when names match', () => {
      const merged = mergeEntities([
        member('a', e('georgia', 'GPE', 'Georgia', { links: { wikidata: 'Q230' } })),
        member('b', e('georgia', 'GPE', 'Georgia', { links: { wikidata: 'Q1428' } })),
        member('c', e('georgia', 'GPE', 'Georgia')),
        member('d', e('georgia', 'GPE', 'GEORGIA')),
      ]);
      // Conflicting links: neither linked one takes the unlinked ones (which merge together).
      assert.deepStrictEqual(groups(merged), [['a#georgia'], ['b#georgia'], ['c#georgia', 'd#georgia']]);
      assert.deepStrictEqual(merged.map((m) => m.key).sort(), ['GPE:georgia', 'wikidata:Q1428', 'wikidata:Q230']);
    });

    it('lets an unlinked entity join the one linked entity of its name', () => {
      const merged = mergeEntities([
        member('a', e('kabul', 'GPE', 'Kabul', { links: { wikidata: 'Q5838' } })),
        member('b', e('kabul', 'GPE', 'Kābul')),
      ]);
      assert.equal(merged.length, 1);
      assert.equal(merged[0].key, 'wikidata:Q5838');
    });

    it('does not chain through names into a link conflict (transitivity)', () => {
      // b joins a by name; b's alias names c, but c's link conflicts with a's.
      const merged = mergeEntities([
        member('a', e('herat', 'GPE', 'Herat', { links: { wikidata: 'Q1' } })),
        member('b', e('herat', 'GPE', 'Herat', { aliases: ['Hirat'] })),
        member('c', e('hirat', 'GPE', 'Hirat', { links: { wikidata: 'Q2' } })),
      ]);
      assert.deepStrictEqual(groups(merged), [['a#herat', 'b#herat'], ['c#hirat']]);
      for (const m of merged) assert.equal(Object.keys(m.links).length, 1);
    });

    it('never merges two entities whose links conflict on one key, even if they share another', () => {
      const merged = mergeEntities([
        member('a', e('x', 'PERSON', 'X', { links: { wikidata: 'Q1', viaf: '5' } })),
        member('b', e('x', 'PERSON', 'X', { links: { wikidata: 'Q1', viaf: '6' } })),
        member('c', e('x', 'PERSON', 'X', { links: { viaf: '5' } })),
      ]);
      const a = mergedOf(merged, 'a', 'x');
      const b = mergedOf(merged, 'b', 'x');
      assert.notEqual(a, b);
      assert.equal(mergedOf(merged, 'c', 'x'), a, 'c shares viaf 5 with a only');
      const keys = merged.map((m) => m.key);
      assert.equal(new Set(keys).size, keys.length, 'keys stay unique');
    });

    it('refuses ambiguous aliases: a short name that is the alias of several entities', () => {
      const merged = mergeEntities([
        member('a', e('bilal', 'PERSON', 'Bilal Tanaka', { aliases: ['Tanaka'] })),
        member('b', e('dmitri', 'PERSON', 'Dmitri Tanaka', { aliases: ['Tanaka'] })),
        member('c', e('tanaka', 'PERSON', 'Tanaka')),
      ]);
      assert.deepStrictEqual(groups(merged), [['a#bilal'], ['b#dmitri'], ['c#tanaka']]);
    });

    it('merges through chains of links and names (union-find)', () => {
      const merged = mergeEntities([
        member('a', e('x', 'ORG', 'Taliban', { links: { wikidata: 'Q42' } })),
        member('b', e('x', 'ORG', 'Taliban')),
        member('c', e('x', 'ORG', 'Taleban', { aliases: ['Taliban'] })),
        member('d', e('x', 'ORG', 'Islamic Emirate', { links: { wikidata: 'Q42' } })),
      ]);
      assert.equal(merged.length, 1);
      assert.equal(merged[0].name, 'Taliban');
      assert.deepStrictEqual(merged[0].aliases, ['Islamic Emirate', 'Taleban'], 'equally common: alphabetical');
    });

    it('picks a display name and type by majority', () => {
      const merged = mergeEntities([
        member('a', e('x', 'GPE', 'Herāt', { links: { wikidata: 'Q1' } })),
        member('b', e('x', 'LOC', 'Herat', { links: { wikidata: 'Q1' } })),
        member('c', e('x', 'LOC', 'Herat', { links: { wikidata: 'Q1' } })),
      ]);
      assert.equal(merged[0].type, 'LOC');
      assert.equal(merged[0].name, 'Herat');
    });
  });

  describe('EntityMergeIndex (incremental)', () => {
    it('recomputes what a file changes, and reports changed and removed keys', () => {
      const index = new EntityMergeIndex();
      index.set('a', [e('herat', 'GPE', 'Herāt'), e('kabul', 'GPE', 'Kabul')]);
      index.set('b', [e('herat', 'GPE', 'Herat')]);
      assert.deepStrictEqual(index.flush().changed, ['GPE:herat', 'GPE:kabul']);
      assert.equal(index.get('GPE:herat')?.fileCount, 2);
      index.set('b', [e('herat', 'GPE', 'Herat', { links: { wikidata: 'Q1' } })]);
      const changes = index.flush();
      assert.deepStrictEqual(changes.changed, ['wikidata:Q1']);
      assert.deepStrictEqual(changes.removed, ['GPE:herat']);
      assert.equal(index.mergedOf('a', 'herat')?.key, 'wikidata:Q1');
      index.delete('b');
      assert.equal(index.mergedOf('a', 'herat')?.key, 'GPE:herat');
      assert.equal(index.get('wikidata:Q1'), undefined);
      index.rename('a', 'z');
      assert.equal(index.mergedOf('z', 'kabul')?.key, 'GPE:kabul');
      assert.equal(index.mergedOf('a', 'kabul'), undefined);
    });

    it('keeps mention and article counts, and members, of merged entities', () => {
      const index = new EntityMergeIndex();
      index.set('a', [e('herat', 'GPE', 'Herāt'), e('h2', 'GPE', 'Herat')], [3, 0]);
      index.set('b', [e('herat', 'GPE', 'HERAT')], [2]);
      const m = index.get('GPE:herat');
      assert.ok(m);
      assert.equal(m.mentionCount, 5);
      assert.equal(m.memberCount, 3);
      assert.equal(m.fileCount, 2);
      assert.equal(m.articleCount, 2);
      assert.deepStrictEqual(m.members.map((x) => `${x.file}#${x.entity.id}#${x.mentionCount}`).sort(), ['a#h2#0', 'a#herat#3', 'b#herat#2']);
      assert.doesNotThrow(() => JSON.stringify(m.members), 'members carry no cycles');
      index.delete('b');
      assert.equal(index.get('GPE:herat')?.mentionCount, 3);
      assert.equal(index.get('GPE:herat')?.articleCount, 1);
    });

    it('merges a slice at a time (flushSome) to the same result', () => {
      const sliced = new EntityMergeIndex();
      const whole = new EntityMergeIndex();
      for (let i = 0; i < 200; i++) {
        const entities = [e(`p${i % 37}`, 'PERSON', `Person ${i % 37}`, { aliases: [`P${i % 5}`] }), e('x', 'GPE', i % 2 ? 'Herat' : 'Herāt', i % 3 ? {} : { links: { wikidata: `Q${i % 4}` } })];
        sliced.set(`f${i}`, entities);
        whole.set(`f${i}`, entities);
      }
      let steps = 0;
      while (!sliced.flushSome(performance.now() - 1)) steps++;
      assert.ok(steps > 0, 'a deadline in the past stops the merge early');
      const strip = (ms: MergedEntity[]) => ms.map((m) => [m.key, m.name, m.memberCount, [...m.aliases]]);
      assert.deepStrictEqual(strip(sliced.all()), strip(whole.all()));
    });

    it('equals the batch merge after any sequence of sets and deletes, in any order (property)', () => {
      const names = ['Herāt', 'Herat', 'Hirat', 'Kabul', 'Tanaka', 'Bilal Tanaka', 'Motaqi', 'Muttaqi'];
      const entityArb = fc.record({
        type: fc.constantFrom('GPE', 'PERSON'),
        name: fc.constantFrom(...names),
        aliases: fc.array(fc.constantFrom(...names), { maxLength: 2 }),
        links: fc.option(fc.dictionary(fc.constantFrom('wikidata', 'viaf'), fc.constantFrom('Q1', 'Q2', '5'), { maxKeys: 2 }), { nil: undefined }),
      });
      const fileArb = fc.array(entityArb, { maxLength: 4 }).map((es) =>
        es.map((x, i) => {
          const out: Entity = { id: `e${i}`, type: x.type, name: x.name };
          if (x.aliases.length) out.aliases = x.aliases;
          if (x.links && Object.keys(x.links).length) out.links = x.links;
          return out;
        }),
      );
      const opArb = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.option(fileArb, { nil: undefined }));
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 25 }), fc.boolean(), (ops, flushEach) => {
          const index = new EntityMergeIndex();
          const state = new Map<string, Entity[]>();
          for (const [f, content] of ops) {
            const file = `f${f}`;
            if (content === undefined) {
              index.delete(file);
              state.delete(file);
            } else {
              index.set(file, content);
              if (content.length) state.set(file, content);
              else state.delete(file);
            }
            if (flushEach) index.flushSome(performance.now() - 1);
          }
          const all: EntityMember[] = [];
          for (const [file, es] of state) es.forEach((x, i) => all.push(member(file, x, i)));
          const batch = mergeEntities(all);
          const reversed = mergeEntities([...all].reverse());
          const strip = (ms: MergedEntity[]) => ms.map((m) => ({ ...m, members: m.members.map((x) => `${x.file}#${x.index}#${x.entity.id}`).sort() }));
          assert.deepStrictEqual(strip(reversed), strip(batch), 'the merge does not depend on input order');
          assert.deepStrictEqual(strip(index.all()), strip(batch), 'incremental equals batch');
          // The invariant: no merged entity holds two values of one link key.
          for (const m of batch) {
            const seen = new Map<string, string>();
            for (const x of m.members) {
              for (const [k, v] of Object.entries(x.entity.links ?? {})) {
                assert.ok(!seen.has(k) || seen.get(k) === v, `conflicting ${k} in ${m.key}`);
                seen.set(k, v);
              }
            }
          }
          assert.equal(new Set(batch.map((m) => m.key)).size, batch.length, 'unique keys');
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
