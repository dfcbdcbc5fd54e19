/**
 * Validation of sidecars against schema 1 (DESIGN.md), with one precise problem per finding:
 * file, line (from 1, pointing at the offending YAML node), severity and reason.
 *
 * Structure is checked on the YAML nodes (so every problem has a line); mention and quote text
 * is checked against the article when its text is given. When the article changed since the
 * sidecar was written (sha256 differs), the caller re-anchors first (anchor.ts) and validates
 * the re-anchored sidecar: this module only compares slices.
 */
import type { Document, LineCounter, Pair, Scalar } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import { SCHEMA_VERSION } from './model';
import { codePointLength, OffsetMap, stripBom } from './offsets';
import { implicitYamlType, parseSidecarYaml } from './sidecar';
import type { SidecarDocument } from './sidecar';

export type Severity = 'error' | 'warning';

export interface Problem {
  /** The sidecar's path as it should appear in messages. */
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
  severity: Severity;
  reason: string;
}

export interface ValidateOptions {
  /** The sidecar's path as it should appear in messages. */
  file: string;
  /** The article text (decoded; a leading BOM is ignored): enables the offset and text checks. */
  articleText?: string;
  /** The article's expected file name: enables the `article` field check. */
  articleName?: string;
}

/** `file:line: severity: reason`, the one line format of `seed-annotate validate`. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}: ${p.severity}: ${p.reason}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** A short, one-line rendering of a user string for messages. */
function short(s: string, max = 40): string {
  const oneLine = s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  const cps = Array.from(oneLine);
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : oneLine;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node)) return 'nothing';
  const v = node.value;
  if (v === null || v === undefined) return 'null (empty)';
  if (typeof v === 'string') return `the string ${JSON.stringify(short(v))}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${String(v)}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  if (v instanceof Uint8Array) return 'binary data';
  return 'a value of another type';
}

/** For a plain scalar that YAML read as a non-string: how to write it as a string. */
function quoteHint(node: unknown): string {
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value !== 'string' && typeof node.source === 'string' && node.source !== '') {
    return ` (to keep it as text, quote it: ${JSON.stringify(node.source)})`;
  }
  return '';
}

class Checker {
  readonly problems: Problem[] = [];
  private readonly cps?: number;
  private readonly map?: OffsetMap;

  constructor(
    private readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    articleText: string | undefined,
  ) {
    if (articleText !== undefined) {
      const text = stripBom(articleText);
      this.map = new OffsetMap(text);
      this.cps = codePointLength(text);
    }
  }

  lineOf(node: unknown): { line: number; column: number } {
    const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (!r) return { line: 1, column: 1 };
    const p = this.lines.linePos(r[0]);
    return { line: Math.max(1, p.line), column: Math.max(1, p.col) };
  }

  report(node: unknown, severity: Severity, reason: string): void {
    this.problems.push({ file: this.file, ...this.lineOf(node), severity, reason });
  }

  /** The node an alias stands for (aliases were bounded when the document was read). */
  deref(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  pairs(map: unknown): Map<string, Pair> {
    const out = new Map<string, Pair>();
    if (!isMap(map)) return out;
    for (const p of map.items as Pair[]) {
      const k = this.deref(p.key);
      if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number')) out.set(String(k.value), p);
    }
    return out;
  }

  /** A required or optional string field; returns the string when it is one. */
  string(label: string, fields: Map<string, Pair>, key: string, owner: unknown, required: boolean): string | undefined {
    const pair = fields.get(key);
    if (!pair) {
      if (required) this.report(owner, 'error', `${label}missing required field '${key}'`);
      return undefined;
    }
    const node = this.deref(pair.value);
    if (isScalar(node) && typeof node.value === 'string') return node.value;
    this.report(pair.value ?? pair.key, 'error', `${label}'${key}' must be a string, not ${describe(node)}${quoteHint(node)}`);
    return undefined;
  }

  offset(label: string, fields: Map<string, Pair>, key: string, owner: unknown): number | undefined {
    const pair = fields.get(key);
    if (!pair) {
      this.report(owner, 'error', `${label}missing required field '${key}'`);
      return undefined;
    }
    const node = this.deref(pair.value);
    if (isScalar(node) && typeof node.value === 'number' && Number.isSafeInteger(node.value) && node.value >= 0) return node.value;
    this.report(pair.value ?? pair.key, 'error', `${label}'${key}' must be a non-negative integer (a code-point offset), not ${describe(node)}`);
    return undefined;
  }

  boolean(label: string, fields: Map<string, Pair>, key: string): boolean | undefined {
    const pair = fields.get(key);
    if (!pair) return undefined;
    const node = this.deref(pair.value);
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.report(pair.value ?? pair.key, 'error', `${label}'${key}' must be true or false, not ${describe(node)}`);
    return undefined;
  }

  /** The items of a top-level list (absent or null: none). */
  list(fields: Map<string, Pair>, key: string): unknown[] {
    const pair = fields.get(key);
    if (!pair) return [];
    const node = this.deref(pair.value);
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return [];
    if (isSeq(node)) return node.items;
    this.report(pair.value ?? pair.key, 'error', `'${key}' must be a list, not ${describe(node)}`);
    return [];
  }

  /** Checks a span against the article: bounds, then the text (orphans only warn). */
  span(label: string, owner: unknown, start: number, end: number, text: string | undefined, orphaned: boolean, orphanMessage: string): void {
    if (start >= end) {
      this.report(owner, 'error', `${label}start ${start} >= end ${end}`);
      return;
    }
    if (orphaned) {
      this.report(owner, 'warning', orphanMessage);
      return;
    }
    if (this.map === undefined || this.cps === undefined) return;
    if (end > this.cps) {
      const which = start > this.cps ? `start ${start}` : `end ${end}`;
      this.report(owner, 'error', `${label}${which} is past the end of the article (${this.cps} code points)`);
      return;
    }
    if (text === undefined) return;
    const actual = this.map.slice(start, end);
    if (actual !== text) {
      this.report(owner, 'error', `${label}text differs from the article, which has ${JSON.stringify(short(actual))} at [${start}, ${end})`);
    }
  }

  /** Warns about plain scalars that YAML 1.1 readers (PyYAML) would not read as the same string. */
  yaml11(node: unknown, depth = 0): void {
    if (depth > 64) return;
    if (isMap(node)) {
      for (const p of node.items as Pair[]) this.yaml11(p.value, depth + 1);
    } else if (isSeq(node)) {
      for (const x of node.items) this.yaml11(x, depth + 1);
    } else if (isScalar(node)) {
      const s = node as Scalar;
      if (s.type === 'PLAIN' && typeof s.value === 'string') {
        const kind = implicitYamlType(s.value);
        if (kind && kind !== 'special') {
          // PyYAML leaves y/n alone; other YAML 1.1 readers (go-yaml v2, the 1.1 spec) do not.
          const readers = /^[yn]$/i.test(s.value) ? 'some YAML 1.1 readers' : 'YAML 1.1 readers such as PyYAML';
          this.report(node, 'warning', `${JSON.stringify(s.value)} is read as ${kind === 'null' ? 'null' : `a ${kind}`} by ${readers}: quote it`);
        } else if (kind === 'special') {
          this.report(node, 'warning', `${JSON.stringify(s.value)} cannot be read by YAML 1.1 readers such as PyYAML: quote it`);
        }
      }
    }
  }
}

/**
 * Validates a sidecar (its text, or a parsed document) against schema 1 and, when the article
 * text is given, against the article. Never throws: every failure is a problem.
 */
export function validateSidecar(input: string | SidecarDocument, options: ValidateOptions): Problem[] {
  const { file } = options;
  let doc: Document.Parsed | undefined;
  let lineCounter: LineCounter;
  const problems: Problem[] = [];
  try {
    if (typeof input === 'string') {
      const parsed = parseSidecarYaml(input);
      lineCounter = parsed.lineCounter;
      for (const p of parsed.problems) problems.push({ file, ...p });
      if (parsed.problems.some((p) => p.severity === 'error') || !parsed.doc) return sortProblems(problems);
      doc = parsed.doc;
    } else {
      doc = input.document;
      lineCounter = input.lineCounter;
    }
    const checker = new Checker(file, doc, lineCounter, options.articleText);
    checkDocument(checker, doc, options);
    problems.push(...checker.problems);
  } catch (err) {
    // A bug here must not hide the file: report it as a problem of the file.
    problems.push({ file, line: 1, severity: 'error', reason: `could not validate: ${(err as Error)?.message ?? String(err)}` });
  }
  return sortProblems(problems);
}

const severityRank = (p: Problem) => (p.severity === 'error' ? 0 : 1);

/** By line, then column, errors before warnings at one place. */
function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.line - b.p.line || (a.p.column ?? 0) - (b.p.column ?? 0) || severityRank(a.p) - severityRank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

function checkDocument(c: Checker, doc: Document.Parsed, options: ValidateOptions): void {
  const root = c.deref(doc.contents);
  if (!isMap(root)) {
    c.report(root, 'error', 'a sidecar must be a YAML mapping with schema, article, entities and mentions');
    return;
  }
  const top = c.pairs(root);
  c.yaml11(root);

  // schema
  const schemaPair = top.get('schema');
  if (!schemaPair) c.report(root, 'error', `missing required field 'schema'`);
  else {
    const node = c.deref(schemaPair.value);
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
      c.report(schemaPair.value ?? schemaPair.key, 'error', `'schema' must be an integer, not ${describe(node)}`);
    } else if (node.value !== SCHEMA_VERSION) {
      c.report(node, 'error', `unsupported schema version ${node.value} (this version of Seed Annotator reads schema ${SCHEMA_VERSION})`);
    }
  }

  // article, sha256
  const article = c.string('', top, 'article', root, true);
  if (article === '') c.report(top.get('article')?.value, 'error', `'article' must not be empty`);
  else if (article !== undefined && options.articleName !== undefined && article !== options.articleName) {
    c.report(top.get('article')?.value, 'warning', `article '${article}' does not match the sidecar's file name (expected '${options.articleName}')`);
  }
  const sha = c.string('', top, 'sha256', root, false);
  if (sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha)) c.report(top.get('sha256')?.value, 'error', `'sha256' must be 64 hexadecimal digits`);

  // entities
  const ids = new Map<string, number>();
  c.list(top, 'entities').forEach((raw, i) => {
    const item = c.deref(raw);
    const n = i + 1;
    if (!isMap(item)) {
      c.report(raw, 'error', `entity ${n}: must be a mapping with id, type and name, not ${describe(item)}`);
      return;
    }
    const f = c.pairs(item);
    const idNode = c.deref(f.get('id')?.value);
    const rawId = isScalar(idNode) && typeof idNode.value === 'string' ? idNode.value : undefined;
    const label = rawId ? `entity ${n} (${short(rawId)}): ` : `entity ${n}: `;
    const id = c.string(label, f, 'id', item, true);
    c.string(label, f, 'type', item, true);
    c.string(label, f, 'name', item, true);
    c.string(label, f, 'note', item, false);
    if (id !== undefined) {
      const at = f.get('id')?.value;
      if (id === '') c.report(at, 'error', `entity ${n}: 'id' must not be empty`);
      else if (/\s/u.test(id)) c.report(at, 'error', `entity id '${short(id)}' contains white space`);
      const first = ids.get(id);
      if (first !== undefined) c.report(at, 'error', `duplicate entity id '${short(id)}' (first defined on line ${first})`);
      else ids.set(id, c.lineOf(at).line);
    }
    const aliases = f.get('aliases');
    if (aliases) {
      const node = c.deref(aliases.value);
      const ok = (isSeq(node) && node.items.every((x) => isScalar(c.deref(x)) && typeof (c.deref(x) as Scalar).value === 'string')) || (isScalar(node) && node.value === null);
      if (!ok) c.report(aliases.value ?? aliases.key, 'error', `${label}'aliases' must be a list of strings`);
    }
    const links = f.get('links');
    if (links) {
      const node = c.deref(links.value);
      const ok =
        (isMap(node) && (node.items as Pair[]).every((p) => isScalar(c.deref(p.value)) && typeof (c.deref(p.value) as Scalar).value === 'string')) ||
        (isScalar(node) && node.value === null);
      if (!ok) c.report(links.value ?? links.key, 'error', `${label}'links' must be a mapping of names to strings`);
    }
  });

  const knownEntity = (label: string, pair: Pair | undefined, value: string | undefined, what: string) => {
    if (value !== undefined && !ids.has(value)) c.report(pair?.value ?? pair?.key, 'error', `${label}unknown ${what} '${short(value)}'`);
  };

  // mentions
  const seen = new Map<string, number>();
  c.list(top, 'mentions').forEach((raw, i) => {
    const item = c.deref(raw);
    const n = i + 1;
    if (!isMap(item)) {
      c.report(raw, 'error', `mention ${n}: must be a mapping with entity, start, end and text, not ${describe(item)}`);
      return;
    }
    const f = c.pairs(item);
    const textNode = c.deref(f.get('text')?.value);
    const rawText = isScalar(textNode) && typeof textNode.value === 'string' ? textNode.value : undefined;
    const label = rawText !== undefined ? `mention ${n} (${short(rawText)}): ` : `mention ${n}: `;
    const entity = c.string(label, f, 'entity', item, true);
    const start = c.offset(label, f, 'start', item);
    const end = c.offset(label, f, 'end', item);
    const text = c.string(label, f, 'text', item, true);
    for (const k of ['before', 'after', 'by']) c.string(label, f, k, item, false);
    const orphaned = c.boolean(label, f, 'orphaned') === true;
    knownEntity(label, f.get('entity'), entity, 'entity');
    if (start !== undefined && end !== undefined) {
      c.span(label, item, start, end, text, orphaned, `orphaned mention '${short(text ?? '')}' (entity ${entity ?? '?'})`);
      if (entity !== undefined) {
        const key = `${entity}\u0000${start}\u0000${end}`;
        const first = seen.get(key);
        if (first !== undefined) c.report(item, 'warning', `${label}same entity and offsets as mention ${first}`);
        else seen.set(key, n);
      }
    }
  });

  // quotes
  c.list(top, 'quotes').forEach((raw, i) => {
    const item = c.deref(raw);
    const n = i + 1;
    if (!isMap(item)) {
      c.report(raw, 'error', `quote ${n}: must be a mapping with start, end and text, not ${describe(item)}`);
      return;
    }
    const f = c.pairs(item);
    const textNode = c.deref(f.get('text')?.value);
    const rawText = isScalar(textNode) && typeof textNode.value === 'string' ? textNode.value : undefined;
    const label = rawText !== undefined ? `quote ${n} (${short(rawText)}): ` : `quote ${n}: `;
    const start = c.offset(label, f, 'start', item);
    const end = c.offset(label, f, 'end', item);
    const text = c.string(label, f, 'text', item, true);
    const speaker = c.string(label, f, 'speaker', item, false);
    for (const k of ['before', 'after']) c.string(label, f, k, item, false);
    const orphaned = c.boolean(label, f, 'orphaned') === true;
    knownEntity(label, f.get('speaker'), speaker, 'speaker');
    if (start !== undefined && end !== undefined) c.span(label, item, start, end, text, orphaned, `orphaned quote '${short(text ?? '')}'`);
  });

  // relations
  c.list(top, 'relations').forEach((raw, i) => {
    const item = c.deref(raw);
    const n = i + 1;
    if (!isMap(item)) {
      c.report(raw, 'error', `relation ${n}: must be a mapping with type, from and to, not ${describe(item)}`);
      return;
    }
    const f = c.pairs(item);
    const typeNode = c.deref(f.get('type')?.value);
    const rawType = isScalar(typeNode) && typeof typeNode.value === 'string' ? typeNode.value : undefined;
    const label = rawType !== undefined ? `relation ${n} (${short(rawType)}): ` : `relation ${n}: `;
    c.string(label, f, 'type', item, true);
    const from = c.string(label, f, 'from', item, true);
    const to = c.string(label, f, 'to', item, true);
    knownEntity(label, f.get('from'), from, `entity in 'from':`);
    knownEntity(label, f.get('to'), to, `entity in 'to':`);
  });
}
