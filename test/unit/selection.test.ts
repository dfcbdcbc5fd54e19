import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { paragraphBreakIn, phraseAt, resolveSelection, trimSelection, wordAt } from '../../src/core/selection';

const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);
const SEEDS = path.join(__dirname, '..', '..', 'seeds');
const seed = (name: string) => fs.readFileSync(path.join(SEEDS, name), 'utf8').replace(/^\uFEFF/, '');

/** The text of the phrase under the cursor placed at the `at`-th occurrence of `probe` (+ offset inside it). */
function phraseOf(text: string, probe: string, inside = 0, nth = 0): string | undefined {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(probe, i + 1);
  assert.ok(i >= 0, `probe ${probe} in text`);
  const p = phraseAt(text, i + inside);
  return p && text.slice(p.start, p.end);
}

function trimmed(text: string, selected: string): string | { kind: string } {
  const i = text.indexOf(selected);
  assert.ok(i >= 0);
  const r = trimSelection(text, i, i + selected.length);
  return r.kind === 'span' ? r.text : { kind: r.kind };
}

describe('selection', () => {
  describe('trimSelection', () => {
    it('trims surrounding white space and punctuation, never inner text', () => {
      const t = 'leaders of Panjshir in Parwan province "went in vain." Then, (ISIS-K) and “Herāt”.';
      assert.strictEqual(trimmed(t, ' Panjshir '), 'Panjshir');
      assert.strictEqual(trimmed(t, '"went in vain."'), 'went in vain');
      assert.strictEqual(trimmed(t, '(ISIS-K)'), 'ISIS-K');
      assert.strictEqual(trimmed(t, '“Herāt”.'), 'Herāt');
      assert.strictEqual(trimmed(t, 'Then, '), 'Then');
    });

    it('keeps balanced brackets and the dot of an abbreviation', () => {
      const t = 'The Islamic State (ISIS-K) said. The U.S. army left. In Washington D.C. today.';
      assert.strictEqual(trimmed(t, 'Islamic State (ISIS-K) '), 'Islamic State (ISIS-K)');
      assert.strictEqual(trimmed(t, ' U.S. '), 'U.S.');
      assert.strictEqual(trimmed(t, 'Washington D.C. '), 'Washington D.C.');
      assert.strictEqual(trimmed(t, 'left.'), 'left');
    });

    it('drops a possessive ’s or \'s', () => {
      const t = 'the head of Taliban’s commission; Afghanistan\'s capital; the insurgents’ custody';
      assert.strictEqual(trimmed(t, 'Taliban’s'), 'Taliban');
      assert.strictEqual(trimmed(t, 'Afghanistan\'s'), 'Afghanistan');
      assert.strictEqual(trimmed(t, 'insurgents’'), 'insurgents');
    });

    it('refuses a span across a paragraph break, but not across a line break', () => {
      const t = 'the valley of Panjshir\n\nPanjshir Valley has\nbecome the centre\r\n  \r\nof it';
      const a = t.indexOf('Panjshir');
      const r = trimSelection(t, a, t.indexOf('Valley'));
      assert.strictEqual(r.kind, 'paragraph-break');
      assert.strictEqual(trimmed(t, 'Valley has\nbecome'), 'Valley has\nbecome');
      assert.strictEqual(trimmed(t, 'centre\r\n  \r\nof').constructor, Object);
      assert.deepStrictEqual(trimmed(t, 'centre\r\n  \r\nof'), { kind: 'paragraph-break' });
      // A selection that only adds the blank line around a word is trimmed, not refused.
      assert.strictEqual(trimmed(t, 'Panjshir\n\n'), 'Panjshir');
    });

    it('reports an empty result for white space and punctuation only', () => {
      assert.deepStrictEqual(trimSelection('a , . b', 1, 5), { kind: 'empty' });
      assert.deepStrictEqual(trimSelection('abc', 1, 1), { kind: 'empty' });
    });

    it('accepts a reversed selection and keeps astral characters whole', () => {
      const t = 'flags 🇦🇫 of Kabul 😀';
      const i = t.indexOf('Kabul');
      assert.deepStrictEqual(trimSelection(t, i + 5, i - 1), { kind: 'span', start: i, end: i + 5, text: 'Kabul' });
      const r = trimSelection(t, t.indexOf('🇦'), t.length);
      assert.strictEqual(r.kind, 'span');
      if (r.kind === 'span') assert.strictEqual(r.text, '🇦🇫 of Kabul 😀');
    });

    it('finds paragraph breaks with any line ending', () => {
      for (const brk of ['\n\n', '\r\n\r\n', '\r\r', '\n \t\n']) assert.strictEqual(paragraphBreakIn(`ab${brk}cd`, 0, 4 + brk.length), 2);
      assert.strictEqual(paragraphBreakIn('ab\ncd', 0, 5), undefined);
    });

    it('property: the result lies inside the selection, starts and ends with no white space, and holds no blank line', () => {
      const piece = fc.constantFrom('a', 'Z', 'ā', ' ', '\n', '\r\n', '.', ',', '’', '"', '(', ')', '-', '😀', 'x\u0301');
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(), fc.nat(), (pieces, x, y) => {
          const t = pieces.join('');
          // The editor never puts a selection edge inside a surrogate pair.
          const whole = (i: number) => (/[\uDC00-\uDFFF]/.test(t[i] ?? '') && /[\uD800-\uDBFF]/.test(t[i - 1] ?? '') ? i - 1 : i);
          const a = whole(x % (t.length + 1));
          const b = whole(y % (t.length + 1));
          const r = trimSelection(t, a, b);
          if (r.kind !== 'span') return;
          assert.ok(Math.min(a, b) <= r.start && r.start < r.end && r.end <= Math.max(a, b));
          assert.strictEqual(r.text, t.slice(r.start, r.end));
          assert.ok(!/^\s|\s$/u.test(r.text));
          assert.strictEqual(paragraphBreakIn(t, r.start, r.end), undefined);
          // Never splits a surrogate pair.
          assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(r.text));
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('phraseAt', () => {
    const t000 = seed('000_eb28ad2c764fb3cf.txt');
    const t002 = seed('002_herat_curly.txt');
    const t003 = seed('003_unicode_names.txt');

    it('finds capitalised names of several words in the project seed', () => {
      assert.strictEqual(phraseOf(t000, 'Amir', 1), 'Mullah Amir Khan Motaqi');
      assert.strictEqual(phraseOf(t000, 'Motaqi', 6), 'Mullah Amir Khan Motaqi');
      assert.strictEqual(phraseOf(t000, 'Panjshir Valley', 10), 'Panjshir Valley');
      assert.strictEqual(phraseOf(t000, 'Panjshir Valley', 2), 'Panjshir Valley');
      assert.strictEqual(phraseOf(t000, 'Northern All', 2), 'Northern Alliance');
    });

    it('takes one word where the next one is lower case or punctuation intervenes', () => {
      assert.strictEqual(phraseOf(t000, 'Panjshir have', 3), 'Panjshir');
      assert.strictEqual(phraseOf(t000, 'AFP on', 1), 'AFP');
      assert.strictEqual(phraseOf(t000, 'Wednesday', 0), 'Wednesday');
      assert.strictEqual(phraseOf(t000, 'negotiations', 4), 'negotiations');
    });

    it('drops the possessive and stops the phrase there', () => {
      assert.strictEqual(phraseOf(t000, 'Taliban’s', 2), 'Taliban');
      assert.strictEqual(phraseOf(t000, 'Taliban’s', 8), 'Taliban');
      assert.strictEqual(phraseOf(t000, 'Afghanistan\'s', 3), 'Afghanistan');
      const t = 'The Islamic State\'s Afghan affiliate';
      assert.strictEqual(phraseOf(t, 'Islamic', 0), 'Islamic State');
      assert.strictEqual(phraseOf(t, 'Afghan', 1), 'Afghan');
    });

    it('keeps hyphenated and accented words whole', () => {
      assert.strictEqual(phraseOf(t003, 'US-led', 1), 'US-led');
      assert.strictEqual(phraseOf(t003, 'US-led', 4), 'US-led');
      // The seed writes Herāt with a combining macron (a + U+0304).
      assert.strictEqual(phraseOf(t003, 'Hera\u0304t', 5), 'Hera\u0304t');
      assert.strictEqual(phraseOf(t003, 'Mazār', 2), 'Mazār-i-Sharīf');
      assert.strictEqual(phraseOf(t002, 'Ismāʿīl', 3), 'Ismāʿīl Khān');
      assert.strictEqual(phraseOf('fighters of al-Qaeda Central said', 'Qaeda', 1), 'al-Qaeda Central');
    });

    it('leaves a sentence word out of the name after it', () => {
      assert.strictEqual(phraseOf(t003, 'In Hera\u0304t', 4), 'Hera\u0304t');
      assert.strictEqual(phraseOf('said. The Taliban Government is', 'Taliban', 1), 'Taliban Government');
      // The cursor's own word always belongs to the phrase (The Hague).
      assert.strictEqual(phraseOf('said. The Taliban Government is', 'The', 1), 'The Taliban Government');
    });

    it('joins names through a connector word', () => {
      assert.strictEqual(phraseOf('the Bank of England said', 'England', 1), 'Bank of England');
      assert.strictEqual(phraseOf('leaders of Panjshir', 'of', 1), 'of');
    });

    it('finds names at the start and end of the text and right after the cursor\'s word', () => {
      assert.strictEqual(phraseOf('Kabul fell', 'Kabul', 0), 'Kabul');
      assert.strictEqual(phraseOf('fell to Kabul', 'Kabul', 5), 'Kabul');
      assert.strictEqual(phraseAt('a , b', 2), undefined);
      assert.strictEqual(phraseAt('', 0), undefined);
    });

    it('never joins across a paragraph break', () => {
      const t = 'the Panjshir\n\nValley is';
      assert.strictEqual(phraseOf(t, 'Panjshir', 1), 'Panjshir');
      assert.strictEqual(phraseOf('the Panjshir\nValley is', 'Panjshir', 1), 'Panjshir\nValley');
      assert.strictEqual(phraseAt(t, t.indexOf('\n') + 1), undefined);
    });

    it('wordAt: the word under or right before the cursor', () => {
      const t = 'the Taliban’s men';
      const w = wordAt(t, t.indexOf('’'));
      assert.ok(w);
      assert.strictEqual(t.slice(w.start, w.end), 'Taliban');
      assert.strictEqual(wordAt(t, 3 + 1)?.start, 4);
      assert.deepStrictEqual(wordAt(t, 3), wordAt(t, 0));
    });

    it('resolveSelection: empty selection means the phrase under the cursor', () => {
      const t = 'AFP said Mullah Amir Khan Motaqi, the head';
      const r = resolveSelection(t, 20, 20);
      assert.deepStrictEqual(r, { kind: 'span', start: 9, end: 32, text: 'Mullah Amir Khan Motaqi' });
      assert.deepStrictEqual(resolveSelection(t, 32, 32 + 1), { kind: 'empty' });
    });

    it('property: the phrase contains the cursor (or ends at it) and is a trimmed span of one paragraph', () => {
      const piece = fc.constantFrom('Kabul', 'of', 'The', ' ', '\n', '\n\n', ', ', 'Herāt', 'US-led', '’s', 'al-', 'Qaeda', '😀', '.');
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 20 }), fc.nat(), (pieces, x) => {
          const t = pieces.join('');
          const at = x % (t.length + 1);
          const p = phraseAt(t, at);
          if (!p) return;
          assert.ok(p.start < p.end);
          // The cursor is in the phrase, right after it, or on a possessive after it.
          assert.ok(p.start <= at && (at <= p.end || '’s’s’s’s'.startsWith(t.slice(p.end, at))), `${JSON.stringify(t)} @${at} → [${p.start}, ${p.end})`);
          const r = trimSelection(t, p.start, p.end);
          assert.deepStrictEqual(r, { kind: 'span', start: p.start, end: p.end, text: t.slice(p.start, p.end) });
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
