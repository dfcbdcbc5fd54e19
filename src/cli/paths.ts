/**
 * Finding the articles and sidecars named on the command line.
 *
 * Folders are searched recursively (hidden folders and `node_modules` are skipped unless named
 * explicitly); every article is paired with its sidecar; the result is sorted by path, so every
 * machine processes (and prints) the same corpus in the same order. Paths in messages are
 * relative to the current folder, with `/` as separator.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDatedFirstLine } from '../core/article';
import { articlePathFor, sidecarPathFor } from '../core/sidecar';
import { InputError } from './args';

/** An article and its sidecar (either may be missing on disk). */
export interface CorpusEntry {
  /** Absolute paths. */
  article: string;
  sidecar: string;
  /** As shown in messages and written in exports: relative to the current folder, `/` separated. */
  articleDisplay: string;
  sidecarDisplay: string;
  articleExists: boolean;
  sidecarExists: boolean;
}

/** A path as shown to the user: relative to `cwd`, with forward slashes. */
export function displayPath(absolute: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, absolute) || '.';
  return rel.split(path.sep).join('/');
}

/** Plain code-unit order of the displayed paths: the same on every machine and locale. */
function byPath(a: CorpusEntry, b: CorpusEntry): number {
  return a.articleDisplay < b.articleDisplay ? -1 : a.articleDisplay > b.articleDisplay ? 1 : 0;
}

const SKIPPED_FOLDERS = new Set(['node_modules']);

function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or folder';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'ENOTDIR') return 'not a folder';
  return e?.code ? `${e.code}` : String(e?.message ?? err);
}

/** Reads a file, turning an I/O error into an `InputError` that names the file. */
export async function readInput(absolute: string, cwd = process.cwd()): Promise<Buffer> {
  try {
    return await fs.readFile(absolute);
  } catch (err) {
    throw new InputError(`cannot read ${displayPath(absolute, cwd)}: ${ioMessage(err)}`);
  }
}

async function statOrThrow(absolute: string, shown: string): Promise<import('node:fs').Stats> {
  try {
    return await fs.stat(absolute);
  } catch (err) {
    throw new InputError(`cannot read ${shown}: ${ioMessage(err)}`);
  }
}

/** Files under a folder, recursively; symbolic links to files are followed, links to folders are not (no cycles). */
async function walk(folder: string, out: string[]): Promise<void> {
  let dirents: import('node:fs').Dirent[];
  try {
    dirents = await fs.readdir(folder, { withFileTypes: true });
  } catch (err) {
    throw new InputError(`cannot read ${displayPath(folder)}: ${ioMessage(err)}`);
  }
  for (const d of dirents) {
    const full = path.join(folder, d.name);
    if (d.isDirectory()) {
      if (d.name.startsWith('.') || SKIPPED_FOLDERS.has(d.name)) continue;
      await walk(full, out);
    } else if (d.isFile()) out.push(full);
    else if (d.isSymbolicLink()) {
      const st = await fs.stat(full).catch(() => undefined);
      if (st?.isFile()) out.push(full);
    }
  }
}

/** True for a `.txt` that DESIGN.md calls an article: under a `seeds/` folder, or with a date header. */
async function looksLikeArticle(file: string): Promise<boolean> {
  if (file.split(path.sep).includes('seeds')) return true;
  let handle: import('node:fs').promises.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buf = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8');
    return isDatedFirstLine(head.split(/\r\n|\r|\n/)[0]);
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The files the inputs name, in input order: every file under a folder (recursively, `explicit`
 * false) and each file named itself (`explicit` true). A path that cannot be read is an `InputError`.
 */
async function* inputFiles(inputs: readonly string[], cwd: string): AsyncGenerator<{ file: string; input: string; explicit: boolean }> {
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    const st = await statOrThrow(absolute, input);
    if (st.isDirectory()) {
      const files: string[] = [];
      await walk(absolute, files);
      for (const file of files) yield { file, input, explicit: false };
    } else yield { file: absolute, input, explicit: true };
  }
}

export interface DiscoverOptions {
  suffix: string;
  cwd?: string;
  /**
   * Also list `.txt` files found in folders that have no sidecar, when they are articles by
   * DESIGN.md's rule (stats counts them; verbs that need annotations ignore them).
   */
  unannotated?: boolean;
}

/**
 * The articles named by `inputs` (articles, sidecars or folders), paired with their sidecars,
 * sorted by path, each once. A path that does not exist, or a file that is neither a `.txt` nor
 * a sidecar, is an `InputError`.
 */
export async function discover(inputs: readonly string[], options: DiscoverOptions): Promise<CorpusEntry[]> {
  const cwd = options.cwd ?? process.cwd();
  const { suffix } = options;
  const articles = new Map<string, { explicit: boolean }>();
  const sidecars = new Set<string>();
  const addArticle = (file: string, explicit: boolean) => {
    const known = articles.get(file);
    if (!known || (explicit && !known.explicit)) articles.set(file, { explicit });
  };
  const isSidecar = (file: string) => file.endsWith(suffix) && articlePathFor(file, suffix) !== undefined;

  for await (const { file, input, explicit } of inputFiles(inputs, cwd)) {
    if (isSidecar(file)) sidecars.add(file);
    else if (/\.txt$/i.test(file)) addArticle(file, explicit);
    else if (explicit) throw new InputError(`${input} is neither an article (.txt) nor a sidecar (*${suffix})`);
  }

  const entries = new Map<string, CorpusEntry>();
  const sidecarFiles = new Set(sidecars);
  const entry = (article: string, sidecar: string, articleExists: boolean, sidecarExists: boolean): CorpusEntry => ({
    article,
    sidecar,
    articleDisplay: displayPath(article, cwd),
    sidecarDisplay: displayPath(sidecar, cwd),
    articleExists,
    sidecarExists,
  });
  for (const sidecar of sidecars) {
    const article = articlePathFor(sidecar, suffix) as string;
    const articleExists = articles.has(article) || (await fs.stat(article).then((s) => s.isFile(), () => false));
    entries.set(article, entry(article, sidecar, articleExists, true));
  }
  for (const [article, { explicit }] of articles) {
    if (entries.has(article)) continue;
    const sidecar = sidecarPathFor(article, suffix);
    const sidecarExists = sidecarFiles.has(sidecar) || (await fs.stat(sidecar).then((s) => s.isFile(), () => false));
    if (!sidecarExists && !explicit && !(options.unannotated && (await looksLikeArticle(article)))) continue;
    entries.set(article, entry(article, sidecar, true, sidecarExists));
  }
  return [...entries.values()].sort(byPath);
}

/** Files with one of these extensions under the inputs (files named explicitly are always kept), in path order. */
export async function findFiles(inputs: readonly string[], extensions: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const found = new Set<string>();
  const wanted = (f: string) => extensions.some((e) => f.toLowerCase().endsWith(e));
  for await (const { file, explicit } of inputFiles(inputs, cwd)) if (explicit || wanted(file)) found.add(file);
  return [...found].sort((a, b) => {
    const x = displayPath(a, cwd);
    const y = displayPath(b, cwd);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
