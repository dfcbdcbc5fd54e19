/**
 * The problems `seed-annotate validate` prints for one sidecar (see validate.ts): the fast check
 * of canonical sidecars, the full validator, and the re-anchoring of stale ones. Pure functions
 * of the loaded files, so the CLI's worker threads run them too.
 */
import * as path from 'node:path';
import { reanchor } from '../core/anchor';
import type { LoadedArticle } from '../core/articleFiles';
import type { Annotations } from '../core/model';
import { OffsetMap } from '../core/offsets';
import { SidecarDocument } from '../core/sidecar';
import { validateSidecar } from '../core/validate';
import type { Problem } from '../core/validate';
import { plural } from './io';

/** The article and sidecar of one check, as `sidecarProblems` needs them. */
export interface SidecarFiles {
  article: string;
  sidecarDisplay: string;
}

/** As validate.ts shortens user strings in its messages (one line, at most 40 code points). */
function short(s: string, max = 40): string {
  const oneLine = s.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  const cps = Array.from(oneLine);
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : oneLine;
}

/** 1-based line of each item of a section of a sidecar in the canonical layout (`key:` then `  - ` items). */
function itemLines(text: string, key: string): number[] {
  const lines = text.split('\n');
  const out: number[] = [];
  let inside = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^\S/.test(l) && !l.startsWith('#')) inside = l.replace(/\r$/, '') === `${key}:`;
    else if (inside && l.startsWith('  - ')) out.push(i + 1);
  }
  return out;
}

/**
 * The problems of a sidecar read by the fast path whose sha256 is the article's, computed on the
 * model; undefined when the model shows anything but orphans (then `validateSidecar` reports it,
 * with its own messages and lines).
 */
export function quickProblems(file: string, articleName: string, sidecarText: string, a: Annotations, articleText: string): Problem[] | undefined {
  if (a.article !== articleName || a.article === '') return undefined;
  if (a.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(a.sha256)) return undefined;
  const ids = new Set<string>();
  for (const e of a.entities) {
    if (e.id === '' || /\s/u.test(e.id) || ids.has(e.id)) return undefined;
    ids.add(e.id);
  }
  const map = new OffsetMap(articleText);
  const length = map.codePointLength;
  const fine = (s: { start: number; end: number; text: string; orphaned?: boolean }) =>
    Number.isSafeInteger(s.start) && Number.isSafeInteger(s.end) && s.start >= 0 && s.start < s.end && (s.orphaned || (s.end <= length && map.slice(s.start, s.end) === s.text));
  const orphanMentions: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < a.mentions.length; i++) {
    const m = a.mentions[i];
    if (!ids.has(m.entity) || !fine(m)) return undefined;
    const key = `${m.entity}\u0000${m.start}\u0000${m.end}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (m.orphaned) orphanMentions.push(i);
  }
  const orphanQuotes: number[] = [];
  for (let i = 0; i < a.quotes.length; i++) {
    const q = a.quotes[i];
    if ((q.speaker !== undefined && !ids.has(q.speaker)) || !fine(q)) return undefined;
    if (q.orphaned) orphanQuotes.push(i);
  }
  for (const r of a.relations) if (!ids.has(r.from) || !ids.has(r.to)) return undefined;
  if (orphanMentions.length === 0 && orphanQuotes.length === 0) return [];
  const mentionLines = itemLines(sidecarText, 'mentions');
  const quoteLines = itemLines(sidecarText, 'quotes');
  if (mentionLines.length !== a.mentions.length || quoteLines.length !== a.quotes.length) return undefined;
  return [
    ...orphanMentions.map((i): Problem => ({ file, line: mentionLines[i], severity: 'warning', reason: `orphaned mention '${short(a.mentions[i].text)}' (entity ${a.mentions[i].entity})` })),
    ...orphanQuotes.map((i): Problem => ({ file, line: quoteLines[i], severity: 'warning', reason: `orphaned quote '${short(a.quotes[i].text)}'` })),
  ].sort((x, y) => x.line - y.line);
}

/**
 * Problems of a sidecar whose article changed since it was written (or that has no sha256): the
 * structure is checked on the file; then the spans are re-anchored in memory, and each span that
 * would be orphaned is a warning at its line, plus one warning that the sidecar is stale when
 * spans would move.
 */
function staleProblems(file: string, articleName: string, sidecarText: string, a: Annotations, articleText: string): Problem[] {
  const problems = validateSidecar(sidecarText, { file, articleName });
  if (problems.some((p) => p.severity === 'error')) return problems;
  const result = reanchor(a, articleText);
  let doc: SidecarDocument;
  try {
    doc = SidecarDocument.parse(sidecarText);
  } catch {
    return problems;
  }
  const lineOf = (kind: 'mentions' | 'quotes', index: number): number => {
    const seq = doc.document.get(kind, true) as { items?: Array<{ range?: [number, number, number] }> } | undefined;
    const at = seq?.items?.[index]?.range?.[0];
    return at === undefined ? 1 : doc.lineCounter.linePos(at).line;
  };
  let moved = 0;
  let orphaned = 0;
  for (const e of result.entries) {
    if (e.status === 'moved' || e.status === 'reattached') moved++;
    if (e.status !== 'orphaned' || e.wasOrphaned) continue;
    orphaned++;
    const span = e.kind === 'mention' ? a.mentions[e.index] : a.quotes[e.index];
    const what = e.kind === 'mention' ? `mention '${short(span.text)}' (entity ${(span as { entity: string }).entity})` : `quote '${short(span.text)}'`;
    problems.push({
      file,
      line: lineOf(e.kind === 'mention' ? 'mentions' : 'quotes', e.index),
      severity: 'warning',
      reason: `orphaned ${what}: it cannot be placed in the changed article${e.detail ? ` (${e.detail})` : ''}`,
    });
  }
  if (moved > 0 && a.sha256 !== undefined) {
    const shaLine = sidecarText.split('\n').findIndex((l) => l.startsWith('sha256:')) + 1 || 1;
    problems.push({
      file,
      line: shaLine,
      severity: 'warning',
      reason: `the article changed since this sidecar was written: ${plural(moved, 'span')} would move${orphaned ? ` and ${orphaned} would be orphaned` : ''}; run 'seed-annotate reanchor' to update it`,
    });
  } else if (moved > 0) {
    problems.push({
      file,
      line: 1,
      severity: 'warning',
      reason: `${plural(moved, 'span')} ${moved === 1 ? 'is' : 'are'} not at ${moved === 1 ? 'its' : 'their'} offsets and would move; run 'seed-annotate reanchor' to update the sidecar`,
    });
  }
  return problems.sort((x, y) => x.line - y.line || (x.severity === y.severity ? 0 : x.severity === 'error' ? -1 : 1));
}

/** The problems of one article's sidecar. */
export function sidecarProblems(entry: SidecarFiles, load: LoadedArticle): Problem[] {
  const file = entry.sidecarDisplay;
  const articleName = path.basename(entry.article);
  const sidecarText = load.sidecarText as string;
  const a = load.stored;
  if (a.sha256 !== load.articleSha) return staleProblems(file, articleName, sidecarText, a, load.text);
  if (load.via === 'fast') {
    const quick = quickProblems(file, articleName, sidecarText, a, load.text);
    if (quick) return quick;
  }
  return validateSidecar(sidecarText, { file, articleName, articleText: load.text });
}

