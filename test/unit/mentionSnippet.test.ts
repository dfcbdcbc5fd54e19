import * as assert from 'assert';
import fc from 'fast-check';
import { TextLines, mentionSnippet, snippetFromContext } from '../../src/core/mentionSnippet';
import { codePointLength } from '../../src/core/offsets';

const NUM_RUNS = Math.max(200, Number(process.env.FC_NUM_RUNS) || 0);

/** The highlighted part of a snippet. */
function marked(s: { text: string; highlight: [number, number] }): string {
  return s.text.slice(s.highlight[0], s.highlight[1]);
}

describe('mentionSnippet', () => {
  const seed =
    ' date 2021-09-01 The negotiations between the Taliban and leaders of Panjshir have failed, reported news agency AFP on Wednesday.\n\n"My brothers," Muttaqi said.';

  describe('TextLines', () => {
    it('labels positions as the status bar does (1-based line and column)', () => {
      const lines = new TextLines(seed);
      assert.strictEqual(lines.label(46), '1:47');
      const muttaqi = Array.from(seed).join('').indexOf('Muttaqi');
      assert.strictEqual(lines.label(muttaqi), '3:16');
    });

    it('counts columns in UTF-16 units after an emoji, and CRLF as one line break', () => {
      const text = 'date 2021-08-31 x\r\n\r\nwe 😀 and Herāt';
      const lines = new TextLines(text);
      const herat = codePointLength(text.slice(0, text.indexOf('Herāt')));
      // The emoji is one code point but two UTF-16 units: the editor's column counts two.
      assert.deepStrictEqual(lines.positionAt(herat), { line: 2, character: text.length - text.lastIndexOf('\n') - 1 - 'Herāt'.length });
      assert.strictEqual(lines.label(herat), '3:11');
    });
  });

  describe('mentionSnippet', () => {
    it('emphasises exactly the mention, on one line', () => {
      const s = mentionSnippet(seed, 46, 53);
      assert.strictEqual(marked(s), 'Taliban');
      assert.ok(!/\n/.test(s.text));
      assert.ok(s.text.startsWith('…'), s.text);
      assert.ok(s.text.endsWith('…'), s.text);
    });

    it('does not reach across a blank line into the previous paragraph', () => {
      const start = seed.indexOf('Muttaqi');
      const s = mentionSnippet(seed, start, start + 7);
      assert.strictEqual(marked(s), 'Muttaqi');
      assert.strictEqual(s.text, '"My brothers," Muttaqi said.');
    });

    it('leaves the date header out of the context', () => {
      const text = 'date 2022-11-02 The Harbour Board of Port Alder approved a new ferry timetable.';
      const start = text.indexOf('Harbour');
      const s = mentionSnippet(text, start, start + 'Harbour Board'.length);
      assert.strictEqual(s.text, 'The Harbour Board of Port Alder approved a new ferry timetable.');
    });

    it('places the highlight in UTF-16 units after astral characters', () => {
      const text = 'date 2021-08-31 🇦🇫 flags in Herāt 😀 today';
      const cpStart = Array.from(text).indexOf('H');
      const s = mentionSnippet(text, cpStart, cpStart + 5);
      assert.strictEqual(marked(s), 'Herāt');
    });

    it('always highlights the mention text (property)', () => {
      const piece = fc.constantFrom('a', 'b', ' ', '\n', '\r\n', '😀', 'é', '’', '\n\n', 'word ');
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(), fc.nat(), (pieces, x, y) => {
          const text = pieces.join('');
          const n = codePointLength(text);
          const start = n === 0 ? 0 : x % n;
          const end = Math.min(n, start + 1 + (y % 8));
          const s = mentionSnippet(text, start, end);
          const expected = Array.from(text).slice(start, end).join('').replace(/\s+/gu, ' ');
          assert.strictEqual(marked(s), expected);
          assert.ok(!/[\r\n]/.test(s.text));
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('snippetFromContext', () => {
    it('builds a snippet from the before/after fields of a sidecar mention', () => {
      const s = snippetFromContext('AFP on Wednesday. ', 'Mullah Amir Khan Motaqi', ', the head');
      assert.strictEqual(s.text, 'AFP on Wednesday. Mullah Amir Khan Motaqi, the head');
      assert.strictEqual(marked(s), 'Mullah Amir Khan Motaqi');
    });

    it('cuts long context at a word boundary with an ellipsis', () => {
      const s = snippetFromContext('one two three four five six seven eight nine ten ', 'X', ' alpha beta gamma delta', { before: 12, after: 12 });
      assert.strictEqual(s.text, '…nine ten X alpha beta…');
      assert.strictEqual(marked(s), 'X');
    });
  });
});
