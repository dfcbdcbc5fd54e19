/**
 * Safe persistence of sidecars: the only code that reads and writes sidecar files.
 *
 * - Writes are atomic: a temp file in the same folder, fsynced, renamed over the sidecar
 *   (`write-file-atomic`), then the folder is fsynced so the rename survives a power cut.
 * - A save states the hash of the bytes it last read; when the file on disk no longer has that
 *   hash (another editor, a git checkout, a second window), the save is refused with a conflict
 *   and the caller merges (`mergeAnnotations`, `saveSidecarMerging`) or asks.
 * - A sidecar that fails to parse or validate is never written, and one on disk that fails is
 *   never overwritten.
 * - Failures are values with file, line and reason, never exceptions with stack traces.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { compareMentions } from './model';
import type { Annotations } from './model';
import { annotationsToPlain, MAX_SIDECAR_BYTES, readAnnotations, sha256Hex, SidecarDocument, SidecarParseError } from './sidecar';
import { hasErrors, validateSidecar } from './validate';
import type { Problem } from './validate';

export interface PersistOptions {
  /** The path to show in problems (e.g. relative to the working folder); default: the path given. */
  file?: string;
}

export interface LoadedSidecar {
  ok: true;
  sidecar: SidecarDocument;
  /** SHA-256 of the bytes read: pass it to `saveSidecar` as the expected disk state. */
  diskHash: string;
  mtimeMs: number;
  /** Warnings only (a sidecar with errors is not loaded). */
  problems: Problem[];
}

export interface LoadFailure {
  ok: false;
  /** `missing`: no such file (a new sidecar); `unreadable`: I/O error; `invalid`: does not parse or validate. */
  reason: 'missing' | 'unreadable' | 'invalid';
  problems: Problem[];
}

export type LoadResult = LoadedSidecar | LoadFailure;

export type SaveResult =
  | { ok: true; diskHash: string; mtimeMs: number; written: boolean }
  | { ok: false; reason: 'conflict'; diskHash: string | null; diskText?: string; problems: Problem[] }
  | { ok: false; reason: 'invalid' | 'io'; problems: Problem[] };

function problem(file: string, reason: string, line = 1): Problem {
  return { file, line, severity: 'error', reason };
}

function ioReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.message ? `: ${e.message.replace(/^\w+: /, '')}` : ''}` : String((err as Error)?.message ?? err);
}

/** Decodes sidecar bytes as UTF-8 (a BOM is kept, so an unchanged file is written back as it was). */
export function decodeSidecarBytes(bytes: Uint8Array, file: string): { text: string } | { problems: Problem[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    let line = 1;
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    for (let i = 0; i < bad; i++) if (lossy.charCodeAt(i) === 10) line++;
    return { problems: [problem(file, 'not valid UTF-8 text', line)] };
  }
}

async function readIfExists(filePath: string): Promise<Buffer | null> {
  try {
    return await fs.readFile(filePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Reads, parses and validates (structure only: the article may have changed) a sidecar. */
export async function loadSidecar(filePath: string, options: PersistOptions = {}): Promise<LoadResult> {
  const file = options.file ?? filePath;
  let bytes: Buffer;
  let mtimeMs: number;
  try {
    const stat = await fs.stat(filePath);
    if (stat.isDirectory()) return { ok: false, reason: 'unreadable', problems: [problem(file, 'is a folder, not a sidecar file')] };
    if (stat.size > MAX_SIDECAR_BYTES) {
      return { ok: false, reason: 'invalid', problems: [problem(file, `sidecar too large (${(stat.size / 1048576).toFixed(1)} MB; the limit is ${MAX_SIDECAR_BYTES / 1048576} MB)`)] };
    }
    bytes = await fs.readFile(filePath);
    mtimeMs = stat.mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing', problems: [] };
    return { ok: false, reason: 'unreadable', problems: [problem(file, `could not read: ${ioReason(err)}`)] };
  }
  const decoded = decodeSidecarBytes(bytes, file);
  if ('problems' in decoded) return { ok: false, reason: 'invalid', problems: decoded.problems };
  const problems = validateSidecar(decoded.text, { file });
  if (hasErrors(problems)) return { ok: false, reason: 'invalid', problems };
  try {
    return { ok: true, sidecar: SidecarDocument.parse(decoded.text), diskHash: sha256Hex(bytes), mtimeMs, problems };
  } catch (err) {
    const line = err instanceof SidecarParseError ? err.line : 1;
    const reason = err instanceof SidecarParseError ? err.reason : String((err as Error)?.message ?? err);
    return { ok: false, reason: 'invalid', problems: [problem(file, reason, line)] };
  }
}

/** Best effort: makes a rename in the folder durable. Not supported everywhere (Windows). */
async function fsyncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // A folder that cannot be opened or synced still got the atomic rename.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes a sidecar atomically, unless the file on disk is no longer the one that was read:
 * `expectedDiskHash` is the `diskHash` of the load (null or undefined: the file must not exist
 * yet; there is no "skip the check"). The
 * check is made right before the write. Content that does not parse and validate is refused.
 */
export async function saveSidecar(
  filePath: string,
  content: SidecarDocument | string,
  expectedDiskHash: string | null | undefined,
  options: PersistOptions = {},
): Promise<SaveResult> {
  const file = options.file ?? filePath;
  const text = content.toString();
  const problems = validateSidecar(text, { file });
  if (hasErrors(problems)) return { ok: false, reason: 'invalid', problems };
  const bytes = Buffer.from(text, 'utf8');
  const newHash = sha256Hex(bytes);
  try {
    const current = await readIfExists(filePath);
    const currentHash = current ? sha256Hex(current) : null;
    if (currentHash !== (expectedDiskHash ?? null)) {
      const decoded = current ? decodeSidecarBytes(current, file) : undefined;
      return {
        ok: false,
        reason: 'conflict',
        diskHash: currentHash,
        diskText: decoded && 'text' in decoded ? decoded.text : undefined,
        problems: [problem(file, current ? 'the sidecar changed on disk since it was read; not overwritten' : 'the sidecar was deleted on disk since it was read; not written')],
      };
    }
    if (currentHash === newHash) {
      const stat = await fs.stat(filePath);
      return { ok: true, diskHash: newHash, mtimeMs: stat.mtimeMs, written: false };
    }
    await writeFileAtomic(filePath, bytes, { fsync: true });
    await fsyncFolder(path.dirname(path.resolve(filePath)));
    const stat = await fs.stat(filePath);
    return { ok: true, diskHash: newHash, mtimeMs: stat.mtimeMs, written: true };
  } catch (err) {
    return { ok: false, reason: 'io', problems: [problem(file, `could not write: ${ioReason(err)}`)] };
  }
}

// ---------------------------------------------------------------------------------------------
// Three-way merge of two versions of one sidecar

export interface MergeConflict {
  kind: 'entity' | 'mention' | 'quote' | 'relation' | 'sha256';
  /** The item: an entity id, `entity@start-end` for a mention, `start-end` for a quote. */
  key: string;
  field?: string;
  /** What the merge did, in words (for a notification or a log). */
  resolution: string;
}

export interface MergeResult {
  annotations: Annotations;
  conflicts: MergeConflict[];
}

type Plain = Record<string, unknown>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Merges a set of items (union of additions, deletions where the other side did not change the item). */
function mergeSet(
  kind: MergeConflict['kind'],
  base: Plain[] | undefined,
  ours: Plain[],
  theirs: Plain[],
  keyOf: (x: Plain) => string,
  mergeItem: (b: Plain | undefined, o: Plain, t: Plain, key: string) => Plain,
  conflicts: MergeConflict[],
): Plain[] {
  const index = (xs: Plain[]) => {
    const m = new Map<string, Plain>();
    for (const x of xs) if (!m.has(keyOf(x))) m.set(keyOf(x), x);
    return m;
  };
  const b = base ? index(base) : undefined;
  const o = index(ours);
  const t = index(theirs);
  const out: Plain[] = [];
  const oneSide = (key: string, mine: Plain, side: 'here' | 'on disk') => {
    const was = b?.get(key);
    if (!b || was === undefined) return mine; // added on one side
    if (same(was, mine)) return undefined; // deleted on the other side, unchanged here
    conflicts.push({ kind, key, resolution: `changed ${side}, deleted ${side === 'here' ? 'on disk' : 'here'}: kept` });
    return mine;
  };
  for (const [key, x] of o) {
    const y = t.get(key);
    const merged = y ? mergeItem(b?.get(key), x, y, key) : oneSide(key, x, 'here');
    if (merged) out.push(merged);
  }
  for (const [key, y] of t) {
    if (o.has(key)) continue;
    const merged = oneSide(key, y, 'on disk');
    if (merged) out.push(merged);
  }
  return out;
}

/** Field by field: a field changed on one side only takes that change; changed on both, ours wins. */
function mergeFields(kind: MergeConflict['kind'], key: string, b: Plain | undefined, o: Plain, t: Plain, conflicts: MergeConflict[], special: Record<string, (b: unknown, o: unknown, t: unknown) => unknown> = {}): Plain {
  const out: Plain = {};
  const fields = [...new Set([...Object.keys(o), ...Object.keys(t)])];
  for (const f of fields) {
    const bv = b?.[f];
    const ov = o[f];
    const tv = t[f];
    let v: unknown;
    if (special[f]) v = special[f](bv, ov, tv);
    else if (same(ov, tv)) v = ov;
    else if (b && same(bv, ov)) v = tv;
    else if (b && same(bv, tv)) v = ov;
    else {
      v = ov;
      conflicts.push({ kind, key, field: f, resolution: `'${f}' differs here and on disk: kept this side's` });
    }
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** Aliases: additions from both sides, removals from either side. */
function mergeAliases(b: unknown, o: unknown, t: unknown): string[] | undefined {
  const list = (x: unknown) => (Array.isArray(x) ? (x as string[]) : []);
  const bs = new Set(list(b));
  const os = new Set(list(o));
  const ts = new Set(list(t));
  const out = [...os, ...[...ts].filter((a) => !os.has(a))].filter((a) => (os.has(a) && ts.has(a)) || !bs.has(a));
  return out.length > 0 ? out : undefined;
}

/**
 * Merges two versions of one sidecar: `ours` (in memory) and `theirs` (on disk), with `base`
 * (the version both started from) when known. Rules:
 * - mentions by (entity, start, end), quotes by (start, end), relations by (type, from, to),
 *   entities by id; an item added on either side is kept; an item deleted on one side is
 *   deleted when the other side left it unchanged (without a base nothing counts as deleted);
 * - a field changed on one side only takes that change; a field changed on both sides keeps
 *   ours and is reported; entity aliases are merged as sets and links key by key;
 * - an entity still referenced by a merged mention, quote or relation is never dropped;
 * - mentions are sorted; entities keep our order, with theirs' new ones appended;
 * - `schema` and `article` are ours; a different `sha256` is reported and ours is kept (the two
 *   sides were anchored to different versions of the article: re-anchor theirs first).
 */
export function mergeAnnotations(base: Annotations | undefined, ours: Annotations, theirs: Annotations): MergeResult {
  const conflicts: MergeConflict[] = [];
  const pb = base ? annotationsToPlain(base) : undefined;
  const po = annotationsToPlain(ours);
  const pt = annotationsToPlain(theirs);
  const list = (p: Plain | undefined, k: string) => (p ? ((p[k] as Plain[] | undefined) ?? []) : undefined);

  const mentions = mergeSet(
    'mention',
    list(pb, 'mentions'),
    list(po, 'mentions') ?? [],
    list(pt, 'mentions') ?? [],
    (m) => `${m.entity}@${m.start}-${m.end}`,
    (b, o, t, key) => mergeFields('mention', key, b, o, t, conflicts),
    conflicts,
  );
  const quotes = mergeSet(
    'quote',
    list(pb, 'quotes'),
    list(po, 'quotes') ?? [],
    list(pt, 'quotes') ?? [],
    (q) => `${q.start}-${q.end}`,
    (b, o, t, key) => mergeFields('quote', key, b, o, t, conflicts),
    conflicts,
  );
  const relations = mergeSet(
    'relation',
    list(pb, 'relations'),
    list(po, 'relations') ?? [],
    list(pt, 'relations') ?? [],
    (r) => JSON.stringify([r.type, r.from, r.to]),
    (_b, o) => o,
    conflicts,
  );
  const entities = mergeSet(
    'entity',
    list(pb, 'entities'),
    list(po, 'entities') ?? [],
    list(pt, 'entities') ?? [],
    (e) => String(e.id),
    (b, o, t, key) =>
      mergeFields('entity', key, b, o, t, conflicts, {
        aliases: mergeAliases,
        links: (bl, ol, tl) => {
          const m = mergeFields('entity', key, (bl as Plain) ?? (b ? {} : undefined), (ol as Plain) ?? {}, (tl as Plain) ?? {}, conflicts);
          return Object.keys(m).length > 0 ? m : undefined;
        },
      }),
    conflicts,
  );

  // Never leave a reference dangling: restore an entity that one side deleted but that is used.
  const ids = new Set(entities.map((e) => String(e.id)));
  const used = [
    ...mentions.map((m) => String(m.entity)),
    ...quotes.filter((q) => q.speaker !== undefined).map((q) => String(q.speaker)),
    ...relations.flatMap((r) => [String(r.from), String(r.to)]),
  ];
  for (const id of used) {
    if (ids.has(id)) continue;
    const source = [po, pt, pb].map((p) => list(p, 'entities')?.find((e) => e.id === id)).find((e) => e !== undefined);
    if (!source) continue;
    entities.push(source);
    ids.add(id);
    conflicts.push({ kind: 'entity', key: id, resolution: 'deleted on one side but still referenced on the other: kept' });
  }

  if (ours.sha256 !== theirs.sha256) {
    conflicts.push({
      kind: 'sha256',
      key: 'sha256',
      resolution: 'the two versions were anchored to different versions of the article: kept this side\'s sha256 (re-anchor the other side first)',
    });
  }
  const merged = readAnnotations({ schema: ours.schema, article: ours.article, sha256: ours.sha256, entities, mentions, quotes, relations });
  if (ours.sha256 === undefined) delete merged.sha256;
  merged.mentions.sort(compareMentions);
  merged.quotes.sort((a, b) => a.start - b.start || a.end - b.end);
  return { annotations: merged, conflicts };
}

/** The merged model alone (`mergeAnnotations` also lists the conflicts it resolved). */
export function mergeMentionSets(base: Annotations | undefined, ours: Annotations, theirs: Annotations): Annotations {
  return mergeAnnotations(base, ours, theirs).annotations;
}

export type MergingSaveResult =
  | { ok: true; diskHash: string; mtimeMs: number; written: boolean; merged: boolean; conflicts: MergeConflict[]; sidecar: SidecarDocument }
  | { ok: false; reason: 'conflict' | 'invalid' | 'io'; problems: Problem[] };

/**
 * Saves `ours`; when the file changed on disk, merges ours into the disk version (keeping the
 * disk file's layout and comments) and saves that instead. A disk version that does not parse
 * is never overwritten (a conflict is returned). `base` is the model as it was last loaded.
 */
export async function saveSidecarMerging(
  filePath: string,
  ours: SidecarDocument,
  expectedDiskHash: string | null | undefined,
  base?: Annotations,
  options: PersistOptions = {},
): Promise<MergingSaveResult> {
  const first = await saveSidecar(filePath, ours, expectedDiskHash, options);
  if (first.ok) return { ...first, merged: false, conflicts: [], sidecar: ours };
  if (first.reason !== 'conflict') return first;
  let last: SaveResult = first;
  for (let attempt = 0; attempt < 3; attempt++) {
    const disk = await loadSidecar(filePath, options);
    if (!disk.ok && disk.reason === 'missing') {
      // Deleted on disk: writing ours back loses nothing of theirs.
      const r = await saveSidecar(filePath, ours, null, options);
      if (r.ok) return { ...r, merged: true, conflicts: [], sidecar: ours };
      last = r;
      if (r.reason !== 'conflict') return r;
      continue;
    }
    if (!disk.ok) {
      return { ok: false, reason: 'conflict', problems: [...first.problems, ...disk.problems] };
    }
    const result = mergeAnnotations(base, ours.annotations, disk.sidecar.annotations);
    try {
      disk.sidecar.setAnnotations(result.annotations);
    } catch (err) {
      return { ok: false, reason: 'conflict', problems: [problem(options.file ?? filePath, `could not merge: ${(err as Error).message}`)] };
    }
    const r = await saveSidecar(filePath, disk.sidecar, disk.diskHash, options);
    if (r.ok) return { ...r, merged: true, conflicts: result.conflicts, sidecar: disk.sidecar };
    last = r;
    if (r.reason !== 'conflict') return r;
  }
  return last.ok ? { ok: false, reason: 'io', problems: [] } : { ok: false, reason: last.reason, problems: last.problems };
}
