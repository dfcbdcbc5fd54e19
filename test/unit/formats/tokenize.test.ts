import * as assert from 'assert';
import { isTokenSpace, splitSentences, tokenize } from '../../../src/core/formats/tokenize';

const words = (text: string, boundaries: number[] = []) => tokenize(text, boundaries).map((t) => t.text);

describe('formats/tokenize', () => {
  it('makes runs of letters, marks and digits, and single other characters', () => {
    assert.deepStrictEqual(words('The Taliban, in 2021-09-01: "vain."'), ['The', 'Taliban', ',', 'in', '2021', '-', '09', '-', '01', ':', '"', 'vain', '.', '"']);
    assert.deepStrictEqual(words('guidance & encouragement...'), ['guidance', '&', 'encouragement', '.', '.', '.']);
  });

  it("keeps an apostrophe between letters inside the word, and cuts it off at an entity boundary (Taliban’s)", () => {
    assert.deepStrictEqual(words("don't Afghanistan's Taliban’s 'quoted'"), ["don't", "Afghanistan's", 'Taliban’s', "'", 'quoted', "'"]);
    assert.deepStrictEqual(words('head of Taliban’s commission', [8, 15]), ['head', 'of', 'Taliban', '’s', 'commission']);
  });

  it('keeps combining marks, joiners and emoji sequences whole, and counts code points', () => {
    const text = 'Ismāʿīl cafe\u0301 می\u200cخواهم 👨\u200d👩\u200d👧 👍🏽 🇦🇫🇺🇸 ❤\ufe0f 𝔘𝔫';
    const tokens = tokenize(text);
    assert.deepStrictEqual(
      tokens.map((t) => t.text),
      ['Ismāʿīl', 'cafe\u0301', 'می\u200cخواهم', '👨\u200d👩\u200d👧', '👍🏽', '🇦🇫', '🇺🇸', '❤\ufe0f', '𝔘𝔫'],
    );
    const cps = [...text];
    for (const t of tokens) assert.strictEqual(cps.slice(t.start, t.end).join(''), t.text);
    for (const t of tokens) assert.strictEqual(text.slice(t.utf16Start, t.utf16End), t.text);
  });

  it("treats as white space everything JavaScript's \\s or Python's str.split() does", () => {
    assert.deepStrictEqual(words('a\u001cb\u001fc\u0085d\u00a0e\u2028f\u3000g\ufeffh\u000bi'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    for (const ch of ['\u001c', '\u001d', '\u001e', '\u001f', '\u0085', ' ', '\t', '\u2029']) assert.ok(isTokenSpace(ch), JSON.stringify(ch));
    assert.ok(!isTokenSpace('\u200b'));
  });

  it('cuts tokens at every boundary, even inside a word or an emoji sequence', () => {
    assert.deepStrictEqual(words('Panjshir', [3]), ['Pan', 'jshir']);
    assert.deepStrictEqual(words('x 👨\u200d👩 y', [4]), ['x', '👨\u200d', '👩', 'y']);
    assert.deepStrictEqual(words('ab cd', [2, 3, 0, 5, 99]), ['ab', 'cd']);
  });

  describe('sentences', () => {
    const sentences = (text: string, options = {}) => splitSentences(text, tokenize(text), options).map((s) => s.map((t) => t.text).join(' '));

    it('end at . ? ! (and closing quotes) before white space, and at every line break', () => {
      assert.deepStrictEqual(sentences('He said "No." Then left! Why? 3.5 stays. A.B too\nNext line\r\nand “more.” Last'), [
        'He said " No . "',
        'Then left !',
        'Why ?',
        '3 . 5 stays .',
        'A . B too',
        'Next line',
        'and “ more . ”',
        'Last',
      ]);
    });

    it('never end inside a protected span, always at a forced break', () => {
      const text = 'date 2021-09-01 Mr. Smith came. Then';
      assert.deepStrictEqual(sentences(text, { protectedSpans: [{ start: 16, end: 25 }], forceBreaks: [15] }), ['date 2021 - 09 - 01', 'Mr . Smith came .', 'Then']);
      assert.deepStrictEqual(sentences(text), ['date 2021 - 09 - 01 Mr .', 'Smith came .', 'Then']);
    });

    it('give no empty sentence', () => {
      assert.deepStrictEqual(sentences(''), []);
      assert.deepStrictEqual(sentences('\n\n.\n\n'), ['.']);
    });
  });
});
