import * as path from 'path';
import * as vscode from 'vscode';
import { SEED_LANGUAGE_ID } from './language';

/** The configured sidecar suffix for a resource (`name.txt` → `name` + suffix). */
export function sidecarSuffix(scope?: vscode.Uri): string {
  return vscode.workspace.getConfiguration('seedAnnotator', scope).get<string>('sidecarSuffix', '.ann.yaml');
}

export function sidecarUriFor(article: vscode.Uri): vscode.Uri {
  const dir = path.posix.dirname(article.path);
  const base = path.posix.basename(article.path).replace(/\.txt$/i, '');
  return article.with({ path: path.posix.join(dir, base + sidecarSuffix(article)) });
}

/** Commands that stand on their own (features register their own commands). */
export class GeneralCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor() {
    this.disposables = [vscode.commands.registerCommand('seedAnnotator.openSidecar', (uri?: vscode.Uri) => this.openSidecar(uri))];
  }

  private async openSidecar(uri?: vscode.Uri): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const article = uri ?? (editor?.document.languageId === SEED_LANGUAGE_ID ? editor.document.uri : undefined);
    if (!article) {
      void vscode.window.showInformationMessage('Open a seed article first: its annotations sidecar sits next to it.');
      return;
    }
    const sidecar = sidecarUriFor(article);
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
