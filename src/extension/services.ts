import type * as vscode from 'vscode';
import type { CorpusService } from './corpusService';
import type { EntityTypes } from './entityTypes';
import type { WorkspaceFileEvents } from './fileEvents';
import type { SidecarStore } from './sidecarStore';

/** What the features share: built once in `activate`, handed to each feature's `register`. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  /** Per-article annotations in current coordinates; the only writer of sidecars. */
  readonly store: SidecarStore;
  /** The workspace-wide index of every sidecar (counts, merged entities, names). */
  readonly corpus: CorpusService;
  /** The extension's one file watcher. */
  readonly files: WorkspaceFileEvents;
  /** The configured entity types and the last used one. */
  readonly types: EntityTypes;
}
