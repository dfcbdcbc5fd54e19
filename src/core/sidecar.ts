/**
 * Sidecar schema 1 (DESIGN.md): reading, writing and editing `<name>.ann.yaml` files.
 *
 * A sidecar is a file people commit to git and edit by hand, so an edit must touch only what it
 * changes: comments, key order, unknown fields and the formatting of untouched parts survive,
 * and adding one mention adds one line. The `yaml` package's `Document` is the source of
 * structure (every node knows its source range), but its `toString()` re-renders the whole file
 * (comment columns, flow-map padding, comment placement change), so `SidecarDocument` edits the
 * source text itself: each operation computes small splices at node ranges, applies them, parses
 * the result again and checks that it reads back as the intended model before accepting it.
 *
 * Scalars are written so that YAML 1.1 readers (PyYAML) and YAML 1.2 readers read the same
 * value: any string that either could take for a boolean, null, number or date is quoted.
 */
import { createHash } from 'node:crypto';
import { Document, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Pair, YAMLMap } from 'yaml';
import { compareMentions, SCHEMA_VERSION } from './model';
import type { Annotations, Entity, Mention, Quote, Relation } from './model';
import { uniqueSlug } from './slug';

export const DEFAULT_SIDECAR_SUFFIX = '.ann.yaml';
/** Larger sidecars are refused before parsing (a real one is a few hundred kB at most). */
export const MAX_SIDECAR_BYTES = 20 * 1024 * 1024;
/** Alias expansion limit: a handful of aliases is legitimate, a "billion laughs" is not. */
export const MAX_ALIAS_COUNT = 100;

// ---------------------------------------------------------------------------------------------
// Paths and hashes

/** `<dir>/<name>.txt` → `<dir>/<name><suffix>` (a name without `.txt` just gets the suffix). */
export function sidecarPathFor(articlePath: string, suffix: string = DEFAULT_SIDECAR_SUFFIX): string {
  const base = /\.txt$/i.test(articlePath) ? articlePath.slice(0, -4) : articlePath;
  return base + suffix;
}

/** `<dir>/<name><suffix>` → `<dir>/<name>.txt`; undefined when the path does not end with the suffix. */
export function articlePathFor(sidecarPath: string, suffix: string = DEFAULT_SIDECAR_SUFFIX): string | undefined {
  if (!suffix || !sidecarPath.endsWith(suffix)) return undefined;
  const base = sidecarPath.slice(0, -suffix.length);
  if (base === '' || /[\\/]$/.test(base)) return undefined;
  return `${base}.txt`;
}

/** Lower-case hex SHA-256 of bytes (a string is hashed as UTF-8). */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Parsing with limits

/** A problem found while reading YAML; lines and columns count from 1. */
export interface YamlProblem {
  line: number;
  column?: number;
  severity: 'error' | 'warning';
  reason: string;
}

export interface ParsedSidecarYaml {
  /** Absent when the input was refused before parsing (too large). */
  doc?: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain value (aliases expanded), when the document parsed without errors. */
  value?: unknown;
  problems: YamlProblem[];
}

/** A sidecar that cannot be read as YAML (syntax, size, alias limits, not a mapping). */
export class SidecarParseError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'SidecarParseError';
  }
}

/** An edit that the sidecar's content or the arguments do not allow; nothing was changed. */
export class SidecarEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SidecarEditError';
  }
}

function utf8Length(text: string): number {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: skip the exact count when it cannot matter.
  return text.length * 3 <= MAX_SIDECAR_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Parses sidecar text as YAML 1.2 with the resource limits, never throwing: syntax errors,
 * refused inputs and YAML warnings come back as problems with their line.
 */
export function parseSidecarYaml(text: string): ParsedSidecarYaml {
  const lineCounter = new LineCounter();
  const size = utf8Length(text);
  if (size > MAX_SIDECAR_BYTES) {
    return {
      lineCounter,
      problems: [{ line: 1, severity: 'error', reason: `sidecar too large (${megabytes(size)}; the limit is ${megabytes(MAX_SIDECAR_BYTES)})` }],
    };
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      // Problems are returned, never printed (e.g. "keys with collection values" on odd input).
      logLevel: 'silent',
      uniqueKeys: true,
      version: '1.2',
    });
  } catch (err) {
    return { lineCounter, problems: [{ line: 1, severity: 'error', reason: `YAML could not be read: ${(err as Error).message}` }] };
  }
  const at = (pos: number) => {
    const p = lineCounter.linePos(pos);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  };
  const problems: YamlProblem[] = [];
  for (const e of doc.errors) problems.push({ ...at(e.pos[0]), severity: 'error', reason: `YAML syntax error: ${e.message}` });
  for (const w of doc.warnings) problems.push({ ...at(w.pos[0]), severity: 'warning', reason: `YAML: ${w.message}` });
  if (doc.errors.length > 0) return { doc, lineCounter, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const reason = /alias/i.test((err as Error).message)
      ? `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}): refused as a possible alias bomb`
      : `YAML could not be read: ${(err as Error).message}`;
    problems.push({ line: 1, severity: 'error', reason });
    return { doc, lineCounter, problems };
  }
  return { doc, lineCounter, value, problems };
}

// ---------------------------------------------------------------------------------------------
// Scalars that every YAML reader reads the same way

const YAML11_BOOL = /^(?:y|n|yes|no|true|false|on|off)$/i;
const YAML_NULL = /^(?:~|null)$/i;
const DECIMAL = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$/;
const RADIX = /^[-+]?0(?:b[01_]+|o?[0-7_]+|x[0-9a-fA-F_]+)$/;
const SPECIAL_FLOAT = /^[-+]?\.(?:inf|nan)$/i;
const SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const DATE_PREFIX = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/**
 * What a plain (unquoted) scalar with this text would be read as by a YAML 1.1 reader
 * (PyYAML) or a YAML 1.2 reader, when that is not a string; undefined when it stays a string.
 */
export function implicitYamlType(s: string): 'boolean' | 'null' | 'number' | 'date' | 'special' | undefined {
  if (s === '' || YAML_NULL.test(s)) return 'null';
  if (YAML11_BOOL.test(s)) return 'boolean';
  if (DECIMAL.test(s) || RADIX.test(s) || SPECIAL_FLOAT.test(s) || SEXAGESIMAL.test(s)) return 'number';
  if (DATE_PREFIX.test(s)) return 'date';
  // PyYAML resolves `=` (value) and `<<` (merge) to tags that safe_load cannot construct.
  if (s === '=' || s === '<<') return 'special';
  return undefined;
}

/** Characters that must be escaped inside a double-quoted scalar (non-printable or line breaks). */
// eslint-disable-next-line no-control-regex
const MUST_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/u;

/**
 * True when a string must be quoted to be read back as the same string by YAML 1.1 and 1.2
 * readers, in block and in flow context. Conservative: when in doubt, quote.
 */
export function needsQuotes(s: string): boolean {
  if (implicitYamlType(s) !== undefined) return true;
  if (/^\s|\s$/u.test(s)) return true;
  // Indicators at the start, and the characters that end or split a plain scalar in flow context.
  if (/^[-?:,[\]{}#&*!|>'"%@`.]/.test(s)) return true;
  if (/[,[\]{}?:#]/.test(s)) return true;
  if (/[\t\n\r]/.test(s) || MUST_ESCAPE.test(s)) return true;
  return false;
}

function escapeCodePoint(cp: number): string {
  switch (cp) {
    case 0x00: return '\\0';
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x09: return '\\t';
    case 0x0a: return '\\n';
    case 0x0b: return '\\v';
    case 0x0c: return '\\f';
    case 0x0d: return '\\r';
    case 0x1b: return '\\e';
    default: return `\\u${cp.toString(16).padStart(4, '0')}`;
  }
}

/** A double-quoted YAML scalar: escapes `\`, `"`, line breaks and every non-printable character. */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + s[i + 1];
      i++;
    } else if (MUST_ESCAPE.test(ch)) out += escapeCodePoint(c);
    else out += ch;
  }
  return `${out}"`;
}

/** A string as a YAML scalar: plain when that is unambiguous, double-quoted otherwise. */
export function yamlString(s: string): string {
  return needsQuotes(s) ? doubleQuoted(s) : s;
}

type FieldValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

/** A field value in flow style (one line): scalars, `[a, b]` lists, `{k: v}` maps. */
export function renderValue(v: FieldValue): string {
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new SidecarEditError(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map((x) => yamlString(String(x))).join(', ')}]`;
  const entries = Object.entries(v as Record<string, string>);
  return `{${entries.map(([k, x]) => `${yamlString(k)}: ${yamlString(String(x))}`).join(', ')}}`;
}

// ---------------------------------------------------------------------------------------------
// The model as fields, in the order they are written

type Fields = Array<[string, FieldValue | undefined]>;

const TOP_ORDER = ['schema', 'article', 'sha256', 'entities', 'mentions', 'quotes', 'relations'] as const;
const ENTITY_ORDER = ['id', 'type', 'name', 'aliases', 'note', 'links'] as const;
const MENTION_ORDER = ['entity', 'start', 'end', 'text', 'before', 'after', 'orphaned', 'by'] as const;
const QUOTE_ORDER = ['start', 'end', 'speaker', 'text', 'before', 'after', 'orphaned'] as const;
const RELATION_ORDER = ['type', 'from', 'to'] as const;

function entityFields(e: Entity): Fields {
  return [
    ['id', e.id],
    ['type', e.type],
    ['name', e.name],
    ['aliases', e.aliases && e.aliases.length > 0 ? e.aliases : undefined],
    ['note', e.note],
    ['links', e.links && Object.keys(e.links).length > 0 ? e.links : undefined],
  ];
}

function mentionFields(m: Mention): Fields {
  return [
    ['entity', m.entity],
    ['start', m.start],
    ['end', m.end],
    ['text', m.text],
    ['before', m.before],
    ['after', m.after],
    ['orphaned', m.orphaned ? true : undefined],
    ['by', m.by],
  ];
}

function quoteFields(q: Quote): Fields {
  return [
    ['start', q.start],
    ['end', q.end],
    ['speaker', q.speaker],
    ['text', q.text],
    ['before', q.before],
    ['after', q.after],
    ['orphaned', q.orphaned ? true : undefined],
  ];
}

function relationFields(r: Relation): Fields {
  return [
    ['type', r.type],
    ['from', r.from],
    ['to', r.to],
  ];
}

function plainOf(fields: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The plain object a YAML reader produces from the sidecar we write for this model: optional
 * fields only when set, `quotes`/`relations` only when non-empty. Two models are equal for the
 * file format exactly when their plain objects are deep-equal.
 */
export function annotationsToPlain(a: Annotations): Record<string, unknown> {
  const out: Record<string, unknown> = { schema: a.schema, article: a.article };
  if (a.sha256 !== undefined) out.sha256 = a.sha256;
  out.entities = a.entities.map((e) => plainOf(entityFields(e)));
  out.mentions = a.mentions.map((m) => plainOf(mentionFields(m)));
  if (a.quotes.length > 0) out.quotes = a.quotes.map((q) => plainOf(quoteFields(q)));
  if (a.relations.length > 0) out.relations = a.relations.map((r) => plainOf(relationFields(r)));
  return out;
}

/** Equality of two models as the file format sees them (order of lists included). */
export function annotationsEqual(a: Annotations, b: Annotations): boolean {
  return JSON.stringify(annotationsToPlain(a)) === JSON.stringify(annotationsToPlain(b));
}

function fieldsKey(fields: Fields): string {
  return JSON.stringify(plainOf(fields));
}

// ---------------------------------------------------------------------------------------------
// Lenient reading of the plain value into the model (validate.ts reports what is skipped here)

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const scalarString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

function readEntity(v: unknown): Entity | undefined {
  if (!isRecord(v)) return undefined;
  const id = str(v.id);
  const type = str(v.type);
  const name = str(v.name);
  if (id === undefined || type === undefined || name === undefined) return undefined;
  const e: Entity = { id, type, name };
  if (Array.isArray(v.aliases)) {
    const aliases = v.aliases.map(scalarString).filter((x): x is string => x !== undefined);
    if (aliases.length > 0) e.aliases = aliases;
  }
  if (typeof v.note === 'string') e.note = v.note;
  if (isRecord(v.links)) {
    // fromEntries defines own properties, so even a `__proto__` key is kept as data.
    const entries = Object.entries(v.links).flatMap(([k, x]): Array<[string, string]> => {
      const s = scalarString(x);
      return s === undefined ? [] : [[k, s]];
    });
    if (entries.length > 0) e.links = Object.fromEntries(entries);
  }
  return e;
}

function readMention(v: unknown): Mention | undefined {
  if (!isRecord(v)) return undefined;
  const entity = str(v.entity);
  const start = int(v.start);
  const end = int(v.end);
  const text = str(v.text);
  if (entity === undefined || start === undefined || end === undefined || text === undefined) return undefined;
  const m: Mention = { entity, start, end, text };
  if (typeof v.before === 'string') m.before = v.before;
  if (typeof v.after === 'string') m.after = v.after;
  if (v.orphaned === true) m.orphaned = true;
  if (typeof v.by === 'string') m.by = v.by;
  return m;
}

function readQuote(v: unknown): Quote | undefined {
  if (!isRecord(v)) return undefined;
  const start = int(v.start);
  const end = int(v.end);
  const text = str(v.text);
  if (start === undefined || end === undefined || text === undefined) return undefined;
  const q: Quote = { start, end, text };
  if (typeof v.speaker === 'string') q.speaker = v.speaker;
  if (typeof v.before === 'string') q.before = v.before;
  if (typeof v.after === 'string') q.after = v.after;
  if (v.orphaned === true) q.orphaned = true;
  return q;
}

function readRelation(v: unknown): Relation | undefined {
  if (!isRecord(v)) return undefined;
  const type = str(v.type);
  const from = str(v.from);
  const to = str(v.to);
  if (type === undefined || from === undefined || to === undefined) return undefined;
  return { type, from, to };
}

function readList<T>(v: unknown, read: (x: unknown) => T | undefined): T[] {
  if (!Array.isArray(v)) return [];
  return v.map(read).filter((x): x is T => x !== undefined);
}

/** The model of a parsed sidecar value; malformed entries are skipped (validate reports them). */
export function readAnnotations(value: unknown): Annotations {
  const root = isRecord(value) ? value : {};
  const a: Annotations = {
    schema: int(root.schema) ?? SCHEMA_VERSION,
    article: str(root.article) ?? '',
    entities: readList(root.entities, readEntity),
    mentions: readList(root.mentions, readMention),
    quotes: readList(root.quotes, readQuote),
    relations: readList(root.relations, readRelation),
  };
  const sha = str(root.sha256);
  if (sha !== undefined) a.sha256 = sha;
  return a;
}

// ---------------------------------------------------------------------------------------------
// Writing new files

function compareQuotes(a: Quote, b: Quote): number {
  return a.start - b.start || a.end - b.end;
}

function headerComment(article: string): string {
  // A comment ends at the line end: keep the file name on one printable line.
  const safe = article.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, '?'); // eslint-disable-line no-control-regex
  return `# Annotations for ${safe} (Seed Annotator sidecar, schema ${SCHEMA_VERSION}).`;
}

interface SectionSpec<T> {
  key: 'entities' | 'mentions' | 'quotes' | 'relations';
  order: readonly string[];
  read: (v: unknown) => T | undefined;
  fields: (item: T) => Fields;
  /** Entities are block mappings (several lines, commented by hand); the rest one flow mapping a line. */
  block: boolean;
  /** Written as `key: []` when empty (entities, mentions); omitted otherwise. */
  alwaysWritten: boolean;
}

const ENTITIES: SectionSpec<Entity> = { key: 'entities', order: ENTITY_ORDER, read: readEntity, fields: entityFields, block: true, alwaysWritten: true };
const MENTIONS: SectionSpec<Mention> = { key: 'mentions', order: MENTION_ORDER, read: readMention, fields: mentionFields, block: false, alwaysWritten: true };
const QUOTES: SectionSpec<Quote> = { key: 'quotes', order: QUOTE_ORDER, read: readQuote, fields: quoteFields, block: false, alwaysWritten: false };
const RELATIONS: SectionSpec<Relation> = { key: 'relations', order: RELATION_ORDER, read: readRelation, fields: relationFields, block: false, alwaysWritten: false };

function renderItem<T>(spec: SectionSpec<T>, item: T, indent: string, eol: string): string {
  const fields = spec.fields(item).filter((f): f is [string, FieldValue] => f[1] !== undefined);
  if (spec.block) {
    return fields.map(([k, v], i) => `${indent}${i === 0 ? '- ' : '  '}${k}: ${renderValue(v)}`).join(eol) + eol;
  }
  return `${indent}- {${fields.map(([k, v]) => `${k}: ${renderValue(v)}`).join(', ')}}${eol}`;
}

function renderSection<T>(spec: SectionSpec<T>, items: readonly T[], eol: string): string {
  if (items.length === 0) return spec.alwaysWritten ? `${spec.key}: []${eol}` : '';
  return `${spec.key}:${eol}${items.map((x) => renderItem(spec, x, '  ', eol)).join('')}`;
}

function sortedMentions(ms: readonly Mention[]): Mention[] {
  return [...ms].sort(compareMentions);
}

/**
 * The text of a new sidecar for a model: the header comment, then schema, article, sha256,
 * entities, mentions (sorted), and quotes (sorted) and relations when non-empty.
 */
export function serializeAnnotations(a: Annotations, eol = '\n'): string {
  let out = `${headerComment(a.article)}${eol}`;
  out += `schema: ${renderValue(a.schema)}${eol}`;
  out += `article: ${renderValue(a.article)}${eol}`;
  if (a.sha256 !== undefined) out += `sha256: ${renderValue(a.sha256)}${eol}`;
  out += renderSection(ENTITIES, a.entities, eol);
  out += renderSection(MENTIONS, sortedMentions(a.mentions), eol);
  out += renderSection(QUOTES, [...a.quotes].sort(compareQuotes), eol);
  out += renderSection(RELATIONS, a.relations, eol);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text splices located by node ranges

interface Splice {
  from: number;
  to: number;
  text: string;
}

/** Applies non-overlapping splices; insertions at one position keep their order, before a range starting there. */
function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = splices
    .map((s, i) => ({ ...s, i }))
    .sort((a, b) => a.from - b.from || Number(a.to > a.from) - Number(b.to > b.from) || a.i - b.i);
  let out = '';
  let cursor = 0;
  for (const s of ordered) {
    if (s.from < cursor || s.to < s.from) throw new SidecarEditError('internal error: overlapping edits');
    out += text.slice(cursor, s.from) + s.text;
    cursor = s.to;
  }
  return out + text.slice(cursor);
}

type Range3 = [number, number, number];

function rangeOf(node: unknown): Range3 | undefined {
  const r = (node as { range?: Range3 | null } | null | undefined)?.range;
  return r ?? undefined;
}

function keyName(pair: Pair): string | undefined {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => keyName(p) === key);
}

interface ItemInfo<T> {
  node: unknown;
  model: T | undefined;
  /** Start of the item's text: the line start of its `-` (or the node itself in a flow list). */
  start: number;
  /** End of the item's text: after the newline of its last line (or the node's end in a flow list). */
  end: number;
  /** Comment and blank lines between the previous item and this one; they travel with it. */
  lead: string;
}

type SectionShape = 'absent' | 'empty' | 'block' | 'flow';

interface SectionInfo<T> {
  spec: SectionSpec<T>;
  pair?: Pair;
  shape: SectionShape;
  items: ItemInfo<T>[];
  /** Indentation of the `-` of the section's items. */
  indent: string;
}

interface PlanEntry<T> {
  from?: ItemInfo<T>;
  value: T;
}

interface ParsedState {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  root: YAMLMap;
  value: Record<string, unknown>;
  model: Annotations;
}

function parseState(text: string): ParsedState {
  const parsed = parseSidecarYaml(text);
  const error = parsed.problems.find((p) => p.severity === 'error');
  if (error || !parsed.doc) {
    const p = error ?? { line: 1, column: undefined, reason: 'YAML could not be read' };
    throw new SidecarParseError(p.reason, p.line, p.column);
  }
  const root = parsed.doc.contents;
  if (!isMap(root) || !isRecord(parsed.value)) {
    const line = root ? parsed.lineCounter.linePos(rangeOf(root)?.[0] ?? 0).line : 1;
    throw new SidecarParseError('a sidecar must be a YAML mapping (schema, article, entities, mentions)', Math.max(1, line));
  }
  return { doc: parsed.doc, lineCounter: parsed.lineCounter, root, value: parsed.value, model: readAnnotations(parsed.value) };
}

/** Fields of a patch: a key present with `undefined` removes an optional field. */
type Patch<T> = { [K in keyof T]?: T[K] | undefined };

export type NewEntity = Omit<Entity, 'id'> & { id?: string };
export type EntityPatch = Patch<Omit<Entity, 'id'>>;
export type MentionPatch = Patch<Mention>;
export type QuotePatch = Patch<Quote>;
/** A mention is identified by its entity and offsets. */
export type MentionKey = Pick<Mention, 'entity' | 'start' | 'end'>;
export type QuoteKey = Pick<Quote, 'start' | 'end'>;

function applyPatch<T extends object>(base: T, patch: Patch<T>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out as T;
}

const sameMentionKey = (m: Mention, k: MentionKey) => m.entity === k.entity && m.start === k.start && m.end === k.end;
const hasWhiteSpace = (s: string) => /\s/u.test(s);

function checkSpan(what: string, start: unknown, end: unknown): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < 0 || (start as number) >= (end as number)) {
    throw new SidecarEditError(`${what}: offsets must be integers with 0 <= start < end (got ${start}, ${end})`);
  }
}

/**
 * One sidecar file: its text, its parsed YAML document and its model, with edit operations that
 * change only the lines they concern. Every operation either applies completely (the new text
 * parses and reads back as the intended model) or throws `SidecarEditError` and changes nothing.
 */
export class SidecarDocument {
  private text: string;
  private state: ParsedState;
  private readonly originalText: string;

  private constructor(text: string, state: ParsedState) {
    this.text = text;
    this.originalText = text;
    this.state = state;
  }

  /** Reads sidecar text; throws `SidecarParseError` (with a line) when it is not readable YAML. */
  static parse(text: string): SidecarDocument {
    return new SidecarDocument(text, parseState(text));
  }

  /** A new sidecar for a model, in the canonical layout (header comment, key order). */
  static create(a: Annotations): SidecarDocument {
    return SidecarDocument.parse(serializeAnnotations(a));
  }

  /** The file's text; byte-identical to the parsed input when nothing was changed. */
  toString(): string {
    return this.text;
  }

  /** True when an edit changed the text since it was parsed. */
  get modified(): boolean {
    return this.text !== this.originalText;
  }

  /** A copy of the model (changing it does not change the document). */
  get annotations(): Annotations {
    return structuredClone(this.state.model);
  }

  /** The parsed YAML document (node ranges index into `toString()`); read it, do not edit it. */
  get document(): Document.Parsed {
    return this.state.doc;
  }

  get lineCounter(): LineCounter {
    return this.state.lineCounter;
  }

  entity(id: string): Entity | undefined {
    const e = this.state.model.entities.find((x) => x.id === id);
    return e && structuredClone(e);
  }

  // -- operations ------------------------------------------------------------------------------

  setSha256(sha256: string | undefined): void {
    if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256)) throw new SidecarEditError(`not a SHA-256 hex digest: ${sha256}`);
    const expected = { ...this.state.model, sha256 };
    if (sha256 === undefined) delete expected.sha256;
    this.commit(this.topScalarSplices('sha256', sha256), expected);
  }

  setArticle(article: string): void {
    if (article === '') throw new SidecarEditError('the article name must not be empty');
    this.commit(this.topScalarSplices('article', article), { ...this.state.model, article });
  }

  /** Appends an entity; its id is the given one or a unique slug of its name. Returns it. */
  addEntity(input: NewEntity): Entity {
    const model = this.state.model;
    const taken = new Set(model.entities.map((e) => e.id));
    if (typeof input.name !== 'string' || input.name.trim() === '') throw new SidecarEditError('an entity needs a name');
    if (typeof input.type !== 'string' || input.type.trim() === '') throw new SidecarEditError('an entity needs a type');
    const id = input.id ?? uniqueSlug(input.name, taken);
    if (id === '' || hasWhiteSpace(id)) throw new SidecarEditError(`entity id '${id}' must be non-empty and without white space`);
    if (taken.has(id)) throw new SidecarEditError(`duplicate entity id '${id}'`);
    const entity = applyPatch<Entity>({ id, type: input.type, name: input.name }, { aliases: input.aliases, note: input.note, links: input.links });
    const section = this.section(ENTITIES);
    const plan: PlanEntry<Entity>[] = [...this.keep(section), { value: entity }];
    this.commitSections({ ...model, entities: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return structuredClone(entity);
  }

  /** Changes an entity's type, name, aliases, note or links (`undefined` removes an optional one). */
  updateEntity(id: string, patch: EntityPatch): Entity {
    const model = this.state.model;
    const section = this.section(ENTITIES);
    const item = section.items.find((x) => x.model?.id === id);
    if (!item?.model) throw new SidecarEditError(`unknown entity '${id}'`);
    if ('id' in patch) throw new SidecarEditError('an entity id is stable: add a new entity instead of changing it');
    if (('name' in patch && (typeof patch.name !== 'string' || patch.name.trim() === '')) || ('type' in patch && (typeof patch.type !== 'string' || patch.type.trim() === ''))) {
      throw new SidecarEditError('an entity keeps a non-empty type and name');
    }
    const next = applyPatch(item.model, patch as Patch<Entity>);
    const plan = this.keep(section).map((p) => (p.from === item ? { from: item, value: next } : p));
    this.commitSections({ ...model, entities: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return structuredClone(next);
  }

  /**
   * Removes an entity with everything that points at it: its mentions, its relations, and the
   * speaker of its quotes (the quotes stay). Returns how many of each were removed.
   */
  removeEntity(id: string): { mentions: number; quotes: number; relations: number } {
    const model = this.state.model;
    const ents = this.section(ENTITIES);
    if (!ents.items.some((x) => x.model?.id === id)) throw new SidecarEditError(`unknown entity '${id}'`);
    const ments = this.section(MENTIONS);
    const quotes = this.section(QUOTES);
    const rels = this.section(RELATIONS);
    const entPlan = this.keep(ents).filter((p) => p.value.id !== id);
    const mentPlan = this.keep(ments).filter((p) => p.value.entity !== id);
    const quotePlan = this.keep(quotes).map((p) => (p.value.speaker === id ? { from: p.from, value: applyPatch(p.value, { speaker: undefined }) } : p));
    const relPlan = this.keep(rels).filter((p) => p.value.from !== id && p.value.to !== id);
    const expected: Annotations = {
      ...model,
      entities: entPlan.map((p) => p.value),
      mentions: mentPlan.map((p) => p.value),
      quotes: quotePlan.map((p) => p.value),
      relations: relPlan.map((p) => p.value),
    };
    this.commitSections(expected, [
      this.sectionSplices(ents, entPlan),
      this.sectionSplices(ments, mentPlan),
      this.sectionSplices(quotes, quotePlan),
      this.sectionSplices(rels, relPlan),
    ]);
    return {
      mentions: model.mentions.length - expected.mentions.length,
      quotes: model.quotes.filter((q) => q.speaker === id).length,
      relations: model.relations.length - expected.relations.length,
    };
  }

  /**
   * Inserts a mention at its sorted place (start, end, entity): one new line. Returns false
   * (and changes nothing) when a mention with the same entity and offsets exists.
   */
  addMention(m: Mention): boolean {
    this.checkMention(m);
    const model = this.state.model;
    if (model.mentions.some((x) => sameMentionKey(x, m))) return false;
    const section = this.section(MENTIONS);
    const plan = this.keep(section);
    const at = plan.findIndex((p) => compareMentions(m, p.value) < 0);
    plan.splice(at < 0 ? plan.length : at, 0, { value: { ...m } });
    this.commitSections({ ...model, mentions: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  /** Removes the mention with this entity and offsets; false when there is none. */
  removeMention(key: MentionKey): boolean {
    const section = this.section(MENTIONS);
    const plan = this.keep(section);
    const at = plan.findIndex((p) => sameMentionKey(p.value, key));
    if (at < 0) return false;
    plan.splice(at, 1);
    this.commitSections({ ...this.state.model, mentions: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  /**
   * Changes a mention's fields (offsets, text, context, `orphaned`, `by`; `undefined` removes an
   * optional one), keeping its unknown fields and comment. The line moves when its sort place changes.
   */
  updateMention(key: MentionKey, patch: MentionPatch): boolean {
    const section = this.section(MENTIONS);
    let plan = this.keep(section);
    const at = plan.findIndex((p) => sameMentionKey(p.value, key));
    if (at < 0) return false;
    const next = applyPatch(plan[at].value, patch);
    if (next.orphaned === false) delete next.orphaned;
    this.checkMention(next);
    if (!sameMentionKey(next, key) && plan.some((p, i) => i !== at && sameMentionKey(p.value, next))) {
      throw new SidecarEditError(`a mention of '${next.entity}' at [${next.start}, ${next.end}) exists already`);
    }
    const entry = { from: plan[at].from, value: next };
    const wasSorted = isSortedBy(plan.map((p) => p.value), compareMentions);
    plan[at] = entry;
    if (wasSorted && !isSortedBy(plan.map((p) => p.value), compareMentions)) {
      plan = plan.filter((_, i) => i !== at);
      const to = plan.findIndex((p) => compareMentions(next, p.value) < 0);
      plan.splice(to < 0 ? plan.length : to, 0, entry);
    }
    this.commitSections({ ...this.state.model, mentions: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  /**
   * Replaces all mentions (re-anchoring, bulk edits). Unchanged mentions keep their lines
   * byte for byte; a changed mention keeps its line's unknown fields and comment (matched by
   * entity and text); the result is sorted.
   */
  replaceMentions(mentions: readonly Mention[]): void {
    for (const m of mentions) this.checkMention(m);
    const next = sortedMentions(mentions);
    const section = this.section(MENTIONS);
    const plan = matchItems(section, next, mentionSimilarity, byStartDistance);
    this.commitSections({ ...this.state.model, mentions: next }, [this.sectionSplices(section, plan)]);
  }

  /** Inserts a quote at its sorted place (start, end); false when one with these offsets exists. */
  addQuote(q: Quote): boolean {
    this.checkQuote(q);
    const section = this.section(QUOTES);
    const plan = this.keep(section);
    if (plan.some((p) => p.value.start === q.start && p.value.end === q.end)) return false;
    const at = plan.findIndex((p) => compareQuotes(q, p.value) < 0);
    plan.splice(at < 0 ? plan.length : at, 0, { value: { ...q } });
    this.commitSections({ ...this.state.model, quotes: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  removeQuote(key: QuoteKey): boolean {
    const section = this.section(QUOTES);
    const plan = this.keep(section);
    const at = plan.findIndex((p) => p.value.start === key.start && p.value.end === key.end);
    if (at < 0) return false;
    plan.splice(at, 1);
    this.commitSections({ ...this.state.model, quotes: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  updateQuote(key: QuoteKey, patch: QuotePatch): boolean {
    const section = this.section(QUOTES);
    const plan = this.keep(section);
    const at = plan.findIndex((p) => p.value.start === key.start && p.value.end === key.end);
    if (at < 0) return false;
    const next = applyPatch(plan[at].value, patch);
    if (next.orphaned === false) delete next.orphaned;
    this.checkQuote(next);
    plan[at] = { from: plan[at].from, value: next };
    const values = plan.map((p) => p.value);
    const ordered = isSortedBy(values, compareQuotes) ? plan : [...plan].sort((a, b) => compareQuotes(a.value, b.value));
    this.commitSections({ ...this.state.model, quotes: ordered.map((p) => p.value) }, [this.sectionSplices(section, ordered)]);
    return true;
  }

  /** Replaces all quotes, like `replaceMentions` (matched by text). */
  replaceQuotes(quotes: readonly Quote[]): void {
    for (const q of quotes) this.checkQuote(q);
    const next = [...quotes].sort(compareQuotes);
    const section = this.section(QUOTES);
    const plan = matchItems(section, next, quoteSimilarity, byStartDistance);
    this.commitSections({ ...this.state.model, quotes: next }, [this.sectionSplices(section, plan)]);
  }

  /** Appends a relation; false when the same relation exists. */
  addRelation(r: Relation): boolean {
    for (const id of [r.from, r.to]) if (!this.state.model.entities.some((e) => e.id === id)) throw new SidecarEditError(`unknown entity '${id}'`);
    if (typeof r.type !== 'string' || r.type === '') throw new SidecarEditError('a relation needs a type');
    const section = this.section(RELATIONS);
    const plan = this.keep(section);
    if (plan.some((p) => p.value.type === r.type && p.value.from === r.from && p.value.to === r.to)) return false;
    plan.push({ value: { type: r.type, from: r.from, to: r.to } });
    this.commitSections({ ...this.state.model, relations: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  removeRelation(r: Relation): boolean {
    const section = this.section(RELATIONS);
    const plan = this.keep(section);
    const at = plan.findIndex((p) => p.value.type === r.type && p.value.from === r.from && p.value.to === r.to);
    if (at < 0) return false;
    plan.splice(at, 1);
    this.commitSections({ ...this.state.model, relations: plan.map((p) => p.value) }, [this.sectionSplices(section, plan)]);
    return true;
  }

  /**
   * Makes the document hold this model with the smallest change: entities matched by id (kept
   * in place, new ones appended), mentions and quotes as in `replaceMentions`, relations kept or
   * appended. Used to save an in-memory model and to write a merge result.
   */
  setAnnotations(a: Annotations): void {
    if (a.schema !== SCHEMA_VERSION) throw new SidecarEditError(`cannot write schema ${a.schema}`);
    const ids = new Set<string>();
    for (const e of a.entities) {
      if (ids.has(e.id)) throw new SidecarEditError(`duplicate entity id '${e.id}'`);
      if (e.id === '' || hasWhiteSpace(e.id)) throw new SidecarEditError(`entity id '${e.id}' must be non-empty and without white space`);
      ids.add(e.id);
    }
    for (const m of a.mentions) {
      checkSpan(`mention '${m.text}'`, m.start, m.end);
      if (!ids.has(m.entity)) throw new SidecarEditError(`mention '${m.text}': unknown entity '${m.entity}'`);
    }
    for (const q of a.quotes) checkSpan(`quote '${q.text}'`, q.start, q.end);

    const ents = this.section(ENTITIES);
    const byId = new Map(a.entities.map((e) => [e.id, e]));
    const entPlan: PlanEntry<Entity>[] = [];
    const placed = new Set<string>();
    for (const item of ents.items) {
      const e = item.model && byId.get(item.model.id);
      if (e && !placed.has(e.id)) {
        entPlan.push({ from: item, value: e });
        placed.add(e.id);
      }
    }
    for (const e of a.entities) if (!placed.has(e.id)) entPlan.push({ value: e });

    const ments = this.section(MENTIONS);
    const mentions = sortedMentions(a.mentions);
    const mentPlan = matchItems(ments, mentions, mentionSimilarity, byStartDistance);
    const quotes = this.section(QUOTES);
    const quoteList = [...a.quotes].sort(compareQuotes);
    const quotePlan = matchItems(quotes, quoteList, quoteSimilarity, byStartDistance);
    const rels = this.section(RELATIONS);
    const relPlan = matchItems(rels, a.relations, undefined);

    const expected: Annotations = {
      schema: a.schema,
      article: a.article,
      entities: entPlan.map((p) => p.value),
      mentions,
      quotes: quoteList,
      relations: relPlan.map((p) => p.value),
    };
    if (a.sha256 !== undefined) expected.sha256 = a.sha256;
    const splices: Splice[] = [];
    if (a.article !== this.state.model.article) splices.push(...this.topScalarSplices('article', a.article));
    if (a.sha256 !== this.state.model.sha256) splices.push(...this.topScalarSplices('sha256', a.sha256));
    this.commitSections(
      expected,
      [this.sectionSplices(ents, entPlan), this.sectionSplices(ments, mentPlan), this.sectionSplices(quotes, quotePlan), this.sectionSplices(rels, relPlan)],
      splices,
    );
  }

  // -- internals -------------------------------------------------------------------------------

  private get eol(): string {
    const nl = this.text.indexOf('\n');
    return nl > 0 && this.text[nl - 1] === '\r' ? '\r\n' : '\n';
  }

  private checkMention(m: Mention): void {
    checkSpan(`mention '${m.text}'`, m.start, m.end);
    if (typeof m.text !== 'string') throw new SidecarEditError('a mention needs its text');
    if (!this.state.model.entities.some((e) => e.id === m.entity)) throw new SidecarEditError(`unknown entity '${m.entity}'`);
  }

  private checkQuote(q: Quote): void {
    checkSpan(`quote '${q.text}'`, q.start, q.end);
    if (typeof q.text !== 'string') throw new SidecarEditError('a quote needs its text');
    if (q.speaker !== undefined && !this.state.model.entities.some((e) => e.id === q.speaker)) {
      throw new SidecarEditError(`unknown speaker '${q.speaker}'`);
    }
  }

  /** The current items of a section as a plan that keeps them all. */
  private keep<T>(section: SectionInfo<T>): PlanEntry<T>[] {
    return section.items.map((item) => ({ from: item, value: item.model as T }));
  }

  /** Applies splices, re-parses and checks the model; rolls back and throws on any mismatch. */
  private commit(splices: Splice[], expected: Annotations): void {
    const next = applySplices(this.text, splices);
    if (next === this.text) {
      if (!annotationsEqual(this.state.model, expected)) throw new SidecarEditError('internal error: edit had no effect');
      return;
    }
    let state: ParsedState;
    try {
      state = parseState(next);
    } catch (err) {
      throw new SidecarEditError(`internal error: the edit would make the sidecar unreadable (${(err as Error).message})`);
    }
    if (!annotationsEqual(state.model, expected)) {
      throw new SidecarEditError('internal error: the edited sidecar does not read back as intended');
    }
    this.text = next;
    this.state = state;
  }

  /** Commits the splices of several sections (and extra ones) together: one parse, one check. */
  private commitSections(expected: Annotations, edits: Array<Splice[]>, extra: Splice[] = []): void {
    this.commit([...extra, ...edits.flat()], expected);
  }

  private lineStart(pos: number): number {
    return this.text.lastIndexOf('\n', pos - 1) + 1;
  }

  /** Position after the newline that ends the line containing `pos` (or the end of the text). */
  private lineEnd(pos: number): number {
    const i = this.text.indexOf('\n', pos);
    return i < 0 ? this.text.length : i + 1;
  }

  private backOverSpace(pos: number, min: number): number {
    while (pos > min && /[ \t\r\n]/.test(this.text[pos - 1])) pos--;
    return pos;
  }

  private colonEnd(pair: Pair): number {
    const k = rangeOf(pair.key);
    if (!k) throw new SidecarEditError('unsupported YAML layout: a key without a position');
    let i = k[1];
    while (this.text[i] === ' ' || this.text[i] === '\t') i++;
    if (this.text[i] === ':') return i + 1;
    const j = this.text.indexOf(':', k[1]);
    if (j < 0) throw new SidecarEditError('unsupported YAML layout: a key without its colon');
    return j + 1;
  }

  private valueEnd(pair: Pair): number {
    const v = rangeOf(pair.value);
    return Math.max(v ? v[1] : 0, this.colonEnd(pair));
  }

  /** After the newline of the pair's last line (its trailing comment included). */
  private pairLineEnd(pair: Pair): number {
    const keyStart = rangeOf(pair.key)?.[0] ?? 0;
    return this.lineEnd(Math.max(keyStart, this.backOverSpace(this.valueEnd(pair), keyStart) - 1));
  }

  /** An insertion of whole lines at `pos`, adding the missing newline when `pos` is the end of a last line. */
  private insertLines(pos: number, lines: string): Splice {
    if (pos === this.text.length && this.text.length > 0 && !this.text.endsWith('\n')) {
      return { from: pos, to: pos, text: this.eol + lines.replace(/\r?\n$/, '') };
    }
    return { from: pos, to: pos, text: lines };
  }

  private section<T>(spec: SectionSpec<T>): SectionInfo<T> {
    const { root, value } = this.state;
    const pair = findPair(root, spec.key);
    const defaultIndent = '  ';
    if (!pair) return { spec, shape: 'absent', items: [], indent: defaultIndent };
    const v = pair.value;
    const values = value[spec.key];
    if (v === null || v === undefined || (isScalar(v) && v.value === null)) return { spec, pair, shape: 'empty', items: [], indent: defaultIndent };
    if (!isSeq(v) || !Array.isArray(values)) throw new SidecarEditError(`'${spec.key}' is not a list; fix the sidecar first`);
    if (v.items.length === 0) return { spec, pair, shape: 'empty', items: [], indent: defaultIndent };
    const items: ItemInfo<T>[] = [];
    const shape: SectionShape = v.flow ? 'flow' : 'block';
    let editable = true;
    let indent = defaultIndent;
    v.items.forEach((node, i) => {
      const r = rangeOf(node);
      const model = spec.read(values[i]);
      if (!r || model === undefined) editable = false;
      if (!r) return;
      if (v.flow) {
        items.push({ node, model, start: r[0], end: r[1], lead: '' });
        return;
      }
      let dash = r[0] - 1;
      while (dash >= 0 && /[ \t\r\n]/.test(this.text[dash])) dash--;
      const anchor = dash >= 0 && this.text[dash] === '-' ? dash : r[0];
      const start = this.lineStart(anchor);
      const end = this.lineEnd(Math.max(r[0], this.backOverSpace(r[1], r[0]) - 1));
      if (i === 0 && anchor === dash && /^[ ]*$/.test(this.text.slice(start, dash))) indent = this.text.slice(start, dash);
      const prevEnd = items.length > 0 ? items[items.length - 1].end : start;
      if (start < prevEnd) editable = false;
      items.push({ node, model, start, end, lead: items.length > 0 ? this.text.slice(prevEnd, start) : '' });
    });
    if (!editable) {
      throw new SidecarEditError(`'${spec.key}' holds an entry this version cannot edit (run validate and fix it first)`);
    }
    return { spec, pair, shape, items, indent };
  }

  /** The splices that turn a section's items into the plan's. */
  private sectionSplices<T>(section: SectionInfo<T>, plan: PlanEntry<T>[]): Splice[] {
    const { spec, shape, items, indent, pair } = section;
    const eol = this.eol;
    const unchanged =
      plan.length === items.length && plan.every((p, i) => p.from === items[i] && fieldsKey(spec.fields(p.value)) === fieldsKey(spec.fields(items[i].model as T)));
    if (unchanged) return [];
    const withEol = (s: string) => (s.endsWith('\n') ? s : s + eol);
    const chunk = (p: PlanEntry<T>): string => {
      if (!p.from) return renderItem(spec, p.value, indent, eol);
      const same = fieldsKey(spec.fields(p.value)) === fieldsKey(spec.fields(p.from.model as T));
      const body = same ? this.text.slice(p.from.start, p.from.end) : this.editItem(spec, p.from, p.value);
      if (body === undefined) return renderItem(spec, p.value, indent, eol);
      if (shape === 'flow') return body.includes('\n') ? renderItem(spec, p.value, indent, eol) : `${indent}- ${body}${eol}`;
      return p.from.lead + withEol(body);
    };
    const chunks = plan.map(chunk);

    if (shape === 'absent') {
      if (chunks.length === 0 && !spec.alwaysWritten) return [];
      const lines = chunks.length > 0 ? `${spec.key}:${eol}${chunks.join('')}` : `${spec.key}: []${eol}`;
      return [this.insertLines(this.topInsertPos(spec.key), lines)];
    }
    const p = pair as Pair;
    const colonEnd = this.colonEnd(p);
    if (shape === 'block') {
      const first = items[0];
      const last = items[items.length - 1];
      const endsWithNl = this.text[last.end - 1] === '\n';
      if (chunks.length > 0) {
        let body = chunks.join('');
        if (!endsWithNl) body = body.replace(/\r?\n$/, '');
        return [{ from: first.start, to: last.end, text: body }];
      }
      // `key: []` on the key line; a comment after the key keeps its column.
      const keyLineRest = this.text.slice(colonEnd, this.lineEnd(colonEnd));
      if (/^[ \t]*(#|\r?\n|$)/.test(keyLineRest)) {
        const gap = /^ +(?=#)/.exec(keyLineRest)?.[0].length ?? 0;
        const eat = Math.max(0, Math.min(3, gap - 1));
        return [
          { from: colonEnd, to: colonEnd + eat, text: ' []' },
          { from: first.start, to: last.end, text: '' },
        ];
      }
      return [{ from: first.start, to: last.end, text: `${indent}[]${endsWithNl ? eol : ''}` }];
    }
    // 'empty' (null or `[]`) or 'flow' (`[{...}, ...]`): the items become a block list.
    const v = p.value;
    const r = rangeOf(v);
    if (chunks.length === 0) return shape === 'flow' && r ? [{ from: r[0], to: r[1], text: '[]' }] : [];
    const splices: Splice[] = [];
    let after = this.lineEnd(colonEnd);
    const hasText = r && r[1] > r[0] && !(isScalar(v) && (v.source ?? '') === '');
    if (r && hasText) {
      const commentBefore = this.text.slice(colonEnd, r[0]).includes('#');
      // `key: []   # comment` → `key:      # comment`: the comment keeps its column.
      const commentAfter = /^ +#/.test(this.text.slice(r[1], r[1] + 200));
      const from = commentBefore ? r[0] : colonEnd;
      splices.push({ from, to: r[1], text: commentAfter ? ' '.repeat(r[1] - from) : '' });
      after = this.lineEnd(r[1]);
    }
    splices.push(this.insertLines(after, chunks.join('')));
    return splices;
  }

  /** Where a missing top-level key goes: after the key that precedes it in the canonical order. */
  private topInsertPos(key: string): number {
    const order = TOP_ORDER as readonly string[];
    const want = order.indexOf(key);
    const pairs = this.state.root.items as Pair[];
    let prev: Pair | undefined;
    let next: Pair | undefined;
    for (const p of pairs) {
      const k = order.indexOf(keyName(p) ?? '');
      if (k < 0) continue;
      if (k < want) prev = p;
      else if (k > want && !next) next = p;
    }
    if (prev) return this.pairLineEnd(prev);
    if (next) return this.lineStart(rangeOf(next.key)?.[0] ?? 0);
    return this.text.length;
  }

  /** Splices setting (or, with undefined, removing) a top-level scalar such as sha256. */
  private topScalarSplices(key: 'article' | 'sha256', value: string | undefined): Splice[] {
    const root = this.state.root;
    const pair = findPair(root, key);
    if (pair) {
      if (value === undefined) {
        const keyStart = rangeOf(pair.key)?.[0] ?? 0;
        return [{ from: this.lineStart(keyStart), to: this.pairLineEnd(pair), text: '' }];
      }
      return [this.replaceValue(pair, renderValue(value))];
    }
    if (value === undefined) return [];
    return [this.insertLines(this.topInsertPos(key), `${key}: ${renderValue(value)}${this.eol}`)];
  }

  /** Replaces a pair's value, keeping the key, its spacing and a trailing comment. */
  private replaceValue(pair: Pair, text: string): Splice {
    const v = pair.value;
    const colonEnd = this.colonEnd(pair);
    const r = rangeOf(v);
    const empty = !r || (isScalar(v) && v.value === null && (v.source ?? '') === '');
    if (empty) return { from: colonEnd, to: colonEnd, text: ` ${text}` };
    const multiLine = (isCollection(v) && !v.flow) || (isScalar(v) && (v.type === 'BLOCK_LITERAL' || v.type === 'BLOCK_FOLDED'));
    if (multiLine) return { from: colonEnd, to: this.backOverSpace(r[1], colonEnd), text: ` ${text}` };
    // Keep an aligned trailing comment in its column when the value grows or shrinks.
    const gap = /^( +)#/.exec(this.text.slice(r[1], r[1] + 200));
    if (gap) {
      const spaces = Math.max(1, gap[1].length - (text.length - (r[1] - r[0])));
      return { from: r[0], to: r[1] + gap[1].length, text: text + ' '.repeat(spaces) };
    }
    return { from: r[0], to: r[1], text };
  }

  /** The item's text with its fields changed; undefined when it must be written anew. */
  private editItem<T>(spec: SectionSpec<T>, item: ItemInfo<T>, next: T): string | undefined {
    const node = item.node;
    if (!isMap(node) || isAlias(node)) return undefined;
    const before = new Map(spec.fields(item.model as T));
    const changes: Fields = spec.fields(next).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before.get(k)));
    if (changes.length === 0) return this.text.slice(item.start, item.end);
    const splices = node.flow ? this.flowMapSplices(node, changes, spec.order) : this.blockMapSplices(node, changes, spec.order);
    if (!splices) return undefined;
    if (splices.some((s) => s.from < item.start || s.to > item.end)) return undefined;
    const local = splices.map((s) => ({ from: s.from - item.start, to: s.to - item.start, text: s.text }));
    return applySplices(this.text.slice(item.start, item.end), local);
  }

  /** A flow mapping is rewritten on its line: unchanged pairs keep their source, new ones go in order. */
  private flowMapSplices(map: YAMLMap, changes: Fields, order: readonly string[]): Splice[] | undefined {
    const r = rangeOf(map);
    if (!r || this.text[r[0]] !== '{' || this.text[r[1] - 1] !== '}') return undefined;
    const parts: Array<{ key: string | undefined; text: string }> = [];
    for (const p of map.items as Pair[]) {
      const k = rangeOf(p.key);
      if (!k) return undefined;
      parts.push({ key: keyName(p), text: this.text.slice(k[0], this.valueEnd(p)).trimEnd() });
    }
    for (const [key, value] of changes) {
      const at = parts.findIndex((x) => x.key === key);
      if (at >= 0) {
        if (value === undefined) parts.splice(at, 1);
        else parts[at] = { key, text: `${key}: ${renderValue(value)}` };
      } else if (value !== undefined) {
        const rank = order.indexOf(key);
        let after = -1;
        parts.forEach((x, i) => {
          const o = order.indexOf(x.key ?? '');
          if (o >= 0 && o < rank) after = i;
        });
        parts.splice(after + 1, 0, { key, text: `${key}: ${renderValue(value)}` });
      }
    }
    // A pair over several lines (rare in a flow mapping) is rewritten from the model instead.
    if (parts.some((x) => x.text.includes('\n'))) return undefined;
    const pad = this.text[r[0] + 1] === ' ' ? ' ' : '';
    return [{ from: r[0], to: r[1], text: `{${pad}${parts.map((x) => x.text).join(', ')}${pad}}` }];
  }

  /** A block mapping is edited line by line: values replaced in place, new keys on new lines. */
  private blockMapSplices(map: YAMLMap, changes: Fields, order: readonly string[]): Splice[] | undefined {
    const pairs = map.items as Pair[];
    if (pairs.length === 0) return undefined;
    const firstKey = rangeOf(pairs[0].key)?.[0];
    if (firstKey === undefined) return undefined;
    const keyIndent = ' '.repeat(firstKey - this.lineStart(firstKey));
    const removed = new Set<number>();
    const splices: Splice[] = [];
    for (const [key, value] of changes) {
      const at = pairs.findIndex((p) => keyName(p) === key);
      if (at >= 0 && value !== undefined) {
        splices.push(this.replaceValue(pairs[at], renderValue(value)));
      } else if (at >= 0) {
        if (at === 0) return undefined;
        removed.add(at);
        const keyStart = rangeOf(pairs[at].key)?.[0] ?? 0;
        splices.push({ from: this.lineStart(keyStart), to: this.pairLineEnd(pairs[at]), text: '' });
      } else if (value !== undefined) {
        const rank = order.indexOf(key);
        let after = -1;
        pairs.forEach((p, i) => {
          const o = order.indexOf(keyName(p) ?? '');
          if (!removed.has(i) && o >= 0 && o < rank) after = i;
        });
        if (after < 0) after = pairs.length - 1;
        splices.push(this.insertLines(this.pairLineEnd(pairs[after]), `${keyIndent}${key}: ${renderValue(value)}${this.eol}`));
      }
    }
    return splices;
  }
}

const mentionSimilarity = (m: Mention) => JSON.stringify([m.entity, m.text]);
const quoteSimilarity = (q: Quote) => q.text;
const byStartDistance = (a: { start: number }, b: { start: number }) => Math.abs(a.start - b.start);

function isSortedBy<T>(xs: readonly T[], cmp: (a: T, b: T) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1], xs[i]) > 0) return false;
  return true;
}

/**
 * Pairs the wanted items with the section's current ones: identical items first, then items
 * that are the same thing changed (same `similarity` key, nearest by `distance`), so a changed
 * item keeps its unknown fields and comment. The plan follows the order of `next`.
 */
function matchItems<T>(
  section: SectionInfo<T>,
  next: readonly T[],
  similarity: ((item: T) => string) | undefined,
  distance: (a: T, b: T) => number = () => 0,
): PlanEntry<T>[] {
  const { spec } = section;
  const group = (items: ItemInfo<T>[], key: (x: T) => string) => {
    const map = new Map<string, ItemInfo<T>[]>();
    for (const item of items) {
      const k = key(item.model as T);
      const list = map.get(k);
      if (list) list.push(item);
      else map.set(k, [item]);
    }
    return map;
  };
  const used = new Set<ItemInfo<T>>();
  const exact = group(section.items, (x) => fieldsKey(spec.fields(x)));
  const plan: PlanEntry<T>[] = next.map((value) => {
    const same = exact.get(fieldsKey(spec.fields(value)))?.find((x) => !used.has(x));
    if (same) used.add(same);
    return { from: same, value };
  });
  if (!similarity) return plan;
  const similar = group(section.items.filter((x) => !used.has(x)), similarity);
  for (const entry of plan) {
    if (entry.from) continue;
    let best: ItemInfo<T> | undefined;
    for (const item of similar.get(similarity(entry.value)) ?? []) {
      if (used.has(item)) continue;
      if (!best || distance(item.model as T, entry.value) < distance(best.model as T, entry.value)) best = item;
    }
    if (best) {
      used.add(best);
      entry.from = best;
    }
  }
  return plan;
}
