/**
 * Reading one article and its sidecar from disk into the model, the way every corpus-wide job
 * (the CLI's stats, validate and export; the editor's export) needs it:
 *
 * - the article is decoded as UTF-8 (a leading BOM removed; invalid UTF-8 is an error, since
 *   offsets into a lossy decoding would be wrong) and hashed;
 * - the sidecar is read through `loadSidecarModel` (the canonical-layout fast path, else the full
 *   YAML parser with its limits);
 * - when the sidecar's `sha256` is not the article's (the article changed outside the editor) or
 *   is absent, the mentions and quotes are re-anchored in memory (anchor.ts); nothing is written.
 *
 * This is the single loading function of those jobs, so the corpus index's loader can replace it
 * in one place.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { reanchor } from './anchor';
import type { ReanchorResult } from './anchor';
import type { Annotations } from './model';
import { emptyAnnotations } from './model';
import { sha256Hex } from './sidecar';
import { loadSidecarModel } from './sidecarFastPath';
import type { Problem } from './validate';

export interface ArticleFiles {
  /** Paths to read. */
  article: string;
  sidecar: string;
  /** The sidecar's path as shown in problems. */
  sidecarDisplay: string;
  /** The article's path as shown in problems. */
  articleDisplay: string;
}

export interface LoadedArticle {
  ok: true;
  /** Article text as stored, BOM removed: every offset counts code points in it. */
  text: string;
  hadBom: boolean;
  /** SHA-256 of the article's bytes. */
  articleSha: string;
  /** The sidecar's text (absent when there is no sidecar). */
  sidecarText?: string;
  /** The annotations as stored in the sidecar (empty when there is none). */
  stored: Annotations;
  /** The annotations in the coordinates of the article as it is now. */
  annotations: Annotations;
  /** Set when the article changed since the sidecar was written (or the sidecar has no sha256). */
  reanchored?: ReanchorResult;
  /** Warnings of the sidecar reader. */
  warnings: Problem[];
  /** Which reader read the sidecar: the canonical-layout fast path, the full YAML parser, or none (no sidecar). */
  via: 'fast' | 'yaml' | 'none';
}

export interface ArticleLoadFailure {
  ok: false;
  /** `unreadable`: a file could not be read or decoded; `invalid`: the sidecar does not parse. */
  reason: 'unreadable' | 'invalid';
  problems: Problem[];
}

export type ArticleLoad = LoadedArticle | ArticleLoadFailure;

export interface LoadOptions {
  /** How to read a file (default: `fs.promises.readFile`); the editor may pass its own. */
  readFile?: (file: string) => Promise<Uint8Array>;
  /** Skip re-anchoring: the caller only needs the stored model (validate re-anchors itself). */
  noReanchor?: boolean;
  /** Keep the sidecar's text in the result. */
  keepSidecarText?: boolean;
}

/** A file error in words for a message (`no such file`, `permission denied`, …). */
export function ioReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a folder';
  return e?.code ?? String(e?.message ?? err);
}

/**
 * Reads a file without a round trip through the thread pool: for a process that has nothing else
 * to do meanwhile (the CLI), several times faster on thousands of small files than
 * `fs.promises.readFile`. Not for the extension host, which must not block.
 */
export const readFileBlocking = async (file: string): Promise<Uint8Array> => readFileSync(file);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text of some bytes, or the 1-based line of the first invalid byte. */
function decode(bytes: Uint8Array): { text: string } | { badLine: number } {
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const bad = lossy.indexOf('\uFFFD');
    let line = 1;
    for (let i = 0; i < bad; i++) if (lossy.charCodeAt(i) === 10) line++;
    return { badLine: line };
  }
}

const failure = (reason: ArticleLoadFailure['reason'], file: string, message: string, line = 1): ArticleLoadFailure => ({
  ok: false,
  reason,
  problems: [{ file, line, severity: 'error', reason: message }],
});

/** Loads an article and its sidecar (a missing sidecar gives empty annotations). Never throws. */
export async function loadArticle(files: ArticleFiles, options: LoadOptions = {}): Promise<ArticleLoad> {
  const readFile = options.readFile ?? ((f: string) => fs.readFile(f));
  let articleBytes: Uint8Array;
  try {
    articleBytes = await readFile(files.article);
  } catch (err) {
    return failure('unreadable', files.articleDisplay, `cannot read the article: ${ioReason(err)}`);
  }
  const decoded = decode(articleBytes);
  if ('badLine' in decoded) return failure('unreadable', files.articleDisplay, 'the article is not valid UTF-8 text', decoded.badLine);
  const hadBom = decoded.text.charCodeAt(0) === 0xfeff;
  const text = hadBom ? decoded.text.slice(1) : decoded.text;
  const articleSha = sha256Hex(articleBytes);

  let sidecarBytes: Uint8Array | undefined;
  try {
    sidecarBytes = await readFile(files.sidecar);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code !== 'ENOENT') return failure('unreadable', files.sidecarDisplay, `cannot read the sidecar: ${ioReason(err)}`);
  }
  if (sidecarBytes === undefined) {
    const stored = emptyAnnotations(path.basename(files.article));
    return { ok: true, text, hadBom, articleSha, stored, annotations: stored, warnings: [], via: 'none' };
  }
  const sidecar = decode(sidecarBytes);
  if ('badLine' in sidecar) return failure('invalid', files.sidecarDisplay, 'not valid UTF-8 text', sidecar.badLine);
  const load = loadSidecarModel(sidecar.text, files.sidecarDisplay);
  if (!load.annotations) return { ok: false, reason: 'invalid', problems: load.problems };
  const stored = load.annotations;
  const result: LoadedArticle = { ok: true, text, hadBom, articleSha, stored, annotations: stored, warnings: load.problems, via: load.via };
  if (options.keepSidecarText) result.sidecarText = sidecar.text;
  if (!options.noReanchor && stored.sha256 !== articleSha && (stored.mentions.length > 0 || stored.quotes.length > 0)) {
    const r = reanchor(stored, text);
    result.reanchored = r;
    result.annotations = r.annotations;
  }
  return result;
}
