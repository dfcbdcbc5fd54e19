/**
 * JSON Lines, one article a line (DESIGN.md, "Export formats"):
 *
 * ```
 * {"id": "seeds/000_eb28ad2c764fb3cf.txt", "date": "2021-09-01", "text": "...",
 *  "label": [[46, 53, "ORG"], ...], "mentions": [{"start": 46, "end": 53, "entity": "taliban"}, ...],
 *  "entities": [{"id", "type", "name", "aliases", "note", "links"}, ...],
 *  "quotes": [{"start", "end", "speaker", "text"}, ...], "relations": [{"type", "from", "to"}, ...]}
 * ```
 *
 * `text` + `label` is doccano's import format and spaCy's `char_span` convention; `mentions` +
 * `entities` (+ `quotes`, `relations`) make the round trip lossless. Every entity key is always
 * written (`aliases: []`, `note: null`, `links: {}` when unset) so the lines load into a table.
 * A mention's `by` is written when set. Offsets are code points, or UTF-16 units with
 * `offsets: 'utf16'` (doccano counts JavaScript string units); every offset of the line is
 * converted, none is left in the other unit.
 *
 * U+2028, U+2029 and U+0085 are written as `\u` escapes: JSON allows them raw, but Python's
 * `str.splitlines()` would cut a line there.
 */
import type { Annotations, Entity, Mention, Quote, Relation } from '../model';
import { compareMentions, SCHEMA_VERSION } from '../model';
import { OffsetMap } from '../offsets';
import type { ExportOptions, ImportedDocument, ImportProblem, ImportResult, SeedDocument, StreamChunk, StreamExporter } from './document';
import { EntityTable, parseDateHeader, prepareDocument, safeFileName, UniqueNames } from './document';

// ---------------------------------------------------------------------------------------------
// Export

/** One article as one JSON line, newline included. */
export function jsonlDocument(doc: SeedDocument, options: ExportOptions = {}): StreamChunk {
  const prep = prepareDocument(doc);
  const unit = options.offsets === 'utf16' ? (cp: number) => prep.offsets.toUtf16(cp) : (cp: number) => cp;
  const line = {
    id: doc.id,
    date: prep.header?.date ?? null,
    text: doc.text,
    label: prep.mentions.map(({ mention, entity }) => [unit(mention.start), unit(mention.end), entity.type]),
    mentions: prep.mentions.map(({ mention }) => ({
      start: unit(mention.start),
      end: unit(mention.end),
      entity: mention.entity,
      ...(mention.by !== undefined ? { by: mention.by } : {}),
    })),
    entities: (doc.annotations.entities ?? []).map((e) => ({
      id: e.id,
      type: e.type,
      name: e.name,
      aliases: e.aliases ?? [],
      note: e.note ?? null,
      links: e.links ?? {},
    })),
    quotes: prep.quotes.map((q) => ({ start: unit(q.start), end: unit(q.end), speaker: q.speaker ?? null, text: q.text })),
    relations: (doc.annotations.relations ?? []).map((r) => ({ type: r.type, from: r.from, to: r.to })),
  };
  return { text: `${escapeLineSeparators(JSON.stringify(line))}\n`, skipped: prep.skipped };
}

function escapeLineSeparators(json: string): string {
  return json.replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function createJsonlExporter(options: ExportOptions = {}): StreamExporter {
  return { kind: 'stream', format: 'jsonl', header: () => '', document: (doc) => jsonlDocument(doc, options), footer: () => '' };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface JsonlImportOptions {
  /** The file's path, as shown in problems. */
  file: string;
  /** Unit of the offsets in the file; default `codepoint`. */
  offsets?: 'codepoint' | 'utf16';
}

/**
 * Reads JSON lines one at a time (so a large file streams); keeps the names already given, so two
 * lines never get the same article file name.
 *
 * Per line, annotations are read in DESIGN.md's order: `mentions` + `entities` (objects) when
 * both are present; else `label` triples `[start, end, TYPE]`; else `entities` as spaCy triples
 * or doccano objects (`start_offset`, `end_offset`, `label`). Triples carry no entity identity:
 * one entity is made per distinct (type, surface text) of the line, named after that text.
 *
 * - A `text` starting with a BOM loses it (`hadBom`), and every offset moves back by one.
 * - When the line has a `date` and its text no date header, `date YYYY-MM-DD ` is put in front
 *   and every offset moves by its length (16).
 * - Every span is checked: whole numbers, inside the text, not empty, not splitting a surrogate
 *   pair (UTF-16 offsets), and equal to its `text` where the item gives one. A span that fails is
 *   reported (`file:line: reason`) and left out; the rest of the line is still imported.
 * - The article name comes from `id` by `safeFileName` (last path component, no separators, no
 *   `..`, no device names); a line without `id` is named `line-<n>`.
 */
export class JsonlImporter {
  private readonly names = new UniqueNames();

  constructor(private readonly options: JsonlImportOptions) {}

  /** One line of the file (`lineNumber` from 1); a blank line gives nothing. */
  line(source: string, lineNumber: number): { document?: ImportedDocument; problems: ImportProblem[] } {
    const problems: ImportProblem[] = [];
    const problem = (reason: string, severity: 'error' | 'warning' = 'error') =>
      problems.push({ file: this.options.file, line: lineNumber, reason, severity });
    if (source.trim() === '') return { problems };
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      problem(`not valid JSON: ${(e as Error).message}`);
      return { problems };
    }
    if (!isObject(value)) {
      problem('a line must be a JSON object');
      return { problems };
    }
    if (typeof value.text !== 'string') {
      problem('no "text" string: nothing to import');
      return { problems };
    }
    const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : `line-${lineNumber}`;

    // Offsets in the line count in `value.text` as given (BOM included); they are converted to
    // code points there, then moved by `shift` onto the text as imported.
    const given = new OffsetMap(value.text);
    let text = value.text;
    let hadBom = false;
    let shift = 0;
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      hadBom = true;
      shift -= 1;
    }
    if (value.date !== undefined && value.date !== null) {
      if (typeof value.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value.date)) {
        problem(`"date" ${JSON.stringify(value.date)} is not YYYY-MM-DD; ignored`, 'warning');
      } else {
        const header = parseDateHeader(text);
        if (!header) {
          const prefix = `date ${value.date} `;
          text = prefix + text;
          shift += prefix.length;
        } else if (header.date !== value.date) {
          problem(`"date" ${value.date} differs from the text's header date ${header.date}; the header is kept`, 'warning');
        }
      }
    }
    const offsets = text === value.text ? given : new OffsetMap(text);
    const utf16 = this.options.offsets === 'utf16';
    const limit = utf16 ? given.utf16Length : given.codePointLength;

    /** A span of the line as code points of the imported text with its slice, or undefined (reported). */
    const span = (what: string, start: unknown, end: unknown, expected?: unknown): { start: number; end: number; text: string } | undefined => {
      if (!Number.isInteger(start) || !Number.isInteger(end)) {
        problem(`${what}: offsets ${JSON.stringify(start)}, ${JSON.stringify(end)} are not whole numbers`);
        return undefined;
      }
      const [s0, e0] = [start as number, end as number];
      if (s0 < 0 || e0 > limit || s0 >= e0) {
        problem(`${what}: span [${s0}, ${e0}) is empty or outside the text (${limit} ${utf16 ? 'UTF-16 units' : 'code points'})`);
        return undefined;
      }
      let s = s0;
      let e = e0;
      if (utf16) {
        s = given.toCodePoint(s0);
        e = given.toCodePoint(e0);
        if (given.toUtf16(s) !== s0 || given.toUtf16(e) !== e0) {
          problem(`${what}: span [${s0}, ${e0}) splits a surrogate pair (are these offsets code points?)`);
          return undefined;
        }
      }
      if (hadBom && s === 0) {
        problem(`${what}: span [${s0}, ${e0}) covers the byte-order mark`);
        return undefined;
      }
      s += shift;
      e += shift;
      const slice = offsets.slice(s, e);
      if (expected !== undefined && expected !== slice) {
        problem(`${what}: its text ${JSON.stringify(expected)} is not the text at [${s0}, ${e0}): ${JSON.stringify(slice)}`);
        return undefined;
      }
      return { start: s, end: e, text: slice };
    };

    const entities: Entity[] = [];
    const mentions: Mention[] = [];
    const quotes: Quote[] = [];
    const relations: Relation[] = [];
    const known = new Set<string>();

    const ours = Array.isArray(value.mentions) && Array.isArray(value.entities) && value.entities.every(isObject);
    if (ours) {
      (value.entities as Record<string, unknown>[]).forEach((e, i) => {
        const entity = readEntity(e);
        if (typeof entity === 'string') problem(`entities[${i}]: ${entity}`);
        else if (known.has(entity.id)) problem(`entities[${i}]: id "${entity.id}" is declared twice`);
        else {
          known.add(entity.id);
          entities.push(entity);
        }
      });
      (value.mentions as unknown[]).forEach((m, i) => {
        if (!isObject(m)) return problem(`mentions[${i}]: not an object`);
        if (typeof m.entity !== 'string' || !known.has(m.entity)) return problem(`mentions[${i}]: entity ${JSON.stringify(m.entity)} is not in "entities"`);
        const sp = span(`mentions[${i}]`, m.start, m.end, m.text);
        if (!sp) return;
        mentions.push({ entity: m.entity, ...sp, ...(typeof m.by === 'string' ? { by: m.by } : {}) });
      });
      if (Array.isArray(value.relations)) {
        value.relations.forEach((r, i) => {
          if (!isObject(r) || typeof r.type !== 'string' || typeof r.from !== 'string' || typeof r.to !== 'string') {
            return problem(`relations[${i}]: expected {type, from, to} strings`);
          }
          if (!known.has(r.from) || !known.has(r.to)) return problem(`relations[${i}]: ${r.from} or ${r.to} is not in "entities"`);
          relations.push({ type: r.type, from: r.from, to: r.to });
        });
      }
    } else {
      const table = new EntityTable();
      const add = (what: string, start: unknown, end: unknown, type: unknown) => {
        if (typeof type !== 'string' || type.trim() === '') return problem(`${what}: no entity type`);
        const sp = span(what, start, end);
        if (!sp) return;
        mentions.push({ entity: table.forSurface(type, sp.text).id, ...sp });
      };
      // An empty `label` beside a filled `entities` (doccano writes both) does not hide the entities.
      const useLabel = Array.isArray(value.label) && (value.label.length > 0 || !Array.isArray(value.entities));
      const triples = useLabel ? { key: 'label', items: value.label as unknown[] } : Array.isArray(value.entities) ? { key: 'entities', items: value.entities } : undefined;
      triples?.items.forEach((item: unknown, i: number) => {
        const what = `${triples.key}[${i}]`;
        if (Array.isArray(item) && item.length >= 3) add(what, item[0], item[1], item[2]);
        else if (isObject(item) && 'start_offset' in item) add(what, item.start_offset, item.end_offset, item.label);
        else problem(`${what}: expected [start, end, TYPE] or {start_offset, end_offset, label}`);
      });
      entities.push(...table.entities);
      for (const e of entities) known.add(e.id);
    }

    if (Array.isArray(value.quotes)) {
      value.quotes.forEach((q, i) => {
        if (!isObject(q)) return problem(`quotes[${i}]: not an object`);
        const sp = span(`quotes[${i}]`, q.start, q.end, q.text);
        if (!sp) return;
        const quote: Quote = { ...sp };
        if (typeof q.speaker === 'string') {
          if (known.has(q.speaker)) quote.speaker = q.speaker;
          else problem(`quotes[${i}]: speaker "${q.speaker}" is not in "entities"; imported without a speaker`, 'warning');
        }
        quotes.push(quote);
      });
    }

    mentions.sort(compareMentions);
    const unique = mentions.filter((m, i) => i === 0 || compareMentions(m, mentions[i - 1]) !== 0);
    if (unique.length < mentions.length) problem(`${mentions.length - unique.length} duplicate mention(s) imported once`, 'warning');
    quotes.sort((a, b) => a.start - b.start || a.end - b.end);

    const wanted = safeFileName(id, `line-${lineNumber}`);
    const name = this.names.take(wanted);
    if (name !== wanted) problem(`article name "${wanted}.txt" is already taken in this import; written as "${name}.txt"`, 'warning');
    const fileName = `${name}.txt`;
    const annotations: Annotations = { schema: SCHEMA_VERSION, article: fileName, entities, mentions: unique, quotes, relations };
    return { document: { id, fileName, text, ...(hadBom ? { hadBom } : {}), annotations }, problems };
  }
}

/** Reads a whole JSONL file (CRLF or LF lines). */
export function importJsonl(content: string, options: JsonlImportOptions): ImportResult {
  const importer = new JsonlImporter(options);
  const result: ImportResult = { documents: [], problems: [] };
  const body = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  body.split('\n').forEach((raw, i) => {
    const { document, problems } = importer.line(raw.endsWith('\r') ? raw.slice(0, -1) : raw, i + 1);
    if (document) result.documents.push(document);
    result.problems.push(...problems);
  });
  return result;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An entity object of our own format, or why it is not one. Empty aliases/note/links are dropped. */
function readEntity(e: Record<string, unknown>): Entity | string {
  if (typeof e.id !== 'string' || e.id === '' || /\s/.test(e.id)) return `id ${JSON.stringify(e.id)} must be a string without white space`;
  if (typeof e.type !== 'string' || e.type === '') return `entity "${e.id}" has no type`;
  if (typeof e.name !== 'string') return `entity "${e.id}" has no name`;
  const entity: Entity = { id: e.id, type: e.type, name: e.name };
  if (Array.isArray(e.aliases) && e.aliases.length > 0) {
    if (!e.aliases.every((a) => typeof a === 'string')) return `entity "${e.id}": aliases must be strings`;
    entity.aliases = e.aliases as string[];
  }
  if (typeof e.note === 'string') entity.note = e.note;
  if (isObject(e.links) && Object.keys(e.links).length > 0) {
    if (!Object.values(e.links).every((v) => typeof v === 'string')) return `entity "${e.id}": link values must be strings`;
    entity.links = e.links as Record<string, string>;
  }
  return entity;
}
