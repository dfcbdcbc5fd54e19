/**
 * Where the editor's UTF-16 ranges meet the sidecar's code-point spans, for the tagging and
 * annotation-view features. Every conversion goes through core's `OffsetMap`, built once per text
 * of a session (a new text after each edit builds a new map).
 */
import * as vscode from 'vscode';
import type { CodePointOffset, Mention } from '../core/model';
import { OffsetMap } from '../core/offsets';
import { SEED_LANGUAGE_ID } from './language';
import type { ArticleSession } from './sidecarStore';

const maps = new WeakMap<ArticleSession, OffsetMap>();

/** The offset map of a session's current text (cached until the text changes). */
export function offsetMapOf(session: ArticleSession): OffsetMap {
  const cached = maps.get(session);
  if (cached && cached.text === session.text) return cached;
  const map = new OffsetMap(session.text);
  maps.set(session, map);
  return map;
}

/** A code-point span as an editor range of `doc` (whose text the map describes), clamped. */
export function rangeOf(doc: vscode.TextDocument, map: OffsetMap, start: CodePointOffset, end: CodePointOffset): vscode.Range {
  return new vscode.Range(doc.positionAt(map.toUtf16(start)), doc.positionAt(map.toUtf16(end)));
}

export function isSeed(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc?.languageId === SEED_LANGUAGE_ID;
}

/** True when the session follows exactly the document's text (the store updates it on every change). */
export function inSync(session: ArticleSession, doc: vscode.TextDocument): boolean {
  return session.text === doc.getText();
}

/** Live (not orphaned) mentions that contain a code-point offset, innermost first. */
export function mentionsAt(mentions: readonly Mention[], offset: CodePointOffset, options: { includeEnd?: boolean } = {}): Mention[] {
  return mentions
    .filter((m) => !m.orphaned && m.start <= offset && (offset < m.end || (options.includeEnd === true && offset === m.end)))
    .sort((a, b) => a.end - a.start - (b.end - b.start) || a.start - b.start);
}

/** Settings read per article, so folder settings apply. */
export function contextLength(scope: vscode.Uri): number {
  const n = vscode.workspace.getConfiguration('seedAnnotator', scope).get<number>('contextLength', 32);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 200) : 32;
}

export function annotatorName(scope: vscode.Uri): string | undefined {
  const name = vscode.workspace.getConfiguration('seedAnnotator', scope).get<string>('annotator', '').trim();
  return name === '' ? undefined : name;
}

export function caseSensitiveOccurrences(scope: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('seedAnnotator', scope).get<boolean>('occurrences.caseSensitive', true);
}

/** A name for messages and titles, shortened so one action title stays on one line. */
export function quoted(text: string, max = 40): string {
  const oneLine = text.replace(/\s+/gu, ' ');
  const chars = Array.from(oneLine);
  return `"${chars.length > max ? chars.slice(0, max - 1).join('') + '…' : oneLine}"`;
}
