/**
 * What every export and import format shares: the loaded document they read, the reports they
 * give back (skipped annotations on export, problems on import), and the few rules they must
 * apply the same way (which mentions may be exported, safe file names, entity ids).
 *
 * Offsets are code points into the article text as stored (BOM removed, line ends kept), as in
 * model.ts; a format that counts otherwise (brat's LF text, doccano's UTF-16) converts at its own
 * edge.
 */
import type { Annotations, CodePointOffset, Entity, Mention, Quote, Relation } from '../model';
import { compareMentions } from '../model';
import { OffsetMap } from '../offsets';
import { uniqueSlug } from '../slug';

/** One article with its annotations, already loaded. */
export interface SeedDocument {
  /** The article's path as written in exports (jsonl `id`, csv `file`, w3c `target.source`). */
  id: string;
  /** The article text as stored, a leading BOM removed; every offset counts code points in it. */
  text: string;
  /** Whether the file on disk starts with a BOM (offsets never count it). */
  hadBom?: boolean;
  annotations: Annotations;
}

/** Why an annotation was left out of an export. */
export type SkipCause =
  | 'orphaned' // marked orphaned: its offsets are not trusted (DESIGN.md: never exported)
  | 'mismatch' // its text is not the article's text at its offsets
  | 'out-of-range' // offsets outside the article or empty span
  | 'unknown-entity' // the mention's entity is not declared
  | 'nested' // CoNLL holds one tag per token: an enclosing or earlier overlapping mention won
  | 'header' // CoNLL: the date header is always tagged O
  | 'unsupported'; // the format cannot hold it (reason says why)

/** An annotation an exporter did not write; callers report these (stderr, UI), never drop them silently. */
export interface Skipped {
  /** The document's id. */
  document: string;
  kind: 'mention' | 'quote' | 'relation' | 'link' | 'note';
  cause: SkipCause;
  reason: string;
  mention?: Mention;
  quote?: Quote;
  relation?: Relation;
}

/** One line of a report, e.g. `seeds/a.txt: skipped mention "Muttaqi" [460, 467) (muttaqi): orphaned`. */
export function describeSkipped(s: Skipped): string {
  if (s.mention) {
    const m = s.mention;
    return `${s.document}: skipped mention ${JSON.stringify(m.text)} [${m.start}, ${m.end}) (${m.entity}): ${s.reason}`;
  }
  if (s.quote) return `${s.document}: skipped quote [${s.quote.start}, ${s.quote.end}): ${s.reason}`;
  if (s.relation) {
    const r = s.relation;
    return `${s.document}: skipped relation ${r.type} ${r.from} -> ${r.to}: ${s.reason}`;
  }
  return `${s.document}: skipped ${s.kind}: ${s.reason}`;
}

/** An import problem, reported as `file:line: reason` (line counted from 1). */
export interface ImportProblem {
  file: string;
  line: number;
  reason: string;
  /** `error`: the item was not imported; `warning`: imported, but look at it. */
  severity: 'error' | 'warning';
}

export function formatProblem(p: ImportProblem): string {
  return `${p.file}:${p.line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.reason}`;
}

/** An article read from an import file, with the annotations to merge into its sidecar. */
export interface ImportedDocument {
  /** The id as found in the input (jsonl `id`, brat file name). */
  id: string;
  /** The safe article file name to write (`<name>.txt`), see `safeFileName`. */
  fileName: string;
  /** Article text, BOM removed; mention offsets are code points into it. */
  text: string;
  hadBom?: boolean;
  /** `article` is `fileName`; mentions carry `text` (the slice) and no context. */
  annotations: Annotations;
}

export interface ImportResult {
  documents: ImportedDocument[];
  problems: ImportProblem[];
}

/** Options shared by the exporters; each format reads the ones it knows. */
export interface ExportOptions {
  /** jsonl: unit of every offset written. Default `codepoint`; `utf16` for doccano. */
  offsets?: 'codepoint' | 'utf16';
  /** conll: `types` writes entity types as they are, `conll` maps them to PER/ORG/LOC/MISC. */
  tags?: 'types' | 'conll';
  /** brat: colour of each entity type in visual.conf (CSS colour); defaults fill the gaps. */
  colours?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Date header

/** The date header of an article, `date YYYY-MM-DD`, with its code-point span. */
export interface DateHeader {
  date: string;
  /** Span of `date YYYY-MM-DD` (leading white space excluded), code points. */
  start: CodePointOffset;
  end: CodePointOffset;
}

const HEADER = /^\s*date (\d{4}-\d{2}-\d{2})\b/;

/**
 * The date header on the first line (BOM already stripped), or undefined. Deliberately minimal
 * (the regex of DESIGN.md); article.ts owns the full parsing. Only the first line is looked at,
 * so `\s*` cannot run over a blank line into the body.
 */
export function parseDateHeader(text: string): DateHeader | undefined {
  const firstLineEnd = text.search(/[\r\n]/);
  const firstLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const m = HEADER.exec(firstLine);
  if (!m) return undefined;
  // The header is ASCII after leading white space, which is BMP: UTF-16 length = code points,
  // except for astral white space, which does not exist.
  const end = m[0].length;
  return { date: m[1], start: end - 'date YYYY-MM-DD'.length, end };
}

// ---------------------------------------------------------------------------------------------
// What may be exported

/** A mention that passed every check, with its entity. */
export interface ExportableMention {
  mention: Mention;
  entity: Entity;
}

/** The parts of a document every exporter needs, checked once. */
export interface PreparedDocument {
  doc: SeedDocument;
  offsets: OffsetMap;
  header: DateHeader | undefined;
  entities: Map<string, Entity>;
  /** Sorted by start, end, entity. */
  mentions: ExportableMention[];
  /** Quotes whose offsets fit the article, sorted by start. */
  quotes: Quote[];
  skipped: Skipped[];
}

/**
 * Applies the export rules: orphans are never exported; neither is a mention (or quote) whose
 * text is not the article's text at its offsets, nor one whose entity is undeclared. Each is
 * returned in `skipped` with its cause.
 */
export function prepareDocument(doc: SeedDocument): PreparedDocument {
  const offsets = new OffsetMap(doc.text);
  const entities = new Map<string, Entity>();
  for (const e of doc.annotations.entities ?? []) if (!entities.has(e.id)) entities.set(e.id, e);
  const skipped: Skipped[] = [];
  const mentions: ExportableMention[] = [];
  for (const m of doc.annotations.mentions ?? []) {
    const bad = checkSpan(offsets, m);
    if (bad) {
      skipped.push({ document: doc.id, kind: 'mention', mention: m, ...bad });
      continue;
    }
    const entity = entities.get(m.entity);
    if (!entity) {
      skipped.push({ document: doc.id, kind: 'mention', mention: m, cause: 'unknown-entity', reason: `entity "${m.entity}" is not declared` });
      continue;
    }
    mentions.push({ mention: m, entity });
  }
  mentions.sort((a, b) => compareMentions(a.mention, b.mention));
  const quotes: Quote[] = [];
  for (const q of doc.annotations.quotes ?? []) {
    const bad = checkSpan(offsets, q);
    if (bad) skipped.push({ document: doc.id, kind: 'quote', quote: q, ...bad });
    else quotes.push(q);
  }
  quotes.sort((a, b) => a.start - b.start || a.end - b.end);
  return { doc, offsets, header: parseDateHeader(doc.text), entities, mentions, quotes, skipped };
}

function checkSpan(
  offsets: OffsetMap,
  a: { start: number; end: number; text: string; orphaned?: boolean },
): { cause: SkipCause; reason: string } | undefined {
  if (a.orphaned) return { cause: 'orphaned', reason: 'orphaned (its text could not be placed in the article)' };
  if (!Number.isInteger(a.start) || !Number.isInteger(a.end) || a.start < 0 || a.end > offsets.codePointLength || a.start >= a.end) {
    return { cause: 'out-of-range', reason: `offsets [${a.start}, ${a.end}) do not fit the article (${offsets.codePointLength} code points)` };
  }
  const actual = offsets.slice(a.start, a.end);
  if (actual !== a.text) {
    return { cause: 'mismatch', reason: `the article has ${JSON.stringify(actual)} at these offsets` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names

/** Characters never kept in a file name: controls, invisible formatting, separators, shell/Windows specials. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\s<>:"/\\|?*]+/gu;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
const MAX_NAME_BYTES = 200;

/**
 * A file name (no extension) for an imported article or a brat export, made from an id such as
 * `seeds/000_eb28ad2c764fb3cf.txt`, so that `<name>.txt` can never land outside the output folder:
 *
 * - only the last path component is kept (`/` and `\` both separate), so an exported corpus
 *   imported into its own `seeds/` folder meets its articles again; a trailing `.txt` is dropped;
 * - white space at both ends is trimmed; control and format characters (bidi overrides
 *   included), white space and `<>:"/\|?*` become `_`;
 * - leading dots (hidden files, `..`) and trailing dots are removed (Windows drops them);
 * - Windows device names (`CON`, `nul.txt`, `COM1`...) get a leading `_`;
 * - an empty result becomes `fallback`; a name longer than 200 UTF-8 bytes is cut and given a
 *   hash of the whole id, so two long ids stay apart.
 *
 * Two ids can still give the same name (`a/x.txt`, `b/x.txt`); `UniqueNames` numbers them.
 */
export function safeFileName(id: string, fallback = 'article'): string {
  const parts = id.split(/[\\/]/);
  let name = parts[parts.length - 1].replace(/\.txt$/i, '');
  name = name.trim().replace(UNSAFE_NAME_CHARS, '_').replace(/^\.+/, '').replace(/\.+$/, '');
  if (!name) name = fallback;
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  if (utf8Length(name) > MAX_NAME_BYTES) {
    let cut = '';
    let bytes = 0;
    for (const ch of name) {
      bytes += utf8Length(ch);
      if (bytes > MAX_NAME_BYTES - 9) break;
      cut += ch;
    }
    name = `${cut}-${fnv1a(id)}`;
  }
  return name;
}

function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** 32-bit FNV-1a of a string's UTF-16 units, 8 hex digits: a short stable tag, not a checksum. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Hands out names once each: a repeated name gets `-2`, `-3`... (case-insensitively, for Windows and macOS). */
export class UniqueNames {
  private readonly used = new Set<string>();

  take(name: string): string {
    let candidate = name;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n++) candidate = `${name}-${n}`;
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}

/**
 * Builds the entities of an imported document from untyped spans (label triples, brat T lines):
 * one entity per distinct (type, surface text), named after that text, with a unique slug id
 * (slug.ts, as the editor makes them).
 */
export class EntityTable {
  readonly entities: Entity[] = [];
  private readonly ids = new Set<string>();
  private readonly byKey = new Map<string, Entity>();

  /** A new entity with a fresh id derived from `name`. */
  create(type: string, name: string): Entity {
    const id = uniqueSlug(name, this.ids);
    this.ids.add(id);
    const entity: Entity = { id, type, name };
    this.entities.push(entity);
    return entity;
  }

  /** The entity for this type and surface text, created on first use. */
  forSurface(type: string, text: string): Entity {
    const key = `${type}\u0000${text}`;
    let entity = this.byKey.get(key);
    if (!entity) {
      entity = this.create(type, text);
      this.byKey.set(key, entity);
    }
    return entity;
  }
}

// ---------------------------------------------------------------------------------------------
// Exporters: built once per run (some keep state: w3c's separators, brat's types and names), then
// fed one document at a time, so a corpus of any size streams through.

/** One document's share of a single-file export. */
export interface StreamChunk {
  text: string;
  skipped: Skipped[];
}

/** A single-file format: write `header()`, each `document()`'s text in order, then `footer()`. */
export interface StreamExporter {
  readonly kind: 'stream';
  readonly format: string;
  header(): string;
  document(doc: SeedDocument): StreamChunk;
  footer(): string;
}

/** A file of a folder export, named relative to the output folder (a plain file name). */
export interface OutputFile {
  name: string;
  content: string;
}

export interface FolderChunk {
  files: OutputFile[];
  skipped: Skipped[];
}

/** A folder format (brat): files per document, then the files that describe the whole run. */
export interface FolderExporter {
  readonly kind: 'folder';
  readonly format: string;
  document(doc: SeedDocument): FolderChunk;
  finish(): OutputFile[];
}

export type Exporter = StreamExporter | FolderExporter;
