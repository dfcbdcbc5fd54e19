/**
 * The one place where UTF-16 offsets (VS Code, JavaScript strings) and code-point offsets
 * (sidecars, exports, Python, spaCy) meet. Everything else calls these functions.
 *
 * Conventions: the text is the article as stored with a leading BOM removed (`stripBom`; VS Code's
 * documents never hold it either); CRLF counts as two code points, in both units. A UTF-16 offset
 * that falls between the two halves of a surrogate pair is rounded down to the start of the pair.
 * A lone surrogate (ill-formed text) counts as one code point, as `Array.from` counts it.
 */
import type { CodePointOffset } from './model';

/** An offset in UTF-16 code units: JavaScript string indices, VS Code's `offsetAt`. */
export type Utf16Offset = number;

export const BOM = '\uFEFF';

/** Removes one leading byte-order mark; sidecar offsets never count it. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The code point that ends at UTF-16 index `i` (a whole surrogate pair when there is one); '' at 0. */
export function codePointBefore(text: string, i: number): string {
  if (i <= 0) return '';
  if (i >= 2 && isLowSurrogate(text.charCodeAt(i - 1)) && isHighSurrogate(text.charCodeAt(i - 2))) return text.slice(i - 2, i);
  return text[i - 1];
}

/** The code point that starts at UTF-16 index `i`; '' at the end. */
export function codePointAt(text: string, i: number): string {
  return i < text.length ? String.fromCodePoint(text.codePointAt(i)!) : '';
}

/**
 * A span's last known offsets clamped to a text of `length` code points and never empty when the
 * text is not (an orphan's place, shown even after the text under it is gone).
 */
export function clampSpan(start: CodePointOffset, end: CodePointOffset, length: number): { start: CodePointOffset; end: CodePointOffset } {
  let s = Math.max(0, Math.min(start, length));
  let e = Math.max(s, Math.min(end, length));
  if (s === e && length > 0) {
    if (e < length) e++;
    else s--;
  }
  return { start: s, end: e };
}

/** Number of code points in a string. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}

/**
 * The text between two code-point offsets of a string, without building a table: O(end) time.
 * For many slices of one text, build an `OffsetMap` once instead.
 */
export function sliceCodePoints(text: string, start: CodePointOffset, end?: CodePointOffset): string {
  const from = utf16OffsetOf(text, start);
  return end === undefined ? text.slice(from) : text.slice(from, Math.max(from, utf16OffsetOf(text, end)));
}

/** UTF-16 offset of a code-point offset of `text` by a linear scan (clamped to the text). */
function utf16OffsetOf(text: string, codePoint: CodePointOffset): Utf16Offset {
  let u = 0;
  for (let c = 0; c < codePoint && u < text.length; c++) {
    u += isHighSurrogate(text.charCodeAt(u)) && isLowSurrogate(text.charCodeAt(u + 1)) ? 2 : 1;
  }
  return u;
}

/**
 * Maps offsets of one text both ways in O(log n) after an O(n) scan. The table holds only the
 * astral characters (those that take two UTF-16 units), so a text without emoji costs nothing
 * beyond the scan.
 */
export class OffsetMap {
  /** UTF-16 index of each astral character's high surrogate, ascending. */
  private readonly astral: number[] = [];
  readonly utf16Length: number;
  readonly codePointLength: number;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        this.astral.push(i);
        i++;
      }
    }
    this.utf16Length = text.length;
    this.codePointLength = text.length - this.astral.length;
  }

  /** True when UTF-16 and code-point offsets coincide everywhere. */
  get isBmpOnly(): boolean {
    return this.astral.length === 0;
  }

  /**
   * Code-point offset of a UTF-16 offset (clamped to the text). An offset between the two halves
   * of a surrogate pair maps to the code point of that pair (rounds down).
   */
  toCodePoint(utf16: Utf16Offset): CodePointOffset {
    const u = Math.max(0, Math.min(utf16, this.utf16Length));
    // lo = number of astral characters that start before u. Each wholly before u counts one less
    // than its two units; one that u splits (astral[lo - 1] + 1 === u) maps to its own start,
    // astral[lo - 1] - (lo - 1), which is the same u - lo.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.astral[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return u - lo;
  }

  /** UTF-16 offset of a code-point offset (clamped to the text). */
  toUtf16(codePoint: CodePointOffset): Utf16Offset {
    const c = Math.max(0, Math.min(codePoint, this.codePointLength));
    // astral[k] - k is the code-point offset of the k-th astral character.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.astral[mid] - mid < c) lo = mid + 1;
      else hi = mid;
    }
    return c + lo;
  }

  /** True when a UTF-16 offset falls between the two halves of a surrogate pair. */
  splitsSurrogatePair(utf16: Utf16Offset): boolean {
    if (utf16 <= 0 || utf16 >= this.utf16Length) return false;
    return isHighSurrogate(this.text.charCodeAt(utf16 - 1)) && isLowSurrogate(this.text.charCodeAt(utf16));
  }

  /** The text between two code-point offsets. */
  slice(start: CodePointOffset, end: CodePointOffset): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/**
 * A text change in UTF-16 units as VS Code reports it (`TextDocumentContentChangeEvent`):
 * `rangeOffset`/`rangeLength` refer to the text before the change.
 */
export interface Utf16Change {
  rangeOffset: Utf16Offset;
  rangeLength: number;
  text: string;
}

/** The same change in code points of the text before it. */
export interface CodePointChange {
  start: CodePointOffset;
  removedLength: number;
  insertedText: string;
}

/**
 * Converts a UTF-16 change to code points. `before` must map the text as it was before the change
 * (each change of one VS Code event refers to the same, original text). A range end inside a
 * surrogate pair is rounded up, its start rounded down, so the converted range still covers every
 * unit the editor replaced.
 */
export function toCodePointChange(before: OffsetMap, change: Utf16Change): CodePointChange {
  const start = before.toCodePoint(change.rangeOffset);
  const endUtf16 = change.rangeOffset + change.rangeLength;
  let end = before.toCodePoint(endUtf16);
  if (before.splitsSurrogatePair(endUtf16)) end++;
  return { start, removedLength: Math.max(0, end - start), insertedText: change.text };
}

/** 0-based line and character (UTF-16, as VS Code's Position) of a UTF-16 offset. */
export interface LineCharacter {
  line: number;
  character: number;
}

/**
 * Line starts of a text, for line/column messages and positions. A line ends at LF, CRLF or a
 * lone CR, as VS Code counts them; the line break belongs to the line it ends.
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** UTF-16 offset where a 0-based line starts (clamped to the lines). */
  lineStart(line: number): Utf16Offset {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** UTF-16 offset where a 0-based line's content ends, before its line break. */
  lineEnd(line: number): Utf16Offset {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    if (l + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[l + 1] - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Position of a UTF-16 offset. An offset between a CR and its LF stays on the CR's line. */
  positionAt(utf16: Utf16Offset): LineCharacter {
    const u = Math.max(0, Math.min(utf16, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= u) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: u - this.starts[lo] };
  }

  /** UTF-16 offset of a position (the character clamped to its line's content). */
  offsetAt(pos: LineCharacter): Utf16Offset {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    const start = this.starts[line];
    return start + Math.max(0, Math.min(pos.character, this.lineEnd(line) - start));
  }
}
