import * as path from 'path';
import * as vscode from 'vscode';
import { SEED_LANGUAGE_ID } from './language';
import type { SidecarStore } from './sidecarStore';

/** Commands that stand on their own (features register their own commands). */
export class GeneralCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly store: SidecarStore) {
    this.disposables = [vscode.commands.registerCommand('seedAnnotator.openSidecar', (uri?: vscode.Uri) => this.openSidecar(uri))];
  }

  private async openSidecar(uri?: vscode.Uri): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const article = uri ?? (editor?.document.languageId === SEED_LANGUAGE_ID ? editor.document.uri : undefined);
    if (!article) {
      void vscode.window.showInformationMessage('Open a seed article first: its annotations sidecar sits next to it.');
      return;
    }
    const sidecar = this.store.sidecarUriFor(article);
    try {
      await vscode.workspace.fs.stat(sidecar);
    } catch {
      void vscode.window.showInformationMessage(
        `${path.posix.basename(article.path)} has no annotations yet. Select a name and press Ctrl+. to tag it.`,
      );
      return;
    }
    await vscode.window.showTextDocument(sidecar, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
