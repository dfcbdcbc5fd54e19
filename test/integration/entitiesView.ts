// Helpers for the tests of the Entities view, references and the corpus: the tree as a user sees
// it (labels and descriptions), read through the view's own data provider, which the extension's
// test API exposes as `api.corpus.entitiesView`.
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { SeedAnnotatorApi } from '../../src/extension/extension';
import type { EntitiesView, EntityTreeNode } from '../../src/extension/entityTree';
import { extensionApi } from './workspace';

export async function entitiesView(): Promise<{ api: SeedAnnotatorApi; view: EntitiesView }> {
  const api = await extensionApi();
  const view = api.corpus.entitiesView;
  if (!view) throw new Error('the entities view did not register');
  return { api, view };
}

export function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

/** What a row shows: "label — description" (the description only when there is one). */
export function rowText(item: vscode.TreeItem): string {
  return item.description ? `${labelOf(item)} — ${String(item.description)}` : labelOf(item);
}

export interface Row {
  node: EntityTreeNode;
  item: vscode.TreeItem;
  text: string;
}

export async function rows(view: EntitiesView, parent?: EntityTreeNode): Promise<Row[]> {
  const nodes = (await view.provider.getChildren(parent)) ?? [];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await view.provider.getTreeItem(node);
      return { node, item, text: rowText(item) };
    }),
  );
}

/** The child row whose label is `label` (or matches it, for a RegExp). */
export async function child(view: EntitiesView, parent: EntityTreeNode | undefined, label: string | RegExp): Promise<Row> {
  const all = await rows(view, parent);
  const found = all.find((r) => (typeof label === 'string' ? labelOf(r.item) === label : label.test(labelOf(r.item))));
  if (!found) throw new Error(`no row "${label}" among: ${all.map((r) => r.text).join(' | ')}`);
  return found;
}

/** Follows a path of labels from the root. */
export async function rowAt(view: EntitiesView, ...labels: (string | RegExp)[]): Promise<Row> {
  let parent: EntityTreeNode | undefined;
  let row: Row | undefined;
  for (const label of labels) {
    row = await child(view, parent, label);
    parent = row.node;
  }
  if (!row) throw new Error('empty path');
  return row;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Retries `check` until it stops throwing (the view and the index update debounced). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** Waits until the active editor shows this document in the seed language. */
export async function activeSeed(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return eventually(() => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.toString() !== uri.toString() || editor.document.languageId !== 'seed') {
      throw new Error(`${uri.path} is not the active seed editor (${editor?.document.uri.path} ${editor?.document.languageId})`);
    }
    return editor;
  });
}

export function readSidecar(uri: vscode.Uri): string {
  return fs.readFileSync(uri.fsPath.replace(/\.txt$/, '.ann.yaml'), 'utf8');
}
