import * as assert from 'assert';
import fc from 'fast-check';
import {
  BOM,
  LineIndex,
  OffsetMap,
  codePointLength,
  sliceCodePoints,
  stripBom,
  toCodePointChange,
} from '../../src/core/offsets';

/** Property runs: at least 300; FC_NUM_RUNS raises it (fast-check prints the seed of a failure). */
const NUM_RUNS = Math.max(300, Number(process.env.FC_NUM_RUNS) || 0);

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧: 3 astral characters joined by 2 ZWJ
const E_ACUTE_COMBINING = 'e\u0301'; // é as e + combining acute: two code points, one grapheme

/** Pieces that stress the conversion: astral, ZWJ sequences, combining marks, every line break, a lone surrogate. */
const PIECES = ['a', 'Z', ' ', '’', 'é', E_ACUTE_COMBINING, '😀', '𝔘', FAMILY, '\r\n', '\n', '\r', '\uFEFF', '\uD800', '\uDC00', '“'];
const textArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(''));

describe('offsets', () => {
  describe('codePointLength', () => {
    it('counts astral characters once and ZWJ sequences per code point', () => {
      assert.strictEqual(codePointLength(''), 0);
      assert.strictEqual(codePointLength('abc'), 3);
      assert.strictEqual(codePointLength('😀'), 1);
      assert.strictEqual(codePointLength(FAMILY), 5);
      assert.strictEqual(codePointLength(E_ACUTE_COMBINING), 2);
      assert.strictEqual(codePointLength('a\r\nb'), 4);
    });

    it('counts lone surrogates as one code point each, like Array.from', () => {
      for (const s of ['\uD800', '\uDC00', '\uDC00\uD800', '\uD800\uD800\uDC00', 'x\uD83D']) {
        assert.strictEqual(codePointLength(s), Array.from(s).length, JSON.stringify(s));
      }
    });
  });

  describe('stripBom', () => {
    it('removes one leading BOM and nothing else', () => {
      assert.strictEqual(stripBom(BOM + ' date 2021-09-01'), ' date 2021-09-01');
      assert.strictEqual(stripBom(BOM + BOM + 'x'), BOM + 'x');
      assert.strictEqual(stripBom('x' + BOM), 'x' + BOM);
      assert.strictEqual(stripBom(''), '');
    });
  });

  describe('OffsetMap', () => {
    it('is the identity on BMP-only text, CRLF included', () => {
      const map = new OffsetMap('a\r\nb’c');
      assert.ok(map.isBmpOnly);
      for (let i = 0; i <= 6; i++) {
        assert.strictEqual(map.toCodePoint(i), i);
        assert.strictEqual(map.toUtf16(i), i);
      }
      assert.strictEqual(map.codePointLength, 6);
    });

    it('maps offsets after an emoji one unit back', () => {
      // "😀 Taliban": Taliban is [3, 10) in UTF-16 and [2, 9) in code points.
      const text = '😀 Taliban';
      const map = new OffsetMap(text);
      assert.strictEqual(map.utf16Length, 10);
      assert.strictEqual(map.codePointLength, 9);
      assert.strictEqual(map.toCodePoint(3), 2);
      assert.strictEqual(map.toUtf16(2), 3);
      assert.strictEqual(map.slice(2, 9), 'Taliban');
    });

    it('rounds an offset inside a surrogate pair down to the pair', () => {
      const map = new OffsetMap('a😀b');
      assert.strictEqual(map.toCodePoint(1), 1);
      assert.strictEqual(map.toCodePoint(2), 1, 'between the halves of 😀');
      assert.strictEqual(map.toCodePoint(3), 2);
      assert.ok(map.splitsSurrogatePair(2));
      assert.ok(!map.splitsSurrogatePair(1));
      assert.ok(!map.splitsSurrogatePair(3));
    });

    it('counts a ZWJ family as five code points and eight units', () => {
      const text = `x${FAMILY}y`;
      const map = new OffsetMap(text);
      assert.strictEqual(map.utf16Length, 10);
      assert.strictEqual(map.codePointLength, 7);
      assert.strictEqual(map.toUtf16(6), 9); // y
      assert.strictEqual(map.slice(1, 6), FAMILY);
      assert.strictEqual(map.slice(6, 7), 'y');
      // Between the first ZWJ and the woman: code point 3 is UTF-16 4.
      assert.strictEqual(map.toUtf16(3), 4);
      assert.strictEqual(map.toCodePoint(4), 3);
    });

    it('treats combining marks as code points of their own', () => {
      const text = `Mawlaw${E_ACUTE_COMBINING} Muttaqi`;
      const map = new OffsetMap(text);
      assert.ok(map.isBmpOnly);
      assert.strictEqual(map.slice(9, 16), 'Muttaqi');
    });

    it('clamps offsets outside the text', () => {
      const map = new OffsetMap('😀x');
      assert.strictEqual(map.toCodePoint(-5), 0);
      assert.strictEqual(map.toCodePoint(99), 2);
      assert.strictEqual(map.toUtf16(-1), 0);
      assert.strictEqual(map.toUtf16(99), 3);
    });

    it('keeps the CR and LF of a CRLF as two offsets after an emoji', () => {
      const text = '😀\r\nMuttaqi';
      const map = new OffsetMap(text);
      assert.strictEqual(map.slice(1, 3), '\r\n');
      assert.strictEqual(map.slice(3, 10), 'Muttaqi');
    });

    it('property: code point -> UTF-16 -> code point is the identity', () => {
      fc.assert(
        fc.property(textArb, fc.nat(), (text, n) => {
          const map = new OffsetMap(text);
          const c = n % (map.codePointLength + 1);
          assert.strictEqual(map.toCodePoint(map.toUtf16(c)), c);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('property: UTF-16 -> code point -> UTF-16 is the identity on code-point boundaries, rounds down inside pairs', () => {
      fc.assert(
        fc.property(textArb, fc.nat(), (text, n) => {
          const map = new OffsetMap(text);
          const u = n % (text.length + 1);
          const back = map.toUtf16(map.toCodePoint(u));
          if (map.splitsSurrogatePair(u)) assert.strictEqual(back, u - 1);
          else assert.strictEqual(back, u);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('property: agrees with Array.from slicing and with sliceCodePoints', () => {
      fc.assert(
        fc.property(textArb, fc.nat(), fc.nat(), (text, a, b) => {
          const cps = Array.from(text);
          const map = new OffsetMap(text);
          assert.strictEqual(map.codePointLength, cps.length);
          assert.strictEqual(codePointLength(text), cps.length);
          const s = a % (cps.length + 1);
          const e = s + (b % (cps.length - s + 1));
          const expected = cps.slice(s, e).join('');
          assert.strictEqual(map.slice(s, e), expected);
          assert.strictEqual(sliceCodePoints(text, s, e), expected);
          assert.strictEqual(sliceCodePoints(text, s), cps.slice(s).join(''));
          assert.strictEqual(map.toUtf16(s), cps.slice(0, s).join('').length);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('toCodePointChange', () => {
    it('converts a VS Code change after an emoji', () => {
      const map = new OffsetMap('😀 Taliban');
      assert.deepStrictEqual(toCodePointChange(map, { rangeOffset: 3, rangeLength: 7, text: 'Talib' }), {
        start: 2,
        removedLength: 7,
        insertedText: 'Talib',
      });
    });

    it('widens a range whose ends split surrogate pairs so it covers whole code points', () => {
      const map = new OffsetMap('a😀b😀c');
      // UTF-16: a=0, 😀=1..2, b=3, 😀=4..5, c=6. Range [2, 5) splits both pairs.
      assert.deepStrictEqual(toCodePointChange(map, { rangeOffset: 2, rangeLength: 3, text: '' }), {
        start: 1,
        removedLength: 3,
        insertedText: '',
      });
    });

    it('property: applying the converted change to code points equals applying the UTF-16 change', () => {
      fc.assert(
        fc.property(textArb, fc.nat(), fc.nat(), textArb, (text, a, b, inserted) => {
          const map = new OffsetMap(text);
          // A change on code-point boundaries, expressed in UTF-16 as VS Code would report it.
          const cps = Array.from(text);
          const s = a % (cps.length + 1);
          const e = s + (b % (cps.length - s + 1));
          const u0 = map.toUtf16(s);
          const u1 = map.toUtf16(e);
          const after = text.slice(0, u0) + inserted + text.slice(u1);
          const c = toCodePointChange(map, { rangeOffset: u0, rangeLength: u1 - u0, text: inserted });
          const viaCodePoints = [...cps.slice(0, c.start), ...Array.from(c.insertedText), ...cps.slice(c.start + c.removedLength)].join('');
          assert.strictEqual(viaCodePoints, after);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });

  describe('LineIndex', () => {
    it('splits lines at LF', () => {
      const idx = new LineIndex('ab\ncd\n');
      assert.strictEqual(idx.lineCount, 3);
      assert.deepStrictEqual(idx.positionAt(4), { line: 1, character: 1 });
      assert.strictEqual(idx.offsetAt({ line: 1, character: 1 }), 4);
      assert.strictEqual(idx.offsetAt({ line: 1, character: 99 }), 5, 'clamped before the LF');
      assert.deepStrictEqual(idx.positionAt(6), { line: 2, character: 0 });
    });

    it('treats CRLF as one line break of two units', () => {
      const idx = new LineIndex('ab\r\ncd');
      assert.strictEqual(idx.lineCount, 2);
      assert.strictEqual(idx.lineEnd(0), 2);
      assert.strictEqual(idx.lineStart(1), 4);
      assert.deepStrictEqual(idx.positionAt(4), { line: 1, character: 0 });
      assert.deepStrictEqual(idx.positionAt(3), { line: 0, character: 3 }, 'between CR and LF stays on the line');
      assert.strictEqual(idx.offsetAt({ line: 0, character: 99 }), 2, 'clamped before the CR');
      assert.strictEqual(idx.offsetAt({ line: 1, character: 2 }), 6);
    });

    it('treats a lone CR as a line break', () => {
      const idx = new LineIndex('ab\rcd\r\rx');
      assert.strictEqual(idx.lineCount, 4);
      assert.deepStrictEqual(idx.positionAt(3), { line: 1, character: 0 });
      assert.deepStrictEqual(idx.positionAt(7), { line: 3, character: 0 });
      assert.strictEqual(idx.lineEnd(2), 6);
    });

    it('counts characters in UTF-16 units, as VS Code positions do', () => {
      const idx = new LineIndex('x\n😀y');
      assert.deepStrictEqual(idx.positionAt(4), { line: 1, character: 2 });
      assert.strictEqual(idx.offsetAt({ line: 1, character: 2 }), 4);
    });

    it('clamps lines and offsets', () => {
      const idx = new LineIndex('a\nb');
      assert.strictEqual(idx.offsetAt({ line: 9, character: 0 }), 2);
      assert.strictEqual(idx.offsetAt({ line: -1, character: 0 }), 0);
      assert.deepStrictEqual(idx.positionAt(99), { line: 1, character: 1 });
    });

    it('property: positionAt and offsetAt are inverse on offsets that are not inside a CRLF', () => {
      fc.assert(
        fc.property(textArb, fc.nat(), (text, n) => {
          const idx = new LineIndex(text);
          const u = n % (text.length + 1);
          const insideCrlf = u > 0 && text.charCodeAt(u - 1) === 13 && text.charCodeAt(u) === 10;
          const pos = idx.positionAt(u);
          if (!insideCrlf) assert.strictEqual(idx.offsetAt(pos), u);
          // Line numbers agree with splitting on every kind of line break (a CR whose LF is not
          // yet included would count as a lone CR, hence the correction).
          assert.strictEqual(pos.line, text.slice(0, u).split(/\r\n|\r|\n/).length - 1 - (insideCrlf ? 1 : 0));
          assert.strictEqual(idx.lineCount, text.split(/\r\n|\r|\n/).length);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
