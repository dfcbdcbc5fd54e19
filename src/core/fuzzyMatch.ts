/**
 * Approximate string matching for re-anchoring, kept apart from the anchoring rules (as the
 * Hypothesis client keeps `match-quote` apart from its anchors).
 *
 * Two tools: anchored context distances (how well stored `before`/`after` context fits the text
 * right before / after a candidate place), computed on code points; and a fuzzy search for a long
 * passage (a quotation whose text was edited a little), over UTF-16 units via approx-string-match.
 */
import search from 'approx-string-match';

/**
 * Edit distance between `pattern` and the best suffix of `window`: the alignment must end where
 * the window ends, may start anywhere in it. Used for `before` context, whose last character must
 * sit right before the candidate. Arrays of code points (`Array.from(string)`).
 */
export function suffixDistance(pattern: readonly string[], window: readonly string[]): number {
  const m = pattern.length;
  const n = window.length;
  if (m === 0) return 0;
  // row[j]: cost of aligning pattern[0, i) with some window[x, j); free start: row 0 is all zeros.
  let row = new Array<number>(n + 1).fill(0);
  let next = new Array<number>(n + 1);
  for (let i = 1; i <= m; i++) {
    next[0] = i;
    const p = pattern[i - 1];
    for (let j = 1; j <= n; j++) {
      const diag = row[j - 1] + (window[j - 1] === p ? 0 : 1);
      next[j] = Math.min(diag, row[j] + 1, next[j - 1] + 1);
    }
    [row, next] = [next, row];
  }
  return row[n];
}

/**
 * Edit distance between `pattern` and the best prefix of `window`: the alignment must start where
 * the window starts. Used for `after` context.
 */
export function prefixDistance(pattern: readonly string[], window: readonly string[]): number {
  return suffixDistance([...pattern].reverse(), [...window].reverse());
}

/**
 * Similarity in [0, 1] of stored context to the text at a candidate place: 1 - distance / length.
 * `window` should hold a little more text than the stored context (twice as much is plenty) so
 * that an insertion inside the context costs only its length. Empty stored context is no
 * evidence and scores 1.
 */
export function contextSimilarity(stored: readonly string[], window: readonly string[], side: 'before' | 'after'): number {
  if (stored.length === 0) return 1;
  const d = side === 'before' ? suffixDistance(stored, window) : prefixDistance(stored, window);
  return 1 - d / stored.length;
}

/** A region of text that approximately matches a pattern (UTF-16 offsets, end exclusive). */
export interface ApproximateMatch {
  start: number;
  end: number;
  errors: number;
}

/**
 * The places where `pattern` occurs in `text` with the fewest edits, at most `maxErrors`, one per
 * region: matches that overlap are the same place found with different ends, and only the one
 * with the fewest errors (then the length closest to the pattern's) is kept. approx-string-match
 * returns only the lowest-cost matches, so a worse runner-up is found by searching again with the
 * best place masked (`maskRegion`). Offsets are UTF-16 units, as the library counts them (an
 * emoji edit costs two).
 */
export function approximateMatches(text: string, pattern: string, maxErrors: number): ApproximateMatch[] {
  if (pattern.length === 0 || maxErrors < 0) return [];
  const raw = search(text, pattern, Math.floor(maxErrors));
  const sorted = raw
    .map((m) => ({ start: m.start, end: m.end, errors: m.errors }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const regions: ApproximateMatch[][] = [];
  let regionEnd = -1;
  for (const m of sorted) {
    if (regions.length > 0 && m.start < regionEnd) regions[regions.length - 1].push(m);
    else regions.push([m]);
    regionEnd = Math.max(regionEnd, m.end);
  }
  const better = (a: ApproximateMatch, b: ApproximateMatch): number =>
    a.errors - b.errors ||
    Math.abs(a.end - a.start - pattern.length) - Math.abs(b.end - b.start - pattern.length) ||
    a.start - b.start;
  return regions.map((r) => r.sort(better)[0]).sort(better);
}

/** The text with [start, end) replaced by as many U+0000 units, so a search cannot find it again. */
export function maskRegion(text: string, start: number, end: number): string {
  return text.slice(0, start) + '\0'.repeat(Math.max(0, end - start)) + text.slice(end);
}
