/**
 * Tagging in the editor: the code actions (codeActions.ts), the tagging commands
 * (tagCommands.ts, over the store edits of annotationActions.ts) and tag-on-selection.
 */
import * as vscode from 'vscode';
import { registerTaggingCodeActions } from './codeActions';
import { isSeed } from './editorSpans';
import type { Services } from './services';
import { COMMANDS, TagCommands } from './tagCommands';
import { WorkspaceArticles } from './workspaceArticles';

/** Mouse selections settle (drag, double-click) for this long before the type picker opens. */
const TAG_ON_SELECTION_DELAY_MS = 400;

/**
 * With `seedAnnotator.tagOnSelection`, a mouse selection in a seed opens the type picker once the
 * selection stops changing. Keyboard selections never do: they are how one reads and moves.
 */
class TagOnSelection implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly listener: vscode.Disposable;

  constructor() {
    this.listener = vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e));
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    clearTimeout(this.timer);
    if (e.kind !== vscode.TextEditorSelectionChangeKind.Mouse || !isSeed(e.textEditor.document)) return;
    if (!vscode.workspace.getConfiguration('seedAnnotator', e.textEditor.document.uri).get<boolean>('tagOnSelection', false)) return;
    const selection = e.selections[0];
    if (e.selections.length !== 1 || selection.isEmpty) return;
    this.timer = setTimeout(() => {
      const editor = vscode.window.activeTextEditor;
      if (editor !== e.textEditor || !editor.selection.isEqual(selection)) return;
      void vscode.commands.executeCommand(COMMANDS.tag);
    }, TAG_ON_SELECTION_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.listener.dispose();
  }
}

export function registerTagging(services: Services): TagCommands {
  const workspace = new WorkspaceArticles(services.store, services.files, services.corpus);
  const commands = new TagCommands(services, workspace);
  services.context.subscriptions.push(workspace, commands, registerTaggingCodeActions(services, commands, workspace), new TagOnSelection());
  return commands;
}
