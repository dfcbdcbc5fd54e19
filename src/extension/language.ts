import * as vscode from 'vscode';
import { isDatedFirstLine } from '../core/article';

export const SEED_LANGUAGE_ID = 'seed';

/**
 * VS Code ranks the `.txt` → plain text association above a language's `firstLine`, so a dated
 * article outside a `seeds/` folder opens as plain text. This feature looks at the first line of
 * plain-text documents (only that line: cheap even for huge files) and switches dated ones to
 * the `seed` language.
 */
export class SeedLanguageDetector implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(vscode.workspace.onDidOpenTextDocument((doc) => void this.check(doc)));
    for (const doc of vscode.workspace.textDocuments) void this.check(doc);
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    if (doc.languageId !== 'plaintext' || doc.lineCount === 0) return;
    if (!isDatedFirstLine(doc.lineAt(0).text)) return;
    try {
      await vscode.languages.setTextDocumentLanguage(doc, SEED_LANGUAGE_ID);
    } catch {
      // The document was closed meanwhile; nothing to switch.
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
