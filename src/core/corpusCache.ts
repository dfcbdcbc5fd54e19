/**
 * The corpus index's storage form of one sidecar (`EntryData`) and its cache file: what the
 * index parsed, keyed by sidecar path, size and mtime, in one file (the extension keeps it in its
 * storage folder; the CLI may keep none). A warm start reads it, stats every sidecar and article
 * and parses only the sidecars whose size or mtime changed.
 *
 * Mentions are packed (four numbers each in a typed array, plus their texts): a corpus has
 * hundreds of thousands of them, and as objects they would cost memory and garbage-collection
 * time. Entities that are declared identically in many sidecars are one shared object
 * (`ValuePool`). The file is ASCII JSON lines, read a slice at a time: a header, the table of
 * distinct entities (JSON objects of the model's shape), then one entry a line, whose entities
 * are indices into the table, whose spans are base64, and whose mention texts are written only
 * when they are not their entity's name. Anything unexpected in the file (another version or suffix, a malformed or missing
 * entry) makes the whole cache count as absent: it is only ever an optimisation.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Entity, Mention } from './model';
import type { Problem } from './validate';

/** Bump when the encoding or what an entry holds changes. */
export const CORPUS_CACHE_VERSION = 4;
const MAGIC = 'seed-annotator-corpus-cache';

/** Numbers per mention in `EntryData.spans`: start, end, entity reference, flags. */
export const SPAN_STRIDE = 4;
/** Flag bit: the mention is orphaned. */
export const ORPHANED = 1;

/** One indexed sidecar and its article, in storage form. */
export interface EntryData {
  sidecarPath: string;
  articlePath: string;
  /** The sidecar's size in bytes and mtime when it was read: the cache key. */
  size: number;
  mtimeMs: number;
  /** The article's size and mtime when its first bytes were read; -1 when it is missing. */
  articleSize: number;
  articleMtimeMs: number;
  /** `YYYY-MM-DD` of the article's header, when it has one. */
  date?: string;
  /** The article's first sentence, shortened; empty when the article is missing. */
  title: string;
  /** In the sidecar's order. */
  entities: Entity[];
  /**
   * Per mention, in the sidecar's order: start, end (code points), entity reference (an index
   * into `entities`, or -1 - k for `dangling[k]`), flags (`ORPHANED`).
   */
  spans: Int32Array | Float64Array;
  /** Per mention: its text. */
  texts: string[];
  /** Entity ids named by mentions but by no entity of the sidecar. */
  dangling: string[];
  quoteCount: number;
  relationCount: number;
  /** Why the sidecar could not be read (then it has no entities and mentions). */
  problems?: Problem[];
}

/** Interns strings shared by many entries (ids, types, names, mention texts). */
export type Intern = (s: string) => string;

const identity: Intern = (s) => s;

/**
 * Values shared by many entries, stored once: strings (entity ids, types, names, mention texts)
 * and whole entities: "Taliban" declared the same way in 5,000 sidecars is one frozen object.
 * A string's copy also drops its link to the file text it was sliced from, which would otherwise
 * keep every sidecar's text alive.
 */
export class ValuePool {
  private readonly strings = new Map<string, string>();
  /** Distinct entities by name. */
  private readonly entities = new Map<string, Entity[]>();

  intern = (s: string): string => {
    const have = this.strings.get(s);
    if (have !== undefined) return have;
    const copy = s.length > 12 ? (' ' + s).slice(1) : s;
    if (this.strings.size > 1_000_000) this.strings.clear();
    this.strings.set(copy, copy);
    return copy;
  };

  /** The shared, frozen copy of an entity equal to `e` (its strings interned). */
  entity(e: Entity): Entity {
    // Candidates by name (usually one or two), then a field by field comparison: cheaper than
    // building and hashing a key of every field for each of 100,000 entities.
    const candidates = this.entities.get(e.name);
    if (candidates) for (const c of candidates) if (sameEntity(c, e)) return c;
    const x: Entity = { id: this.intern(e.id), type: this.intern(e.type), name: this.intern(e.name) };
    if (e.aliases) x.aliases = Object.freeze(e.aliases.map(this.intern)) as string[];
    if (e.note !== undefined) x.note = this.intern(e.note);
    if (e.links) {
      const links: Record<string, string> = {};
      for (const k of Object.keys(e.links)) links[this.intern(k)] = this.intern(e.links[k]);
      x.links = Object.freeze(links);
    }
    Object.freeze(x);
    if (this.entities.size > 1_000_000) this.entities.clear();
    if (candidates && candidates.length < 64) candidates.push(x);
    else if (!candidates) this.entities.set(x.name, [x]);
    return x;
  }
}

function sameStrings(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameEntity(a: Entity, b: Entity): boolean {
  if (a.id !== b.id || a.type !== b.type || a.name !== b.name || a.note !== b.note || !sameStrings(a.aliases, b.aliases)) return false;
  if (a.links === b.links) return true;
  if (!a.links || !b.links) return false;
  const ka = Object.keys(a.links);
  const kb = Object.keys(b.links);
  if (!sameStrings(ka, kb)) return false;
  for (const k of ka) if (a.links[k] !== b.links[k]) return false;
  return true;
}

const INT32_MAX = 0x7fffffff;

/** Packs a sidecar's mentions against its entities (entities keep their order). */
export function packMentions(entities: readonly Entity[], mentions: readonly Mention[], intern: Intern = identity): Pick<EntryData, 'spans' | 'texts' | 'dangling'> {
  const indexOf = new Map<string, number>();
  entities.forEach((e, i) => {
    if (!indexOf.has(e.id)) indexOf.set(e.id, i);
  });
  let wide = false;
  for (const m of mentions) if (m.start > INT32_MAX || m.end > INT32_MAX || m.start < -INT32_MAX || m.end < -INT32_MAX) wide = true;
  const spans = wide ? new Float64Array(mentions.length * SPAN_STRIDE) : new Int32Array(mentions.length * SPAN_STRIDE);
  const texts: string[] = new Array(mentions.length);
  const dangling: string[] = [];
  mentions.forEach((m, i) => {
    let ref = indexOf.get(m.entity);
    if (ref === undefined) {
      let k = dangling.indexOf(m.entity);
      if (k < 0) k = dangling.push(intern(m.entity)) - 1;
      ref = -1 - k;
    }
    const o = i * SPAN_STRIDE;
    spans[o] = m.start;
    spans[o + 1] = m.end;
    spans[o + 2] = ref;
    spans[o + 3] = m.orphaned ? ORPHANED : 0;
    const e = ref >= 0 ? entities[ref] : undefined;
    texts[i] = e && e.name === m.text ? e.name : intern(m.text);
  });
  return { spans, texts, dangling };
}

/** Spans as text: `i` (Int32) or `f` (Float64) and the base64 of the array's bytes. */
function encodeSpans(spans: Int32Array | Float64Array): string {
  const bytes = Buffer.from(spans.buffer, spans.byteOffset, spans.byteLength);
  return (spans instanceof Int32Array ? 'i' : 'f') + bytes.toString('base64');
}

function decodeSpans(s: unknown): Int32Array | Float64Array {
  if (typeof s !== 'string' || (s[0] !== 'i' && s[0] !== 'f')) return bad('spans');
  const bytes = Buffer.from(s.slice(1), 'base64');
  const width = s[0] === 'i' ? 4 : 8;
  if (bytes.length % (width * SPAN_STRIDE) !== 0) return bad('spans');
  // Copy into a fresh, aligned array (a Buffer may share a pool and have any offset).
  const out = s[0] === 'i' ? new Int32Array(bytes.length / 4) : new Float64Array(bytes.length / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** One entry as JSON data; its entities are indices into `table` (grown as needed). */
export function encodeEntry(e: EntryData, suffix: string, table: Map<Entity, number>): unknown[] {
  const derivedArticle = e.sidecarPath.endsWith(suffix) ? `${e.sidecarPath.slice(0, -suffix.length)}.txt` : undefined;
  // Texts: only those that are not their entity's name, as [index, text, ...].
  const texts: unknown[] = [];
  for (let i = 0; i < e.texts.length; i++) {
    const ref = e.spans[i * SPAN_STRIDE + 2];
    if (!(ref >= 0 && e.entities[ref].name === e.texts[i])) texts.push(i, e.texts[i]);
  }
  return [
    e.sidecarPath,
    e.size,
    e.mtimeMs,
    e.articlePath === derivedArticle ? 0 : e.articlePath,
    e.articleSize,
    e.articleMtimeMs,
    e.date ?? 0,
    e.title,
    e.entities.map((x) => {
      let i = table.get(x);
      if (i === undefined) table.set(x, (i = table.size));
      return i;
    }),
    encodeSpans(e.spans),
    texts,
    e.dangling,
    e.quoteCount,
    e.relationCount,
    e.problems ?? 0,
  ];
}

const bad = (what: string): never => {
  throw new Error(`corpus cache: bad ${what}`);
};

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function checkEntity(v: unknown, pool: ValuePool): Entity {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('entity');
  const e = v as Record<string, unknown>;
  if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.name !== 'string') return bad('entity');
  if (e.aliases !== undefined && !isStringArray(e.aliases)) return bad('aliases');
  if (e.note !== undefined && typeof e.note !== 'string') return bad('note');
  if (e.links !== undefined) {
    const links = e.links;
    if (typeof links !== 'object' || links === null || Array.isArray(links)) return bad('links');
    for (const x of Object.values(links)) if (typeof x !== 'string') return bad('links');
  }
  for (const k of Object.keys(e)) if (k !== 'id' && k !== 'type' && k !== 'name' && k !== 'aliases' && k !== 'note' && k !== 'links') return bad('entity field');
  return pool.entity(e as unknown as Entity);
}

/** One entry from its JSON data (entities as indices into `table`); throws on anything malformed. */
export function decodeEntry(raw: unknown, suffix: string, table: readonly Entity[], intern: Intern = identity): EntryData {
  if (!Array.isArray(raw) || raw.length !== 15) return bad('entry');
  const [sidecarPath, size, mtimeMs, article, articleSize, articleMtimeMs, date, title, ents, spanText, exceptions, dangling, quoteCount, relationCount, problems] = raw;
  if (typeof sidecarPath !== 'string' || typeof size !== 'number' || typeof mtimeMs !== 'number') return bad('entry');
  if (typeof articleSize !== 'number' || typeof articleMtimeMs !== 'number' || typeof title !== 'string') return bad('entry');
  if (typeof quoteCount !== 'number' || typeof relationCount !== 'number') return bad('entry');
  if (!Array.isArray(ents) || !Array.isArray(exceptions) || exceptions.length % 2 !== 0 || !isStringArray(dangling)) return bad('entry');
  const entities = ents.map((i) => (typeof i === 'number' && table[i] !== undefined ? table[i] : bad('entity reference')));
  const spans = decodeSpans(spanText);
  const n = spans.length / SPAN_STRIDE;
  const texts: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const ref = spans[i * SPAN_STRIDE + 2];
    if (!Number.isInteger(ref) || ref >= entities.length || -1 - ref >= dangling.length) return bad('mention reference');
    texts[i] = ref >= 0 ? entities[ref].name : '';
  }
  for (let k = 0; k < exceptions.length; k += 2) {
    const i = exceptions[k];
    const t = exceptions[k + 1];
    if (typeof i !== 'number' || !(i >= 0 && i < n) || typeof t !== 'string') return bad('mention text');
    texts[i] = intern(t);
  }
  const derivedArticle = sidecarPath.endsWith(suffix) ? `${sidecarPath.slice(0, -suffix.length)}.txt` : '';
  const entry: EntryData = {
    sidecarPath,
    articlePath: article === 0 ? derivedArticle : typeof article === 'string' ? article : bad('article'),
    size,
    mtimeMs,
    articleSize,
    articleMtimeMs,
    title,
    entities,
    spans,
    texts,
    dangling: dangling.map(intern),
    quoteCount,
    relationCount,
  };
  if (typeof date === 'string') entry.date = date;
  if (problems !== 0) {
    if (!Array.isArray(problems)) return bad('problems');
    entry.problems = problems as Problem[];
  }
  return entry;
}

/** JSON with every non-ASCII character escaped: the file is ASCII, so it reads back as a compact one-byte string. */
function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The cache file's text: a header line, then one line per entry (JSON lines, so a reader can
 * parse it a slice at a time instead of blocking on one large `JSON.parse`).
 */
export function serializeCache(entries: readonly EntryData[], suffix: string): string {
  const table = new Map<Entity, number>();
  const lines = entries.map((e) => asciiJson(encodeEntry(e, suffix, table)));
  const header = asciiJson({ magic: MAGIC, version: CORPUS_CACHE_VERSION, suffix, entries: entries.length });
  return `${header}\n${asciiJson([...table.keys()])}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

export interface CacheReadOptions {
  /** Where shared strings and entities go (the index's pool). */
  pool?: ValuePool;
  /** Yield to the event loop after this many ms of parsing (default: never). */
  sliceMs?: number;
  /** Stop (and count the cache as absent) when this returns true. */
  cancelled?: () => boolean;
}

/**
 * The entries of a cache file's bytes, keyed by sidecar path; undefined when it is not a usable
 * cache. Parses line by line, yielding every `sliceMs`.
 */
export async function parseCache(bytes: Buffer, suffix: string, options: CacheReadOptions = {}): Promise<Map<string, EntryData> | undefined> {
  const pool = options.pool ?? new ValuePool();
  const sliceMs = options.sliceMs ?? Infinity;
  const line = (from: number): [unknown, number] | undefined => {
    const nl = bytes.indexOf(10, from);
    return nl < 0 ? undefined : [JSON.parse(bytes.toString('latin1', from, nl)), nl + 1];
  };
  try {
    const first = line(0);
    if (!first) return undefined;
    const header = first[0] as { magic?: unknown; version?: unknown; suffix?: unknown; entries?: unknown };
    if (header?.magic !== MAGIC || header.version !== CORPUS_CACHE_VERSION || header.suffix !== suffix || typeof header.entries !== 'number') return undefined;
    const second = line(first[1]);
    if (!second || !Array.isArray(second[0])) return undefined;
    const table = second[0].map((e) => checkEntity(e, pool));
    const out = new Map<string, EntryData>();
    let sliceStart = performance.now();
    let pos = second[1];
    while (pos < bytes.length) {
      const next = line(pos);
      if (!next) return undefined; // cut short
      const e = decodeEntry(next[0], suffix, table, pool.intern);
      out.set(e.sidecarPath, e);
      pos = next[1];
      if ((out.size & 31) === 0 && performance.now() - sliceStart >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (options.cancelled?.()) return undefined;
        sliceStart = performance.now();
      }
    }
    return out.size === header.entries ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a cache file; undefined when it is missing or unusable. */
export async function readCache(file: string, suffix: string, options: CacheReadOptions = {}): Promise<Map<string, EntryData> | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(file);
  } catch {
    return undefined;
  }
  return parseCache(bytes, suffix, options);
}

let tmpCounter = 0;

/**
 * Writes a cache file atomically (a temp file in the same folder, then a rename). Encodes a
 * slice at a time, yielding to the event loop every `sliceMs` (default: never).
 */
export async function writeCache(file: string, entries: readonly EntryData[], suffix: string, options: { sliceMs?: number } = {}): Promise<void> {
  const sliceMs = options.sliceMs ?? Infinity;
  const table = new Map<Entity, number>();
  const lines: string[] = [];
  let sliceStart = performance.now();
  for (const e of entries) {
    lines.push(asciiJson(encodeEntry(e, suffix, table)));
    if ((lines.length & 63) === 0 && performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  const header = asciiJson({ magic: MAGIC, version: CORPUS_CACHE_VERSION, suffix, entries: entries.length });
  lines.unshift(header, asciiJson([...table.keys()]));
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${(tmpCounter++).toString(36)}.${Date.now().toString(36)}.tmp`;
  try {
    const handle = await fsp.open(tmp, 'w');
    try {
      // In pieces: one string of the whole file would be needed only to be written.
      for (let i = 0; i < lines.length; i += 512) await handle.write(`${lines.slice(i, i + 512).join('\n')}\n`);
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
