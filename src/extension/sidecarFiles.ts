/**
 * Sidecar files on disk, for the store, through the core's persistence (atomic writes that refuse
 * to clobber a file changed since it was read). The editor's articles are file: URIs here.
 */
import * as vscode from 'vscode';
import type { Annotations } from '../core/model';
import { loadSidecar, mergeAnnotations as merge3, saveSidecar } from '../core/persist';
import type { SidecarDocument } from '../core/sidecar';

export type SidecarRead =
  | { kind: 'missing' }
  | { kind: 'broken'; line: number; reason: string; diskHash?: string }
  | { kind: 'ok'; doc: SidecarDocument; diskHash: string };

export type SidecarWrite = { kind: 'written'; diskHash: string } | { kind: 'conflict' };

export async function readSidecarFile(uri: vscode.Uri): Promise<SidecarRead> {
  const r = await loadSidecar(uri.fsPath, { file: vscode.workspace.asRelativePath(uri) });
  if (r.ok) return { kind: 'ok', doc: r.sidecar, diskHash: r.diskHash };
  if (r.reason === 'missing') return { kind: 'missing' };
  const first = r.problems.find((p) => p.severity === 'error') ?? r.problems[0];
  return { kind: 'broken', line: first?.line ?? 1, reason: first?.reason ?? 'the sidecar could not be read' };
}

export async function writeSidecarFile(uri: vscode.Uri, text: string, expectedDiskHash: string | undefined): Promise<SidecarWrite> {
  const r = await saveSidecar(uri.fsPath, text, expectedDiskHash ?? null, { file: vscode.workspace.asRelativePath(uri) });
  if (r.ok) return { kind: 'written', diskHash: r.diskHash };
  if (r.reason === 'conflict') return { kind: 'conflict' };
  throw new Error(r.problems.map((p) => `${p.file}:${p.line}: ${p.reason}`).join('\n'));
}

export function mergeAnnotations(base: Annotations | undefined, ours: Annotations, theirs: Annotations): Annotations {
  return merge3(base, ours, theirs).annotations;
}
