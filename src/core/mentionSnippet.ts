/**
 * What the entities tree shows for a mention: where it is (`line:column`, as the editor's status
 * bar counts them) and a one-line snippet of its context with the mention's place in the snippet,
 * for highlighting.
 *
 * Input offsets are code points (sidecar coordinates, see offsets.ts); output positions are UTF-16
 * (the editor's and the tree label's units): the conversion happens here through `OffsetMap`.
 */
import { DATED_FIRST_LINE_SOURCE } from './article';
import type { CodePointOffset } from './model';
import { LineIndex, OffsetMap } from './offsets';
import type { LineCharacter } from './offsets';

/**
 * An article's text with its line index and offset map, built once and asked many times: the
 * position of a code-point offset as the editor counts it (0-based line, UTF-16 character).
 */
export class TextLines {
  readonly map: OffsetMap;
  readonly lines: LineIndex;

  constructor(readonly text: string) {
    this.map = new OffsetMap(text);
    this.lines = new LineIndex(text);
  }

  /** The position of a code-point offset (clamped to the text). */
  positionAt(offset: CodePointOffset): LineCharacter {
    return this.lines.positionAt(this.map.toUtf16(offset));
  }

  /** `line:column`, both counted from 1, as the status bar shows them ("Ln 3, Col 17"). */
  label(offset: CodePointOffset): string {
    const p = this.positionAt(offset);
    return `${p.line + 1}:${p.character + 1}`;
  }
}

/** A one-line snippet and the UTF-16 range `[start, end)` of the mention inside it. */
export interface Snippet {
  text: string;
  highlight: [number, number];
}

export interface SnippetOptions {
  /** Code points of context kept before the mention (default 24). */
  before?: number;
  /** Code points of context kept after it (default 48). */
  after?: number;
}

const ELLIPSIS = '…';
/** The date header and the space after it: not context worth showing. */
const HEADER = new RegExp(DATED_FIRST_LINE_SOURCE + '[^\\S\\r\\n]*');

/** White space runs (line breaks included) become one space, so the snippet fits on one line. */
function collapse(s: string): string {
  return s.replace(/\s+/gu, ' ');
}

/** Keeps the last `n` code points of `s`, cut at a word start when one is near. */
function tail(s: string, n: number): string {
  const chars = Array.from(s);
  if (chars.length <= n) return s;
  const kept = chars.slice(chars.length - n).join('');
  const space = kept.indexOf(' ');
  return ELLIPSIS + (space >= 0 && space < kept.length / 2 ? kept.slice(space + 1) : kept);
}

/** Keeps the first `n` code points of `s`, cut at a word end when one is near. */
function head(s: string, n: number): string {
  const chars = Array.from(s);
  if (chars.length <= n) return s;
  const kept = chars.slice(0, n).join('');
  const space = kept.lastIndexOf(' ');
  return (space > kept.length / 2 ? kept.slice(0, space) : kept) + ELLIPSIS;
}

/**
 * A snippet from the pieces of context: `before`, the mention's own text and `after`. White space
 * is collapsed; context is cut at word boundaries with an ellipsis. Works both with the article
 * at hand (see `mentionSnippet`) and with the `before`/`after` fields a sidecar keeps.
 */
export function snippetFromContext(before: string, text: string, after: string, options: SnippetOptions = {}): Snippet {
  const left = tail(collapse(before).trimStart(), options.before ?? 24);
  const middle = collapse(text);
  const right = head(collapse(after).trimEnd(), options.after ?? 48);
  return { text: left + middle + right, highlight: [left.length, left.length + middle.length] };
}

/**
 * A snippet of a mention `[start, end)` (code points) of `text`: its context within the same
 * paragraph (never across a blank line, never the date header), on one line.
 */
export function mentionSnippet(text: string | TextLines, start: CodePointOffset, end: CodePointOffset, options: SnippetOptions = {}): Snippet {
  const lines = typeof text === 'string' ? new TextLines(text) : text;
  const s = lines.map.toUtf16(start);
  const e = Math.max(s, lines.map.toUtf16(end));
  const full = lines.text;
  const beforeLimit = 4 * (options.before ?? 24) + 8;
  const afterLimit = 4 * (options.after ?? 48) + 8;
  let from = Math.max(0, s - beforeLimit);
  let to = Math.min(full.length, e + afterLimit);
  // Stay inside the paragraph: stop at a blank line on either side.
  const blank = /\r?\n[^\S\r\n]*\r?\n|\r[^\S\r\n]*\r/gu;
  const left = full.slice(from, s);
  let m: RegExpExecArray | null;
  let lastBlankEnd = -1;
  while ((m = blank.exec(left))) lastBlankEnd = m.index + m[0].length;
  if (lastBlankEnd >= 0) from += lastBlankEnd;
  const header = HEADER.exec(full);
  if (header && from < header[0].length && header[0].length <= s) from = header[0].length;
  const right = full.slice(e, to);
  blank.lastIndex = 0;
  const next = blank.exec(right);
  if (next) to = e + next.index;
  return snippetFromContext(full.slice(from, s), full.slice(s, e), full.slice(e, to), options);
}
