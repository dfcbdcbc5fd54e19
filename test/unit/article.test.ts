import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import type { IGrammar } from 'vscode-textmate';
import {
  DATED_FIRST_LINE_SOURCE,
  articleTitle,
  isDatedFirstLine,
  parseArticle,
  scanLineQuotes,
  toJsRegExp,
  type ParsedArticle,
} from '../../src/core/article';
import { LineIndex, OffsetMap, stripBom } from '../../src/core/offsets';
import { ROOT, loadFixtures, loadSeedGrammar, splitLines, tokenizeLines, type GrammarQuote } from '../grammar/textmate';

const SEEDS = path.join(ROOT, 'seeds');
const readSeed = (name: string): string => stripBom(fs.readFileSync(path.join(SEEDS, name), 'utf8'));
const SEED0 = '000_eb28ad2c764fb3cf.txt';

/** The text of each quotation, via code points. */
function quoteTexts(text: string, parsed: ParsedArticle = parseArticle(text)): string[] {
  const map = new OffsetMap(text);
  return parsed.quotes.map((q) => map.slice(q.start, q.end));
}

function paragraphTexts(text: string): string[] {
  const map = new OffsetMap(text);
  return parseArticle(text).paragraphs.map((p) => map.slice(p.start, p.end));
}

describe('article: first line', () => {
  it('isDatedFirstLine accepts the header after white space or a BOM', () => {
    for (const line of ['date 2021-09-01', ' date 2021-09-01 The negotiations', '\uFEFFdate 2021-09-01 x', '\uFEFF date 2021-09-01', '\t\u00A0date 2021-09-01.']) {
      assert.strictEqual(isDatedFirstLine(line), true, JSON.stringify(line));
    }
  });

  it('isDatedFirstLine rejects other lines, and looks at the first line only', () => {
    for (const line of ['Date 2021-09-01', 'date 2021-9-01', 'date 2021-09-010', 'date 2021-09-01x', 'updated date 2021-09-01', 'date  2021-09-01', '', '\ndate 2021-09-01', ' \r\ndate 2021-09-01']) {
      assert.strictEqual(isDatedFirstLine(line), false, JSON.stringify(line));
    }
  });

  it("the grammar's header pattern agrees with the language's firstLine pattern", () => {
    assert.strictEqual(DATED_FIRST_LINE_SOURCE, '^\\uFEFF?\\s*date \\d{4}-\\d{2}-\\d{2}\\b');
    const prefixes = ['', ' ', '\t', '\uFEFF', '\uFEFF ', '\u00A0', '\u2003', '\u3000', '\u200B', 'x', '\u0085'];
    const suffixes = ['', ' body', '.', 'x', '_', '0', 'é', '-', '\u00A0', '"quote"'];
    for (const p of prefixes) {
      for (const s of suffixes) {
        const line = `${p}date 2021-09-01${s}`;
        assert.strictEqual(parseArticle(line).header !== undefined, isDatedFirstLine(line), JSON.stringify(line));
      }
    }
  });

  it("package.json's firstLine is the same pattern", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes?: { languages?: { id: string; firstLine?: string }[] } };
    const seed = manifest.contributes?.languages?.find((l) => l.id === 'seed');
    assert.strictEqual(seed?.firstLine, DATED_FIRST_LINE_SOURCE);
  });

  it('toJsRegExp translates \\A and refuses Oniguruma-only syntax', () => {
    assert.strictEqual(toJsRegExp('\\Aa').source, '^a');
    assert.strictEqual(toJsRegExp('\\\\A').source, '\\\\A');
    for (const bad of ['\\Ga', 'a\\z', '(?>a)', '(?i)a', 'a++', '\\x{41}', '\\h']) {
      assert.throws(() => toJsRegExp(bad), /subset/, bad);
    }
  });
});

describe('article: header', () => {
  it('finds the header of the seed after its leading space', () => {
    const text = readSeed(SEED0);
    const { header, bodyStart } = parseArticle(text);
    assert.deepStrictEqual(header, { start: 1, end: 16, date: '2021-09-01', keyword: { start: 1, end: 5 }, value: { start: 6, end: 16 } });
    assert.strictEqual(text.slice(1, 16), 'date 2021-09-01');
    assert.strictEqual(bodyStart, 17);
    assert.ok(text.slice(bodyStart).startsWith('The negotiations'));
  });

  it('finds the header of the samples (CRLF, curly, BOM removed)', () => {
    assert.deepStrictEqual(parseArticle(readSeed('001_kabul_airport_crlf.txt')).header?.date, '2021-08-27');
    assert.deepStrictEqual(parseArticle(readSeed('002_herat_curly.txt')).header?.start, 1);
    const bom = fs.readFileSync(path.join(SEEDS, '003_unicode_names.txt'), 'utf8');
    assert.strictEqual(bom.charCodeAt(0), 0xfeff);
    const stripped = parseArticle(stripBom(bom)).header;
    assert.deepStrictEqual([stripped?.start, stripped?.end, stripped?.date], [0, 15, '2021-08-31']);
    // A BOM left in is tolerated like white space, and counted.
    assert.deepStrictEqual(parseArticle(bom).header?.start, 1);
  });

  it('has no header when the first line is not dated', () => {
    for (const text of ['', 'Kabul fell.', '\ndate 2021-09-01 x', 'x\r\ndate 2021-09-01', 'date 2021-09-011']) {
      const parsed = parseArticle(text);
      assert.strictEqual(parsed.header, undefined, JSON.stringify(text));
      assert.strictEqual(parsed.bodyStart, text.length - text.replace(/^\s+/, '').length);
    }
  });

  it('a header alone on its line, and code-point offsets after an emoji', () => {
    const text = '\u{1F1E6}\u{1F1EB}\u2003date 2021-09-01';
    assert.strictEqual(parseArticle(text).header, undefined, 'an emoji is not white space');
    const alone = parseArticle('date 2021-09-01\r\n\r\n"Quote" here.');
    assert.deepStrictEqual([alone.header?.end, alone.bodyStart, alone.paragraphs.length], [15, 19, 2]);
  });
});

describe('article: paragraphs', () => {
  it('splits the seed at blank lines, trimmed', () => {
    const paras = paragraphTexts(readSeed(SEED0));
    assert.strictEqual(paras.length, 11);
    assert.ok(paras[0].startsWith('date 2021-09-01 The negotiations'));
    assert.strictEqual(paras[10], '(With inputs from agencies)');
    for (const p of paras) assert.strictEqual(p, p.trim());
  });

  it('is CRLF aware: no CR in a paragraph, CRLF counted as two code points', () => {
    const text = readSeed('001_kabul_airport_crlf.txt');
    const parsed = parseArticle(text);
    assert.strictEqual(parsed.paragraphs.length, 8);
    for (const p of paragraphTexts(text)) assert.ok(!/[\r\n]/.test(p));
    assert.strictEqual(parsed.paragraphs[1].start, parsed.paragraphs[0].end + 4);
    assert.strictEqual(parsed.length, text.length);
  });

  it('keeps lines without a blank line between them in one paragraph; white-space lines separate', () => {
    assert.deepStrictEqual(paragraphTexts('one\ntwo\n \t\nthree\r\rfour\r\n\u00A0\r\nfive\n\n\n'), ['one\ntwo', 'three', 'four', 'five']);
    assert.deepStrictEqual(paragraphTexts(''), []);
    assert.deepStrictEqual(paragraphTexts('\n \n\r\n'), []);
    assert.deepStrictEqual(paragraphTexts('  only  '), ['only']);
  });

  it('counts code points, not UTF-16 units', () => {
    const text = '\u{1F600}\u{1F600} a\n\nb';
    assert.deepStrictEqual(parseArticle(text).paragraphs, [{ start: 0, end: 4 }, { start: 6, end: 7 }]);
  });
});

describe('article: quotations', () => {
  it('finds the quotations of the seed; the multi-paragraph one is [1249, 1338)', () => {
    const text = readSeed(SEED0);
    const parsed = parseArticle(text);
    assert.deepStrictEqual(
      parsed.quotes.map((q) => [q.start, q.end, q.pieces.length, q.closed]),
      [
        [318, 333, 1, true],
        [335, 459, 1, true],
        [1249, 1338, 2, true],
        [1392, 1442, 1, true],
        [1799, 1816, 1, true],
        [1818, 1867, 1, true],
      ],
    );
    const multi = parsed.quotes[2];
    assert.deepStrictEqual(multi.pieces, [
      { start: 1249, end: 1298, open: '"', closed: false },
      { start: 1300, end: 1338, open: '"', closed: true },
    ]);
    assert.strictEqual(quoteTexts(text, parsed)[2], '"don\'t want the problems to be solved peacefully.\n\n"Now it is up to you to talk to them,"');
  });

  it('finds the quotations of the samples', () => {
    const crlf = readSeed('001_kabul_airport_crlf.txt');
    const q1 = parseArticle(crlf).quotes;
    assert.deepStrictEqual(q1.map((q) => q.pieces.length), [1, 1, 2, 1]);
    assert.ok(quoteTexts(crlf)[2].includes('corridor.\r\n\r\n"Some of the wounded'));

    const curly = readSeed('002_herat_curly.txt');
    const q2 = parseArticle(curly).quotes;
    assert.deepStrictEqual(q2.map((q) => q.pieces.length), [1, 1, 3]);
    assert.deepStrictEqual(q2[2].pieces.map((p) => [p.open, p.closed]), [['“', false], ['“', false], ['“', true]]);
    for (const t of quoteTexts(curly)) assert.ok(t.startsWith('“') && t.endsWith('”'), t);

    const uni = readSeed('003_unicode_names.txt');
    assert.deepStrictEqual(quoteTexts(uni), [
      '"People don\'t know which one to hang any more \u{1F1E6}\u{1F1EB},"',
      '"We were the generation of hope \u{1F600} and now we\'re the generation of the airport,"',
      '"Don\'t expect the banks to open soon,"',
      '"on time and as planned."',
    ]);
    const q3 = parseArticle(uni).quotes;
    const utf16Start = uni.indexOf('"We were');
    assert.strictEqual(q3[1].start, utf16Start - 2, 'the two regional indicators before it count one code point each');
  });

  it('straight and curly marks pair with their own kind; the other kind is text', () => {
    assert.deepStrictEqual(quoteTexts('a “b "c" d” e "f “g” h" i'), ['“b "c" d”', '"f “g” h"']);
    assert.deepStrictEqual(quoteTexts('a ” b “c”'), ['“c”']);
    assert.deepStrictEqual(quoteTexts('so-called"moderate"Taliban said"no"'), ['"moderate"', '"no"']);
    assert.deepStrictEqual(quoteTexts('empty "" and ""'), ['""', '""']);
  });

  it('apostrophes never open or close a quotation', () => {
    assert.deepStrictEqual(quoteTexts("Taliban’s men don't say Afghanistan's '90s ‘were’ 'good'."), []);
    assert.deepStrictEqual(quoteTexts('"Afghanistan\'s people don\'t forget," the Taliban’s men said “it’s over’.”'), [
      '"Afghanistan\'s people don\'t forget,"',
      '“it’s over’.”',
    ]);
  });

  it('an unterminated quotation ends at the end of its line, not merged with a paragraph that does not open one', () => {
    const text = 'He said "we tried  \n\nNobody "answered" then.';
    const parsed = parseArticle(text);
    assert.deepStrictEqual(quoteTexts(text, parsed), ['"we tried  ', '"answered"']);
    assert.deepStrictEqual(parsed.quotes.map((q) => q.closed), [false, true]);
    // The same on a CRLF line: the CR is not part of the quotation.
    assert.deepStrictEqual(quoteTexts('a "b\r\n\r\nc'), ['"b']);
    assert.deepStrictEqual(quoteTexts('a "b\r\rc'), ['"b']);
    assert.deepStrictEqual(quoteTexts('end "'), ['"']);
  });

  it('merges a quotation over paragraphs, CRLF and curly included, and only into the next paragraph', () => {
    const three = '“one\n\n  “two\n\n“three” said he. “x”';
    const parsed = parseArticle(three);
    assert.deepStrictEqual(quoteTexts(three, parsed), ['“one\n\n  “two\n\n“three”', '“x”']);
    assert.strictEqual(parsed.quotes[0].pieces.length, 3);
    assert.deepStrictEqual(quoteTexts('a "b\r\n\r\n"c" d'), ['"b\r\n\r\n"c"']);
    // A chain that never closes stays open at its last paragraph's end.
    const open = parseArticle('"a\n\n"b');
    assert.deepStrictEqual(open.quotes.map((q) => [q.start, q.end, q.closed]), [[0, 6, false]]);
    // The next paragraph starts with text: no merge.
    assert.deepStrictEqual(quoteTexts('"a\n\nb "c"'), ['"a', '"c"']);
    // A line inside a paragraph is not a paragraph end.
    assert.deepStrictEqual(quoteTexts('"a\n"b"'), ['"a', '"b"']);
    assert.deepStrictEqual(quoteTexts('x "a\ny\n\n"b"'), ['"a', '"b"']);
    // The open quotation must be the last piece of its paragraph's last line.
    assert.deepStrictEqual(quoteTexts('"a" "b\n\n"c"'), ['"a"', '"b\n\n"c"']);
    // Mixed marks continue each other (the convention is about paragraphs, not glyphs).
    assert.deepStrictEqual(quoteTexts('"a\n\n“b”'), ['"a\n\n“b”']);
  });

  it('scanLineQuotes reports UTF-16 columns of one line', () => {
    assert.deepStrictEqual(scanLineQuotes('\u{1F600}"a" “b'), [
      { start: 2, end: 5, open: '"', closed: true },
      { start: 6, end: 8, open: '“', closed: false },
    ]);
    assert.deepStrictEqual(scanLineQuotes('"a" "b"', 3), [{ start: 4, end: 7, open: '"', closed: true }]);
  });

  it('stays linear on a long line full of marks and a long article', () => {
    const unit = 'Taliban’s men don\'t "say" “it’s” a \'90s "thing" ';
    const line = unit.repeat(Math.ceil(1_000_000 / unit.length));
    let t0 = performance.now();
    const parsed = parseArticle(line + ' "open');
    const lineMs = performance.now() - t0;
    assert.ok(parsed.quotes.length > 40_000);
    assert.strictEqual(parsed.quotes[parsed.quotes.length - 1].closed, false);
    const article = ('"a b c\n\n"d e" f “g”\n\n' + 'x'.repeat(200) + '\n\n').repeat(5000);
    t0 = performance.now();
    parseArticle(article);
    const articleMs = performance.now() - t0;
    assert.ok(lineMs < 3000 && articleMs < 3000, `${lineMs.toFixed(0)} ms, ${articleMs.toFixed(0)} ms`);
  });
});

describe('article: title', () => {
  it('is the first sentence after the header, shortened at a word', () => {
    assert.strictEqual(articleTitle(readSeed(SEED0)), 'The negotiations between the Taliban and leaders of Panjshir have failed…');
    assert.strictEqual(articleTitle(readSeed(SEED0), 200), 'The negotiations between the Taliban and leaders of Panjshir have failed, reported news agency AFP on Wednesday.');
    assert.strictEqual(articleTitle('\uFEFFdate 2021-01-01 Short one. Second.'), 'Short one.');
    assert.strictEqual(articleTitle('date 2021-01-01\r\n\r\n"Go," he said.  Then'), '"Go," he said.');
    assert.strictEqual(articleTitle('No header, no full stop'), 'No header, no full stop');
    assert.strictEqual(articleTitle('date 2021-01-01 Line one\ncontinues. Next.'), 'Line one continues.');
    assert.strictEqual(articleTitle('date 2021-01-01'), '');
    assert.strictEqual(articleTitle(''), '');
    assert.strictEqual(articleTitle('\u{1F600}'.repeat(100), 10), '\u{1F600}'.repeat(9) + '…');
  });
});

/** parseArticle's quotation pieces as (line, UTF-16 column) spans, to compare with the grammar. */
function parserPieces(text: string): GrammarQuote[] {
  const map = new OffsetMap(text);
  const lines = new LineIndex(text);
  const out: GrammarQuote[] = [];
  for (const q of parseArticle(text).quotes) {
    for (const p of q.pieces) {
      const s = lines.positionAt(map.toUtf16(p.start));
      const e = lines.positionAt(map.toUtf16(p.end));
      assert.strictEqual(s.line, e.line, 'a piece stays on one line');
      out.push({ line: s.line, start: s.character, end: e.character, closed: p.closed });
    }
  }
  return out;
}

function parserHeader(text: string): { start: number; end: number; keyword: [number, number]; value: [number, number] } | undefined {
  const map = new OffsetMap(text);
  const h = parseArticle(text).header;
  if (!h) return undefined;
  const u = (n: number) => map.toUtf16(n);
  return { start: u(h.start), end: u(h.end), keyword: [u(h.keyword.start), u(h.keyword.end)], value: [u(h.value.start), u(h.value.end)] };
}

describe('article: one definition with the grammar', () => {
  let grammar: IGrammar;
  before(async () => {
    grammar = await loadSeedGrammar();
  });

  const fixtures = loadFixtures();
  it('has grammar fixtures', () => assert.ok(fixtures.length >= 10));

  for (const fixture of fixtures) {
    it(`agrees with the grammar's tokens on ${fixture.file}`, () => {
      const text = fixture.lines.join(fixture.eol);
      const tokens = tokenizeLines(grammar, fixture.lines);
      assert.deepStrictEqual(parserPieces(text), tokens.quotes);
      assert.deepStrictEqual(parserHeader(text), tokens.header);
    });
  }

  for (const seed of fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort()) {
    it(`agrees with the grammar's tokens on seeds/${seed}`, () => {
      // VS Code strips the BOM and splits lines at CRLF, LF or CR before the grammar sees them.
      const text = readSeed(seed);
      const tokens = tokenizeLines(grammar, splitLines(text));
      assert.ok(tokens.quotes.length > 0);
      assert.deepStrictEqual(parserPieces(text), tokens.quotes);
      assert.deepStrictEqual(parserHeader(text), tokens.header);
    });
  }

  it('agrees with the grammar on random articles (fast-check)', () => {
    const piece = fc.constantFrom(
      'a', 'b c', ' ', '  ', '\t', '"', '"', '“', '”', "'", '’', '‘', '\n', '\n\n', '\r\n', '\r', '\n \n',
      'date 2021-09-01', 'date 2021-09-01 ', '\uFEFF', '\u00A0', '\u2028', '\u0085', '\u{1F600}', 'a\u0304', 'don\'t', 'Taliban’s',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const tokens = tokenizeLines(grammar, splitLines(text));
        assert.deepStrictEqual(parserPieces(text), tokens.quotes);
        assert.deepStrictEqual(parserHeader(text), tokens.header);
      }),
      { numRuns: 1000 },
    );
  });
});
