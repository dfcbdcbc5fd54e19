/**
 * Sidecar files on disk, for the store, through the core's persistence (atomic writes that refuse
 * to clobber a file changed since it was read). The editor's articles are file: URIs here.
 */
import * as vscode from 'vscode';
import type { Annotations } from '../core/model';
import { loadSidecar, mergeAnnotations as merge3, saveSidecarMerging } from '../core/persist';
import type { SidecarDocument } from '../core/sidecar';

export type SidecarRead =
  | { kind: 'missing' }
  | { kind: 'broken'; line: number; reason: string; diskHash?: string }
  | { kind: 'ok'; doc: SidecarDocument; diskHash: string };

/** Written (perhaps merged with a version changed on disk meanwhile), or refused with the reason. */
export type SidecarWrite = { kind: 'written'; diskHash: string; doc: SidecarDocument } | { kind: 'refused'; reason: string };

export async function readSidecarFile(uri: vscode.Uri): Promise<SidecarRead> {
  const r = await loadSidecar(uri.fsPath, { file: vscode.workspace.asRelativePath(uri) });
  if (r.ok) return { kind: 'ok', doc: r.sidecar, diskHash: r.diskHash };
  if (r.reason === 'missing') return { kind: 'missing' };
  const first = r.problems.find((p) => p.severity === 'error') ?? r.problems[0];
  return { kind: 'broken', line: first?.line ?? 1, reason: first?.reason ?? 'the sidecar could not be read' };
}

/**
 * Writes `doc` unless the file changed since it was read (`expectedDiskHash`); then merges ours into
 * the disk version (`base`: the model as last read) and writes that. A disk version that does not
 * parse is never overwritten.
 */
export async function writeSidecarFile(uri: vscode.Uri, doc: SidecarDocument, expectedDiskHash: string | undefined, base: Annotations | undefined): Promise<SidecarWrite> {
  const file = vscode.workspace.asRelativePath(uri);
  const r = await saveSidecarMerging(uri.fsPath, doc, expectedDiskHash ?? null, base, { file });
  if (r.ok) return { kind: 'written', diskHash: r.diskHash, doc: r.sidecar };
  if (r.reason === 'conflict') {
    // The last problem is the disk version's own (why it could not be merged), when it has one.
    const last = r.problems[r.problems.length - 1];
    return { kind: 'refused', reason: `${file} changed on disk and could not be merged (${last ? `line ${last.line}: ${last.reason}` : 'it keeps changing'})` };
  }
  throw new Error(r.problems.map((p) => `${p.file}:${p.line}: ${p.reason}`).join('\n'));
}

export function mergeAnnotations(base: Annotations | undefined, ours: Annotations, theirs: Annotations): Annotations {
  return merge3(base, ours, theirs).annotations;
}
