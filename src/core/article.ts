/**
 * Article parsing: the date header, the paragraphs and the quotation spans of a seed
 * (DESIGN.md, "What it is").
 *
 * Input: the article text with its BOM already removed (`stripBom` from offsets.ts), line ends
 * as stored. Every offset returned is a code-point offset into exactly that string (DESIGN.md,
 * "Offsets"), `start` inclusive, `end` exclusive. A U+FEFF left at the start is tolerated before
 * the header like white space, as the language's `firstLine` does, but it counts as one.
 *
 * One definition of the syntax. The header and quotation patterns are not written here: they are
 * read from the TextMate grammar (syntaxes/seed.tmLanguage.json) and compiled into JavaScript
 * regular expressions when this module loads. The grammar writes them in the subset of regex
 * syntax that means the same in Oniguruma and in a JavaScript RegExp with the `u` flag (its
 * top-level comment says which); `toJsRegExp` translates the one Oniguruma-only anchor it uses
 * (`\A`) and refuses anything else outside that subset, so a grammar edit either carries over
 * here or fails loudly. The rules themselves are found by their scope names, the contract of
 * DESIGN.md, not by repository keys. test/unit/article.test.ts tokenizes the grammar fixtures
 * with vscode-textmate and checks that the spans below equal the grammar's tokens.
 *
 * Reading the patterns as the grammar engine does: each line (LF, CRLF or a lone CR ends one,
 * as in VS Code) is scanned from its start; at each step the leftmost quotation opener of any
 * quote rule wins (ties: the rule listed first), and the quotation runs to the first match of
 * that rule's end pattern, which always matches by the end of the line. The result is a list of
 * single-line pieces, exactly the grammar's `string.quoted.double.seed` tokens. Then the news
 * convention is applied on top: a piece still open at the end of its paragraph, followed by a
 * paragraph that begins with a quotation, is continued by it; the chain is one quotation.
 *
 * Cost: one pass over the text plus a bounded number of regex searches per quotation (each rule's
 * next opener is cached, so no search rescans the same text): linear in the text's length.
 */
import rawGrammar from '../../syntaxes/seed.tmLanguage.json';
import type { CodePointOffset } from './model';
import { OffsetMap } from './offsets';

/** A half-open range of code points. */
export interface Span {
  start: CodePointOffset;
  end: CodePointOffset;
}

/** The date header: `date YYYY-MM-DD` on the first line (its span is the header's span). */
export interface DateHeader extends Span {
  /** `YYYY-MM-DD` as written (not checked against the calendar). */
  date: string;
  /** The word `date`. */
  keyword: Span;
  /** The date value. */
  value: Span;
}

/** One paragraph's part of a quotation: one `string.quoted.double.seed` token of the grammar. */
export interface QuotePiece extends Span {
  /** The opening mark, `"` or `“`. */
  open: string;
  /**
   * True when the piece ends with a closing mark; false when it runs to the end of its line
   * (then, as the grammar's token, it takes any trailing white space of the line along).
   */
  closed: boolean;
}

/** A quotation: one piece, or several when it runs over paragraphs (news convention). */
export interface QuoteSpan extends Span {
  /** In text order; more than one for a quotation that runs over several paragraphs. */
  pieces: QuotePiece[];
  /** True when the last piece ends with a closing mark. */
  closed: boolean;
}

export interface ParsedArticle {
  /** Absent when the first line does not start with `date YYYY-MM-DD`. */
  header?: DateHeader;
  /** Where the article's prose starts: the first non-white-space character after the header. */
  bodyStart: CodePointOffset;
  /** Runs of non-blank lines, without their leading and trailing white space; the header is part of the first. */
  paragraphs: Span[];
  /** Quotations, marks included, multi-paragraph ones merged. */
  quotes: QuoteSpan[];
  /** Length of the text in code points. */
  length: number;
}

/**
 * The language's first-line test (DESIGN.md, "File naming"; package.json's `firstLine`): the
 * extension uses it to switch dated plain-text documents to `seed`.
 */
export const DATED_FIRST_LINE_SOURCE = '^\\uFEFF?\\s*date \\d{4}-\\d{2}-\\d{2}\\b';
const DATED_FIRST_LINE = new RegExp(DATED_FIRST_LINE_SOURCE);

/** True when a line (only the text before its first line break is looked at) starts with the date header. */
export function isDatedFirstLine(line: string): boolean {
  return DATED_FIRST_LINE.test(firstLineOf(line));
}

// ---------------------------------------------------------------------------------------------
// The grammar's patterns, compiled once.

interface RawCapture {
  name?: string;
}

interface RawRule {
  include?: string;
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  captures?: Record<string, RawCapture>;
  beginCaptures?: Record<string, RawCapture>;
  endCaptures?: Record<string, RawCapture>;
}

interface RawGrammar {
  scopeName: string;
  patterns: RawRule[];
  repository: Record<string, RawRule>;
}

/** DESIGN.md's grammar scopes. */
export const SCOPES = {
  header: 'meta.header.date.seed',
  keyword: 'keyword.other.date.seed',
  date: 'constant.numeric.date.seed',
  quote: 'string.quoted.double.seed',
  quoteBegin: 'punctuation.definition.string.begin.seed',
  quoteEnd: 'punctuation.definition.string.end.seed',
} as const;

/** Oniguruma escapes that have no identical meaning in a JavaScript `u` RegExp. */
const UNSUPPORTED_ESCAPES = new Set(['G', 'z', 'Z', 'h', 'H', 'K', 'R', 'X', 'x', 'o', 'O', 'y', 'Y', 'N', 'a', 'e', 'Q', 'E', '<', '>', '`', "'"]);

/**
 * Compiles a grammar pattern written in the shared subset into a JavaScript RegExp (flags `gu`,
 * plus `extraFlags`).
 * `\A` becomes `^` (the RegExp has no `m` flag, so both mean "start of the subject"); anything
 * that Oniguruma and JavaScript read differently throws.
 */
export function toJsRegExp(source: string, extraFlags = ''): RegExp {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (next === 'A') out += '^';
      else if (UNSUPPORTED_ESCAPES.has(next)) throw new Error(`grammar pattern ${JSON.stringify(source)}: \\${next} is not in the Oniguruma/JavaScript subset`);
      else out += c + next;
      i++;
      continue;
    }
    if (c === '(' && source[i + 1] === '?' && /[>imx~-]/.test(source[i + 2] ?? '')) {
      throw new Error(`grammar pattern ${JSON.stringify(source)}: atomic groups and inline flags are not in the Oniguruma/JavaScript subset`);
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && source[i + 1] === '+' && source[i - 1] !== '\\') {
      throw new Error(`grammar pattern ${JSON.stringify(source)}: possessive quantifiers are not in the Oniguruma/JavaScript subset`);
    }
    out += c;
  }
  return new RegExp(out, 'gu' + extraFlags);
}

function captureIndex(captures: Record<string, RawCapture> | undefined, scope: string): number {
  for (const [key, cap] of Object.entries(captures ?? {})) if (cap.name === scope) return Number(key);
  return -1;
}

interface HeaderRule {
  re: RegExp;
  whole: number;
  keyword: number;
  value: number;
}

interface QuoteRule {
  begin: RegExp;
  end: RegExp;
  /** The end pattern's group that holds the closing mark (-1: the whole match). */
  closeGroup: number;
}

function compileGrammar(grammar: RawGrammar): { header: HeaderRule; quotes: QuoteRule[] } {
  const resolve = (rule: RawRule): RawRule => {
    if (rule.include === undefined) return rule;
    const target = rule.include.startsWith('#') ? grammar.repository[rule.include.slice(1)] : undefined;
    if (!target) throw new Error(`grammar: cannot resolve include ${rule.include}`);
    return resolve(target);
  };
  const rules = grammar.patterns.map(resolve);
  let header: HeaderRule | undefined;
  const quotes: QuoteRule[] = [];
  for (const rule of rules) {
    if (rule.match !== undefined && captureIndex(rule.captures, SCOPES.header) >= 0) {
      header = {
        re: toJsRegExp(rule.match, 'd'), // capture indices: only the header needs them (they cost time)
        whole: captureIndex(rule.captures, SCOPES.header),
        keyword: captureIndex(rule.captures, SCOPES.keyword),
        value: captureIndex(rule.captures, SCOPES.date),
      };
    } else if (rule.name === SCOPES.quote && rule.begin !== undefined && rule.end !== undefined) {
      quotes.push({ begin: toJsRegExp(rule.begin), end: toJsRegExp(rule.end), closeGroup: captureIndex(rule.endCaptures, SCOPES.quoteEnd) });
    }
  }
  if (!header || header.keyword < 0 || header.value < 0) throw new Error(`grammar: no header rule with the scopes ${SCOPES.header}, ${SCOPES.keyword}, ${SCOPES.date}`);
  if (quotes.length === 0) throw new Error(`grammar: no begin/end rule named ${SCOPES.quote}`);
  return { header, quotes };
}

const GRAMMAR = compileGrammar(rawGrammar as RawGrammar);

// ---------------------------------------------------------------------------------------------
// Scanning (UTF-16 offsets inside this section; converted to code points at the end).

/** A quotation piece in UTF-16 offsets of the string it was found in. */
export interface RawQuotePiece {
  start: number;
  end: number;
  open: string;
  closed: boolean;
}

interface HeaderMatch {
  start: number;
  end: number;
  keyword: [number, number];
  value: [number, number];
}

function firstLineOf(text: string): string {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
  return end < 0 ? text : text.slice(0, end);
}

function matchHeader(firstLine: string): HeaderMatch | undefined {
  const re = GRAMMAR.header.re;
  re.lastIndex = 0;
  const m = re.exec(firstLine);
  if (!m || m.index !== 0 || !m.indices) return undefined;
  const whole = m.indices[GRAMMAR.header.whole];
  const keyword = m.indices[GRAMMAR.header.keyword];
  const value = m.indices[GRAMMAR.header.value];
  if (!whole || !keyword || !value) return undefined;
  return { start: whole[0], end: whole[1], keyword: [keyword[0], keyword[1]], value: [value[0], value[1]] };
}

/**
 * The quotation pieces of one line (no line terminator in it), from `from` on, in UTF-16 offsets
 * of `line`: the grammar's `string.quoted.double.seed` tokens.
 */
export function scanLineQuotes(line: string, from = 0): RawQuotePiece[] {
  const out: RawQuotePiece[] = [];
  scanLine(line, from, 0, out);
  return out;
}

/** Appends the pieces of `line` to `out`, offsets shifted by `base`. */
function scanLine(line: string, from: number, base: number, out: RawQuotePiece[]): void {
  const rules = GRAMMAR.quotes;
  // Next opener of each rule at or after `pos`: index, length; -1 when there is none left.
  const nextIndex: number[] = rules.map(() => -2);
  const nextLength: number[] = rules.map(() => 0);
  let pos = from;
  for (;;) {
    let best = -1;
    let bestRule = -1;
    for (let r = 0; r < rules.length; r++) {
      if (nextIndex[r] !== -1 && nextIndex[r] < pos) {
        const re = rules[r].begin;
        re.lastIndex = pos;
        const m = re.exec(line);
        nextIndex[r] = m ? m.index : -1;
        nextLength[r] = m ? m[0].length : 0;
      }
      if (nextIndex[r] >= 0 && (best < 0 || nextIndex[r] < best)) {
        best = nextIndex[r];
        bestRule = r;
      }
    }
    if (best < 0) return;
    const openEnd = best + nextLength[bestRule];
    if (openEnd === best) {
      // An empty opener would never advance; the grammar has none, but stay safe.
      pos = best + 1;
      continue;
    }
    const rule = rules[bestRule];
    rule.end.lastIndex = openEnd;
    const m = rule.end.exec(line);
    let end = line.length;
    let closed = false;
    if (m) {
      end = m.index + m[0].length;
      const mark = rule.closeGroup >= 0 ? m[rule.closeGroup] : m[0];
      closed = mark !== undefined && mark.length > 0;
    }
    out.push({ start: base + best, end: base + end, open: line.slice(best, openEnd), closed });
    pos = end;
  }
}

/** The paragraph (index) and line facts the merge step needs for each piece. */
interface PieceInfo extends RawQuotePiece {
  paragraph: number;
  line: number;
}

interface RawParagraph {
  start: number;
  end: number;
  lastLine: number;
}

/** Unicode white space as JavaScript's `\s` sees it (line terminators never reach this). */
function isSpace(code: number): boolean {
  return (
    code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** Parses a seed article: header, paragraphs, quotations. See the module comment. */
export function parseArticle(text: string): ParsedArticle {
  const map = new OffsetMap(text);
  const cp = (utf16: number): CodePointOffset => (map.isBmpOnly ? utf16 : map.toCodePoint(utf16));

  const headerMatch = matchHeader(firstLineOf(text));
  const paragraphs: RawParagraph[] = [];
  const pieces: PieceInfo[] = [];
  let inParagraph = false;
  let lineNo = 0;
  let lineStart = 0;
  const n = text.length;
  while (lineStart <= n) {
    // The line [lineStart, lineEnd) and the start of the next one.
    let lineEnd = lineStart;
    while (lineEnd < n) {
      const c = text.charCodeAt(lineEnd);
      if (c === 10 || c === 13) break;
      lineEnd++;
    }
    let next = lineEnd + 1;
    if (text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) === 10) next++;

    let first = lineStart;
    while (first < lineEnd && isSpace(text.charCodeAt(first))) first++;
    if (first === lineEnd) {
      inParagraph = false;
    } else {
      let last = lineEnd;
      while (isSpace(text.charCodeAt(last - 1))) last--;
      if (!inParagraph) {
        paragraphs.push({ start: first, end: last, lastLine: lineNo });
        inParagraph = true;
      } else {
        const p = paragraphs[paragraphs.length - 1];
        p.end = last;
        p.lastLine = lineNo;
      }
      const from = lineNo === 0 && headerMatch ? headerMatch.end : 0;
      const before = pieces.length;
      scanLine(text.slice(lineStart, lineEnd), from, lineStart, pieces as RawQuotePiece[]);
      for (let i = before; i < pieces.length; i++) {
        pieces[i].paragraph = paragraphs.length - 1;
        pieces[i].line = lineNo;
      }
    }
    if (lineEnd >= n) break;
    lineStart = next;
    lineNo++;
  }

  // Merge: a piece still open at the end of its paragraph continues into the next paragraph
  // when that one starts with a quotation.
  const quotes: QuoteSpan[] = [];
  let chain: QuotePiece[] = [];
  let last: PieceInfo | undefined;
  const flush = (): void => {
    if (chain.length === 0) return;
    quotes.push({ start: chain[0].start, end: chain[chain.length - 1].end, pieces: chain, closed: chain[chain.length - 1].closed });
    chain = [];
  };
  for (const piece of pieces) {
    const continues =
      last !== undefined &&
      !last.closed &&
      last.line === paragraphs[last.paragraph].lastLine &&
      piece.paragraph === last.paragraph + 1 &&
      piece.start === paragraphs[piece.paragraph].start;
    if (!continues) flush();
    chain.push({ start: cp(piece.start), end: cp(piece.end), open: piece.open, closed: piece.closed });
    last = piece;
  }
  flush();

  let header: DateHeader | undefined;
  let bodyStart = 0;
  if (headerMatch) {
    header = {
      start: cp(headerMatch.start),
      end: cp(headerMatch.end),
      date: text.slice(headerMatch.value[0], headerMatch.value[1]),
      keyword: { start: cp(headerMatch.keyword[0]), end: cp(headerMatch.keyword[1]) },
      value: { start: cp(headerMatch.value[0]), end: cp(headerMatch.value[1]) },
    };
    bodyStart = headerMatch.end;
  }
  while (bodyStart < n && isSpace(text.charCodeAt(bodyStart))) bodyStart++;

  return {
    header,
    bodyStart: cp(Math.min(bodyStart, n)),
    paragraphs: paragraphs.map((p) => ({ start: cp(p.start), end: cp(p.end) })),
    quotes,
    length: map.codePointLength,
  };
}

/** Sentence end: `.`, `?` or `!`, closing marks allowed after it, then white space or the end. */
const SENTENCE_END = /[.?!]["”’)\]]*(?=\s|$)/u;

/**
 * A short title for an article: the first sentence of its prose (after the header), white space
 * collapsed, cut at a word boundary to at most `maxLength` code points with an ellipsis. Reads
 * only the first paragraph, so it is cheap for the tree view. Empty for an article without prose.
 */
export function articleTitle(text: string, maxLength = 80): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const header = matchHeader(firstLineOf(body));
  let rest = header ? body.slice(header.end) : body;
  // The first paragraph of prose: skip blank space, stop at the next blank line.
  rest = rest.replace(/^\s+/u, '');
  const blank = /\r?\n[^\S\r\n]*(?:\r?\n|\r|$)|\r[^\S\r\n]*(?:\r|$)/u.exec(rest);
  const paragraph = (blank ? rest.slice(0, blank.index) : rest).replace(/\s+/gu, ' ').trim();
  const end = SENTENCE_END.exec(paragraph);
  const sentence = end ? paragraph.slice(0, end.index + end[0].length) : paragraph;
  const chars = Array.from(sentence);
  if (chars.length <= maxLength) return sentence;
  const cut = chars.slice(0, Math.max(1, maxLength - 1)).join('');
  const space = cut.lastIndexOf(' ');
  return (space > cut.length / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/u, '') + '…';
}
