import * as assert from 'assert';
import fc from 'fast-check';
import { findOccurrences } from '../../src/core/occurrences';
import { OffsetMap, codePointLength } from '../../src/core/offsets';

const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);

const texts = (t: string, needle: string, opts = {}) => findOccurrences(t, needle, opts).occurrences.map((o) => o.text);

describe('occurrences', () => {
  it('finds whole words only, Unicode-aware', () => {
    const t = 'Herāt fell. Herātis and Herat; Her ātman; xHerāt Herāt’s Herāt';
    const r = findOccurrences(t, 'Herāt');
    assert.deepStrictEqual(r.occurrences.map((o) => o.start), [0, 49, 57]);
    assert.deepStrictEqual(texts(t, 'Her'), ['Her']);
    assert.strictEqual(findOccurrences('Herāt', 'Her').occurrences.length, 0, 'ā is a letter: no boundary');
  });

  it('counts a hyphen as a boundary and reports hyphen-joined occurrences', () => {
    const t = 'the Taliban, anti-Taliban forces and Taliban-led rule; Talibans';
    const r = findOccurrences(t, 'Taliban');
    assert.strictEqual(r.occurrences.length, 3);
    assert.strictEqual(r.hyphenJoined, 2);
    assert.deepStrictEqual(r.occurrences.map((o) => o.hyphenJoined), [false, true, true]);
  });

  it('is case-sensitive by default, with an option for case-insensitive matching', () => {
    const t = 'Taliban taliban TALIBAN';
    assert.deepStrictEqual(texts(t, 'Taliban'), ['Taliban']);
    assert.deepStrictEqual(texts(t, 'Taliban', { caseSensitive: false }), ['Taliban', 'taliban', 'TALIBAN']);
    assert.deepStrictEqual(texts('HERĀT herāt', 'Herāt', { caseSensitive: false }), ['HERĀT', 'herāt']);
  });

  it('skips occurrences already tagged with the same span, but not nested ones', () => {
    const t = 'Panjshir Valley and Panjshir and Panjshir';
    const tagged = [
      { start: 0, end: 15 },
      { start: 20, end: 28 },
      { start: 33, end: 41, orphaned: true },
    ];
    const r = findOccurrences(t, 'Panjshir', { tagged });
    assert.deepStrictEqual(r.occurrences.map((o) => o.start), [0, 33]);
    assert.strictEqual(r.alreadyTagged, 1);
  });

  it('returns code-point offsets after astral characters', () => {
    const t = '😀 Kabul 🇦🇫 Kabul'; // the flag is two code points (regional indicators)
    const r = findOccurrences(t, 'Kabul');
    const map = new OffsetMap(t);
    assert.deepStrictEqual(r.occurrences.map((o) => [o.start, o.end]), [[2, 7], [11, 16]]);
    for (const o of r.occurrences) assert.strictEqual(map.slice(o.start, o.end), 'Kabul');
  });

  it('treats regular-expression characters in the needle literally', () => {
    const t = 'U.S. forces, UxSx forces; (ISIS-K) and ISIS-K';
    assert.deepStrictEqual(texts(t, 'U.S.'), ['U.S.']);
    assert.deepStrictEqual(texts(t, '(ISIS-K)'), ['(ISIS-K)']);
    assert.deepStrictEqual(texts(t, 'ISIS-K'), ['ISIS-K', 'ISIS-K']);
    assert.deepStrictEqual(texts('a+b a+b', 'a+b'), ['a+b', 'a+b']);
  });

  it('finds a whole word that starts inside a rejected match', () => {
    assert.deepStrictEqual(texts('xab ab ab', 'ab ab').length, 1);
    assert.deepStrictEqual(findOccurrences('xab ab ab', 'ab ab').occurrences[0].start, 4);
    assert.strictEqual(findOccurrences('anything', '').occurrences.length, 0);
  });

  it('property: every occurrence slices the needle and has no word character on either side', () => {
    const piece = fc.constantFrom('Kabul', 'kabul', 'a', 'ā', '-', ' ', '.', '😀', '\u0301', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), fc.boolean(), (pieces, cs) => {
        const t = pieces.join('');
        const map = new OffsetMap(t);
        const r = findOccurrences(map, 'Kabul', { caseSensitive: cs });
        const cps = Array.from(t);
        let last = -1;
        for (const o of r.occurrences) {
          assert.ok(o.start > last);
          last = o.start;
          assert.strictEqual(map.slice(o.start, o.end), o.text);
          assert.strictEqual(cs ? o.text : o.text.toLowerCase(), cs ? 'Kabul' : 'kabul');
          assert.strictEqual(o.end - o.start, codePointLength('Kabul'));
          const word = /[\p{L}\p{M}\p{N}]/u;
          assert.ok(!word.test(cps[o.start - 1] ?? ''));
          assert.ok(!word.test(cps[o.end] ?? ''));
        }
        // Tagging them all leaves nothing to find.
        const again = findOccurrences(map, 'Kabul', { caseSensitive: cs, tagged: r.occurrences });
        assert.strictEqual(again.occurrences.length, 0);
        assert.strictEqual(again.alreadyTagged, r.occurrences.length);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
