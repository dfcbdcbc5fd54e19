import * as vscode from 'vscode';
import { GeneralCommands } from './commands';
import { SeedLanguageDetector } from './language';

/** What `activate` returns: a small API for the integration tests and for other extensions. */
export interface SeedAnnotatorApi {
  readonly version: string;
}

export function activate(context: vscode.ExtensionContext): SeedAnnotatorApi {
  context.subscriptions.push(new SeedLanguageDetector(), new GeneralCommands());
  return { version: context.extension.packageJSON.version as string };
}

export function deactivate(): void {
  // Every feature is a disposable in context.subscriptions.
}
