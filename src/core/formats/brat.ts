/**
 * brat standoff, as brat itself reads it (DESIGN.md, "Export formats").
 *
 * brat reads `<name>.txt` as UTF-8 with Python's universal newlines, so CRLF and a lone CR each
 * count as one character, and slices it by code points. The export therefore writes the article
 * with LF line ends and no BOM, and counts code points in that text; the import maps offsets of
 * that text back onto the article as it is stored (CRLF, BOM) with `NewlineFolding`.
 *
 * Export, per article (`<name>.txt` + `<name>.ann`):
 * - `T<n>\tTYPE START END\tTEXT` per mention, in mention order. A mention that runs over a line
 *   break (which the editor does not make, but a sidecar can hold) is written as brat writes such
 *   spans: fragments cut at the line breaks, `START END;START END`, TEXT joined by a space (one
 *   that begins or ends with a line break cannot be written and is skipped);
 * - `*\tEquiv T1 T3 ...` for an entity with several mentions, so the import finds the entity
 *   again (declared symmetric-transitive in annotation.conf);
 * - `N<n>\tReference T<k> <source>:<id>\t<entity name>` for each link, on every T of the entity
 *   (brat normalizes mentions, not entities). A link whose source holds `:` or white space, or
 *   whose id holds white space, cannot be written and is skipped;
 * - `#<n>\tAnnotatorNotes T<k>\t<note>` for the entity note, on the entity's FIRST T only: brat
 *   notes belong to one annotation, and repeating the note on every mention would make the
 *   import see as many notes as mentions. Line breaks in a note are written as spaces (reported);
 * - `R<n>\ttype Arg1:T<a> Arg2:T<b>` per relation, between the first mentions of the two
 *   entities; a relation whose entity has no exported mention is skipped.
 * Types and relation types keep letters, digits, `_`, `-` and `.`; anything else becomes `_`.
 * After the articles: `annotation.conf` (the types used, relation types, Equiv, and overlaps
 * allowed, since mentions may nest) and `visual.conf` (a colour per type).
 *
 * Import: see `importBrat`.
 */
import type { Annotations, Entity, Mention, Relation } from '../model';
import { compareMentions, DEFAULT_ENTITY_TYPES, SCHEMA_VERSION } from '../model';
import { codePointLength, OffsetMap, stripBom } from '../offsets';
import type {
  ExportOptions,
  FolderChunk,
  FolderExporter,
  ImportedDocument,
  ImportProblem,
  OutputFile,
  SeedDocument,
  Skipped,
} from './document';
import { uniqueSlug } from '../slug';
import { prepareDocument, safeFileName, UniqueNames } from './document';

/** Colours of the default types in visual.conf, unless the caller passes its own. */
export const DEFAULT_TYPE_COLOURS: Readonly<Record<string, string>> = {
  PERSON: '#ffccaa',
  ORG: '#8fb2ff',
  GPE: '#7fe2ff',
  LOC: '#a4de9a',
  NORP: '#e0b8ff',
  EVENT: '#ffe070',
  DATE: '#d0d0d0',
  MISC: '#f0f0a0',
};

/** For types outside the defaults and the caller's map: picked by a hash of the name, so stable. */
const SPARE_COLOURS = ['#ffb3b3', '#b3ffd9', '#c6c6ff', '#ffd9b3', '#b3e6ff', '#e6ffb3', '#ffb3e6', '#d9d9b3'];

/** A type or relation name brat's configuration files can hold. */
export function bratType(type: string): string {
  const cleaned = type.replace(/[^\p{L}\p{N}_.-]+/gu, '_');
  return /^[\p{L}\p{N}_]/u.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** The article as brat's .txt: LF line ends (CRLF and lone CR become LF). The BOM is already gone. */
export function toBratText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Code-point offsets between a stored text and its LF version (`toBratText`): each CRLF is two
 * code points stored and one in LF text; a lone CR is one in both.
 */
export class NewlineFolding {
  /** Code-point offset (stored text) of the CR of each CRLF, ascending. */
  private readonly crlf: number[] = [];

  constructor(stored: string, offsets = new OffsetMap(stored)) {
    const re = /\r\n/g;
    for (let m = re.exec(stored); m; m = re.exec(stored)) this.crlf.push(offsets.toCodePoint(m.index));
  }

  /** LF-text offset of a stored offset (one between CR and LF goes to the line break). */
  toLf(stored: number): number {
    return stored - this.countBelow((k) => this.crlf[k] < stored);
  }

  /** Stored offset of an LF-text offset (a line break maps to its CR). */
  toStored(lf: number): number {
    return lf + this.countBelow((k) => this.crlf[k] - k < lf);
  }

  /** Number of leading entries k for which `below(k)` holds (it holds for a prefix). */
  private countBelow(below: (k: number) => boolean): number {
    let lo = 0;
    let hi = this.crlf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(mid)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------------------------
// Export

export interface BratArticle {
  /** `<name>.txt`: LF, no BOM. */
  txt: string;
  /** `<name>.ann`. */
  ann: string;
  /** Entity types written (brat names). */
  types: Set<string>;
  /** Relation types written (brat names). */
  relationTypes: Set<string>;
  skipped: Skipped[];
}

/** The brat files of one article. */
export function bratArticle(doc: SeedDocument): BratArticle {
  const prep = prepareDocument(doc);
  const skipped: Skipped[] = [...prep.skipped];
  const txt = toBratText(doc.text);
  const folding = new NewlineFolding(doc.text, prep.offsets);
  const lfOffsets = new OffsetMap(txt);
  const lines: string[] = [];
  const types = new Set<string>();
  const relationTypes = new Set<string>();
  const tsOfEntity = new Map<string, string[]>();

  prep.mentions.forEach(({ mention, entity }) => {
    const start = folding.toLf(mention.start);
    const end = folding.toLf(mention.end);
    const fragments: Array<[number, number]> = [];
    let from = start;
    for (const part of lfOffsets.slice(start, end).split('\n')) {
      const length = codePointLength(part);
      if (length > 0) fragments.push([from, from + length]);
      from += length + 1;
    }
    if (fragments.length === 0 || fragments[0][0] !== start || fragments[fragments.length - 1][1] !== end) {
      skipped.push({ document: doc.id, kind: 'mention', mention, cause: 'unsupported', reason: 'begins or ends with a line break, which a brat span cannot' });
      return;
    }
    const id = `T${lines.length + 1}`;
    const type = bratType(entity.type);
    types.add(type);
    const spans = fragments.map(([s, e]) => `${s} ${e}`).join(';');
    const text = fragments.map(([s, e]) => lfOffsets.slice(s, e)).join(' ');
    lines.push(`${id}\t${type} ${spans}\t${text}`);
    const ts = tsOfEntity.get(entity.id) ?? [];
    ts.push(id);
    tsOfEntity.set(entity.id, ts);
  });

  for (const ts of tsOfEntity.values()) if (ts.length > 1) lines.push(`*\tEquiv ${ts.join(' ')}`);

  let n = 0;
  for (const entity of doc.annotations.entities ?? []) {
    const ts = tsOfEntity.get(entity.id);
    if (!ts) continue;
    for (const [source, id] of Object.entries(entity.links ?? {})) {
      if (!/^[^\s:]+$/.test(source) || !/^\S+$/.test(String(id))) {
        skipped.push({ document: doc.id, kind: 'link', cause: 'unsupported', reason: `link ${source}: ${id} of entity "${entity.id}": brat references cannot hold ":" or white space in a source, or white space in an id` });
        continue;
      }
      for (const t of ts) lines.push(`N${++n}\tReference ${t} ${source}:${id}\t${oneLine(entity.name)}`);
    }
  }
  n = 0;
  for (const entity of doc.annotations.entities ?? []) {
    const ts = tsOfEntity.get(entity.id);
    if (!ts || entity.note === undefined || entity.note === '') continue;
    const note = oneLine(entity.note);
    if (note !== entity.note) skipped.push({ document: doc.id, kind: 'note', cause: 'unsupported', reason: `note of entity "${entity.id}": line breaks written as spaces (an .ann line holds one line)` });
    lines.push(`#${++n}\tAnnotatorNotes ${ts[0]}\t${note}`);
  }
  n = 0;
  for (const relation of doc.annotations.relations ?? []) {
    const a = tsOfEntity.get(relation.from)?.[0];
    const b = tsOfEntity.get(relation.to)?.[0];
    if (!a || !b) {
      skipped.push({ document: doc.id, kind: 'relation', relation, cause: 'unsupported', reason: 'an entity of the relation has no exported mention to attach it to' });
      continue;
    }
    const type = bratType(relation.type);
    relationTypes.add(type);
    lines.push(`R${++n}\t${type} Arg1:${a} Arg2:${b}`);
  }
  return { txt, ann: lines.length ? `${lines.join('\n')}\n` : '', types, relationTypes, skipped };
}

function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ');
}

function orderTypes(types: Iterable<string>): string[] {
  const defaults: readonly string[] = DEFAULT_ENTITY_TYPES;
  return [...types].sort((a, b) => {
    const ia = defaults.indexOf(a);
    const ib = defaults.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** annotation.conf for the types of an export. */
export function bratAnnotationConf(types: Iterable<string>, relationTypes: Iterable<string>): string {
  const relations = [...new Set(relationTypes)].filter((r) => r !== 'Equiv').sort();
  return [
    '# brat annotation configuration written by Seed Annotator: the types of this export.',
    '[entities]',
    ...orderTypes(types),
    '',
    '[relations]',
    '# One entity\'s mentions are linked by Equiv.',
    'Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive',
    ...relations.map((r) => `${r}\tArg1:<ENTITY>, Arg2:<ENTITY>`),
    '# Mentions may nest (Panjshir inside Panjshir Valley).',
    '<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>',
    '',
    '[events]',
    '',
    '[attributes]',
    '',
  ].join('\n');
}

/** visual.conf: a background colour per type, from `colours`, else the defaults, else a stable spare. */
export function bratVisualConf(types: Iterable<string>, colours: Record<string, string> = {}): string {
  const valid = (c: string | undefined) => (c !== undefined && /^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]+)$/.test(c) ? c : undefined);
  const drawing = orderTypes(types).map((type) => {
    const colour = valid(colours[type]) ?? DEFAULT_TYPE_COLOURS[type] ?? SPARE_COLOURS[hash(type) % SPARE_COLOURS.length];
    return `${type}\tbgColor:${colour}, borderColor:darken`;
  });
  return [
    '# brat visual configuration written by Seed Annotator.',
    '[labels]',
    '',
    '[drawing]',
    'SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken',
    'ARC_DEFAULT\tcolor:black, arrowHead:triangle-5',
    'Equiv\tdashArray:3-3, arrowHead:none',
    ...drawing,
    '',
  ].join('\n');
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * The brat exporter: `<name>.txt` and `<name>.ann` per article, `name` from the id by
 * `safeFileName` (numbered when two articles share it); `finish()` gives annotation.conf and
 * visual.conf for the types seen.
 */
export function createBratExporter(options: ExportOptions = {}): FolderExporter {
  const names = new UniqueNames();
  const types = new Set<string>();
  const relationTypes = new Set<string>();
  return {
    kind: 'folder',
    format: 'brat',
    document(doc: SeedDocument): FolderChunk {
      const article = bratArticle(doc);
      for (const t of article.types) types.add(t);
      for (const r of article.relationTypes) relationTypes.add(r);
      const name = names.take(safeFileName(doc.id));
      return {
        files: [
          { name: `${name}.txt`, content: article.txt },
          { name: `${name}.ann`, content: article.ann },
        ],
        skipped: article.skipped,
      };
    },
    finish(): OutputFile[] {
      return [
        { name: 'annotation.conf', content: bratAnnotationConf(types, relationTypes) },
        { name: 'visual.conf', content: bratVisualConf(types, options.colours) },
      ];
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Import

export interface BratImportInput {
  /** Path of the .ann file, as shown in problems. */
  annPath: string;
  ann: string;
  /** Path of the .txt beside it, as shown in problems. */
  txtPath: string;
  /** The .txt as read from disk (UTF-8 decoded; BOM and line ends as they are). */
  txt: string;
  /**
   * The article as stored, when it exists (BOM removed): offsets are mapped onto it, and its text
   * must be the .txt's up to line ends. Absent: the .txt (BOM removed) becomes the article.
   */
  article?: { text: string; hadBom?: boolean };
  /** The document id; default: the .ann file's name without `.ann`. */
  id?: string;
  /** Names already given in this import run, so two documents never share a file name. */
  names?: UniqueNames;
}

/**
 * Reads one brat document.
 *
 * - T lines give mentions. A T whose text is not the .txt's text at its span (as brat checks it)
 *   is reported and skipped. A discontinuous T (`0 5;7 9`) is reported and skipped, except when
 *   its fragments are separated by line breaks only: that is how brat (and our export) writes
 *   one span over a line break, so it is read back as that one span.
 * - Entities: T lines joined by `Equiv`, or of the same type and normalized to the same
 *   `Reference` (same `source:id`), or of the same type with the same text, are one entity (a
 *   union of the three rules; a country and its people may share a Wikidata item and stay two
 *   entities, as their types differ). Its type is that of its first mention, its name the name of its first Reference line
 *   when one has a name, else its first mention's text; its id a slug of the name.
 * - `AnnotatorNotes` on any of its T lines give the entity's note (the first; others reported);
 *   `Reference` lines give its links (`{source: id}`).
 * - `R` lines give relations between the entities of their two arguments.
 * - Events, attributes and other lines are reported as not imported.
 */
export function importBrat(input: BratImportInput): { document?: ImportedDocument; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const problem = (line: number, reason: string, severity: 'error' | 'warning' = 'error', file = input.annPath) =>
    problems.push({ file, line, reason, severity });

  // brat's view of the text: universal newlines; a BOM, if any, is a character it counts.
  const view = toBratText(input.txt);
  const bom = view.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stored = input.article?.text ?? stripBom(input.txt);
  const hadBom = input.article ? input.article.hadBom : bom === 1;
  const storedLf = toBratText(stored);
  if (storedLf !== view.slice(bom)) {
    const at = firstDifference(storedLf, view.slice(bom));
    problem(at.line, `the article differs from this brat text at line ${at.line}, column ${at.column}; nothing imported`, 'error', input.txtPath);
    return { problems };
  }
  const viewOffsets = new OffsetMap(view);
  const storedOffsets = new OffsetMap(stored);
  const folding = new NewlineFolding(stored, storedOffsets);
  const toStored = (o: number) => folding.toStored(o - bom);

  interface T {
    id: string;
    line: number;
    type: string;
    start: number; // stored code points
    end: number;
    text: string; // stored slice
  }
  const ts: T[] = [];
  const tIndex = new Map<string, number>();
  const later: Array<{ line: number; text: string }> = [];

  stripBom(input.ann).split(/\r\n|\r|\n/).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') return;
    if (!text.startsWith('T')) {
      later.push({ line, text });
      return;
    }
    const m = /^(T\S*)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t(.*))?$/s.exec(text);
    if (!m) return problem(line, 'not a text-bound line (T<id><TAB>TYPE START END<TAB>TEXT)');
    const [, id, type, spanList, tail] = m;
    if (tIndex.has(id)) return problem(line, `${id} is defined twice`);
    const fragments = spanList.split(';').map((p) => p.split(' ').map(Number) as [number, number]);
    for (const [s, e] of fragments) {
      if (s > e || e > viewOffsets.codePointLength) return problem(line, `${id}: span ${s} ${e} is outside the text (${viewOffsets.codePointLength} characters)`);
      if (s < bom) return problem(line, `${id}: span ${s} ${e} covers the byte-order mark`);
    }
    const expected = fragments.map(([s, e]) => viewOffsets.slice(s, e)).join(' ');
    if (tail !== undefined && tail !== expected && !(tail.startsWith(expected) && /^\s/.test(tail.slice(expected.length)))) {
      return problem(line, `${id}: text ${JSON.stringify(tail)} is not the text at its span: ${JSON.stringify(expected)}`);
    }
    for (let k = 1; k < fragments.length; k++) {
      const gap = viewOffsets.slice(fragments[k - 1][1], fragments[k][0]);
      if (!/^\n+$/.test(gap)) return problem(line, `${id}: discontinuous span ${spanList} is not supported; skipped`);
    }
    const start = toStored(fragments[0][0]);
    const end = toStored(fragments[fragments.length - 1][1]);
    if (start >= end) return problem(line, `${id}: empty span; skipped`);
    tIndex.set(id, ts.length);
    ts.push({ id, line, type, start, end, text: storedOffsets.slice(start, end) });
  });

  // Union-find over T indices.
  const parent = ts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const bySurface = new Map<string, number>();
  ts.forEach((t, i) => {
    const key = `${t.type}\u0000${t.text}`;
    const other = bySurface.get(key);
    if (other === undefined) bySurface.set(key, i);
    else union(other, i);
  });
  const target = (line: number, id: string): number | undefined => {
    const i = tIndex.get(id);
    if (i === undefined) problem(line, `${id} is not a text-bound annotation of this file (or was skipped)`);
    return i;
  };

  const notes: Array<{ line: number; t: number; note: string }> = [];
  const references: Array<{ line: number; t: number; source: string; id: string; name: string }> = [];
  const relationLines: Array<{ line: number; type: string; a: number; b: number }> = [];
  const byReference = new Map<string, number>();
  for (const { line, text } of later) {
    let m: RegExpExecArray | null;
    if ((m = /^\*\S*\tEquiv ((?:T\S*)(?: T\S*)*)\s*$/.exec(text))) {
      const members = m[1].split(' ').map((id) => target(line, id)).filter((i): i is number => i !== undefined);
      for (let k = 1; k < members.length; k++) union(members[0], members[k]);
    } else if ((m = /^#\S*\tAnnotatorNotes (T\S*)(?:\t(.*))?$/s.exec(text))) {
      const t = target(line, m[1]);
      if (t !== undefined && m[2]) notes.push({ line, t, note: m[2] });
    } else if ((m = /^N\S*\tReference (T\S*) (\S+?):(\S+)(?:\t(.*))?$/s.exec(text))) {
      const t = target(line, m[1]);
      if (t === undefined) continue;
      references.push({ line, t, source: m[2], id: m[3], name: m[4] ?? '' });
      const key = `${ts[t].type}\u0000${m[2]}:${m[3]}`;
      const other = byReference.get(key);
      if (other === undefined) byReference.set(key, t);
      else union(other, t);
    } else if ((m = /^R\S*\t(\S+) \S+?:(T\S*) \S+?:(T\S*)\s*$/.exec(text))) {
      const a = target(line, m[2]);
      const b = target(line, m[3]);
      if (a !== undefined && b !== undefined) relationLines.push({ line, type: m[1], a, b });
    } else {
      problem(line, `not imported (only T, #AnnotatorNotes, N Reference, R and *Equiv lines are): ${text.slice(0, 40)}`, 'warning');
    }
  }

  // One entity per group, in the order of the groups' first mentions.
  const order = ts.map((_, i) => i).sort((a, b) => ts[a].start - ts[b].start || ts[a].end - ts[b].end || a - b);
  const entityOfRoot = new Map<number, Entity>();
  const entities: Entity[] = [];
  const usedIds = new Set<string>();
  const membersOfRoot = new Map<number, number[]>();
  for (const i of order) {
    const root = find(i);
    const members = membersOfRoot.get(root) ?? [];
    members.push(i);
    membersOfRoot.set(root, members);
  }
  for (const i of order) {
    const root = find(i);
    if (entityOfRoot.has(root)) continue;
    const members = membersOfRoot.get(root) as number[];
    const first = ts[members[0]];
    const named = references.find((r) => find(r.t) === root && r.name.trim() !== '');
    const name = named ? named.name : first.text;
    const id = uniqueSlug(name, usedIds);
    usedIds.add(id);
    const entity: Entity = { id, type: first.type, name };
    for (const k of members) {
      if (ts[k].type !== first.type) problem(ts[k].line, `${ts[k].id} is ${ts[k].type} but belongs with ${first.id} (${first.type}); imported as ${first.type}`, 'warning');
    }
    entityOfRoot.set(root, entity);
    entities.push(entity);
  }
  for (const { line, t, note } of notes) {
    const entity = entityOfRoot.get(find(t)) as Entity;
    if (entity.note === undefined) entity.note = note;
    else if (entity.note !== note) problem(line, `a second note for entity "${entity.id}" is not imported: ${JSON.stringify(note)}`, 'warning');
  }
  for (const { line, t, source, id } of references) {
    const entity = entityOfRoot.get(find(t)) as Entity;
    entity.links ??= {};
    if (entity.links[source] === undefined) entity.links[source] = id;
    else if (entity.links[source] !== id) problem(line, `entity "${entity.id}" already links ${source}:${entity.links[source]}; ${source}:${id} not imported`, 'warning');
  }
  const mentions: Mention[] = ts.map((t, i) => ({ entity: (entityOfRoot.get(find(i)) as Entity).id, start: t.start, end: t.end, text: t.text }));
  mentions.sort(compareMentions);
  const relations: Relation[] = [];
  const seen = new Set<string>();
  for (const { type, a, b } of relationLines) {
    const relation = { type, from: (entityOfRoot.get(find(a)) as Entity).id, to: (entityOfRoot.get(find(b)) as Entity).id };
    const key = `${relation.type}\u0000${relation.from}\u0000${relation.to}`;
    if (!seen.has(key)) relations.push(relation);
    seen.add(key);
  }

  problems.sort((a, b) => a.line - b.line);
  const docId = input.id ?? (input.annPath.split(/[\\/]/).pop() as string).replace(/\.ann$/i, '');
  const wanted = safeFileName(docId);
  const name = input.names ? input.names.take(wanted) : wanted;
  if (name !== wanted) problem(1, `article name "${wanted}.txt" is already taken in this import; written as "${name}.txt"`, 'warning');
  const fileName = `${name}.txt`;
  const annotations: Annotations = { schema: SCHEMA_VERSION, article: fileName, entities, mentions, quotes: [], relations };
  return { document: { id: docId, fileName, text: stored, ...(hadBom ? { hadBom: true } : {}), annotations }, problems };
}

/** 1-based line and column (code points) of the first difference of two LF texts. */
function firstDifference(a: string, b: string): { line: number; column: number } {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const before = a.slice(0, i);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: codePointLength(before.slice(lineStart)) + 1 };
}
