import * as vscode from 'vscode';
import { GeneralCommands } from './commands';
import { CorpusService } from './corpusService';
import { EntityTypes } from './entityTypes';
import { WorkspaceFileEvents } from './fileEvents';
import { SeedLanguageDetector } from './language';
import type { Services } from './services';
import { SidecarStore } from './sidecarStore';
import { registerEntitiesView } from './entityTree';
import { registerNavigation } from './navigation';
import { registerTagging } from './tagging';
import { registerAnnotationView } from './annotationView';
import { registerExportImport } from './exportImport';

/** What `activate` returns: the shared services, for the integration tests and other extensions. */
export interface SeedAnnotatorApi extends Services {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): SeedAnnotatorApi {
  const types = new EntityTypes(context.workspaceState);
  const files = new WorkspaceFileEvents();
  const store = new SidecarStore(context, files);
  const corpus = new CorpusService(context, store, files);
  context.subscriptions.push(new SeedLanguageDetector(), new GeneralCommands(store), types, files, store, corpus);
  const services: Services = { context, store, corpus, files, types };
  registerEntitiesView(services);
  registerNavigation(services);
  registerTagging(services);
  registerAnnotationView(services);
  registerExportImport(services);
  return { version: context.extension.packageJSON.version as string, ...services };
}

export function deactivate(): void {
  // Every feature is a disposable in context.subscriptions.
}
