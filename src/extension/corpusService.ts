import * as vscode from 'vscode';
import type { SidecarStore } from './sidecarStore';

// Placeholder: the workspace corpus index (file watcher, cache, background indexing) is being built.
export class CorpusService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  readonly ready: Promise<void> = Promise.resolve();

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly store: SidecarStore,
  ) {}

  dispose(): void {
    this.emitter.dispose();
  }
}
