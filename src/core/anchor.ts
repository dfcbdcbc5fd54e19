/**
 * Anchoring: keeping mentions and quotes on their text while the article changes.
 *
 * All offsets are code points of the article as stored (BOM removed), `start` inclusive, `end`
 * exclusive (DESIGN.md, Offsets). Three parts:
 *
 * 1. Live anchoring (`LiveAnchors`, and `applyTextChange`, its O(n) reference): applies each edit
 *    made in the editor to every span, by the rules of `applySpanChange` below.
 * 2. Re-anchoring on load (`reanchor`): when the article changed outside the editor, finds each
 *    span again by its text, its `before`/`after` context and the order of the spans; refuses
 *    (orphans) whatever it cannot place with confidence.
 * 3. Context (`spanContext`, `withContext`): the `before`/`after` strings written with a span.
 *
 * Live-edit rules. A change replaces the code points [p, q) of the text before it by `inserted`
 * (i code points; q = p for a pure insertion). For a span [s, e) with text t:
 *   - q <= s (the change ends at or before the span starts): the span shifts by i - (q - p).
 *     An insertion exactly at s shifts the span: text typed before a name is not part of it.
 *   - e <= p (the change starts at or after the span ends): unchanged. Text typed right after a
 *     name is not part of it either.
 *   - p <= s and e <= q, with q > p (the change removes or replaces all of it): orphaned.
 *   - s < p and q < e (the change is strictly inside): a pure insertion grows the span; a
 *     deletion or replacement keeps it (shrunk or grown) if it removes fewer than half of its
 *     code points, else orphans it. `text` becomes the new slice.
 *   - the change cuts one edge (p <= s < q < e, or s < p < e <= q): the span keeps the part that
 *     survives if the cut falls between words: the first surviving code point (head cut) or the
 *     last (tail cut) is a letter, mark or digit and the removed code point next to it is not.
 *     "Mullah Amir" minus "Mullah " is "Amir"; "Motaqi" minus "Mota" is orphaned. Inserted text
 *     of a cutting replacement is outside the span.
 * A change that states its removed text is first narrowed to the part that differs from the
 * inserted text (common prefix and suffix left out); the UTF-16 entry points always do this.
 * A touched span whose text length does not match its offsets is orphaned ('inconsistent').
 * So the invariant: a span that is not orphaned has `text` equal to the article slice
 * [start, end); an orphaned span keeps the fields it had before the change that orphaned it.
 * `before`/`after` are not updated live: refresh them with `withContext` when writing.
 */
import type { Annotations, CodePointOffset, Mention, Quote } from './model';
import { compareMentions } from './model';
import { OffsetMap, codePointLength, stripBom, toCodePointChange, type Utf16Change } from './offsets';
import { approximateMatches, maskRegion, prefixDistance, suffixDistance } from './fuzzyMatch';

/** Context length written with a span by default, in code points on each side. */
export const DEFAULT_CONTEXT_LENGTH = 32;

// ---------------------------------------------------------------------------------------------
// Changes and the rules for one span

/** A text change in code points of the text before it. */
export interface TextChange {
  start: CodePointOffset;
  /** Code points removed from `start`. */
  removedLength: number;
  insertedText: string;
  /**
   * The removed text, when the caller knows it. A common prefix and suffix of the removed and
   * inserted text are then left out of the change, so that replacing a paragraph by itself with
   * one word changed only touches that word.
   */
  removedText?: string;
}

/** The span fields anchoring reads and writes. */
export interface AnchoredSpan {
  start: CodePointOffset;
  end: CodePointOffset;
  text: string;
  orphaned?: boolean;
}

/** Why an edit orphaned a span (see the rules at the top of this file). */
export type LiveOrphanReason = 'deleted' | 'replaced' | 'cut-inside-word' | 'mostly-changed' | 'inconsistent';

export type SpanEffect =
  | { kind: 'unchanged' }
  | { kind: 'shifted'; start: CodePointOffset; end: CodePointOffset }
  | { kind: 'resized'; start: CodePointOffset; end: CodePointOffset; text: string }
  | { kind: 'orphaned'; reason: LiveOrphanReason };

/** A change reduced to [start, end) replaced by `inserted`, in code points. */
interface NormalizedChange {
  start: number;
  end: number;
  inserted: string;
  insertedLength: number;
}

const UNCHANGED: SpanEffect = { kind: 'unchanged' };
const WORD = /[\p{L}\p{M}\p{N}]/u;
const isWord = (cp: string | undefined): boolean => cp !== undefined && WORD.test(cp);

function normalizeChange(change: TextChange): NormalizedChange {
  let start = Math.max(0, Math.floor(change.start));
  let removed = Math.max(0, Math.floor(change.removedLength));
  let inserted = change.insertedText;
  if (change.removedText !== undefined) {
    const rem = Array.from(change.removedText);
    if (rem.length === removed) {
      const ins = Array.from(inserted);
      let pre = 0;
      while (pre < rem.length && pre < ins.length && rem[pre] === ins[pre]) pre++;
      let suf = 0;
      while (suf < rem.length - pre && suf < ins.length - pre && rem[rem.length - 1 - suf] === ins[ins.length - 1 - suf]) suf++;
      start += pre;
      removed -= pre + suf;
      inserted = ins.slice(pre, ins.length - suf).join('');
    }
  }
  return { start, end: start + removed, inserted, insertedLength: codePointLength(inserted) };
}

function effectOf(span: AnchoredSpan, c: NormalizedChange): SpanEffect {
  const { start: p, end: q, inserted, insertedLength: i } = c;
  const { start: s, end: e } = span;
  const delta = i - (q - p);
  if (q === p && i === 0) return UNCHANGED;
  if (s >= q) return delta === 0 ? UNCHANGED : { kind: 'shifted', start: s + delta, end: e + delta };
  if (e <= p) return UNCHANGED;
  const cps = Array.from(span.text);
  if (cps.length !== e - s) return { kind: 'orphaned', reason: 'inconsistent' };
  if (p <= s && e <= q) return { kind: 'orphaned', reason: i === 0 ? 'deleted' : 'replaced' };
  if (s < p && q < e) {
    const removed = q - p;
    if (removed > 0 && 2 * removed >= cps.length) return { kind: 'orphaned', reason: 'mostly-changed' };
    return { kind: 'resized', start: s, end: e + delta, text: cps.slice(0, p - s).join('') + inserted + cps.slice(q - s).join('') };
  }
  if (p <= s) {
    const cut = q - s; // head cut: [s, q) removed, [q, e) survives
    if (!isWord(cps[cut]) || isWord(cps[cut - 1])) return { kind: 'orphaned', reason: 'cut-inside-word' };
    return { kind: 'resized', start: p + i, end: e + delta, text: cps.slice(cut).join('') };
  }
  const keep = p - s; // tail cut: [s, p) survives, [p, e) removed
  if (!isWord(cps[keep - 1]) || isWord(cps[keep])) return { kind: 'orphaned', reason: 'cut-inside-word' };
  return { kind: 'resized', start: s, end: p, text: cps.slice(0, keep).join('') };
}

/** What one change does to one span (the rules at the top of this file). Orphans never change. */
export function applySpanChange(span: AnchoredSpan, change: TextChange): SpanEffect {
  return span.orphaned ? UNCHANGED : effectOf(span, normalizeChange(change));
}

/** A span after a change, or the same object when the change does not concern it. */
function applyEffect<T extends AnchoredSpan>(span: T, effect: SpanEffect): T {
  switch (effect.kind) {
    case 'unchanged':
      return span;
    case 'shifted':
      return { ...span, start: effect.start, end: effect.end };
    case 'resized':
      return { ...span, start: effect.start, end: effect.end, text: effect.text };
    case 'orphaned':
      return { ...span, orphaned: true };
  }
}

/**
 * Applies a change to every span by looking at each: O(n). The reference for `LiveAnchors`, and
 * enough for a one-off change. Returns new span objects for the spans that changed.
 */
export function applyTextChange<T extends AnchoredSpan>(spans: readonly T[], change: TextChange): T[] {
  const c = normalizeChange(change);
  return spans.map((span) => (span.orphaned ? span : applyEffect(span, effectOf(span, c))));
}

// ---------------------------------------------------------------------------------------------
// Live anchoring

/** The value of a dead slot: far below any offset, even after billions of code points of shifts. */
const DEAD = -1e15;

/**
 * Spans kept in slots sorted by start, over a segment tree with lazy range-add: each node holds
 * the greatest start and the greatest end in its subtree (plus its own pending shift). A change
 * [p, q) -> i finds the first slot whose start is >= q by descent (O(log n)), shifts that suffix
 * in O(log n), and lists the slots before it whose end is > p (the spans the change touches) by
 * a descent pruned on the greatest end: O((k + 1) log n) for k touched spans, nested or
 * overlapping spans included. The rules keep starts sorted: a touched span keeps its start or
 * moves to p + i, and every shifted one lands at or after p + i. Orphaned slots are dead: they
 * hold -Infinity-like values and are never found again.
 */
class SpanTree {
  private readonly size: number;
  private readonly maxStart: Float64Array;
  private readonly maxEnd: Float64Array;
  private readonly lazy: Float64Array;

  constructor(
    readonly n: number,
    starts: ArrayLike<number>,
    ends: ArrayLike<number>,
  ) {
    let size = 1;
    while (size < n) size *= 2;
    this.size = size;
    this.maxStart = new Float64Array(2 * size).fill(DEAD);
    this.maxEnd = new Float64Array(2 * size).fill(DEAD);
    this.lazy = new Float64Array(2 * size);
    for (let i = 0; i < n; i++) {
      this.maxStart[size + i] = starts[i];
      this.maxEnd[size + i] = ends[i];
    }
    for (let v = size - 1; v >= 1; v--) this.pull(v);
  }

  private pull(v: number): void {
    this.maxStart[v] = Math.max(this.maxStart[2 * v], this.maxStart[2 * v + 1]) + this.lazy[v];
    this.maxEnd[v] = Math.max(this.maxEnd[2 * v], this.maxEnd[2 * v + 1]) + this.lazy[v];
  }

  private pullAbove(leaf: number): void {
    for (let v = leaf >> 1; v >= 1; v >>= 1) this.pull(v);
  }

  private shiftOf(leaf: number): number {
    let acc = 0;
    for (let v = leaf >> 1; v >= 1; v >>= 1) acc += this.lazy[v];
    return acc;
  }

  /** Adds d to the start and end of every slot in [from, n). */
  addFrom(from: number, d: number): void {
    if (from >= this.n || d === 0) return;
    let lo = from + this.size;
    let hi = this.n + this.size;
    const first = lo;
    const last = hi - 1;
    while (lo < hi) {
      if (lo & 1) this.apply(lo++, d);
      if (hi & 1) this.apply(--hi, d);
      lo >>= 1;
      hi >>= 1;
    }
    this.pullAbove(first);
    this.pullAbove(last);
  }

  private apply(v: number, d: number): void {
    this.maxStart[v] += d;
    this.maxEnd[v] += d;
    if (v < this.size) this.lazy[v] += d;
  }

  get(slot: number): { start: number; end: number } {
    const leaf = this.size + slot;
    const acc = this.shiftOf(leaf);
    return { start: this.maxStart[leaf] + acc, end: this.maxEnd[leaf] + acc };
  }

  set(slot: number, start: number, end: number): void {
    const leaf = this.size + slot;
    const acc = this.shiftOf(leaf);
    this.maxStart[leaf] = start - acc;
    this.maxEnd[leaf] = end - acc;
    this.pullAbove(leaf);
  }

  kill(slot: number): void {
    const leaf = this.size + slot;
    this.maxStart[leaf] = DEAD;
    this.maxEnd[leaf] = DEAD;
    this.pullAbove(leaf);
  }

  /** The first live slot whose start is >= x, or n. */
  firstStartAtLeast(x: number): number {
    if (this.n === 0 || this.maxStart[1] < x) return this.n;
    let v = 1;
    let acc = 0;
    while (v < this.size) {
      acc += this.lazy[v];
      v = this.maxStart[2 * v] + acc >= x ? 2 * v : 2 * v + 1;
    }
    return v - this.size;
  }

  /** Live slots in [0, limit) whose end is > x, with their current start and end, in slot order. */
  endingAfter(limit: number, x: number): { slot: number; start: number; end: number }[] {
    const out: { slot: number; start: number; end: number }[] = [];
    const visit = (v: number, lo: number, width: number, acc: number): void => {
      if (lo >= limit || this.maxEnd[v] + acc <= x) return;
      if (v >= this.size) {
        out.push({ slot: lo, start: this.maxStart[v] + acc, end: this.maxEnd[v] + acc });
        return;
      }
      const inner = acc + this.lazy[v];
      const half = width / 2;
      visit(2 * v, lo, half, inner);
      visit(2 * v + 1, lo + half, half, inner);
    };
    if (this.n > 0) visit(1, 0, this.size, 0);
    return out;
  }

  /** Calls back with the current start and end of every live slot, in slot order: O(n). */
  forEachLive(callback: (slot: number, start: number, end: number) => void): void {
    const visit = (v: number, lo: number, width: number, acc: number): void => {
      if (lo >= this.n || this.maxEnd[v] <= DEAD / 2) return;
      if (v >= this.size) {
        callback(lo, this.maxStart[v] + acc, this.maxEnd[v] + acc);
        return;
      }
      const inner = acc + this.lazy[v];
      const half = width / 2;
      visit(2 * v, lo, half, inner);
      visit(2 * v + 1, lo + half, half, inner);
    };
    if (this.n > 0) visit(1, 0, this.size, 0);
  }
}

/** An opaque, stable id of a span in a `LiveAnchors`. */
export type LiveHandle = number;

export interface LiveEntry {
  handle: LiveHandle;
  kind: 'mention' | 'quote';
  span: Mention | Quote;
}

/** What one change (or one event's changes) did beyond shifting. */
export interface LiveChangeResult {
  /** Spans the change touched that survived, with a new text. */
  resized: LiveHandle[];
  /** Spans the change orphaned, and why. */
  orphaned: { handle: LiveHandle; reason: LiveOrphanReason }[];
}

interface LiveRecord {
  kind: 'mention' | 'quote';
  /** Live: the fields other than start/end (text is current). Dead: the frozen last known span. */
  span: Mention | Quote;
  slot: number;
  live: boolean;
  removed: boolean;
  reason?: LiveOrphanReason;
}

/**
 * The mentions and quotes of one open article, moved with every edit in O(log n + k) for k
 * touched spans (see `SpanTree`). Handles: the constructor gives mentions[i] the handle i and
 * quotes[j] the handle mentions.length + j; `add` returns new ones. Spans that arrive orphaned
 * stay orphaned and never move. Adding or removing a span rebuilds the index: O(n log n), meant
 * for user actions, not keystrokes.
 */
export class LiveAnchors {
  private readonly records: LiveRecord[] = [];
  /** slot -> handle, for live records at the last rebuild. */
  private slots: LiveHandle[] = [];
  private tree = new SpanTree(0, [], []);

  constructor(init: { mentions?: readonly Mention[]; quotes?: readonly Quote[] } = {}) {
    for (const m of init.mentions ?? []) this.records.push(this.record('mention', m));
    for (const q of init.quotes ?? []) this.records.push(this.record('quote', q));
    this.rebuild();
  }

  private record(kind: 'mention' | 'quote', span: Mention | Quote): LiveRecord {
    const live = !span.orphaned;
    return { kind, span: { ...span }, slot: -1, live, removed: false };
  }

  private rebuild(): void {
    const current = new Map<LiveHandle, { start: number; end: number }>();
    this.tree.forEachLive((slot, start, end) => current.set(this.slots[slot], { start, end }));
    const live: { h: LiveHandle; start: number; end: number }[] = [];
    this.records.forEach((r, h) => {
      r.slot = -1;
      if (!r.live || r.removed) return;
      const pos = current.get(h) ?? { start: r.span.start, end: r.span.end };
      live.push({ h, ...pos });
    });
    live.sort((a, b) => a.start - b.start || a.end - b.end || a.h - b.h);
    this.slots = live.map((x) => x.h);
    live.forEach((x, slot) => (this.records[x.h].slot = slot));
    this.tree = new SpanTree(
      live.length,
      live.map((x) => x.start),
      live.map((x) => x.end),
    );
  }

  /** Number of spans, orphans included. */
  get size(): number {
    return this.records.filter((r) => !r.removed).length;
  }

  /** Applies one change (code points of the text before it) to every span. */
  applyChange(change: TextChange): LiveChangeResult {
    const c = normalizeChange(change);
    const result: LiveChangeResult = { resized: [], orphaned: [] };
    const delta = c.insertedLength - (c.end - c.start);
    if (c.end === c.start && c.insertedLength === 0) return result;
    const k = this.tree.firstStartAtLeast(c.end);
    for (const hit of this.tree.endingAfter(k, c.start)) {
      const handle = this.slots[hit.slot];
      const rec = this.records[handle];
      const effect = effectOf({ start: hit.start, end: hit.end, text: rec.span.text }, c);
      if (effect.kind === 'orphaned') {
        rec.live = false;
        rec.reason = effect.reason;
        rec.span = { ...rec.span, start: hit.start, end: hit.end, orphaned: true };
        this.tree.kill(hit.slot);
        result.orphaned.push({ handle, reason: effect.reason });
      } else if (effect.kind === 'resized') {
        rec.span = { ...rec.span, text: effect.text };
        this.tree.set(hit.slot, effect.start, effect.end);
        result.resized.push(handle);
      } // 'shifted' and 'unchanged' cannot happen here: a touched span starts before q, ends after p.
    }
    this.tree.addFrom(k, delta);
    return result;
  }

  /**
   * Applies a change reported by VS Code in UTF-16 units. `before` maps the text before the
   * change (the caller keeps one per document and rebuilds it from the new text afterwards); the
   * removed text is read from it, so a replacement is narrowed to what really changed.
   */
  applyUtf16Change(change: Utf16Change, before: OffsetMap): LiveChangeResult {
    const c: TextChange = toCodePointChange(before, change);
    c.removedText = before.slice(c.start, c.start + c.removedLength);
    return this.applyChange(c);
  }

  /**
   * Applies the changes of one VS Code change event. VS Code lists them from the last range to the
   * first and its own document mirror applies them in that order, so each range is valid both in
   * the text before the event (`before`) and after the changes listed before it. They are applied
   * in that order here too (sorted by descending offset, stably, in case a caller lists them
   * ascending).
   */
  applyUtf16Changes(changes: readonly Utf16Change[], before: OffsetMap): LiveChangeResult {
    const result: LiveChangeResult = { resized: [], orphaned: [] };
    const ordered = [...changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
    for (const change of ordered) {
      const r = this.applyUtf16Change(change, before);
      result.resized.push(...r.resized);
      result.orphaned.push(...r.orphaned);
    }
    result.resized = [...new Set(result.resized)].filter((h) => this.records[h].live);
    return result;
  }

  /** Adds a span (its text must equal the article slice); O(n log n). */
  add(kind: 'mention' | 'quote', span: Mention | Quote): LiveHandle {
    this.records.push(this.record(kind, span));
    this.rebuild();
    return this.records.length - 1;
  }

  /** Removes a span; O(n log n). */
  remove(handle: LiveHandle): void {
    const rec = this.records[handle];
    if (!rec || rec.removed) return;
    rec.removed = true;
    this.rebuild();
  }

  /** The span of a handle as it is now, or undefined when removed. */
  get(handle: LiveHandle): Mention | Quote | undefined {
    const rec = this.records[handle];
    if (!rec || rec.removed) return undefined;
    if (!rec.live) return { ...rec.span };
    const { start, end } = this.tree.get(rec.slot);
    return this.current(rec, start, end);
  }

  /** Why a handle's span was orphaned by an edit here (undefined when live or orphaned on arrival). */
  orphanReason(handle: LiveHandle): LiveOrphanReason | undefined {
    return this.records[handle]?.reason;
  }

  private current(rec: LiveRecord, start: number, end: number): Mention | Quote {
    const span = { ...rec.span, start, end };
    delete span.orphaned;
    return span;
  }

  /** Every span with its handle, in handle order: O(n). */
  entries(): LiveEntry[] {
    const out: (LiveEntry | undefined)[] = this.records.map((rec, handle) =>
      rec.removed || rec.live ? undefined : { handle, kind: rec.kind, span: { ...rec.span } },
    );
    this.tree.forEachLive((slot, start, end) => {
      const handle = this.slots[slot];
      const rec = this.records[handle];
      out[handle] = { handle, kind: rec.kind, span: this.current(rec, start, end) };
    });
    return out.filter((e): e is LiveEntry => e !== undefined);
  }

  /** The mentions as they are now, orphans included, sorted as a sidecar keeps them. */
  mentions(): Mention[] {
    return this.entries()
      .filter((e) => e.kind === 'mention')
      .map((e) => e.span as Mention)
      .sort(compareMentions);
  }

  /** The quotes as they are now, orphans included, sorted by start and end. */
  quotes(): Quote[] {
    return this.entries()
      .filter((e) => e.kind === 'quote')
      .map((e) => e.span as Quote)
      .sort((a, b) => a.start - b.start || a.end - b.end);
  }
}

// ---------------------------------------------------------------------------------------------
// Context

/** The `before`/`after` context of [start, end): up to `length` code points on each side. */
export function spanContext(
  text: string | OffsetMap,
  start: CodePointOffset,
  end: CodePointOffset,
  length: number = DEFAULT_CONTEXT_LENGTH,
): { before: string; after: string } {
  const map = typeof text === 'string' ? new OffsetMap(text) : text;
  return {
    before: map.slice(Math.max(0, start - length), start),
    after: map.slice(end, Math.min(map.codePointLength, end + length)),
  };
}

/** A copy of a span with its context taken from the text (an orphan is returned unchanged). */
export function withContext<T extends AnchoredSpan & { before?: string; after?: string }>(
  span: T,
  text: string | OffsetMap,
  length: number = DEFAULT_CONTEXT_LENGTH,
): T {
  if (span.orphaned) return span;
  return { ...span, ...spanContext(text, span.start, span.end, length) };
}

// ---------------------------------------------------------------------------------------------
// Re-anchoring on load

export interface ReanchorOptions {
  /** Length of the context written for spans that move (default 32 code points). */
  contextLength?: number;
  /**
   * Keep every span whose text is still at its offsets without further evidence. Default: true
   * when the sidecar has no `sha256` (DESIGN.md: offsets are then checked, not doubted), false
   * when it has one that no longer matches, since then the text at the old offsets may be another
   * occurrence that slid into place.
   */
  trustOffsets?: boolean;
}

export type ReanchorStatus = 'kept' | 'moved' | 'reattached' | 'orphaned';

/**
 * Why a span could not be placed: its text is nowhere in the article; several places fit equally
 * (ambiguous); its context fits none of the places where its text occurs; or (no context) neither
 * its neighbours nor the uniqueness of its text point to one place.
 */
export type OrphanReason = 'not-found' | 'ambiguous' | 'context-mismatch' | 'unconfirmed';

export interface ReanchorEntry {
  kind: 'mention' | 'quote';
  /** Index in the input array of its kind; the output array has the same order. */
  index: number;
  status: ReanchorStatus;
  /** The offsets the span had in the sidecar. */
  from: { start: CodePointOffset; end: CodePointOffset };
  /** Where it is now (kept, moved, reattached). */
  to?: { start: CodePointOffset; end: CodePointOffset };
  /** What placed it: its offsets, its context, or its neighbours and the order of the spans. */
  by?: 'offsets' | 'context' | 'position';
  reason?: OrphanReason;
  /** One sentence for a diagnostic or a CLI warning. */
  detail?: string;
  /** A quotation found again with a few edits: its `text` is now the new slice. */
  textChanged?: boolean;
  /** The span came in orphaned. */
  wasOrphaned: boolean;
}

export interface ReanchorResult {
  /** The annotations with mentions and quotes re-anchored, in their input order. */
  annotations: Annotations;
  /** One entry per mention, then one per quote, in input order. */
  entries: ReanchorEntry[];
  /** True when any span changed (offsets, text, context or orphan mark). */
  changed: boolean;
}

/**
 * Context is scored in edits (insertions, deletions, substitutions of code points) between the
 * stored `before`/`after` and the text around a place. A place fits when its context needs at
 * most half as many edits as the context is long: unrelated text of a news article scores up to
 * ~0.45 of its length in matches (measured on the project's seed), a passage in the same formula
 * ("Muttaqi said in a message to the people of") up to ~0.55.
 */
const CONTEXT_FIT = 0.5;
/**
 * Context fit with which a place wins on context alone: at most a fifth of the context edited.
 * Lower, a lookalike passage sharing one formulaic side of the context would win.
 */
const CONTEXT_STRONG = 0.8;
/**
 * How many fewer edits the best place needs than any other to be a winner: a quarter of the
 * context, and never fewer than 8. Short contexts (near the article's ends) cannot otherwise
 * tell an edit next to a span from a copy of the span nearby: "Taliban, " with the mention "T"
 * becomes "TalibTaliban, an, " by two insertions after the mention (its context now 5 edits off)
 * or by two around a new place (the copy's context intact): the same article either way.
 */
const CONTEXT_MARGIN = 0.25;
const CONTEXT_MARGIN_MIN_EDITS = 8;
/** Quotations at least this long are searched fuzzily when their exact text is gone. */
const FUZZY_MIN_LENGTH = 20;
/** Edits allowed to a fuzzily found quotation, per code point of its text. */
const FUZZY_ERROR_RATE = 0.1;

interface Candidate {
  start: number;
  end: number;
  text: string;
  /** Edits from the stored text (fuzzy quotes only). */
  errors: number;
}

interface Item {
  kind: 'mention' | 'quote';
  index: number;
  span: Mention | Quote;
  length: number;
  wasOrphaned: boolean;
  before: string[];
  after: string[];
  beforeCodes: Uint32Array;
  afterCodes: Uint32Array;
  hasContext: boolean;
  candidates: Candidate[];
  fuzzy: boolean;
  /** Fuzzy: a second region matches nearly as well. */
  fuzzyAmbiguous: boolean;
  /** Context edits per candidate (when the span has context). */
  errors: number[];
  /**
   * Context outcome: no context; a strong clear winner (placed on context alone); a clear winner
   * that needs the order to agree (decent); several places that fit about as well (close); no
   * place fits (weak). `close` holds the candidates the context allows.
   */
  contextState: 'none' | 'strong' | 'decent' | 'close' | 'weak';
  close: Set<number>;
  placed?: { candidate: Candidate; by: 'offsets' | 'context' | 'position' };
  chainIndex: number;
}

/**
 * Re-anchors the spans of a sidecar on the article text as it is now (a leading BOM is ignored).
 *
 * A span's candidate places are the exact occurrences of its `text`: a mention is never placed on
 * different text (a long quotation may be found with up to 10 % edits, and then takes the new
 * text). Evidence, strongest first:
 *  1. Offsets: with `trustOffsets`, a span whose text is still at its offsets is kept.
 *  2. Context: the edits between the stored `before`/`after` and the text around each place,
 *     so small edits in the context are tolerated. A place fits when at most half of its context
 *     is edited. One place that fits better than every other by max(8, a quarter of the context)
 *     edits wins on context alone if at most a fifth of its context is edited; otherwise (a loose
 *     fit: a lookalike passage often shares one formulaic side) it also needs step 3 to agree.
 *     Several places that fit about as well are left to step 3.
 *  3. Position: the placed spans, in their old order, bound each remaining one (edits never
 *     reorder untouched text) and give the shift of its neighbourhood (one edit shifts every span
 *     after it by the same amount). Between two placed neighbours, the k unplaced spans with the
 *     same text must take k distinct occurrences in their order: with exactly k occurrences
 *     there, each is determined. A span is then placed when
 *       - it has no context: on its determined place if that has a neighbour's shift; or, once
 *         nothing better is left, on its determined place unless both neighbours agree on a
 *         shift that this place contradicts (a destroyed span's lookalike, hypothesis h#2798);
 *       - its context fits loosely: on that place, if it has a neighbour's shift (or, before the
 *         first placed span, if it is the old offset);
 *       - its context fits several places: on the determined one if it is among them and has a
 *         neighbour's shift, or on the only one in the window with a neighbour's shift when there
 *         are placed neighbours on both sides (one neighbour cannot tell a copy inserted before
 *         the span from one inserted after it);
 *       - its context fits nowhere: on its determined place if that has a neighbour's shift.
 *     Each pass judges all spans against the same placed set; passes repeat until none places.
 * Two spans with different old offsets placed on the same text at the same place are both
 * undone. Whatever is not placed is orphaned: kept with its last known fields and
 * `orphaned: true`, with a reason. Spans that come in orphaned take part through their context
 * only (their offsets are stale) and are re-attached when placed. A placed span whose stored
 * context no longer matches exactly gets it refreshed (`contextLength`).
 */
export function reanchor(annotations: Annotations, articleText: string, opts: ReanchorOptions = {}): ReanchorResult {
  const text = stripBom(articleText);
  const map = new OffsetMap(text);
  const cps = Array.from(text);
  const n = cps.length;
  /** The article's code points as numbers, so context windows are views, not copies. */
  const codes = Uint32Array.from(cps, (c) => c.codePointAt(0)!);
  const contextLength = opts.contextLength ?? DEFAULT_CONTEXT_LENGTH;
  const trust = opts.trustOffsets ?? annotations.sha256 === undefined;
  const occurrenceCache = new Map<string, number[]>();

  const occurrences = (needle: string): number[] => {
    let found = occurrenceCache.get(needle);
    if (found) return found;
    found = [];
    if (needle.length > 0) {
      for (let u = text.indexOf(needle); u >= 0; u = text.indexOf(needle, u + 1)) {
        if (map.splitsSurrogatePair(u) || map.splitsSurrogatePair(u + needle.length)) continue;
        found.push(map.toCodePoint(u));
      }
    }
    occurrenceCache.set(needle, found);
    return found;
  };

  /**
   * Edits between the stored context and the text around a place, both sides; anything above
   * `cap` is reported as cap + 1 (the rules only need to know that such a place is out).
   */
  const contextErrors = (item: Item, c: Candidate, cap: number): number => {
    const before = item.beforeCodes;
    const after = item.afterCodes;
    let errors = 0;
    if (before.length > 0) {
      const w = codes.subarray(Math.max(0, c.start - 2 * before.length - 4), c.start);
      if (!endsWith(w, before)) errors += suffixDistance(before, w, cap);
    }
    if (after.length > 0 && errors <= cap) {
      const w = codes.subarray(c.end, c.end + 2 * after.length + 4);
      if (!startsWith(w, after)) errors += prefixDistance(after, w, cap - errors);
    }
    return Math.min(errors, cap + 1);
  };

  const items: Item[] = [];
  const addItems = (kind: 'mention' | 'quote', spans: readonly (Mention | Quote)[]): void => {
    spans.forEach((span, index) => {
      const before = Array.from(span.before ?? '');
      const after = Array.from(span.after ?? '');
      const length = codePointLength(span.text);
      const item: Item = {
        kind,
        index,
        span,
        length,
        wasOrphaned: span.orphaned === true,
        before,
        after,
        beforeCodes: Uint32Array.from(before, (ch) => ch.codePointAt(0)!),
        afterCodes: Uint32Array.from(after, (ch) => ch.codePointAt(0)!),
        hasContext: before.length > 0 || after.length > 0,
        candidates: occurrences(span.text).map((start) => ({ start, end: start + length, text: span.text, errors: 0 })),
        fuzzy: false,
        fuzzyAmbiguous: false,
        errors: [],
        contextState: 'none',
        close: new Set(),
        chainIndex: -1,
      };
      if (item.candidates.length === 0 && kind === 'quote' && length >= FUZZY_MIN_LENGTH) findFuzzy(item);
      items.push(item);
    });
  };

  const findFuzzy = (item: Item): void => {
    const maxErrors = Math.max(1, Math.floor(item.length * FUZZY_ERROR_RATE));
    const best = approximateMatches(text, item.span.text, maxErrors);
    if (best.length === 0) return;
    item.fuzzy = true;
    item.fuzzyAmbiguous = best.length > 1;
    // Equally cheap alignments may take in a character or two beside the passage: snap each end
    // to the quotation's own first and last character when one is that close.
    const [first] = Array.from(item.span.text);
    const last = Array.from(item.span.text).pop()!;
    const snap = (at: number, fits: (u: number) => boolean, reach: number): number => {
      for (let d = 0; d <= reach; d++) {
        if (at + d <= text.length && fits(at + d)) return at + d;
        if (at - d >= 0 && fits(at - d)) return at - d;
      }
      return at;
    };
    for (const found of best) {
      const u0 = snap(found.start, (u) => text.startsWith(first, u), found.errors);
      const u1 = snap(found.end, (u) => u > u0 && text.endsWith(last, u), found.errors);
      const start = map.toCodePoint(u0);
      const end = map.toCodePoint(u1);
      item.candidates.push({ start, end, text: map.slice(start, end), errors: found.errors });
    }
    if (!item.fuzzyAmbiguous) {
      // approx-string-match returns only the cheapest places: look for a runner-up nearly as good.
      const runnerUp = approximateMatches(maskRegion(text, best[0].start, best[0].end), item.span.text, best[0].errors + 2);
      item.fuzzyAmbiguous = runnerUp.some((m) => m.errors <= Math.min(maxErrors, best[0].errors + 2));
    }
  };

  addItems('mention', annotations.mentions);
  addItems('quote', annotations.quotes ?? []);

  /** Old starts of the placed spans, by place and text: an occurrence another span holds is not free. */
  const placedAt = new Map<string, Set<number>>();
  const placeKey = (start: number, spanText: string): string => `${start}\u0000${spanText}`;
  const place = (item: Item, candidate: Candidate, by: 'offsets' | 'context' | 'position'): void => {
    item.placed = { candidate, by };
    const key = placeKey(candidate.start, item.span.text);
    placedAt.set(key, (placedAt.get(key) ?? new Set()).add(item.span.start));
  };
  const occupied = (c: Candidate, item: Item): boolean => {
    const holders = placedAt.get(placeKey(c.start, item.span.text));
    return holders !== undefined && [...holders].some((old) => old !== item.span.start);
  };

  // 1. Offsets.
  if (trust) {
    for (const item of items) {
      if (item.wasOrphaned) continue;
      const here = item.candidates.find((c) => c.start === item.span.start && c.errors === 0);
      if (here && here.end === item.span.end) place(item, here, 'offsets');
    }
  }

  // 2. Context.
  for (const item of items) {
    if (item.placed || !item.hasContext || item.candidates.length === 0) continue;
    const total = item.before.length + item.after.length;
    const margin = Math.max(CONTEXT_MARGIN_MIN_EDITS, CONTEXT_MARGIN * total);
    // A place beyond "unfit plus the margin" can neither fit nor come close to one that does.
    const cap = Math.floor((1 - CONTEXT_FIT) * total + margin);
    item.errors = item.candidates.map((c) => contextErrors(item, c, cap));
    let best = 0;
    for (let i = 1; i < item.errors.length; i++) if (item.errors[i] < item.errors[best]) best = i;
    const least = item.errors[best];
    let second = Infinity;
    for (let i = 0; i < item.errors.length; i++) if (i !== best && item.errors[i] < second) second = item.errors[i];
    if (least > (1 - CONTEXT_FIT) * total) {
      item.contextState = 'weak';
    } else if (second - least < margin || item.fuzzyAmbiguous) {
      item.contextState = 'close';
      item.errors.forEach((e, i) => e <= least + margin && e <= (1 - CONTEXT_FIT) * total && item.close.add(i));
    } else if (least <= (1 - CONTEXT_STRONG) * total) {
      item.contextState = 'strong';
      place(item, item.candidates[best], 'context');
    } else {
      item.contextState = 'decent';
      item.close.add(best);
    }
  }
  unplaceCollisions(items);
  placedAt.clear();
  for (const item of items) if (item.placed) place(item, item.placed.candidate, item.placed.by);

  // 3. Position, over the chain of spans in their old order (orphans' offsets are stale: not in it).
  const chain = items
    .filter((it) => !it.wasOrphaned)
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.index - b.index));
  chain.forEach((it, i) => (it.chainIndex = i));
  const byText = new Map<string, number[]>();
  for (const it of chain) {
    const list = byText.get(it.span.text) ?? [];
    list.push(it.chainIndex);
    byText.set(it.span.text, list);
  }
  const shiftOf = (it: Item): number => it.placed!.candidate.start - it.span.start;

  /**
   * One pass: every unplaced span is judged against the same snapshot of placed spans, then the
   * decisions are applied together, so no decision rests on a neighbour that a later one in the
   * same pass would have changed. Tier 'strict' needs a place that agrees with a neighbour's
   * shift (or with context); tier 'relaxed' lets a span without context take a place its group
   * determines when nothing contradicts it. Returns how many spans were placed.
   */
  const pass = (tier: 'strict' | 'relaxed'): number => {
    const prevPlaced = new Array<number>(chain.length);
    const nextPlaced = new Array<number>(chain.length);
    for (let k = 0, last = -1; k < chain.length; k++) {
      prevPlaced[k] = last;
      if (chain[k].placed) last = k;
    }
    for (let k = chain.length - 1, last = -1; k >= 0; k--) {
      nextPlaced[k] = last;
      if (chain[k].placed) last = k;
    }
    const decisions: { item: Item; candidate: Candidate }[] = [];
    for (let k = 0; k < chain.length; k++) {
      const item = chain[k];
      if (item.placed || item.candidates.length === 0) continue;
      const candidate = positionalPlace(item, prevPlaced[k], nextPlaced[k], tier);
      if (candidate) decisions.push({ item, candidate });
    }
    if (tier === 'relaxed') dropContradicted(decisions);
    // Two spans with different old starts cannot both be this text at this place.
    const claims = new Map<string, Set<number>>();
    for (const d of decisions) {
      const key = placeKey(d.candidate.start, d.item.span.text);
      claims.set(key, (claims.get(key) ?? new Set()).add(d.item.span.start));
    }
    let placedCount = 0;
    for (const d of decisions) {
      if (claims.get(placeKey(d.candidate.start, d.item.span.text))!.size > 1) continue;
      place(d.item, d.candidate, 'position');
      placedCount++;
    }
    return placedCount;
  };
  for (;;) {
    while (pass('strict') > 0);
    if (pass('relaxed') === 0) break;
  }

  /**
   * Relaxed decisions are taken together: check each against its neighbours as they would be if
   * the others were taken too, so that a lookalike is not placed just because its neighbours
   * were not placed yet (they agree on a shift; it implies another).
   */
  function dropContradicted(decisions: { item: Item; candidate: Candidate }[]): void {
    const known = new Array<number | undefined>(chain.length);
    chain.forEach((it, k) => (known[k] = it.placed ? shiftOf(it) : undefined));
    for (const d of decisions) known[d.item.chainIndex] = d.candidate.start - d.item.span.start;
    const before = new Array<number | undefined>(chain.length);
    const after = new Array<number | undefined>(chain.length);
    for (let k = 0, last: number | undefined; k < chain.length; k++) {
      before[k] = last;
      if (known[k] !== undefined) last = known[k];
    }
    for (let k = chain.length - 1, last: number | undefined; k >= 0; k--) {
      after[k] = last;
      if (known[k] !== undefined) last = known[k];
    }
    const keep = decisions.filter((d) => {
      const k = d.item.chainIndex;
      const next = after[k];
      return !(next !== undefined && (before[k] ?? 0) === next && known[k] !== next);
    });
    decisions.splice(0, decisions.length, ...keep);
  }

  function positionalPlace(item: Item, prevIndex: number, nextIndex: number, tier: 'strict' | 'relaxed'): Candidate | undefined {
    const prev = prevIndex >= 0 ? chain[prevIndex] : undefined;
    const next = nextIndex >= 0 ? chain[nextIndex] : undefined;
    const old = item.span.start;
    // Bounds on the new start from the placed neighbours: untouched text keeps its order.
    let lo = 0;
    let hi = n;
    if (prev) {
      const p = prev.placed!.candidate.start;
      if (prev.span.start === old) lo = hi = p;
      else lo = p + 1;
    }
    if (next) {
      const q = next.placed!.candidate.start;
      if (next.span.start === old) lo = Math.max(lo, q);
      hi = Math.min(hi, next.span.start === old ? q : q - 1);
    }
    // Shifts of the real neighbours. The article's start (shift 0) is no evidence for a place:
    // text inserted before a span and the same text inserted after it give the same article.
    const prevShift = prev ? shiftOf(prev) : undefined;
    const nextShift = next ? shiftOf(next) : undefined;
    const shifts = [prevShift, nextShift].filter((x): x is number => x !== undefined);
    const consistent = (c: Candidate): boolean => shifts.includes(c.start - old);
    // A lookalike taking the place of destroyed text: both neighbours (the article's start counts
    // here, as it can only forbid) agree on a shift, and this place implies another.
    const contradicted = (c: Candidate): boolean => nextShift !== undefined && (prevShift ?? 0) === nextShift && c.start - old !== nextShift;

    const inWindow = item.candidates
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.start >= lo && c.start <= hi && c.end <= n && !occupied(c, item));

    if (item.fuzzy) {
      // A quotation found only fuzzily: one region, near a neighbour's shift (or its old offset
      // before the first placed span), context not against it.
      if (tier !== 'strict' || item.fuzzyAmbiguous || inWindow.length !== 1 || item.contextState === 'weak') return undefined;
      const c = inWindow[0].c;
      const near = (shift: number): boolean => Math.abs(c.start - old - shift) <= c.errors;
      return shifts.some(near) || (!prev && near(0)) ? c : undefined;
    }

    const determined = determinedCandidate(item, inWindow.map((x) => x.c), prevIndex, nextIndex, shifts);
    if (item.contextState === 'none') {
      if (!determined || contradicted(determined)) return undefined;
      return tier === 'relaxed' || consistent(determined) ? determined : undefined;
    }
    if (tier !== 'strict') return undefined;
    if (item.contextState === 'weak') return determined && consistent(determined) ? determined : undefined;
    // 'decent' (one clear but not strong winner) and 'close' (several places fit): a place the
    // context allows, at a neighbour's shift, picked by the order or alone in the window. Order
    // alone is not enough: a lookalike passage is unique in its window too.
    if (determined && consistent(determined) && item.close.has(item.candidates.indexOf(determined))) return determined;
    if (item.contextState === 'decent') {
      // One place fits, loosely. A lookalike of a destroyed span would also be alone: it must sit
      // where a neighbour, or the article's start for the first spans, puts it.
      const [winner] = inWindow.filter((x) => item.close.has(x.i));
      return winner && (consistent(winner.c) || (!prev && winner.c.start === old)) ? winner.c : undefined;
    }
    const allowed = inWindow.filter((x) => item.close.has(x.i) && consistent(x.c));
    // Among several fitting places, one neighbour's shift cannot choose: a copy of the span with
    // its context inserted just before it or just after it gives the same article, with the copy
    // at that neighbour's shift. With both neighbours, each reading matches one of them.
    return allowed.length === 1 && prev && next ? allowed[0].c : undefined;
  }

  /**
   * The k unplaced spans with this text between the two neighbours must sit on k distinct
   * occurrences in their old order. With exactly k occurrences in the window, the item's rank
   * picks its place. With fewer (some text was destroyed), only a place that this item alone
   * can claim with a neighbour's shift is taken.
   */
  function determinedCandidate(item: Item, window: Candidate[], prevIndex: number, nextIndex: number, shifts: number[]): Candidate | undefined {
    const group = (byText.get(item.span.text) ?? [])
      .filter((k) => k > prevIndex && (nextIndex < 0 || k < nextIndex) && !chain[k].placed)
      .map((k) => chain[k]);
    const starts = [...new Set(group.map((g) => g.span.start))].sort((a, b) => a - b);
    const sorted = [...window].sort((a, b) => a.start - b.start);
    if (sorted.length === starts.length) return sorted[starts.indexOf(item.span.start)];
    if (sorted.length < starts.length) {
      const fits = (c: Candidate, old: number): boolean => shifts.includes(c.start - old);
      const mine = sorted.filter((c) => fits(c, item.span.start));
      if (mine.length !== 1) return undefined;
      const claimedByOthers = group.some((g) => g.span.start !== item.span.start && fits(mine[0], g.span.start));
      return claimedByOthers ? undefined : mine[0];
    }
    return undefined;
  }

  // 4. Results.
  const entries: ReanchorEntry[] = [];
  const out = { mentions: [...annotations.mentions], quotes: [...(annotations.quotes ?? [])] };
  let changed = false;
  for (const item of items) {
    const from = { start: item.span.start, end: item.span.end };
    const entry: ReanchorEntry = { kind: item.kind, index: item.index, status: 'orphaned', from, wasOrphaned: item.wasOrphaned };
    let span: Mention | Quote;
    if (item.placed) {
      const c = item.placed.candidate;
      span = { ...item.span, start: c.start, end: c.end, text: c.text };
      delete span.orphaned;
      // Context that still matches exactly is left as written (whatever length it was written with).
      const ctx = spanContext(map, c.start, c.end, contextLength);
      if (span.before !== undefined && !endsWith(cps.slice(Math.max(0, c.start - item.before.length), c.start), item.before)) span.before = ctx.before;
      if (span.after !== undefined && !startsWith(cps.slice(c.end, c.end + item.after.length), item.after)) span.after = ctx.after;
      entry.to = { start: c.start, end: c.end };
      entry.by = item.placed.by;
      if (c.text !== item.span.text) entry.textChanged = true;
      entry.status = item.wasOrphaned ? 'reattached' : c.start === from.start && c.end === from.end && !entry.textChanged ? 'kept' : 'moved';
    } else {
      span = item.wasOrphaned ? item.span : { ...item.span, orphaned: true };
      const why = orphanReason(item);
      entry.reason = why.reason;
      entry.detail = why.detail;
    }
    if (!sameSpan(span, item.span)) changed = true;
    (item.kind === 'mention' ? out.mentions : out.quotes)[item.index] = span as Mention & Quote;
    entries.push(entry);
  }
  return { annotations: { ...annotations, mentions: out.mentions, quotes: out.quotes }, entries, changed };
}

/** Spans with different old starts that landed on the same text at the same place: one is wrong. */
function unplaceCollisions(items: Item[]): void {
  const byPlace = new Map<string, Item[]>();
  for (const it of items) {
    if (!it.placed) continue;
    const key = `${it.placed.candidate.start}\u0000${it.span.text}`;
    byPlace.set(key, [...(byPlace.get(key) ?? []), it]);
  }
  for (const group of byPlace.values()) {
    if (new Set(group.map((g) => g.span.start)).size < 2) continue;
    for (const it of group) {
      if (it.placed?.by !== 'context') continue;
      it.placed = undefined;
      it.contextState = 'close';
      const total = it.before.length + it.after.length;
      it.errors.forEach((e, i) => e <= (1 - CONTEXT_FIT) * total && it.close.add(i));
    }
  }
}

function orphanReason(item: Item): { reason: OrphanReason; detail: string } {
  const what = item.kind === 'mention' ? 'mention' : 'quotation';
  const quoted = `“${abbreviate(item.span.text)}”`;
  const count = item.candidates.length;
  if (count === 0) return { reason: 'not-found', detail: `${what} ${quoted} no longer occurs in the article` };
  const places = count === 1 ? 'once' : `${count} times`;
  switch (item.contextState) {
    case 'close':
      return { reason: 'ambiguous', detail: `${what} ${quoted} occurs ${places} and its context fits several places equally well` };
    case 'weak':
      return { reason: 'context-mismatch', detail: `${what} ${quoted} occurs ${places} but its context fits none of them` };
    case 'decent':
      return { reason: 'unconfirmed', detail: `${what} ${quoted} occurs ${places}; its context fits one place only loosely and its neighbours do not confirm it` };
    default:
      if (item.wasOrphaned) return { reason: 'unconfirmed', detail: `${what} ${quoted} has no context to re-attach it by` };
      return count > 1
        ? { reason: 'ambiguous', detail: `${what} ${quoted} has no context and occurs ${places}; its neighbours do not tell which is its own` }
        : { reason: 'unconfirmed', detail: `${what} ${quoted} has no context and its only occurrence is not where its neighbours put it` };
  }
}

function abbreviate(text: string): string {
  const cps = Array.from(text.replace(/\s+/g, ' '));
  return cps.length <= 40 ? cps.join('') : `${cps.slice(0, 39).join('')}…`;
}

function endsWith<T>(window: ArrayLike<T>, suffix: ArrayLike<T>): boolean {
  if (suffix.length > window.length) return false;
  const offset = window.length - suffix.length;
  for (let i = 0; i < suffix.length; i++) if (window[offset + i] !== suffix[i]) return false;
  return true;
}

function startsWith<T>(window: ArrayLike<T>, prefix: ArrayLike<T>): boolean {
  if (prefix.length > window.length) return false;
  for (let i = 0; i < prefix.length; i++) if (window[i] !== prefix[i]) return false;
  return true;
}

function sameSpan(a: Mention | Quote, b: Mention | Quote): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a as unknown as Record<string, unknown>)[k] !== (b as unknown as Record<string, unknown>)[k]) return false;
  return true;
}
