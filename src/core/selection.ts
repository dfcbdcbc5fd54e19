/**
 * What a selection (or the cursor) in an article means as a mention candidate: the span to tag.
 *
 * Offsets here are UTF-16 string indices (`Utf16Offset`) of the article text, as the editor
 * reports selections; callers convert the result to code points with `OffsetMap` before it goes
 * into a sidecar.
 *
 * Rules, decided once for every caller (code actions, commands, tag-on-selection):
 * - A selection is trimmed of surrounding white space and punctuation, never of inner text:
 *   `"went in vain."` → `went in vain`. Brackets stay when they are balanced inside the span
 *   (`Islamic State (ISIS-K)`), and so does the final dot of an abbreviation (`U.S.`).
 * - A possessive `’s` / `'s` is not part of a name: `Taliban’s` → `Taliban` (double-clicking
 *   `Taliban’s` in VS Code selects it whole, since `’` is not a word separator there). The CoNLL
 *   tokenizer splits the same way.
 * - A span may run over a line break inside a paragraph (wrapped prose) but never over a
 *   paragraph break (a blank line): a mention lies within one paragraph.
 * - Without a selection, the cursor names the word under it, or the capitalised phrase it is part
 *   of: `Mullah Amir Khan Motaqi`, `Panjshir Valley`, `Hamid Karzai International Airport`,
 *   `US-led`, `Mazār-i-Sharīf`, `al-Qaeda`. A leading sentence word such as `The` or `In` is not
 *   part of the phrase (`In Herāt` → `Herāt`).
 */
import { codePointAt, codePointBefore } from './offsets';
import type { Utf16Offset } from './offsets';

/** A half-open range [start, end) of UTF-16 indices. */
export interface Utf16Span {
  start: Utf16Offset;
  end: Utf16Offset;
}

export type SelectionResult =
  | { kind: 'span'; start: Utf16Offset; end: Utf16Offset; text: string }
  /** Nothing but white space and punctuation was selected. */
  | { kind: 'empty' }
  /** The span runs over a blank line; `at` is where the paragraph break starts. */
  | { kind: 'paragraph-break'; at: Utf16Offset };

const TRIMMABLE = /[\s\p{P}]/u;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const POSSESSIVE = /[\p{L}\p{M}\p{N}]['’ʼ][sS]$/u;
const ABBREVIATION_TAIL = /(?:^|[^\p{L}\p{M}\p{N}])(?:\p{L}\.)+\p{L}$/u;
/** A blank line: a line break, optional white space on an otherwise empty line, a line break. */
const PARAGRAPH_BREAK = /(?:\r\n|\r|\n)[^\S\r\n]*(?:\r\n|\r|\n)/;


function splitsPair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const hi = text.charCodeAt(i - 1);
  const lo = text.charCodeAt(i);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

/** Where a paragraph break inside [start, end) starts, or undefined. */
export function paragraphBreakIn(text: string, start: Utf16Offset, end: Utf16Offset): Utf16Offset | undefined {
  const m = PARAGRAPH_BREAK.exec(text.slice(start, end));
  return m ? start + m.index : undefined;
}

function bracketBalance(s: string): Map<string, number> {
  const balance = new Map<string, number>();
  for (const ch of s) {
    if (OPENERS[ch]) balance.set(ch, (balance.get(ch) ?? 0) + 1);
    else if (CLOSERS[ch]) balance.set(CLOSERS[ch], (balance.get(CLOSERS[ch]) ?? 0) - 1);
  }
  return balance;
}

/**
 * The span a selection [start, end) stands for (see the file comment): trimmed, possessive
 * removed, refused when it crosses a paragraph break.
 */
export function trimSelection(text: string, start: Utf16Offset, end: Utf16Offset): SelectionResult {
  let s = Math.max(0, Math.min(start, end, text.length));
  let e = Math.min(text.length, Math.max(start, end));
  // An offset between the halves of a surrogate pair takes the whole character.
  if (splitsPair(text, s)) s--;
  if (splitsPair(text, e)) e++;
  const origStart = s;
  const origEnd = e;
  while (s < e && TRIMMABLE.test(codePointAt(text, s))) s += codePointAt(text, s).length;
  while (e > s && TRIMMABLE.test(codePointBefore(text, e))) e -= codePointBefore(text, e).length;
  if (s >= e) return { kind: 'empty' };

  // Keep brackets that close (or open) one inside the span, as far as the selection reached.
  for (const [open, count] of bracketBalance(text.slice(s, e))) {
    const close = OPENERS[open];
    for (let n = count; n > 0 && e < origEnd && text[e] === close; n--) e++;
    for (let n = count; n < 0 && s > origStart && text[s - 1] === open; n++) s--;
  }
  // The dot of an abbreviation is part of it.
  if (e < origEnd && text[e] === '.' && ABBREVIATION_TAIL.test(text.slice(s, e))) e++;
  // The possessive is not part of a name.
  while (POSSESSIVE.test(text.slice(s, e)) && e - s > 2) {
    e -= 2;
    while (e > s && TRIMMABLE.test(codePointBefore(text, e))) e -= codePointBefore(text, e).length;
  }

  const brk = paragraphBreakIn(text, s, e);
  if (brk !== undefined) return { kind: 'paragraph-break', at: brk };
  return { kind: 'span', start: s, end: e, text: text.slice(s, e) };
}

// ---------------------------------------------------------------------------------------------
// The word or phrase under the cursor

/** Abbreviations with dots (`U.S.`, `U.N.`), or words joined by hyphens and apostrophes. */
const WORD = /(?:\p{L}\.){2,}|[\p{L}\p{M}\p{N}]+(?:[-\u2010\u2011'’ʼ][\p{L}\p{M}\p{N}]+)*/gu;
const PART_SPLIT = /[-\u2010\u2011]/u;
const UPPER = /^[\p{Lu}\p{Lt}]/u;
/** Lower-case particles that start a hyphenated name: `al-Qaeda`, `el-Sisi`. */
const NAME_PREFIXES = new Set(['al', 'el', 'ad', 'an', 'ar', 'as', 'ash', 'at', 'az', 'ud']);
/** Lower-case words that may join two capitalised words of one name: `Bank of England`. */
const CONNECTORS = new Set(['of', 'al', 'bin', 'ibn', 'bint', 'de', 'del', 'della', 'da', 'di', 'du', 'van', 'von', 'der', 'den', 'la', 'le']);
/** Capitalised words that start sentences rather than names. */
const LEADING_STOPWORDS = new Set([
  'A', 'An', 'The', 'In', 'On', 'At', 'By', 'For', 'From', 'To', 'With', 'Without', 'And', 'But', 'Or', 'Of', 'As', 'If',
  'When', 'While', 'After', 'Before', 'During', 'Since', 'Until', 'Under', 'Over', 'Near', 'Inside', 'Outside',
  'It', 'He', 'She', 'They', 'We', 'I', 'You', 'This', 'That', 'These', 'Those', 'His', 'Her', 'Its', 'Their', 'Our', 'My', 'Your',
  'Some', 'Many', 'Most', 'All', 'Both', 'Several', 'Other', 'Another', 'Every', 'Each', 'Last', 'Next', 'According',
]);

interface Token {
  start: number;
  /** End without a possessive `’s`. */
  end: number;
  /** End with it. */
  fullEnd: number;
  text: string;
  possessive: boolean;
}

function tokensOf(text: string, from: number, to: number): Token[] {
  const out: Token[] = [];
  WORD.lastIndex = from;
  for (let m = WORD.exec(text); m && m.index < to; m = WORD.exec(text)) {
    let word = m[0];
    while (POSSESSIVE.test(word) && word.length > 2) word = word.slice(0, -2);
    out.push({ start: m.index, end: m.index + word.length, text: word, possessive: word.length < m[0].length, fullEnd: m.index + m[0].length });
  }
  return out;
}

/** Whether a word may be part of a capitalised phrase (`US-led` may not: its last part is lower case). */
function isCapitalised(word: string): boolean {
  const parts = word.split(PART_SPLIT).filter((p) => p !== '');
  if (parts.length === 0) return false;
  const first = parts[0];
  const last = parts[parts.length - 1];
  const startsUpper = UPPER.test(first) || (parts.length > 1 && NAME_PREFIXES.has(first));
  return startsUpper && (UPPER.test(last) || /^\p{N}/u.test(last));
}

/** True when only white space lies between two words, without a paragraph break. */
function joinedBySpace(text: string, a: Token, b: Token): boolean {
  if (a.possessive) return false;
  const gap = text.slice(a.end, b.start);
  return gap.length > 0 && /^\s+$/u.test(gap) && !PARAGRAPH_BREAK.test(gap) && (gap.match(/\r\n|\r|\n/g)?.length ?? 0) <= 1;
}

/** The paragraph around a UTF-16 index: [start, end) without its surrounding blank lines. */
function paragraphAround(text: string, at: number): Utf16Span {
  const blank = new RegExp(PARAGRAPH_BREAK.source, 'g');
  let start = 0;
  let end = text.length;
  for (let m = blank.exec(text); m; m = blank.exec(text)) {
    const brkStart = m.index;
    const brkEnd = m.index + m[0].length;
    if (brkEnd <= at) start = brkEnd;
    else if (brkStart >= at) {
      end = brkStart;
      break;
    } else {
      // `at` lies inside the blank line: no paragraph.
      return { start: at, end: at };
    }
    blank.lastIndex = Math.max(blank.lastIndex - 1, m.index + 1); // breaks may share a line break
  }
  return { start, end };
}

/** The word under (or right before) the cursor, its possessive removed; undefined between words. */
export function wordAt(text: string, offset: Utf16Offset): Utf16Span | undefined {
  const at = Math.max(0, Math.min(offset, text.length));
  const para = paragraphAround(text, at);
  const tokens = tokensOf(text, para.start, para.end);
  const hit = tokens.find((t) => t.start <= at && at < t.fullEnd) ?? tokens.find((t) => t.end === at || t.fullEnd === at);
  return hit && { start: hit.start, end: hit.end };
}

/**
 * The word or capitalised phrase under the cursor (see the file comment), or undefined when the
 * cursor is not on a word.
 */
export function phraseAt(text: string, offset: Utf16Offset): Utf16Span | undefined {
  const at = Math.max(0, Math.min(offset, text.length));
  const para = paragraphAround(text, at);
  const tokens = tokensOf(text, para.start, para.end);
  const within = (t: Token) => t.start <= at && at < t.fullEnd;
  let i = tokens.findIndex(within);
  if (i < 0) i = tokens.findIndex((t) => t.fullEnd === at);
  if (i < 0) return undefined;
  const word = tokens[i];
  if (!isCapitalised(word.text)) return { start: word.start, end: word.end };

  let first = i;
  let last = i;
  for (;;) {
    const prev = tokens[first - 1];
    if (prev && isCapitalised(prev.text) && joinedBySpace(text, prev, tokens[first])) {
      first--;
      continue;
    }
    const before = tokens[first - 2];
    if (prev && before && CONNECTORS.has(prev.text) && isCapitalised(before.text) && joinedBySpace(text, before, prev) && joinedBySpace(text, prev, tokens[first])) {
      first -= 2;
      continue;
    }
    break;
  }
  for (;;) {
    const next = tokens[last + 1];
    if (next && isCapitalised(next.text) && joinedBySpace(text, tokens[last], next)) {
      last++;
      continue;
    }
    const after = tokens[last + 2];
    if (next && after && CONNECTORS.has(next.text) && isCapitalised(after.text) && joinedBySpace(text, tokens[last], next) && joinedBySpace(text, next, after)) {
      last += 2;
      continue;
    }
    break;
  }
  // A sentence's first word is not part of the name after it ("The Taliban", "In Herāt").
  while (first < i && LEADING_STOPWORDS.has(tokens[first].text)) first++;
  while (first < i && CONNECTORS.has(tokens[first].text)) first++;
  return { start: tokens[first].start, end: tokens[last].end };
}

/**
 * The span to tag for an editor selection: the trimmed selection, or with an empty selection the
 * phrase under the cursor (undefined result: nothing to tag there).
 */
export function resolveSelection(text: string, anchor: Utf16Offset, active: Utf16Offset): SelectionResult {
  if (anchor === active) {
    const p = phraseAt(text, active);
    return p ? { kind: 'span', start: p.start, end: p.end, text: text.slice(p.start, p.end) } : { kind: 'empty' };
  }
  return trimSelection(text, anchor, active);
}
