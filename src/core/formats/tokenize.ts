/**
 * The tokenizer and sentence splitter of the CoNLL export (DESIGN.md, "Export formats").
 *
 * Tokens:
 * - a run of letters, marks and digits (`\p{L}\p{M}\p{N}`); an apostrophe (`'` or `’`), a
 *   zero-width joiner or non-joiner between two such runs stays inside the word: `don't` and an
 *   untagged `Taliban’s` are one token each (DESIGN.md's example: `Taliban’s` is cut into
 *   `Taliban` `’s` only when `Taliban` is tagged), Persian and Indic words keep their joiners;
 * - otherwise one single non-space character, together with the combining marks, emoji modifiers
 *   and zero-width-joined symbols that follow it (so an emoji sequence stays one token);
 * - and every token is cut at each boundary handed in (entity starts and ends).
 *
 * White space is what JavaScript's `\s` and Python's `str.split()` both treat as white space
 * (their union), so a token never holds a character a Python CoNLL reader would split on.
 *
 * Sentences end after `.`, `?` or `!` (and any closing quotes right after it) followed by white
 * space or the end of the text, and at every line break (a seed's paragraph is one line); never
 * inside a protected span (a tagged entity), and always at a forced offset (the end of the date
 * header).
 *
 * Offsets are code points into the text, as everywhere in exports; `utf16Start`/`utf16End` are the
 * same positions in JavaScript string units, for slicing.
 */
import type { CodePointOffset } from '../model';
import { OffsetMap } from '../offsets';

export interface Token {
  text: string;
  start: CodePointOffset;
  end: CodePointOffset;
  utf16Start: number;
  utf16End: number;
}

const SPACE = '\\s\\x1c-\\x1f\\x85';
const WORD_CHAR = '\\p{L}\\p{M}\\p{N}';
const TOKEN = new RegExp(
  [
    `[${WORD_CHAR}]+(?:['\\u2019\\u200c\\u200d][${WORD_CHAR}]+)*`,
    '\\p{Regional_Indicator}{2}',
    `[^${SPACE}${WORD_CHAR}](?:[\\p{M}\\p{Emoji_Modifier}]|\\u200d[^${SPACE}${WORD_CHAR}])*`,
  ].join('|'),
  'gu',
);

/** True for a character the tokenizer treats as white space (a JavaScript string of one code point). */
export function isTokenSpace(ch: string): boolean {
  return ONE_SPACE.test(ch);
}

const ONE_SPACE = new RegExp(`^[${SPACE}]$`, 'u');

/**
 * Tokens of `text` in order, cut at every offset of `boundaries` (code points; any order,
 * duplicates and offsets that fall in white space are fine).
 */
export function tokenize(text: string, boundaries: Iterable<CodePointOffset> = [], offsets = new OffsetMap(text)): Token[] {
  const cuts = [...new Set(boundaries)].map((b) => offsets.toUtf16(b)).sort((a, b) => a - b);
  const tokens: Token[] = [];
  let c = 0;
  const push = (from: number, to: number) => {
    tokens.push({ text: text.slice(from, to), start: offsets.toCodePoint(from), end: offsets.toCodePoint(to), utf16Start: from, utf16End: to });
  };
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    let from = m.index;
    const to = from + m[0].length;
    while (c < cuts.length && cuts[c] <= from) c++;
    while (c < cuts.length && cuts[c] < to) {
      push(from, cuts[c]);
      from = cuts[c++];
    }
    push(from, to);
  }
  return tokens;
}

const TERMINALS = new Set(['.', '?', '!']);
const CLOSING_QUOTES = new Set(['"', '”', '’', "'", '»', '›']);

export interface SentenceOptions {
  /** Spans no sentence break may fall inside (tagged entities): sorted by start, not overlapping. */
  protectedSpans?: ReadonlyArray<{ start: CodePointOffset; end: CodePointOffset }>;
  /** Offsets where a sentence always ends (the date header's end). */
  forceBreaks?: ReadonlyArray<CodePointOffset>;
}

/**
 * Where the sentences of `text` end: for each sentence, the index one past its last token in
 * `tokens` (from `tokenize`); ascending, the last one `tokens.length`. No sentence is empty.
 */
export function sentenceEnds(text: string, tokens: readonly Token[], options: SentenceOptions = {}): number[] {
  const spans = options.protectedSpans ?? [];
  const forced = new Set(options.forceBreaks ?? []);
  const ends: number[] = [];
  let s = 0;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const token = tokens[i];
    const pos = token.end;
    while (s < spans.length && spans[s].end <= pos) s++;
    if (s < spans.length && spans[s].start < pos && pos < spans[s].end) continue;
    const from = token.utf16End;
    const to = tokens[i + 1].utf16Start;
    if (forced.has(pos) || (from < to && (hasLineBreak(text, from, to) || endsSentence(tokens, i)))) ends.push(i + 1);
  }
  if (tokens.length) ends.push(tokens.length);
  return ends;
}

/** The tokens grouped by sentence (see `sentenceEnds`). */
export function splitSentences<T extends Token>(text: string, tokens: T[], options: SentenceOptions = {}): T[][] {
  let from = 0;
  return sentenceEnds(text, tokens, options).map((end) => tokens.slice(from, (from = end)));
}

/** Whether text[from, to) (white space between two tokens) holds a line break; no string is built. */
function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) continue;
    if ((c >= 0x0a && c <= 0x0d) || (c >= 0x1c && c <= 0x1e) || c === 0x85 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** Whether token i is a sentence terminal, or a closing quote glued right after one. */
function endsSentence(tokens: readonly Token[], i: number): boolean {
  let j = i;
  while (j > 0 && CLOSING_QUOTES.has(tokens[j].text) && tokens[j - 1].utf16End === tokens[j].utf16Start) j--;
  return TERMINALS.has(tokens[j].text);
}
