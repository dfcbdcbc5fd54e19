import * as vscode from 'vscode';

export type FileEventKind = 'created' | 'changed' | 'deleted';

export interface FileEvent {
  uri: vscode.Uri;
  kind: FileEventKind;
}

/**
 * The extension's one file watcher (sidecars, articles, folders): the store, the corpus index and
 * the workspace search subscribe to it instead of each watching the workspace themselves. A folder
 * created or deleted as a whole (a checkout, a move in the explorer) is reported for the folder alone.
 */
export class WorkspaceFileEvents implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<FileEvent>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables = [
      this.emitter,
      watcher,
      watcher.onDidCreate((uri) => this.emitter.fire({ uri, kind: 'created' })),
      watcher.onDidChange((uri) => this.emitter.fire({ uri, kind: 'changed' })),
      watcher.onDidDelete((uri) => this.emitter.fire({ uri, kind: 'deleted' })),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
