import * as assert from 'assert';
import fc from 'fast-check';
import { approximateMatches, maskRegion, prefixDistance, suffixDistance } from '../../src/core/fuzzyMatch';

const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);

function levenshtein(a: readonly string[], b: readonly string[]): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

const cps = (s: string): string[] => Array.from(s);

describe('fuzzyMatch', () => {
  describe('context distances', () => {
    it('anchor the before context at the end of its window and the after context at the start', () => {
      assert.strictEqual(suffixDistance(cps('AFP on Wednesday. '), cps('reported news agency AFP on Wednesday. ')), 0);
      assert.strictEqual(suffixDistance(cps('AFP on Wednesday. '), cps('AFP on Wednesday. X')), 1, 'must end at the window end');
      assert.strictEqual(prefixDistance(cps(', the head of'), cps(', the head of Taliban’s')), 0);
      assert.strictEqual(prefixDistance(cps(', the head of'), cps('X, the head of')), 1, 'must start at the window start');
      assert.strictEqual(suffixDistance([], cps('abc')), 0);
      assert.strictEqual(prefixDistance(cps('abc'), []), 3);
    });

    it('count emoji as one code point', () => {
      assert.strictEqual(suffixDistance(cps('😀 said'), cps('😁 said')), 1);
    });

    it('stop early above the cap (long patterns)', () => {
      const long = cps('x'.repeat(40));
      assert.strictEqual(suffixDistance(long, cps('y'.repeat(40)), 5), 6);
      assert.strictEqual(prefixDistance(long, cps('y'.repeat(40)), 5), 6);
    });

    for (const [label, minPattern, maxPattern] of [
      ['bit-parallel (patterns up to 32)', 0, 32],
      ['dynamic programming (longer patterns)', 33, 45],
    ] as const) {
      it(`property: equal the best Levenshtein distance over suffixes / prefixes, ${label}`, () => {
        const str = (min: number, max: number) => fc.array(fc.constantFrom('a', 'b', ' ', '😀', 'é'), { minLength: min, maxLength: max });
        fc.assert(
          fc.property(str(minPattern, maxPattern), str(0, 50), (pattern, window) => {
            let bestSuffix = Infinity;
            let bestPrefix = Infinity;
            for (let x = 0; x <= window.length; x++) {
              bestSuffix = Math.min(bestSuffix, levenshtein(pattern, window.slice(x)));
              bestPrefix = Math.min(bestPrefix, levenshtein(pattern, window.slice(0, x)));
            }
            assert.strictEqual(suffixDistance(pattern, window), bestSuffix);
            assert.strictEqual(prefixDistance(pattern, window), bestPrefix);
            // Numbers (code points) work the same as strings.
            const codes = (a: string[]) => Uint32Array.from(a, (c) => c.codePointAt(0)!);
            assert.strictEqual(suffixDistance(codes(pattern), codes(window)), bestSuffix);
          }),
          { numRuns: NUM_RUNS },
        );
      });
    }
  });

  describe('approximateMatches', () => {
    const text = '"My brothers, we tried our best to solve the Panjshir problem," Muttaqi said. Later: "we tried our very best".';

    it('finds a passage with a few edits, one result per place', () => {
      const found = approximateMatches(text, 'we have tried our best to solve', 6);
      assert.strictEqual(found.length, 1);
      // Equally cheap alignments differ at the edges; the one closest in length is kept.
      assert.ok(text.slice(found[0].start, found[0].end).endsWith('we tried our best to solve'));
      assert.strictEqual(found[0].errors, 5);
    });

    it('returns only the cheapest places; masking the best finds the runner-up', () => {
      const best = approximateMatches(text, 'we tried our best', 5);
      assert.deepStrictEqual(best.map((m) => m.errors), [0]);
      const masked = maskRegion(text, best[0].start, best[0].end);
      assert.strictEqual(masked.length, text.length);
      const runnerUp = approximateMatches(masked, 'we tried our best', 5);
      assert.strictEqual(runnerUp.length, 1);
      assert.ok(runnerUp[0].start >= text.indexOf('Later'), 'the second passage');
      assert.ok(runnerUp[0].errors > 0 && runnerUp[0].errors <= 5);
    });

    it('finds nothing for an empty pattern or a negative budget', () => {
      assert.deepStrictEqual(approximateMatches(text, '', 3), []);
      assert.deepStrictEqual(approximateMatches(text, 'Muttaqi', -1), []);
    });
  });
});
