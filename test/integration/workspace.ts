// Helpers shared by the integration tests: the test workspace (a temporary copy made by the
// runner, so tests may write sidecars freely) and the extension's test API.
import * as vscode from 'vscode';
import type { SeedAnnotatorApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'seed-annotator.seed-annotator';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration suite needs a workspace folder');
  return folder.uri;
}

export function workspaceUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relative.split('/'));
}

export async function openInWorkspace(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  await vscode.window.showTextDocument(doc);
  return doc;
}

export async function extensionApi(): Promise<SeedAnnotatorApi> {
  const ext = vscode.extensions.getExtension<SeedAnnotatorApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found`);
  return ext.activate();
}
