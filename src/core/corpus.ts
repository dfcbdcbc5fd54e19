/**
 * The corpus index: every sidecar of a workspace (or of the CLI's arguments) loaded once, kept up
 * to date file by file, and queried without reading files again. The entities tree, workspace
 * counts, "Go to Symbol in Workspace", Find All References and alias suggestions all read it.
 *
 * - Loading is incremental: `build(paths)` stats every sidecar and parses only those that are new
 *   or whose size or mtime changed since they were indexed or cached (`corpusCache.ts`). Parsing
 *   goes through `loadSidecarModel` (the canonical-layout fast path, the full YAML parser as
 *   fallback). The article's first bytes give the date and title shown in the tree.
 * - It never blocks for long: `build` works in slices of a few milliseconds (reading the cache,
 *   reading sidecars, merging workspace entities) and yields to the event loop between them,
 *   reports progress and honours cancellation. While it runs, workspace-wide queries answer from
 *   the last completed merge; the `build` change event says when the new one is there.
 * - `update`, `remove` and `rename` cost one file; workspace entities (`entityMerge.ts`) are
 *   merged again only for the clusters that file touches, on the next query.
 * - It is compact: an entity declared the same way in many sidecars is one shared, frozen object,
 *   and mentions are packed (`CorpusEntry.mentions()` makes objects on demand).
 * - Queries return views of the indexed data: treat them as read-only.
 *
 * The extension builds one index over every sidecar of the workspace (`discoverSidecars` or its
 * file watcher), with a `cachePath` in its storage, and calls `update`/`remove`/`rename` from its
 * watcher (debounced) and `saveCache` now and then; the CLI builds one over its arguments,
 * without a cache.
 *
 * Paths are keys exactly as given (the extension passes absolute `fsPath`s); a path given for an
 * article (`.txt`) is mapped to its sidecar by the suffix. Offsets are code points (DESIGN.md).
 */
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { articleTitle, DATED_FIRST_LINE_SOURCE } from './article';
import { ORPHANED, packMentions, readCache, SPAN_STRIDE, ValuePool, writeCache } from './corpusCache';
import type { EntryData } from './corpusCache';
import { EntityMergeIndex, normalizeName } from './entityMerge';
import type { MergeChanges, MergedEntity } from './entityMerge';
import type { CodePointOffset, Entity } from './model';
import { articlePathFor, DEFAULT_SIDECAR_SUFFIX, MAX_SIDECAR_BYTES, sidecarPathFor } from './sidecar';
import { loadSidecarModel } from './sidecarFastPath';
import type { Problem } from './validate';

export { loadSidecarModel } from './sidecarFastPath';
export type { SidecarLoad } from './sidecarFastPath';
export { normalizeName } from './entityMerge';
export type { MergedEntity, EntityMember, MergeChanges } from './entityMerge';

// ---------------------------------------------------------------------------------------------
// Entries

/** What the index keeps of a mention: no context (read the sidecar for that). */
export interface IndexedMention {
  /** The entity id, within its sidecar. */
  entity: string;
  start: CodePointOffset;
  end: CodePointOffset;
  text: string;
  orphaned?: boolean;
}

/**
 * One sidecar and its article, as indexed. Mentions are stored packed: `mentions()` makes
 * objects on each call, so keep the array when you need it more than once.
 */
export interface CorpusEntry {
  readonly sidecarPath: string;
  readonly articlePath: string;
  /** The sidecar's size in bytes and mtime when it was read: the cache key. */
  readonly size: number;
  readonly mtimeMs: number;
  /** The article's size and mtime when its first bytes were read; -1 when it is missing. */
  readonly articleSize: number;
  readonly articleMtimeMs: number;
  /** `YYYY-MM-DD` of the article's header, when it has one. */
  readonly date?: string;
  /** The article's first sentence, shortened (`articleTitle`); empty when the article is missing. */
  readonly title: string;
  /** In the sidecar's order. */
  readonly entities: readonly Entity[];
  readonly mentionCount: number;
  readonly quoteCount: number;
  readonly relationCount: number;
  /** Why the sidecar could not be read (then it has no entities and mentions). */
  readonly problems?: readonly Problem[];
  /** The mentions, in the sidecar's order (sorted by start, end, entity in a canonical file). */
  mentions(): IndexedMention[];
  /** The mentions of one entity id, in the sidecar's order. */
  mentionsOf(entityId: string): IndexedMention[];
  /** Mentions of each entity, in entity order. */
  mentionCounts(): Uint32Array;
  /** Number of orphaned mentions. */
  readonly orphanCount: number;
}

/** `CorpusEntry` over the packed storage form. */
class Entry implements CorpusEntry {
  readonly sidecarPath: string;
  readonly articlePath: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly articleSize: number;
  readonly articleMtimeMs: number;
  readonly date?: string;
  readonly title: string;
  readonly entities: Entity[];
  readonly quoteCount: number;
  readonly relationCount: number;
  readonly problems?: Problem[];
  private readonly spans: Int32Array | Float64Array;
  private readonly texts: string[];
  private readonly dangling: string[];
  private counts?: Uint32Array;

  constructor(d: EntryData) {
    this.sidecarPath = d.sidecarPath;
    this.articlePath = d.articlePath;
    this.size = d.size;
    this.mtimeMs = d.mtimeMs;
    this.articleSize = d.articleSize;
    this.articleMtimeMs = d.articleMtimeMs;
    if (d.date !== undefined) this.date = d.date;
    this.title = d.title;
    this.entities = d.entities;
    this.spans = d.spans;
    this.texts = d.texts;
    this.dangling = d.dangling;
    this.quoteCount = d.quoteCount;
    this.relationCount = d.relationCount;
    if (d.problems) this.problems = d.problems;
  }

  /** The storage form (shares the arrays). */
  data(): EntryData {
    const d: EntryData = {
      sidecarPath: this.sidecarPath,
      articlePath: this.articlePath,
      size: this.size,
      mtimeMs: this.mtimeMs,
      articleSize: this.articleSize,
      articleMtimeMs: this.articleMtimeMs,
      title: this.title,
      entities: this.entities,
      spans: this.spans,
      texts: this.texts,
      dangling: this.dangling,
      quoteCount: this.quoteCount,
      relationCount: this.relationCount,
    };
    if (this.date !== undefined) d.date = this.date;
    if (this.problems) d.problems = this.problems;
    return d;
  }

  with(changes: Partial<EntryData>): Entry {
    const d = { ...this.data(), ...changes };
    if ('date' in changes && changes.date === undefined) delete d.date;
    return new Entry(d);
  }

  get mentionCount(): number {
    return this.texts.length;
  }

  get orphanCount(): number {
    let n = 0;
    for (let o = 3; o < this.spans.length; o += SPAN_STRIDE) if (this.spans[o] & ORPHANED) n++;
    return n;
  }

  private mention(i: number): IndexedMention {
    const o = i * SPAN_STRIDE;
    const ref = this.spans[o + 2];
    const m: IndexedMention = {
      entity: ref >= 0 ? this.entities[ref].id : this.dangling[-1 - ref],
      start: this.spans[o],
      end: this.spans[o + 1],
      text: this.texts[i],
    };
    if (this.spans[o + 3] & ORPHANED) m.orphaned = true;
    return m;
  }

  mentions(): IndexedMention[] {
    const out: IndexedMention[] = new Array(this.texts.length);
    for (let i = 0; i < out.length; i++) out[i] = this.mention(i);
    return out;
  }

  mentionsOf(entityId: string): IndexedMention[] {
    const out: IndexedMention[] = [];
    for (let i = 0; i < this.texts.length; i++) {
      const ref = this.spans[i * SPAN_STRIDE + 2];
      const id = ref >= 0 ? this.entities[ref].id : this.dangling[-1 - ref];
      if (id === entityId) out.push(this.mention(i));
    }
    return out;
  }

  mentionCounts(): Uint32Array {
    if (!this.counts) {
      const counts = new Uint32Array(this.entities.length);
      for (let o = 2; o < this.spans.length; o += SPAN_STRIDE) {
        const ref = this.spans[o];
        if (ref >= 0) counts[ref]++;
      }
      this.counts = counts;
    }
    return this.counts;
  }
}

/** An article of the index, for lists. */
export interface ArticleSummary {
  articlePath: string;
  sidecarPath: string;
  date?: string;
  title: string;
  entityCount: number;
  mentionCount: number;
  orphanCount: number;
  problems?: Problem[];
}

/** An entity of one article with its mentions there. */
export interface ArticleEntity {
  entity: Entity;
  /** Key of the workspace entity it belongs to. */
  key: string;
  mentions: IndexedMention[];
}

/** A workspace entity: the entities of several sidecars that are the same (entityMerge.ts), with its counts. */
export type WorkspaceEntity = MergedEntity;

/** The mentions of one workspace entity in one article. */
export interface ArticleMentions {
  articlePath: string;
  sidecarPath: string;
  date?: string;
  title: string;
  /** The entities of this article that belong to the workspace entity. */
  entities: Entity[];
  /** Sorted by start. */
  mentions: IndexedMention[];
}

export interface EntityCounts {
  /** Mentions in the given article (0 when counting a workspace entity). */
  inArticle: number;
  /** Mentions of the workspace entity in every article. */
  inWorkspace: number;
  /** Articles that mention it. */
  articles: number;
}

export interface EntityMatch {
  entity: WorkspaceEntity;
  /** Higher is better. */
  score: number;
  /** The name or alias that matched. */
  matched: string;
}

export interface OrphanedMention {
  articlePath: string;
  sidecarPath: string;
  mention: IndexedMention;
}

/** What changed; names files, so a view refreshes only what it shows of them. */
export interface CorpusChange {
  kind: 'build' | 'update' | 'remove' | 'rename' | 'clear';
  /** Sidecars added, re-read or removed. */
  sidecars: string[];
  /** Their articles. */
  articles: string[];
  /** For `rename`: the old and new sidecar paths. */
  renamed?: { from: string; to: string };
}

export interface Disposable {
  dispose(): void;
}

/** A VS Code `CancellationToken` fits here, as does an `AbortSignal`. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

export interface CorpusIndexOptions {
  /** Sidecar suffix (DESIGN.md): `name.txt` ↔ `name` + suffix. */
  suffix?: string;
  /** Where to keep the cache (the extension's storage); none when absent. */
  cachePath?: string;
  /** Longest stretch of work between two yields to the event loop, in ms (default 8). */
  sliceMs?: number;
}

export interface BuildOptions {
  signal?: AbortSignal | CancellationLike;
  /** Called now and then with the number of sidecars done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Write the cache when the build changed anything (default true when a cachePath is set). */
  saveCache?: boolean;
}

/** Counters, for tests and benchmarks. */
export interface CorpusStats {
  /** Sidecars parsed (fast path + fallback). */
  parsed: number;
  fastPath: number;
  fallback: number;
  /** Entries taken from the cache file without parsing. */
  fromCache: number;
  /** Article heads read. */
  articleHeads: number;
}

/** The error a cancelled `build` rejects with. */
export class CorpusBuildCancelled extends Error {
  constructor() {
    super('corpus indexing was cancelled');
    this.name = 'AbortError';
  }
}

// ---------------------------------------------------------------------------------------------
// Reading files

/** Bytes of the article read for its date and title. */
export const ARTICLE_HEAD_BYTES = 512;
const DATED = new RegExp(DATED_FIRST_LINE_SOURCE, 'u');

/** An article's stat and what its first bytes say. */
interface ArticleHead {
  /** -1 when the article is missing or unreadable. */
  size: number;
  mtimeMs: number;
  date?: string;
  title: string;
}

/** Date and title from an article's first bytes (a possibly cut UTF-8 sequence at the end is dropped). */
export function articleHead(bytes: Uint8Array): { date?: string; title: string } {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  text = text.replace(/\uFFFD+$/u, '');
  const m = DATED.exec(text);
  const out: { date?: string; title: string } = { title: articleTitle(text) };
  if (m) out.date = m[0].slice(-10);
  return out;
}

const headBuffer = Buffer.alloc(ARTICLE_HEAD_BYTES);

/** Reads an article's stat and head; size -1 when it is missing or unreadable. */
function readArticleHeadSync(articlePath: string): ArticleHead {
  let fd: number | undefined;
  try {
    fd = fs.openSync(articlePath, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { size: -1, mtimeMs: -1, title: '' };
    const n = fs.readSync(fd, headBuffer, 0, ARTICLE_HEAD_BYTES, 0);
    return { size: st.size, mtimeMs: st.mtimeMs, ...articleHead(headBuffer.subarray(0, n)) };
  } catch {
    return { size: -1, mtimeMs: -1, title: '' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

async function readArticleHead(articlePath: string): Promise<ArticleHead> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(articlePath, 'r');
    const st = await handle.stat();
    if (!st.isFile()) return { size: -1, mtimeMs: -1, title: '' };
    const buf = Buffer.alloc(ARTICLE_HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, ARTICLE_HEAD_BYTES, 0);
    return { size: st.size, mtimeMs: st.mtimeMs, ...articleHead(buf.subarray(0, bytesRead)) };
  } catch {
    return { size: -1, mtimeMs: -1, title: '' };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** A file's bytes and stat (one open); undefined when it is missing or not a file. */
function readWithStatSync(p: string): { bytes: Buffer; size: number; mtimeMs: number } | Error | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_SIDECAR_BYTES) return new Error(tooLarge(st.size));
    const bytes = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const got = fs.readSync(fd, bytes, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return { bytes: n === st.size ? bytes : bytes.subarray(0, n), size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' ? undefined : (err as Error);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function tooLarge(size: number): string {
  return `sidecar too large (${(size / 1048576).toFixed(1)} MB; the limit is ${MAX_SIDECAR_BYTES / 1048576} MB)`;
}

function statSync(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function isCancelled(signal: BuildOptions['signal']): boolean {
  if (!signal) return false;
  return 'aborted' in signal ? signal.aborted : signal.isCancellationRequested;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------------------------------------
// Text similarity (queries)

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  const t = ` ${s} `;
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** How well a query matches a normalised name, 0 (not at all) to 100 (equal). */
function matchScore(query: string, name: string): number {
  if (query === '') return 1;
  if (name === query) return 100;
  if (name.startsWith(query)) return 90 - Math.min(20, name.length - query.length);
  const at = name.indexOf(query);
  if (at >= 0) return (name[at - 1] === ' ' || name[at - 1] === '-' ? 75 : 60) - Math.min(20, name.length - query.length);
  // A subsequence: every query character in order (fuzzy, as VS Code's quick open).
  let j = 0;
  let gaps = 0;
  for (let i = 0; i < name.length && j < query.length; i++) {
    if (name[i] === query[j]) j++;
    else if (j > 0) gaps++;
  }
  if (j < query.length) return 0;
  return Math.max(1, 40 - gaps);
}

// ---------------------------------------------------------------------------------------------
// The index

export class CorpusIndex {
  readonly suffix: string;
  private readonly cachePath?: string;
  private readonly sliceMs: number;
  private readonly bySidecar = new Map<string, Entry>();
  private readonly byArticle = new Map<string, string>();
  private readonly merge = new EntityMergeIndex();
  /** Sidecars whose entities changed since the merge index last saw them. */
  private readonly mergeDirty = new Set<string>();
  private readonly listeners = new Set<(change: CorpusChange) => void>();
  private readonly pool = new ValuePool();
  /** Entries read from the cache file, not yet checked against the disk. */
  private cached?: Map<string, EntryData>;
  private cacheLoaded = false;
  private cacheDirty = false;
  private buildGeneration = 0;
  /** Builds under way. */
  private building = 0;
  /** Bumped on every change; query caches are keyed by it. */
  private version = 0;
  private queryCache: { version: number; entities?: WorkspaceEntity[]; byType?: Map<string, WorkspaceEntity[]> } = { version: -1 };
  readonly stats: CorpusStats = { parsed: 0, fastPath: 0, fallback: 0, fromCache: 0, articleHeads: 0 };

  constructor(options: CorpusIndexOptions = {}) {
    this.suffix = options.suffix ?? DEFAULT_SIDECAR_SUFFIX;
    this.cachePath = options.cachePath;
    this.sliceMs = options.sliceMs ?? 8;
  }

  // -- listeners -------------------------------------------------------------------------------

  /** Calls `listener` after every change; returns its disposable. */
  onDidChange(listener: (change: CorpusChange) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(change: CorpusChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A failing listener must not break the index or the other listeners.
      }
    }
  }

  // -- paths -----------------------------------------------------------------------------------

  /** The sidecar path for a sidecar or article path. */
  sidecarOf(p: string): string {
    if (p.endsWith(this.suffix)) return p;
    return sidecarPathFor(p, this.suffix);
  }

  private articleOf(sidecarPath: string): string {
    return articlePathFor(sidecarPath, this.suffix) ?? `${sidecarPath}.txt`;
  }

  // -- loading ---------------------------------------------------------------------------------

  /** Reads the cache file once; later `build`s take unchanged sidecars from it. */
  async loadCache(): Promise<number> {
    if (this.cacheLoaded || !this.cachePath) return 0;
    this.cacheLoaded = true;
    this.cached = await readCache(this.cachePath, this.suffix, { pool: this.pool, sliceMs: this.sliceMs });
    return this.cached?.size ?? 0;
  }

  /** Writes the cache file (when there is a cache path and anything changed since it was read or written). */
  async saveCache(force = false): Promise<boolean> {
    if (!this.cachePath || (!this.cacheDirty && !force)) return false;
    this.cacheDirty = false;
    try {
      await writeCache(this.cachePath, [...this.bySidecar.values()].map((e) => e.data()), this.suffix, { sliceMs: this.sliceMs });
      return true;
    } catch {
      this.cacheDirty = true;
      return false;
    }
  }

  /**
   * Makes the index hold exactly these sidecars: drops the others, keeps entries whose files did
   * not change, takes unchanged ones from the cache, parses the rest. Yields to the event loop
   * every `sliceMs`. A newer `build` or the signal cancels it (it rejects with
   * `CorpusBuildCancelled`; what was done so far stays in the index). Returns what it did.
   */
  async build(sidecarPaths: readonly string[], options: BuildOptions = {}): Promise<CorpusStats> {
    this.building++;
    try {
      return await this.buildNow(sidecarPaths, options);
    } finally {
      this.building--;
    }
  }

  /** True while a build runs (workspace queries then answer from the last completed merge). */
  get indexing(): boolean {
    return this.building > 0;
  }

  private async buildNow(sidecarPaths: readonly string[], options: BuildOptions): Promise<CorpusStats> {
    const generation = ++this.buildGeneration;
    // Start on a later turn: the caller gets its promise at once, and a build started right
    // after this one supersedes it before it does any work.
    await yieldToEventLoop();
    if (this.cachePath && !this.cacheLoaded) await this.loadCache();
    const before = { ...this.stats };
    const wanted = new Set(sidecarPaths);
    const changed = new Set<string>();
    const articles = new Set<string>();
    for (const [p, e] of [...this.bySidecar]) {
      if (!wanted.has(p)) {
        articles.add(e.articlePath);
        this.deleteEntry(p);
        changed.add(p);
      }
    }
    const total = wanted.size;
    let done = 0;
    let sliceStart = performance.now();
    const finish = (): void => {
      if (changed.size > 0) this.emit({ kind: 'build', sidecars: [...changed], articles: [...articles] });
    };
    for (const p of wanted) {
      if (generation !== this.buildGeneration || isCancelled(options.signal)) {
        finish();
        throw new CorpusBuildCancelled();
      }
      const entry = this.refreshSync(p);
      if (entry !== false) {
        changed.add(p);
        articles.add(entry ? entry.articlePath : this.articleOf(p));
      }
      done++;
      if ((done & 7) === 0 && performance.now() - sliceStart >= this.sliceMs) {
        options.onProgress?.(done, total);
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    // Workspace entities, merged here a slice at a time so that no query has to do it at once.
    for (const p of [...this.mergeDirty]) {
      if (isCancelled(options.signal) || generation !== this.buildGeneration) {
        finish();
        throw new CorpusBuildCancelled();
      }
      this.syncMergeOne(p);
      if ((++done & 63) === 0 && performance.now() - sliceStart >= this.sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    while (!this.merge.flushSome(sliceStart + this.sliceMs)) {
      await yieldToEventLoop();
      sliceStart = performance.now();
      if (isCancelled(options.signal) || generation !== this.buildGeneration) {
        finish();
        throw new CorpusBuildCancelled();
      }
    }
    options.onProgress?.(total, total);
    // Cached entries of sidecars that are gone would only grow the cache file.
    if (this.cached && this.cached.size > this.stats.fromCache - before.fromCache) this.cacheDirty = true;
    this.cached = undefined;
    finish();
    if (this.cachePath && options.saveCache !== false) await this.saveCache();
    const delta: CorpusStats = { ...this.stats };
    for (const k of Object.keys(delta) as Array<keyof CorpusStats>) delta[k] -= before[k];
    return delta;
  }

  /**
   * Brings one sidecar's entry up to date with the disk by stat: false when nothing changed,
   * else the new entry (undefined when the sidecar is gone).
   */
  private refreshSync(sidecarPath: string): Entry | undefined | false {
    const current = this.bySidecar.get(sidecarPath);
    const known = current ?? this.cached?.get(sidecarPath);
    if (!known) {
      // Nothing to compare with: open, stat and read in one go.
      const read = readWithStatSync(sidecarPath);
      if (read === undefined) return false;
      if (read instanceof Error) {
        const entry = this.failedEntry(sidecarPath, { size: -1, mtimeMs: -1 }, `could not read: ${read.message}`);
        this.installEntry(entry);
        return entry;
      }
      const head = readArticleHeadSync(this.articleOf(sidecarPath));
      this.stats.articleHeads++;
      const entry = this.entryFromBytes(sidecarPath, read.bytes, read, head);
      this.installEntry(entry);
      return entry;
    }
    const st = statSync(sidecarPath);
    if (!st || !st.isFile()) {
      if (!current) return false;
      this.deleteEntry(sidecarPath);
      return undefined;
    }
    if (known.size === st.size && known.mtimeMs === st.mtimeMs) {
      const ast = statSync(known.articlePath);
      const articleSame = ast && ast.isFile() ? ast.size === known.articleSize && ast.mtimeMs === known.articleMtimeMs : known.articleSize === -1;
      if (articleSame) {
        if (current) return false;
        this.stats.fromCache++;
        const entry = new Entry(known as EntryData);
        this.installEntry(entry, false);
        return entry;
      }
      const head = readArticleHeadSync(known.articlePath);
      this.stats.articleHeads++;
      const entry = (current ?? new Entry(known as EntryData)).with({ articleSize: head.size, articleMtimeMs: head.mtimeMs, title: head.title, date: head.date });
      this.installEntry(entry);
      return entry;
    }
    let bytes: Buffer;
    try {
      if (st.size > MAX_SIDECAR_BYTES) throw new Error(tooLarge(st.size));
      bytes = fs.readFileSync(sidecarPath);
    } catch (err) {
      const entry = this.failedEntry(sidecarPath, st, `could not read: ${(err as Error).message}`);
      this.installEntry(entry);
      return entry;
    }
    const head = readArticleHeadSync(this.articleOf(sidecarPath));
    this.stats.articleHeads++;
    const entry = this.entryFromBytes(sidecarPath, bytes, st, head);
    this.installEntry(entry);
    return entry;
  }

  private failedEntry(sidecarPath: string, st: { size: number; mtimeMs: number }, reason: string, head?: ArticleHead): Entry {
    const d: EntryData = {
      sidecarPath,
      articlePath: this.articleOf(sidecarPath),
      size: st.size,
      mtimeMs: st.mtimeMs,
      articleSize: head?.size ?? -1,
      articleMtimeMs: head?.mtimeMs ?? -1,
      title: head?.title ?? '',
      entities: [],
      spans: new Int32Array(0),
      texts: [],
      dangling: [],
      quoteCount: 0,
      relationCount: 0,
      problems: [{ file: sidecarPath, line: 1, severity: 'error', reason }],
    };
    if (head?.date !== undefined) d.date = head.date;
    return new Entry(d);
  }

  private entryFromBytes(sidecarPath: string, bytes: Uint8Array, st: { size: number; mtimeMs: number }, head: ArticleHead): Entry {
    if (!isUtf8(bytes)) return this.failedEntry(sidecarPath, st, 'not valid UTF-8 text', head);
    return this.entryFromText(sidecarPath, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), st, head);
  }

  private entryFromText(sidecarPath: string, text: string, st: { size: number; mtimeMs: number }, head: ArticleHead): Entry {
    const loaded = loadSidecarModel(text, sidecarPath);
    this.stats.parsed++;
    if (loaded.via === 'fast') this.stats.fastPath++;
    else this.stats.fallback++;
    const a = loaded.annotations;
    if (!a) {
      const entry = this.failedEntry(sidecarPath, st, '', head);
      return entry.with({ problems: loaded.problems });
    }
    const intern = this.pool.intern;
    const entities = a.entities.map((e) => this.pool.entity(e));
    const d: EntryData = {
      sidecarPath,
      articlePath: this.articleOf(sidecarPath),
      size: st.size,
      mtimeMs: st.mtimeMs,
      articleSize: head.size,
      articleMtimeMs: head.mtimeMs,
      title: head.title,
      entities,
      ...packMentions(entities, a.mentions, intern),
      quoteCount: a.quotes.length,
      relationCount: a.relations.length,
    };
    if (head.date !== undefined) d.date = head.date;
    if (loaded.problems.length > 0) d.problems = loaded.problems;
    return new Entry(d);
  }

  private installEntry(entry: Entry, dirty = true): void {
    const old = this.bySidecar.get(entry.sidecarPath);
    if (old && old.articlePath !== entry.articlePath && this.byArticle.get(old.articlePath) === entry.sidecarPath) this.byArticle.delete(old.articlePath);
    this.bySidecar.set(entry.sidecarPath, entry);
    this.byArticle.set(entry.articlePath, entry.sidecarPath);
    if (!old || old.entities !== entry.entities) this.mergeDirty.add(entry.sidecarPath);
    if (dirty) this.cacheDirty = true;
    this.version++;
  }

  private deleteEntry(sidecarPath: string): Entry | undefined {
    const old = this.bySidecar.get(sidecarPath);
    if (!old) return undefined;
    this.bySidecar.delete(sidecarPath);
    if (this.byArticle.get(old.articlePath) === sidecarPath) this.byArticle.delete(old.articlePath);
    this.mergeDirty.add(sidecarPath);
    this.cacheDirty = true;
    this.version++;
    return old;
  }

  /**
   * Hands the changed files to the merge index (which merges lazily, on the next query). While a
   * build runs, workspace queries answer from the last merge instead: merging a half-loaded
   * corpus at once would block, and the build merges everything, in slices, before it ends.
   */
  private syncMerge(): EntityMergeIndex {
    if (this.building === 0) for (const p of this.mergeDirty) this.syncMergeOne(p);
    return this.merge;
  }

  private syncMergeOne(p: string): void {
    const e = this.bySidecar.get(p);
    if (e) this.merge.set(p, e.entities, e.mentionCounts());
    else this.merge.delete(p);
    this.mergeDirty.delete(p);
  }

  /**
   * Re-reads one file: a sidecar (re-parsed whatever its stat says; removed when it is gone) or
   * an article (its date and title). Costs that one file.
   */
  async update(p: string): Promise<void> {
    const sidecarPath = this.sidecarOf(p);
    if (sidecarPath !== p) {
      const current = this.bySidecar.get(sidecarPath);
      if (!current) {
        // A new article whose sidecar was not indexed yet (both created by a checkout).
        if (statSync(sidecarPath)) await this.update(sidecarPath);
        return;
      }
      const head = await readArticleHead(current.articlePath);
      this.stats.articleHeads++;
      if (this.bySidecar.get(sidecarPath) !== current) return; // changed meanwhile
      const entry = current.with({ articleSize: head.size, articleMtimeMs: head.mtimeMs, title: head.title, date: head.date });
      this.installEntry(entry);
      this.emit({ kind: 'update', sidecars: [sidecarPath], articles: [entry.articlePath] });
      return;
    }
    let st: fs.Stats;
    let bytes: Buffer;
    try {
      st = await fsp.stat(sidecarPath);
      if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      if (st.size > MAX_SIDECAR_BYTES) throw new Error(tooLarge(st.size));
      bytes = await fsp.readFile(sidecarPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.remove(sidecarPath);
        return;
      }
      const entry = this.failedEntry(sidecarPath, { size: -1, mtimeMs: -1 }, `could not read: ${(err as Error).message}`);
      this.installEntry(entry);
      this.emit({ kind: 'update', sidecars: [sidecarPath], articles: [entry.articlePath] });
      return;
    }
    const head = await readArticleHead(this.articleOf(sidecarPath));
    this.stats.articleHeads++;
    const entry = this.entryFromBytes(sidecarPath, bytes, st, head);
    this.installEntry(entry);
    this.emit({ kind: 'update', sidecars: [sidecarPath], articles: [entry.articlePath] });
  }

  /**
   * Indexes sidecar text the caller already has (it just wrote it): no sidecar read. Pass the
   * written file's stat to keep the cache valid; without it the next build reads the file again.
   */
  async updateFromText(sidecarPath: string, text: string, stat?: { size: number; mtimeMs: number }): Promise<void> {
    const head = await readArticleHead(this.articleOf(sidecarPath));
    this.stats.articleHeads++;
    const entry = this.entryFromText(sidecarPath, text, stat ?? { size: -1, mtimeMs: -1 }, head);
    this.installEntry(entry);
    this.emit({ kind: 'update', sidecars: [sidecarPath], articles: [entry.articlePath] });
  }

  /** Forgets a sidecar (given by its path or its article's). */
  remove(p: string): void {
    const sidecarPath = this.sidecarOf(p);
    const old = this.deleteEntry(sidecarPath);
    if (old) this.emit({ kind: 'remove', sidecars: [sidecarPath], articles: [old.articlePath] });
  }

  /** Forgets every sidecar under a folder (the folder was deleted). */
  removeFolder(folder: string): void {
    const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
    const gone: Entry[] = [];
    for (const [p, e] of [...this.bySidecar]) {
      if (p.startsWith(prefix)) {
        this.deleteEntry(p);
        gone.push(e);
      }
    }
    if (gone.length > 0) this.emit({ kind: 'remove', sidecars: gone.map((e) => e.sidecarPath), articles: gone.map((e) => e.articlePath) });
  }

  /**
   * A sidecar or an article was renamed (the extension renames an article together with its
   * sidecar, so it keeps its annotations): the entry moves without reading anything.
   */
  rename(oldPath: string, newPath: string): void {
    const from = this.sidecarOf(oldPath);
    const to = this.sidecarOf(newPath);
    const old = this.bySidecar.get(from);
    if (!old || from === to) return;
    this.deleteEntry(from);
    // Same bytes under a new name: the next build re-checks the stats.
    const entry = old.with({ sidecarPath: to, articlePath: this.articleOf(to) });
    this.installEntry(entry);
    this.mergeDirty.add(to);
    this.emit({ kind: 'rename', sidecars: [from, to], articles: [old.articlePath, entry.articlePath], renamed: { from, to } });
  }

  /** Forgets everything (the cache file stays). */
  clear(): void {
    const gone = [...this.bySidecar.values()];
    for (const e of gone) this.deleteEntry(e.sidecarPath);
    if (gone.length > 0) this.emit({ kind: 'clear', sidecars: gone.map((e) => e.sidecarPath), articles: gone.map((e) => e.articlePath) });
  }

  // -- queries ---------------------------------------------------------------------------------

  get size(): number {
    return this.bySidecar.size;
  }

  /** The entry of a sidecar or article path. */
  entry(p: string): CorpusEntry | undefined {
    return this.entryOf(p);
  }

  private entryOf(p: string): Entry | undefined {
    return this.bySidecar.get(p) ?? this.bySidecar.get(this.byArticle.get(p) ?? this.sidecarOf(p));
  }

  /** Every entry, in article path order. */
  entries(): CorpusEntry[] {
    return [...this.bySidecar.values()].sort((a, b) => (a.articlePath < b.articlePath ? -1 : a.articlePath > b.articlePath ? 1 : 0));
  }

  /** Every indexed article, in path order. */
  articles(): ArticleSummary[] {
    return this.entries().map((e) => {
      const s: ArticleSummary = {
        articlePath: e.articlePath,
        sidecarPath: e.sidecarPath,
        title: e.title,
        entityCount: e.entities.length,
        mentionCount: e.mentionCount,
        orphanCount: e.orphanCount,
      };
      if (e.date !== undefined) s.date = e.date;
      if (e.problems) s.problems = [...e.problems];
      return s;
    });
  }

  /** The entities of one article (entity order) with their mentions there. */
  articleEntities(articlePath: string): ArticleEntity[] {
    const e = this.entryOf(articlePath);
    if (!e) return [];
    const merge = this.syncMerge();
    const byId = new Map<string, IndexedMention[]>();
    for (const m of e.mentions()) {
      const list = byId.get(m.entity);
      if (list) list.push(m);
      else byId.set(m.entity, [m]);
    }
    return e.entities.map((entity) => ({
      entity,
      key: merge.mergedOf(e.sidecarPath, entity.id)?.key ?? '',
      mentions: byId.get(entity.id) ?? [],
    }));
  }

  /** Every workspace entity, sorted by key (cached until the next change). */
  private workspace(): WorkspaceEntity[] {
    const q = this.queryCache;
    if (q.version === this.version && q.entities) return q.entities;
    const entities = this.syncMerge().all();
    this.queryCache = { version: this.version, entities };
    return entities;
  }

  /** Every workspace entity (merged across articles), sorted by key. */
  workspaceEntities(): WorkspaceEntity[] {
    return this.workspace();
  }

  /** A workspace entity by key. */
  workspaceEntity(key: string): WorkspaceEntity | undefined {
    return this.syncMerge().get(key);
  }

  /** The workspace entity that an entity of an article (or sidecar) belongs to. */
  workspaceEntityOf(p: string, entityId: string): WorkspaceEntity | undefined {
    const e = this.entryOf(p);
    return e && this.syncMerge().mergedOf(e.sidecarPath, entityId);
  }

  /** Workspace entities grouped by type; within a type sorted by name (case- and diacritic-insensitive). */
  entitiesByType(): Map<string, WorkspaceEntity[]> {
    const entities = this.workspace();
    if (this.queryCache.byType) return this.queryCache.byType;
    const byType = new Map<string, WorkspaceEntity[]>();
    for (const w of entities) {
      const list = byType.get(w.type);
      if (list) list.push(w);
      else byType.set(w.type, [w]);
    }
    const keyed = new Map<WorkspaceEntity, string>();
    for (const list of byType.values()) {
      for (const w of list) keyed.set(w, normalizeName(w.name));
      list.sort((a, b) => {
        const x = keyed.get(a) as string;
        const y = keyed.get(b) as string;
        return x < y ? -1 : x > y ? 1 : a.key < b.key ? -1 : 1;
      });
    }
    this.queryCache.byType = byType;
    return byType;
  }

  /** The mentions of a workspace entity, grouped by article (article path order). */
  mentionsOf(entity: string | MergedEntity): ArticleMentions[] {
    const w = this.workspaceEntity(typeof entity === 'string' ? entity : entity.key);
    if (!w) return [];
    const byFile = new Map<string, ArticleMentions>();
    for (const member of w.members) {
      const entry = this.bySidecar.get(member.file);
      if (!entry) continue;
      let group = byFile.get(member.file);
      if (!group) {
        group = { articlePath: entry.articlePath, sidecarPath: entry.sidecarPath, title: entry.title, entities: [], mentions: [] };
        if (entry.date !== undefined) group.date = entry.date;
        byFile.set(member.file, group);
      }
      group.entities.push(member.entity);
      group.mentions.push(...entry.mentionsOf(member.entity.id));
    }
    const out = [...byFile.values()];
    for (const g of out) if (g.entities.length > 1) g.mentions.sort((a, b) => a.start - b.start || a.end - b.end);
    return out.sort((a, b) => (a.articlePath < b.articlePath ? -1 : a.articlePath > b.articlePath ? 1 : 0));
  }

  /**
   * Mention counts: of a workspace entity (by key), or of an article's entity (by article path
   * and entity id: in that article, and of its workspace entity everywhere).
   */
  counts(target: string | { articlePath: string; entityId: string }): EntityCounts {
    if (typeof target === 'string') {
      const w = this.workspaceEntity(target);
      return { inArticle: 0, inWorkspace: w?.mentionCount ?? 0, articles: w?.articleCount ?? 0 };
    }
    const e = this.entryOf(target.articlePath);
    const i = e ? e.entities.findIndex((x) => x.id === target.entityId) : -1;
    const inArticle = e && i >= 0 ? e.mentionCounts()[i] : 0;
    const w = this.workspaceEntityOf(target.articlePath, target.entityId);
    return { inArticle, inWorkspace: w?.mentionCount ?? inArticle, articles: w?.articleCount ?? (inArticle > 0 ? 1 : 0) };
  }

  /**
   * Workspace entities whose name or an alias matches a query (Go to Symbol in Workspace):
   * case- and diacritic-insensitive; exact, then prefix, then word, then substring, then fuzzy
   * (the query's characters in order). Best first; ties by mention count.
   */
  findEntities(query: string, limit = 100): EntityMatch[] {
    const q = normalizeName(query);
    const out: EntityMatch[] = [];
    for (const w of this.workspace()) {
      let best = 0;
      let matched = w.name;
      for (const name of [w.name, ...w.aliases]) {
        const s = matchScore(q, normalizeName(name)) - (name === w.name ? 0 : 1);
        if (s > best) {
          best = s;
          matched = name;
        }
      }
      if (best > 0) out.push({ entity: w, score: best, matched });
    }
    out.sort((a, b) => b.score - a.score || b.entity.mentionCount - a.entity.mentionCount || (a.entity.name < b.entity.name ? -1 : 1));
    return out.slice(0, limit);
  }

  /**
   * Entities the text could be another name of, for "add as alias": most likely first. Same
   * type first, then by name similarity (equal, sharing a word, shared character pairs),
   * entities of the given article first among equals, then by mention count.
   */
  aliasCandidates(text: string, options: { type?: string; articlePath?: string; limit?: number } = {}): EntityMatch[] {
    const t = normalizeName(text);
    if (t === '') return [];
    const tGrams = bigrams(t);
    const tWords = new Set(t.split(/[\s-]+/u));
    const inArticle = new Set<string>();
    if (options.articlePath) for (const a of this.articleEntities(options.articlePath)) inArticle.add(a.key);
    const out: EntityMatch[] = [];
    for (const w of this.workspace()) {
      let best = 0;
      let matched = w.name;
      for (const name of [w.name, ...w.aliases]) {
        const n = normalizeName(name);
        let sim: number;
        if (n === t) sim = 1;
        else {
          const words = n.split(/[\s-]+/u);
          const sharesWord = words.some((x) => tWords.has(x));
          sim = Math.max(dice(tGrams, bigrams(n)), sharesWord ? 0.7 : 0);
        }
        if (sim > best) {
          best = sim;
          matched = name;
        }
      }
      if (best < 0.4) continue;
      const score = best + (options.type !== undefined && w.type === options.type ? 1 : 0) + (inArticle.has(w.key) ? 0.1 : 0) + Math.log10(1 + w.mentionCount) * 0.01;
      out.push({ entity: w, score, matched });
    }
    out.sort((a, b) => b.score - a.score || (a.entity.key < b.entity.key ? -1 : 1));
    return out.slice(0, options.limit ?? 20);
  }

  /** Every orphaned mention, by article path then sidecar order. */
  orphans(): OrphanedMention[] {
    const out: OrphanedMention[] = [];
    for (const e of this.entries()) {
      if (e.orphanCount === 0) continue;
      for (const m of e.mentions()) if (m.orphaned) out.push({ articlePath: e.articlePath, sidecarPath: e.sidecarPath, mention: m });
    }
    return out;
  }

  /** Sidecars that could not be read, with their problems. */
  failures(): Array<{ sidecarPath: string; problems: readonly Problem[] }> {
    return this.entries()
      .filter((e) => e.problems?.some((p) => p.severity === 'error'))
      .map((e) => ({ sidecarPath: e.sidecarPath, problems: e.problems as readonly Problem[] }));
  }

  /** Workspace-entity keys changed or removed since the last call (for views that refresh by node). */
  entityChanges(): MergeChanges {
    return this.syncMerge().flush();
  }
}

// ---------------------------------------------------------------------------------------------
// Discovery

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

/**
 * Sidecars under folders, recursively (skipping node_modules and version-control folders, not
 * following symbolic links), in path order. A file argument is taken as is when it is a
 * sidecar, and mapped to its sidecar when it is an article with one.
 */
export async function discoverSidecars(roots: readonly string[], suffix: string = DEFAULT_SIDECAR_SUFFIX): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    let items: fs.Dirent[];
    try {
      items = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const item of items) {
      const p = path.join(dir, item.name);
      if (item.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(item.name)) subdirs.push(p);
      } else if (item.isFile() && item.name.endsWith(suffix) && item.name.length > suffix.length) {
        out.add(p);
      }
    }
    for (const d of subdirs) await walk(d);
  };
  for (const root of roots) {
    let st: fs.Stats;
    try {
      st = await fsp.stat(root);
    } catch {
      continue;
    }
    if (st.isDirectory()) await walk(root);
    else if (root.endsWith(suffix)) out.add(root);
    else {
      const s = sidecarPathFor(root, suffix);
      if (statSync(s)?.isFile()) out.add(s);
    }
  }
  return [...out].sort();
}

/** Opens an index over sidecars: reads the cache (when given), builds, returns it. */
export async function openCorpus(sidecarPaths: readonly string[], options: CorpusIndexOptions & BuildOptions = {}): Promise<CorpusIndex> {
  const index = new CorpusIndex(options);
  await index.build(sidecarPaths, options);
  return index;
}
