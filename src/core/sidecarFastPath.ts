/**
 * Loading a sidecar into the model, fast.
 *
 * The `yaml` package reads a few MB/s; a corpus of 10,000 sidecars is tens of MB. Nearly every
 * sidecar is in the canonical layout our own writer produces (sidecar.ts, `serializeAnnotations`
 * and the line-preserving edits): a header comment, `schema`, `article`, `sha256`, an `entities`
 * block list of block mappings, then `mentions`, `quotes` and `relations` as one flow mapping per
 * line. `parseSidecarFast` reads exactly that layout line by line and returns `undefined` the
 * moment it meets anything else (anchors, tags, single quotes, block scalars, flow collections
 * over several lines or nested, duplicate keys, odd indentation, scalars that a YAML reader
 * could take for a number, boolean, null or date, escapes it does not decode, control
 * characters...), and `loadSidecarModel` then falls back to the full parser with its limits.
 * Fields the model does not know (DESIGN.md keeps them) are read past when their value is a
 * scalar or a flat flow collection on the same line.
 *
 * The contract, checked by property tests (test/unit/sidecarFastPath.property.test.ts): for every
 * input, `parseSidecarFast(text)` is either `undefined` or deep-equal to
 * `readAnnotations(parseSidecarYaml(text).value)`, the model the full parser gives. So the
 * fast path is an optimisation only: no caller can tell which path read a file.
 */
import { SCHEMA_VERSION } from './model';
import type { Annotations, Entity, Mention, Quote, Relation } from './model';
import { MAX_SIDECAR_BYTES, parseSidecarYaml, readAnnotations } from './sidecar';
import type { Problem } from './validate';

// ---------------------------------------------------------------------------------------------
// Characters

/**
 * Characters the fast path never reads itself: C0 controls (the tab included; line feeds are
 * handled by the line loop, a CR only right before one), DEL and C1 controls, the Unicode line
 * and paragraph separators, a BOM anywhere, the non-characters U+FFFE/U+FFFF, and lone surrogates.
 */
// eslint-disable-next-line no-control-regex
const REFUSED_OR_SURROGATE = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/g;

/** True when the text holds a character the fast path never reads (one scan in the common case). */
function hasRefusedChars(text: string): boolean {
  const re = REFUSED_OR_SURROGATE;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // A surrogate pair (an emoji) is fine; anything else found here is refused.
    const c = text.charCodeAt(m.index);
    const d = text.charCodeAt(m.index + 1);
    if (c < 0xd800 || c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return true;
    re.lastIndex = m.index + 2;
  }
  for (let cr = text.indexOf('\r'); cr >= 0; cr = text.indexOf('\r', cr + 1)) if (text.charCodeAt(cr + 1) !== 10) return true;
  return false;
}

const SPACE = 0x20;
const HASH = 0x23;
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const DASH = 0x2d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Characters that may not start a plain scalar here (YAML indicators, plus `.`, `~` and space). */
const PLAIN_FIRST_REFUSED = new Set('-?:,[]{}#&*!|>\'"%@`.~ '.split('').map((c) => c.charCodeAt(0)));

/** Single-character escapes of a double-quoted scalar (YAML 1.2), as the `yaml` package decodes them. */
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

// Plain scalars that a YAML 1.1 or 1.2 reader may resolve to something other than a string.
const NULL_OR_BOOL = /^(?:~|null|y|n|yes|no|true|false|on|off)$/i;
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?0(?:b[01_]+|o?[0-7_]+|x[0-9a-fA-F_]+)$|^[-+]?\.(?:inf|nan)$|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/i;
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,14})$/;

/**
 * True when a plain scalar is read as this very string by every YAML reader. Most names start
 * with a letter that begins no keyword (n, y, t, f, o begin null/no/yes/true/false/on/off), which
 * settles it without a regular expression.
 */
function isPlainString(s: string): boolean {
  const c = s.charCodeAt(0) | 0x20; // ASCII lower case; harmless for other characters
  if (c >= 0x61 && c <= 0x7a) {
    if (c !== 0x6e && c !== 0x79 && c !== 0x74 && c !== 0x66 && c !== 0x6f) return true;
    return !NULL_OR_BOOL.test(s);
  }
  if (s.charCodeAt(0) >= 0x80) return true;
  return !NULL_OR_BOOL.test(s) && !NUMBER_LIKE.test(s) && s !== '=' && s !== '<<';
}

// ---------------------------------------------------------------------------------------------
// The line reader

/** Thrown (and caught at the top) when the input leaves the canonical layout. */
const UNUSUAL = Symbol('unusual');

type Scalar = string | number | boolean;

/** A cursor over one line's content (no line break in it). */
class LineCursor {
  text = '';
  pos = 0;
  end = 0;

  reset(text: string, start: number, end: number): void {
    this.text = text;
    this.pos = start;
    this.end = end;
  }

  skipSpaces(): void {
    while (this.pos < this.end && this.text.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  /** At the end of the line, or at a comment that is separated from what precedes it by white space. */
  atLineEnd(): boolean {
    const before = this.pos;
    this.skipSpaces();
    if (this.pos >= this.end) return true;
    return this.text.charCodeAt(this.pos) === HASH && this.pos > before;
  }

  expectLineEnd(): void {
    if (!this.atLineEnd()) throw UNUSUAL;
  }

  expect(code: number): void {
    if (this.pos >= this.end || this.text.charCodeAt(this.pos) !== code) throw UNUSUAL;
    this.pos++;
  }

  /**
   * A mapping key (a plain word, or a double-quoted string) followed by `:` and a space or the
   * line end. With `known`, the caller accepts only its own key names (plain words that are
   * strings for every reader), so the key's own checks are skipped.
   */
  key(known = false): string {
    let k: string;
    if (this.text.charCodeAt(this.pos) === QUOTE) {
      k = this.doubleQuoted();
    } else {
      const start = this.pos;
      while (this.pos < this.end) {
        const c = this.text.charCodeAt(this.pos);
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || (c === DASH && this.pos > start)) this.pos++;
        else break;
      }
      if (this.pos === start) throw UNUSUAL;
      k = this.text.slice(start, this.pos);
      // A key that a reader could resolve to a number or boolean would not be this string.
      if (!known && !isPlainString(k)) throw UNUSUAL;
    }
    if (!known && k === '__proto__') throw UNUSUAL;
    if (this.text.charCodeAt(this.pos) !== COLON) throw UNUSUAL;
    this.pos++;
    if (this.pos < this.end && this.text.charCodeAt(this.pos) !== SPACE) throw UNUSUAL;
    return k;
  }

  /** A double-quoted scalar that closes on this line. */
  doubleQuoted(): string {
    const text = this.text;
    const start = this.pos + 1;
    let quote = text.indexOf('"', start);
    if (quote < 0 || quote >= this.end) throw UNUSUAL;
    let bs = text.indexOf('\\', start);
    if (bs < 0 || bs > quote) {
      this.pos = quote + 1;
      return text.slice(start, quote);
    }
    let out = '';
    let from = start;
    while (bs >= 0 && bs < quote) {
      out += text.slice(from, bs);
      const next = text[bs + 1];
      const simple = ESCAPES[next];
      let after = bs + 2;
      if (simple !== undefined) {
        out += simple;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = text.slice(after, after + length);
        if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) throw UNUSUAL;
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) throw UNUSUAL;
        out += String.fromCodePoint(code);
        after += length;
      } else {
        throw UNUSUAL; // line continuation, or an escape YAML does not have
      }
      from = after;
      if (after > quote) quote = text.indexOf('"', after); // the quote found was escaped
      if (quote < 0 || quote >= this.end) throw UNUSUAL;
      bs = text.indexOf('\\', after);
    }
    out += text.slice(from, quote);
    this.pos = quote + 1;
    return out;
  }

  /**
   * A plain scalar, read as YAML does in flow context (it ends at `,`, `}` or `]`; trailing spaces
   * are not part of it). In block context (`inFlow` false) it runs to the line end or a comment.
   * Any `:`, `#`, bracket or brace inside refuses the line: the writer quotes those.
   */
  plain(inFlow: boolean): string {
    const text = this.text;
    const start = this.pos;
    if (start >= this.end || PLAIN_FIRST_REFUSED.has(text.charCodeAt(start))) throw UNUSUAL;
    let p = start;
    let last = start; // end of the last non-space character
    for (; p < this.end; p++) {
      const c = text.charCodeAt(p);
      if (c === SPACE) continue;
      if (c === COMMA || c === RBRACE || c === RBRACKET) {
        if (inFlow) break;
        throw UNUSUAL;
      }
      if (c === COLON || c === HASH || c === LBRACE || c === LBRACKET) {
        // ` #` starts a comment; anything else is a layout the writer would have quoted.
        if (c === HASH && !inFlow && text.charCodeAt(p - 1) === SPACE) break;
        throw UNUSUAL;
      }
      last = p + 1;
    }
    this.pos = last;
    return text.slice(start, last);
  }

  /** Any scalar: double-quoted, or plain resolved as YAML would (strings, canonical ints, booleans). */
  scalar(inFlow: boolean): Scalar {
    if (this.text.charCodeAt(this.pos) === QUOTE) return this.doubleQuoted();
    const s = this.plain(inFlow);
    if (isPlainString(s)) return s;
    if (CANONICAL_INT.test(s)) return Number(s);
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw UNUSUAL;
  }

  string(inFlow: boolean): string {
    const v = this.scalar(inFlow);
    if (typeof v !== 'string') throw UNUSUAL;
    return v;
  }

  /** `[a, "b"]` of strings on this line. */
  flowStrings(): string[] {
    this.expect(LBRACKET);
    this.skipSpaces();
    const out: string[] = [];
    if (this.text.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.string(true));
      this.skipSpaces();
      const c = this.text.charCodeAt(this.pos++);
      if (c === RBRACKET) return out;
      if (c !== COMMA) throw UNUSUAL;
      this.skipSpaces();
    }
  }

  /** A scalar whose value does not matter (an unknown field's): double-quoted or plain. */
  anyScalar(inFlow: boolean): void {
    if (this.text.charCodeAt(this.pos) === QUOTE) this.doubleQuoted();
    else this.plain(inFlow);
  }

  /**
   * The value of an unknown field, which the model ignores: a scalar, or a flow list or mapping
   * of scalars, on this line. Anything else (nesting, a value on the next lines) is refused.
   */
  skipValue(inFlow: boolean): void {
    const c = this.text.charCodeAt(this.pos);
    if (c === LBRACKET) {
      this.pos++;
      this.skipSpaces();
      if (this.text.charCodeAt(this.pos) === RBRACKET) {
        this.pos++;
        return;
      }
      for (;;) {
        this.anyScalar(true);
        this.skipSpaces();
        const d = this.text.charCodeAt(this.pos++);
        if (d === RBRACKET) return;
        if (d !== COMMA || this.pos > this.end) throw UNUSUAL;
        this.skipSpaces();
      }
    }
    if (c === LBRACE) {
      let keys: Set<string> | undefined;
      if (this.flowOpen()) {
        do {
          keys = unknownKey(this.key(), keys);
          this.skipSpaces();
          this.anyScalar(true);
        } while (this.flowNext());
      }
      return;
    }
    this.anyScalar(inFlow);
  }

  /** Opens a flow mapping `{`: true when it has entries (the cursor is on the first key). */
  flowOpen(): boolean {
    this.expect(LBRACE);
    this.skipSpaces();
    if (this.text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      return false;
    }
    return true;
  }

  /** After an entry's value: true when another entry follows (the cursor is on its key), false at `}`. */
  flowNext(): boolean {
    this.skipSpaces();
    const c = this.text.charCodeAt(this.pos++);
    if (c === RBRACE) return false;
    if (c !== COMMA || this.pos > this.end) throw UNUSUAL;
    this.skipSpaces();
    return true;
  }

  /** A canonical decimal integer (plain, no sign, no leading zero, at most 15 digits) in flow context. */
  int(): number {
    const text = this.text;
    const start = this.pos;
    let p = start;
    let v = 0;
    while (p < this.end) {
      const c = text.charCodeAt(p);
      if (c < 0x30 || c > 0x39) break;
      v = v * 10 + (c - 0x30);
      p++;
    }
    const n = p - start;
    if (n === 0 || n > 15 || (n > 1 && text.charCodeAt(start) === 0x30)) throw UNUSUAL;
    const next = p < this.end ? text.charCodeAt(p) : -1;
    if (next !== COMMA && next !== RBRACE && next !== SPACE) throw UNUSUAL;
    this.pos = p;
    return v;
  }

  /** `true` or `false`, plain, in flow context. */
  bool(): boolean {
    const text = this.text;
    let value: boolean;
    if (text.startsWith('true', this.pos)) {
      value = true;
      this.pos += 4;
    } else if (text.startsWith('false', this.pos)) {
      value = false;
      this.pos += 5;
    } else throw UNUSUAL;
    const next = this.pos < this.end ? text.charCodeAt(this.pos) : -1;
    if (next !== COMMA && next !== RBRACE && next !== SPACE) throw UNUSUAL;
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Items

const enum Section {
  None,
  Entities,
  Mentions,
  Quotes,
  Relations,
}

/** Bit of each top-level key, to refuse duplicates. */
const TOP_BITS: Record<string, number> = { schema: 1, article: 2, sha256: 4, entities: 8, mentions: 16, quotes: 32, relations: 64 };

/** A key's bit among `bits`; refuses unknown and repeated keys (the full parser rejects duplicates). */
function bitOf(bits: Record<string, number>, key: string, seen: number): number {
  const bit = Object.prototype.hasOwnProperty.call(bits, key) ? bits[key] : 0;
  if (bit === 0 || (seen & bit) !== 0) throw UNUSUAL;
  return bit;
}

/** Refuses a key met twice in one mapping. */
function once(seen: number, bit: number): number {
  if ((seen & bit) !== 0) throw UNUSUAL;
  return seen | bit;
}

/**
 * Accepts a key the model does not know (it survives in the file; readers ignore it) when it is
 * a plain string and not a repeat: a key that a reader could take for a number or boolean might
 * equal another one (`1` and `01`), which the full parser would refuse as a duplicate.
 */
function unknownKey(key: string, seen: Set<string> | undefined): Set<string> {
  if (key === '__proto__' || !isPlainString(key)) throw UNUSUAL;
  const out = seen ?? new Set<string>();
  if (out.has(key)) throw UNUSUAL;
  out.add(key);
  return out;
}

function int(v: Scalar): number {
  if (typeof v !== 'number') throw UNUSUAL;
  return v;
}

function readMentionLine(cur: LineCursor): Mention {
  let seen = 0;
  let entity: string | undefined;
  let start = -1;
  let end = -1;
  let text: string | undefined;
  let before: string | undefined;
  let after: string | undefined;
  let orphaned = false;
  let by: string | undefined;
  let unknown: Set<string> | undefined;
  if (cur.flowOpen()) {
    do {
      const key = cur.key(true);
      cur.skipSpaces();
      switch (key) {
        case 'entity': seen = once(seen, 1); entity = cur.string(true); break;
        case 'start': seen = once(seen, 2); start = cur.int(); break;
        case 'end': seen = once(seen, 4); end = cur.int(); break;
        case 'text': seen = once(seen, 8); text = cur.string(true); break;
        case 'before': seen = once(seen, 16); before = cur.string(true); break;
        case 'after': seen = once(seen, 32); after = cur.string(true); break;
        case 'orphaned': seen = once(seen, 64); orphaned = cur.bool(); break;
        case 'by': seen = once(seen, 128); by = cur.string(true); break;
        default: unknown = unknownKey(key, unknown); cur.skipValue(true);
      }
    } while (cur.flowNext());
  }
  if ((seen & 15) !== 15) throw UNUSUAL;
  const m: Mention = { entity: entity as string, start, end, text: text as string };
  if (before !== undefined) m.before = before;
  if (after !== undefined) m.after = after;
  if (orphaned) m.orphaned = true;
  if (by !== undefined) m.by = by;
  return m;
}

function readQuoteLine(cur: LineCursor): Quote {
  let seen = 0;
  let start = -1;
  let end = -1;
  let speaker: string | undefined;
  let text: string | undefined;
  let before: string | undefined;
  let after: string | undefined;
  let orphaned = false;
  let unknown: Set<string> | undefined;
  if (cur.flowOpen()) {
    do {
      const key = cur.key(true);
      cur.skipSpaces();
      switch (key) {
        case 'start': seen = once(seen, 1); start = cur.int(); break;
        case 'end': seen = once(seen, 2); end = cur.int(); break;
        case 'text': seen = once(seen, 4); text = cur.string(true); break;
        case 'speaker': seen = once(seen, 8); speaker = cur.string(true); break;
        case 'before': seen = once(seen, 16); before = cur.string(true); break;
        case 'after': seen = once(seen, 32); after = cur.string(true); break;
        case 'orphaned': seen = once(seen, 64); orphaned = cur.bool(); break;
        default: unknown = unknownKey(key, unknown); cur.skipValue(true);
      }
    } while (cur.flowNext());
  }
  if ((seen & 7) !== 7) throw UNUSUAL;
  const q: Quote = { start, end, text: text as string };
  if (speaker !== undefined) q.speaker = speaker;
  if (before !== undefined) q.before = before;
  if (after !== undefined) q.after = after;
  if (orphaned) q.orphaned = true;
  return q;
}

function readRelationLine(cur: LineCursor): Relation {
  let seen = 0;
  let type: string | undefined;
  let from: string | undefined;
  let to: string | undefined;
  let unknown: Set<string> | undefined;
  if (cur.flowOpen()) {
    do {
      const key = cur.key(true);
      cur.skipSpaces();
      switch (key) {
        case 'type': seen = once(seen, 1); type = cur.string(true); break;
        case 'from': seen = once(seen, 2); from = cur.string(true); break;
        case 'to': seen = once(seen, 4); to = cur.string(true); break;
        default: unknown = unknownKey(key, unknown); cur.skipValue(true);
      }
    } while (cur.flowNext());
  }
  if (seen !== 7) throw UNUSUAL;
  return { type: type as string, from: from as string, to: to as string };
}

/** An entity being read, one `key: value` line at a time. */
interface EntityDraft {
  seen: number;
  entity: Partial<Entity>;
  unknown?: Set<string>;
}

function readEntityField(cur: LineCursor, draft: EntityDraft): void {
  const key = cur.key(true);
  cur.skipSpaces();
  const e = draft.entity;
  switch (key) {
    case 'id': draft.seen = once(draft.seen, 1); e.id = cur.string(false); break;
    case 'type': draft.seen = once(draft.seen, 2); e.type = cur.string(false); break;
    case 'name': draft.seen = once(draft.seen, 4); e.name = cur.string(false); break;
    case 'note': draft.seen = once(draft.seen, 8); e.note = cur.string(false); break;
    case 'aliases': {
      draft.seen = once(draft.seen, 16);
      const aliases = cur.flowStrings();
      if (aliases.length > 0) e.aliases = aliases;
      break;
    }
    case 'links': {
      draft.seen = once(draft.seen, 32);
      const links: Record<string, string> = {};
      let n = 0;
      if (cur.flowOpen()) {
        do {
          const k = cur.key();
          if (Object.prototype.hasOwnProperty.call(links, k)) throw UNUSUAL;
          cur.skipSpaces();
          links[k] = cur.string(true);
          n++;
        } while (cur.flowNext());
      }
      if (n > 0) e.links = links;
      break;
    }
    default:
      draft.unknown = unknownKey(key, draft.unknown);
      if (cur.atLineEnd()) throw UNUSUAL; // a value on the next lines
      cur.skipValue(false);
  }
  cur.expectLineEnd();
}

function finishEntity(draft: EntityDraft | undefined, out: Entity[]): void {
  if (!draft) return;
  const e = draft.entity;
  if (e.id === undefined || e.type === undefined || e.name === undefined) throw UNUSUAL;
  const entity: Entity = { id: e.id, type: e.type, name: e.name };
  if (e.aliases) entity.aliases = e.aliases;
  if (e.note !== undefined) entity.note = e.note;
  if (e.links) entity.links = e.links;
  out.push(entity);
}

// ---------------------------------------------------------------------------------------------
// The document

/**
 * The model of a sidecar in the canonical layout, or `undefined` when the text is anything else
 * (then read it with the full parser). Never throws. See the module comment for the contract.
 */
export function parseSidecarFast(text: string): Annotations | undefined {
  if (hasRefusedChars(text)) return undefined;
  try {
    return parseLines(text);
  } catch (err) {
    if (err === UNUSUAL) return undefined;
    throw err;
  }
}

function parseLines(text: string): Annotations {
  const cur = new LineCursor();
  let schema: number | undefined;
  let article: string | undefined;
  let sha256: string | undefined;
  const entities: Entity[] = [];
  const mentions: Mention[] = [];
  const quotes: Quote[] = [];
  const relations: Relation[] = [];
  let topSeen = 0;
  let topUnknown: Set<string> | undefined;
  let section = Section.None;
  let sectionItems = 0;
  let draft: EntityDraft | undefined;

  const closeSection = (): void => {
    // `key:` with nothing under it is null, not an empty list: leave that to the full parser.
    if (section !== Section.None && sectionItems === 0) throw UNUSUAL;
    finishEntity(draft, entities);
    draft = undefined;
    section = Section.None;
  };

  const n = text.length;
  let lineStart = 0;
  while (lineStart < n) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = n;
    const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const begin = lineStart;
    lineStart = lineEnd + 1;
    cur.reset(text, begin, contentEnd);
    cur.skipSpaces();
    // Blank lines and whole-line comments may stand anywhere.
    if (cur.pos >= contentEnd || text.charCodeAt(cur.pos) === HASH) continue;
    const indent = cur.pos - begin;

    if (indent === 0) {
      // A top-level key.
      closeSection();
      const key = cur.key(true);
      const bare = cur.atLineEnd();
      if (!Object.prototype.hasOwnProperty.call(TOP_BITS, key)) {
        // A field the model does not know, with its value on this line.
        topUnknown = unknownKey(key, topUnknown);
        if (bare) throw UNUSUAL;
        cur.skipValue(false);
        cur.expectLineEnd();
        continue;
      }
      topSeen |= bitOf(TOP_BITS, key, topSeen);
      switch (key) {
        case 'schema':
          if (bare) throw UNUSUAL;
          schema = int(cur.scalar(false));
          break;
        case 'article':
          if (bare) throw UNUSUAL;
          article = cur.string(false);
          break;
        case 'sha256':
          if (bare) throw UNUSUAL;
          sha256 = cur.string(false);
          break;
        default:
          if (bare) {
            section = key === 'entities' ? Section.Entities : key === 'mentions' ? Section.Mentions : key === 'quotes' ? Section.Quotes : Section.Relations;
            sectionItems = 0;
            continue;
          }
          // `key: []`: an empty list.
          cur.expect(LBRACKET);
          cur.skipSpaces();
          cur.expect(RBRACKET);
      }
      cur.expectLineEnd();
      continue;
    }

    if (section === Section.None) throw UNUSUAL;
    if (indent === 2 && text.charCodeAt(cur.pos) === DASH && text.charCodeAt(cur.pos + 1) === SPACE) {
      // A list item: `  - {...}`, or the first line of an entity, `  - key: value`.
      cur.pos += 2;
      cur.skipSpaces();
      if (cur.pos !== begin + 4) throw UNUSUAL;
      sectionItems++;
      switch (section) {
        case Section.Entities:
          finishEntity(draft, entities);
          draft = { seen: 0, entity: {} };
          readEntityField(cur, draft);
          continue;
        case Section.Mentions:
          mentions.push(readMentionLine(cur));
          break;
        case Section.Quotes:
          quotes.push(readQuoteLine(cur));
          break;
        default:
          relations.push(readRelationLine(cur));
      }
      cur.expectLineEnd();
      continue;
    }
    if (indent === 4 && draft !== undefined) {
      // The next `key: value` of the entity being read.
      readEntityField(cur, draft);
      continue;
    }
    throw UNUSUAL;
  }
  closeSection();
  if (schema === undefined || article === undefined) throw UNUSUAL;
  const a: Annotations = { schema, article, entities, mentions, quotes, relations };
  if (sha256 !== undefined) a.sha256 = sha256;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Loading: fast path, then the full parser

export interface SidecarLoad {
  /** The model; absent when the sidecar cannot be read (then `problems` holds an error). */
  annotations?: Annotations;
  /** Errors (no model) or warnings of the YAML reader; empty for a clean file. */
  problems: Problem[];
  /** Which reader produced the model: the canonical-layout fast path or the full YAML parser. */
  via: 'fast' | 'yaml';
}

function problem(file: string, line: number, reason: string, column?: number): Problem {
  const p: Problem = { file, line, severity: 'error', reason };
  if (column !== undefined) p.column = column;
  return p;
}

/**
 * Reads sidecar text into the model: the fast path when the text is in the canonical layout,
 * else the `yaml` parser with its resource limits (size, alias expansion). A sidecar that is not
 * readable YAML, is not a mapping or declares another schema comes back with problems (file,
 * line, reason) and no model. Entries that do not fit the model (a mention without `end`...) are
 * skipped, as `readAnnotations` does; `validate.ts` reports them.
 */
export function loadSidecarModel(text: string, file: string): SidecarLoad {
  // The size limit applies to both readers, so the choice of reader never changes the outcome.
  if (text.length > MAX_SIDECAR_BYTES || (text.length * 3 > MAX_SIDECAR_BYTES && Buffer.byteLength(text, 'utf8') > MAX_SIDECAR_BYTES)) {
    const mb = (MAX_SIDECAR_BYTES / (1024 * 1024)).toFixed(0);
    return { problems: [problem(file, 1, `sidecar too large (the limit is ${mb} MB)`)], via: 'yaml' };
  }
  let annotations: Annotations | undefined = parseSidecarFast(text);
  let via: SidecarLoad['via'] = 'fast';
  const problems: Problem[] = [];
  if (!annotations) {
    via = 'yaml';
    const parsed = parseSidecarYaml(text);
    for (const p of parsed.problems) problems.push({ file, line: p.line, ...(p.column !== undefined ? { column: p.column } : {}), severity: p.severity, reason: p.reason });
    if (problems.some((p) => p.severity === 'error') || parsed.value === undefined) {
      if (problems.length === 0) problems.push(problem(file, 1, 'YAML could not be read'));
      return { problems, via };
    }
    const v = parsed.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push(problem(file, 1, 'a sidecar must be a YAML mapping (schema, article, entities, mentions)'));
      return { problems, via };
    }
    annotations = readAnnotations(v);
  }
  if (annotations.schema !== SCHEMA_VERSION) {
    const line = schemaLine(text);
    problems.push(problem(file, line, `unsupported schema ${annotations.schema} (this version reads schema ${SCHEMA_VERSION})`));
    return { problems, via };
  }
  return { annotations, problems, via };
}

function schemaLine(text: string): number {
  const m = /^schema\s*:/m.exec(text);
  if (!m) return 1;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
