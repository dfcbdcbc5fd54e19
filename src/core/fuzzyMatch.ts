/**
 * Approximate string matching for re-anchoring, kept apart from the anchoring rules (as the
 * Hypothesis client keeps `match-quote` apart from its anchors).
 *
 * Two tools: anchored context distances (how well stored `before`/`after` context fits the text
 * right before / after a candidate place), computed on code points; and a fuzzy search for a long
 * passage (a quotation whose text was edited a little), over UTF-16 units via approx-string-match.
 */
import search from 'approx-string-match';

/** Two DP rows, grown as needed and reused: context distances run thousands of times per load. */
let rowA = new Int32Array(128);
let rowB = new Int32Array(128);
function rows(n: number): [Int32Array, Int32Array] {
  if (rowA.length <= n) {
    rowA = new Int32Array(2 * n + 2);
    rowB = new Int32Array(2 * n + 2);
  }
  return [rowA, rowB];
}

/**
 * Edit distance between `pattern` and the best suffix of `window`: the alignment must end where
 * the window ends, may start anywhere in it. Used for `before` context, whose last character must
 * sit right before the candidate. Sequences of code points (numbers, or `Array.from` strings).
 * Above `cap` the exact value does not matter: the scan stops and returns cap + 1.
 */
export function suffixDistance<T>(pattern: ArrayLike<T>, window: ArrayLike<T>, cap = Infinity): number {
  const m = pattern.length;
  const n = window.length;
  if (m === 0) return 0;
  if (m <= 32) return bitParallelSuffixDistance(pattern, window, 0, n, 1);
  const row = lastRow(pattern, window, cap, true);
  return row ? row[n] : cap + 1;
}

/**
 * Edit distance between `pattern` and the best prefix of `window`: the alignment must start where
 * the window starts, may end anywhere in it. Used for `after` context. Same `cap` as above.
 */
export function prefixDistance<T>(pattern: ArrayLike<T>, window: ArrayLike<T>, cap = Infinity): number {
  const m = pattern.length;
  const n = window.length;
  if (m === 0) return 0;
  // Read backwards, a prefix alignment is a suffix alignment of the reversed strings.
  if (m <= 32) return bitParallelSuffixDistance(reversedOf(pattern), window, n - 1, -1, -1);
  const row = lastRow(pattern, window, cap, false);
  if (!row) return cap + 1;
  let best = row[0];
  for (let j = 1; j <= n; j++) if (row[j] < best) best = row[j];
  return best;
}

/**
 * The dynamic programme of both distances for long patterns. Returns the last row, row[j] being
 * the cost of aligning all of `pattern` with window[x, j), where x is free (`freeStart`: row 0 is
 * all zeros) or 0; or undefined as soon as a whole row is above `cap`. The row is a shared buffer:
 * read it before the next call.
 */
function lastRow<T>(pattern: ArrayLike<T>, window: ArrayLike<T>, cap: number, freeStart: boolean): Int32Array | undefined {
  const m = pattern.length;
  const n = window.length;
  let [row, next] = rows(n);
  if (freeStart) row.fill(0, 0, n + 1);
  else for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= m; i++) {
    next[0] = i;
    let least = i;
    const p = pattern[i - 1];
    for (let j = 1; j <= n; j++) {
      const v = Math.min(row[j - 1] + (window[j - 1] === p ? 0 : 1), row[j] + 1, next[j - 1] + 1);
      next[j] = v;
      if (v < least) least = v;
    }
    if (least > cap) return undefined;
    [row, next] = [next, row];
  }
  return row;
}

/**
 * Per-pattern tables, kept as long as the pattern object lives: re-anchoring matches the same
 * context against every occurrence of a span's text.
 */
const reversedCache = new WeakMap<object, ArrayLike<unknown>>();
const peqCache = new WeakMap<object, Map<unknown, number>>();

function reversedOf<T>(a: ArrayLike<T>): ArrayLike<T> {
  let out = reversedCache.get(a) as T[] | undefined;
  if (!out) {
    out = new Array<T>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[a.length - 1 - i];
    reversedCache.set(a, out);
  }
  return out;
}

/** For each symbol, the bit set of the pattern positions that hold it. */
function peqOf<T>(pattern: ArrayLike<T>): Map<T, number> {
  let peq = peqCache.get(pattern) as Map<T, number> | undefined;
  if (!peq) {
    peq = new Map<T, number>();
    for (let i = 0; i < pattern.length; i++) peq.set(pattern[i], (peq.get(pattern[i]) ?? 0) | (1 << i));
    peqCache.set(pattern, peq);
  }
  return peq;
}

/**
 * `suffixDistance` for patterns of at most 32 code points, in O(window) with Myers' bit-vector
 * algorithm (G. Myers, "A fast bit-vector algorithm for approximate string matching based on
 * dynamic programming", J. ACM 46(3), 1999): the DP column of the pattern is kept as vertical
 * +1/-1 deltas in two words, and a text position may start the match for free. Reads the window
 * from `from` towards `to` (exclusive) by `step`.
 */
function bitParallelSuffixDistance<T>(pattern: ArrayLike<T>, window: ArrayLike<T>, from: number, to: number, step: 1 | -1): number {
  const m = pattern.length;
  const peq = peqOf(pattern);
  const last = 1 << (m - 1);
  let pv = -1; // all +1: column 0 is 0, 1, 2, ... m
  let mv = 0;
  let score = m;
  for (let j = from; j !== to; j += step) {
    const eq = peq.get(window[j]) ?? 0;
    const xv = eq | mv;
    const xh = (((eq & pv) + pv) ^ pv) | eq;
    let ph = mv | ~(xh | pv);
    let mh = pv & xh;
    if (ph & last) score++;
    else if (mh & last) score--;
    // Row 0 stays 0 (a match may start anywhere): nothing is shifted into bit 0.
    ph <<= 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
  }
  return score;
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
