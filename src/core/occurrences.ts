/**
 * Occurrences of a name in an article, for "Tag all occurrences".
 *
 * An occurrence is the same text (case-sensitive unless asked otherwise) with no letter, mark or
 * digit right before or after it. The test is Unicode-aware: JavaScript's `\b` only knows ASCII
 * word characters, so `/\bHer\b/` matches inside `Herāt` and `/\bHerāt\b/` fails before `ā`.
 * A hyphen is a boundary, so `anti-Taliban` holds an occurrence of `Taliban`; such occurrences are
 * counted apart so that the user is told before tagging them.
 *
 * Offsets returned are code points (sidecar units), `start` inclusive, `end` exclusive. Matching
 * is on the text as it is: `Herāt` with a precomposed `ā` and with `a` + combining macron are
 * different texts (neither Python nor spaCy would equate them either).
 */
import type { CodePointOffset } from './model';
import { codePointAt, codePointBefore, OffsetMap } from './offsets';

const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
/** Hyphen-minus, hyphen, non-breaking hyphen. */
const HYPHENS = new Set(['-', '\u2010', '\u2011']);

export interface Occurrence {
  start: CodePointOffset;
  end: CodePointOffset;
  /** The text as it stands in the article (differs from the needle in case when case-insensitive). */
  text: string;
  /** True when a hyphen touches the occurrence (`anti-Taliban`, `Taliban-led`). */
  hyphenJoined: boolean;
}

export interface OccurrenceOptions {
  /** Default true. Case-insensitive matching uses Unicode simple case folding (length-preserving). */
  caseSensitive?: boolean;
  /** Spans already tagged: an occurrence with exactly the same span is skipped. Orphans are ignored. */
  tagged?: readonly { start: CodePointOffset; end: CodePointOffset; orphaned?: boolean }[];
}

export interface OccurrenceSearch {
  /** The occurrences not tagged yet, in text order. */
  occurrences: Occurrence[];
  /** How many of them are hyphen-joined. */
  hyphenJoined: number;
  /** Occurrences skipped because a mention has exactly their span. */
  alreadyTagged: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}


/** Every whole-word occurrence of `needle` in `text` (see the file comment). */
export function findOccurrences(text: string | OffsetMap, needle: string, opts: OccurrenceOptions = {}): OccurrenceSearch {
  const map = typeof text === 'string' ? new OffsetMap(text) : text;
  const s = map.text;
  const result: OccurrenceSearch = { occurrences: [], hyphenJoined: 0, alreadyTagged: 0 };
  if (needle === '') return result;
  const tagged = new Set((opts.tagged ?? []).filter((m) => !m.orphaned).map((m) => `${m.start}:${m.end}`));
  const re = new RegExp(escapeRegExp(needle), opts.caseSensitive === false ? 'giu' : 'gu');
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const from = m.index;
    const to = from + m[0].length;
    const before = codePointBefore(s, from);
    const after = codePointAt(s, to);
    if (WORD_CHAR.test(before) || WORD_CHAR.test(after)) {
      // Not a whole word here; a match may still start inside this one.
      re.lastIndex = from + (codePointAt(s, from).length || 1);
      continue;
    }
    const start = map.toCodePoint(from);
    const end = map.toCodePoint(to);
    if (tagged.has(`${start}:${end}`)) {
      result.alreadyTagged++;
      continue;
    }
    const hyphenJoined = HYPHENS.has(before) || HYPHENS.has(after);
    if (hyphenJoined) result.hyphenJoined++;
    result.occurrences.push({ start, end, text: m[0], hyphenJoined });
  }
  return result;
}
