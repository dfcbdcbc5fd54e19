/**
 * The one place where UTF-16 offsets (VS Code, JavaScript strings) and code-point offsets
 * (sidecars, exports, Python, spaCy) meet. Everything else calls these functions.
 *
 * Conventions: the text is the article as stored with a leading BOM removed (`stripBom`);
 * CRLF counts as two code points. A UTF-16 offset that falls between the two halves of a
 * surrogate pair is rounded down to the start of the pair.
 */
import type { CodePointOffset } from './model';

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

/** Number of code points in a string. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (!(isLowSurrogate(text.charCodeAt(i)) && i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) n++;
  }
  return n;
}

/**
 * Maps offsets of one text both ways in O(log n) after an O(n) scan. The table holds only the
 * astral characters, so a text without emoji costs nothing beyond the scan.
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

  /** Code-point offset of a UTF-16 offset (clamped to the text). */
  toCodePoint(utf16: number): CodePointOffset {
    const u = Math.max(0, Math.min(utf16, this.utf16Length));
    // Astral characters wholly before u each count one less than their two units.
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.astral[mid] + 1 < u) lo = mid + 1;
      else hi = mid;
    }
    // An offset inside a pair (astral[lo] + 1 === u) rounds down to the pair's start.
    return u - lo;
  }

  /** UTF-16 offset of a code-point offset (clamped to the text). */
  toUtf16(codePoint: CodePointOffset): number {
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

  /** The text between two code-point offsets. */
  slice(start: CodePointOffset, end: CodePointOffset): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** 0-based line and character (UTF-16, as VS Code's Position) of a UTF-16 offset. */
export interface LineCharacter {
  line: number;
  character: number;
}

/**
 * Line starts of a text, for line/column messages and positions. A line ends at LF, CRLF or a
 * lone CR, as VS Code counts them.
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

  /** Position of a UTF-16 offset. */
  positionAt(utf16: number): LineCharacter {
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

  /** UTF-16 offset of a position (clamped to its line). */
  offsetAt(pos: LineCharacter): number {
    const line = Math.max(0, Math.min(pos.line, this.starts.length - 1));
    const start = this.starts[line];
    const next = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    let lineEnd = next;
    if (line + 1 < this.starts.length) {
      lineEnd = next - 1;
      if (this.text.charCodeAt(lineEnd) === 10 && this.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    }
    return start + Math.max(0, Math.min(pos.character, lineEnd - start));
  }
}
