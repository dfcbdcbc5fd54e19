// Helpers for the tagging and annotation-view tests: fresh articles of their own under seeds/,
// the code actions a user would see, the sidecar as it is on disk.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { workspaceUri } from './workspace';

export interface DiskEntity {
  id: string;
  type: string;
  name: string;
  aliases?: string[];
  note?: string;
}

export interface DiskMention {
  entity: string;
  start: number;
  end: number;
  text: string;
  before?: string;
  after?: string;
  orphaned?: boolean;
}

export interface DiskSidecar {
  sha256?: string;
  entities: DiskEntity[];
  mentions: DiskMention[];
}

export interface Article {
  uri: vscode.Uri;
  sidecar: string;
  doc: vscode.TextDocument;
  editor: vscode.TextEditor;
}

let counter = 0;

/** A new article under seeds/ with its own name (tests never share sidecars), opened in an editor. */
export async function freshArticle(prefix: string, text: string): Promise<Article> {
  counter++;
  const uri = workspaceUri(`seeds/${prefix}-${counter}-${Date.now().toString(36)}.txt`);
  fs.writeFileSync(uri.fsPath, text);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc);
  await waitFor('the seed language', () => doc.languageId === 'seed');
  return { uri, sidecar: uri.fsPath.replace(/\.txt$/, '.ann.yaml'), doc, editor };
}

export function readSidecar(path: string): DiskSidecar | undefined {
  if (!fs.existsSync(path)) return undefined;
  return parse(fs.readFileSync(path, 'utf8')) as DiskSidecar;
}

export function mustReadSidecar(path: string): DiskSidecar {
  const s = readSidecar(path);
  assert.ok(s, `sidecar ${path} exists`);
  return s;
}

/** Code-point slice of the article as stored on disk. */
export function diskSlice(path: string, start: number, end: number): string {
  return Array.from(fs.readFileSync(path, 'utf8').replace(/^\uFEFF/, '')).slice(start, end).join('');
}

/** Every mention's text against the article on disk: [text, slice]. */
export function slices(article: Article, sidecar = mustReadSidecar(article.sidecar)): [string, string][] {
  return sidecar.mentions.map((m) => [m.text, diskSlice(article.uri.fsPath, m.start, m.end)]);
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The editor range of the n-th occurrence of `needle` in the document. */
export function rangeOfText(doc: vscode.TextDocument, needle: string, nth = 0): vscode.Range {
  const text = doc.getText();
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `${needle} (#${nth}) is in the article`);
  }
  return new vscode.Range(doc.positionAt(i), doc.positionAt(i + needle.length));
}

/** Selects a range in the article's editor (as a user would before Ctrl+.). */
export async function select(article: Article, range: vscode.Range): Promise<void> {
  const editor = await vscode.window.showTextDocument(article.doc);
  editor.selection = new vscode.Selection(range.start, range.end);
  article.editor = editor;
}

/** The code actions VS Code would list for a range (Ctrl+.). */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind);
  return (all ?? []).filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a || ('command' in a && typeof a.command === 'object'));
}

export function titles(actions: readonly vscode.CodeAction[]): string[] {
  return actions.map((a) => a.title);
}

export function findAction(actions: readonly vscode.CodeAction[], title: string | RegExp): vscode.CodeAction {
  const a = actions.find((x) => (typeof title === 'string' ? x.title === title : title.test(x.title)));
  assert.ok(a, `action ${title} among:\n  ${titles(actions).join('\n  ')}`);
  return a;
}

/** Applies a code action as the editor does: runs its command with its arguments. */
export async function apply(action: vscode.CodeAction): Promise<unknown> {
  assert.ok(action.command, `${action.title} has a command`);
  return vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Runs a command that opens a quick pick or input box and accepts its first (active) item. */
export async function runAndAcceptFirst<T>(command: string, ...args: unknown[]): Promise<T> {
  const running = vscode.commands.executeCommand<T>(command, ...args);
  await new Promise((r) => setTimeout(r, 600));
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  return running;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
