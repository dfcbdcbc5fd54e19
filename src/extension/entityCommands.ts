/**
 * The Entities view's context-menu commands: rename, change type, merge into another entity,
 * delete (with confirmation and undo), edit note, open in sidecar, copy mentions.
 *
 * A command acts on the selected entity rows (multi-select for change type, merge and delete).
 * An article-scope row is one article's entity; a workspace-scope row is the entity merged across
 * articles, so its command changes every sidecar that has it. Every write goes through
 * `store.edit`, one annotation action per article (atomic, conflict-checked, undoable there).
 */
import * as vscode from 'vscode';
import type { Annotations, Entity } from '../core/model';
import { TextLines } from '../core/mentionSnippet';
import { cleanAliases, mergeEntities, renameChange, takeIdentityChange } from '../core/entityEdits';
import type { EntityIdentity } from '../core/entityEdits';
import { entityLine } from '../core/sidecarEntityLine';
import type { EntityRef } from './corpusService';
import type { EntityNode, EntityTreeNode, EntityTreeProvider } from './entityTree';
import type { Services } from './services';
import { reportError } from './sidecarStore';
import type { EditContext } from './sidecarStore';

/** Above this many articles a command shows a progress notification. */
const PROGRESS_THRESHOLD = 10;
const CONCURRENCY = 8;

/** The (article → entity ids) pairs of some refs, in path order. */
function byArticle(refs: readonly EntityRef[]): { article: vscode.Uri; ids: string[] }[] {
  const map = new Map<string, { article: vscode.Uri; ids: string[] }>();
  for (const r of refs) {
    const key = r.article.toString();
    const entry = map.get(key) ?? { article: r.article, ids: [] };
    if (!entry.ids.includes(r.id)) entry.ids.push(r.id);
    map.set(key, entry);
  }
  return [...map.values()].sort((a, b) => a.article.path.localeCompare(b.article.path));
}

export interface ArticlesOutcome {
  changed: vscode.Uri[];
  failed: { article: vscode.Uri; message: string }[];
}

/**
 * Runs one annotation action in each article, through the store (a few at a time), with a
 * progress notification when there are many. A failure in one article (a sidecar that does not
 * parse) is reported and does not stop the others.
 */
export async function editArticles(
  services: Services,
  title: string,
  groups: readonly { article: vscode.Uri; ids: string[] }[],
  label: string,
  fn: (ctx: EditContext, ids: string[]) => boolean | void,
): Promise<ArticlesOutcome> {
  const outcome: ArticlesOutcome = { changed: [], failed: [] };
  const run = async (report?: (done: number) => void, token?: vscode.CancellationToken) => {
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < groups.length && !token?.isCancellationRequested) {
        const g = groups[next++];
        try {
          const changed = await services.store.edit(g.article, label, (ctx) => fn(ctx, g.ids));
          if (changed !== false) outcome.changed.push(g.article);
        } catch (err) {
          outcome.failed.push({ article: g.article, message: (err as Error)?.message ?? String(err) });
        }
        report?.(++done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
  };
  if (groups.length > PROGRESS_THRESHOLD) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
      run((done) => progress.report({ message: `${done} of ${groups.length} articles`, increment: 100 / groups.length }), token),
    );
  } else {
    await run();
  }
  if (outcome.failed.length > 0) {
    const first = outcome.failed[0];
    void vscode.window.showErrorMessage(
      `${title}: ${outcome.failed.length} article(s) not changed. ${vscode.workspace.asRelativePath(first.article)}: ${first.message}`,
    );
  }
  return outcome;
}

/**
 * Renames an entity's canonical name in every article of `refs` (the old name may stay as an
 * alias: see `renameChange`). Shared by the tree's Rename and the editor's F2.
 */
export async function renameEntity(services: Services, refs: readonly EntityRef[], newName: string): Promise<ArticlesOutcome> {
  return editArticles(services, `Renaming to "${newName}"`, byArticle(refs), `Rename entity to "${newName}"`, ({ doc }, ids) => {
    let changed = false;
    for (const id of ids) {
      const e = doc.entity(id);
      if (!e || e.name === newName) continue;
      doc.updateEntity(id, renameChange(e, doc.annotations.mentions, newName));
      changed = true;
    }
    return changed;
  });
}

/** Applies `takeIdentityChange` to an entity of a model (pure). */
function withIdentity(a: Annotations, id: string, identity: EntityIdentity): Annotations {
  return {
    ...a,
    entities: a.entities.map((e) => {
      if (e.id !== id) return e;
      const change = takeIdentityChange(e, identity);
      const next: Entity = { ...e, type: change.type ?? e.type, name: change.name ?? e.name };
      if (change.aliases) next.aliases = change.aliases;
      else delete next.aliases;
      if (change.note !== undefined) next.note = change.note;
      else delete next.note;
      if (change.links) next.links = change.links;
      else delete next.links;
      return next;
    }),
  };
}

/** What a merge target is: its identity and where it has entries. */
export interface MergeTarget {
  identity: EntityIdentity;
  refs: readonly EntityRef[];
}

/**
 * Merges the source entities into the target, in every article that has a source. Where the
 * article also has the target, the sources' mentions move to it (`mergeEntities`); where it does
 * not, the first source takes the target's identity and any further ones merge into it.
 */
export async function mergeIntoEntity(services: Services, sources: readonly EntityRef[], target: MergeTarget): Promise<ArticlesOutcome> {
  const targetIn = new Map(target.refs.map((r) => [r.article.toString(), r.id]));
  const label = `Merge into "${target.identity.name}"`;
  return editArticles(services, `Merging into "${target.identity.name}"`, byArticle(sources), label, ({ doc, session }, ids) => {
    let a = doc.annotations;
    let targetId = targetIn.get(session.articleUri.toString());
    for (const id of ids) {
      if (id === targetId || !a.entities.some((e) => e.id === id)) continue;
      if (targetId && a.entities.some((e) => e.id === targetId)) {
        a = mergeEntities(a, id, targetId);
      } else {
        a = withIdentity(a, id, target.identity);
        targetId = id;
      }
    }
    doc.setAnnotations(a);
    return doc.modified;
  });
}

// -- the commands ------------------------------------------------------------------------------------

function entityTargets(item: EntityTreeNode | undefined, selected: readonly EntityTreeNode[] | undefined, fallback: readonly EntityTreeNode[]): EntityNode[] {
  let nodes: readonly EntityTreeNode[];
  if (item && selected && selected.includes(item)) nodes = selected;
  else if (item) nodes = [item];
  else nodes = fallback;
  return nodes.filter((n): n is EntityNode => n.kind === 'entity');
}

function allRefs(nodes: readonly EntityNode[]): EntityRef[] {
  return nodes.flatMap((n) => n.refs);
}

function articlesPhrase(n: number): string {
  return n === 1 ? '1 article' : `${n.toLocaleString('en-US')} articles`;
}

/**
 * Answers a command can be given instead of asking (scripts, keybindings with `args`, tests): a
 * command invoked with them shows no input box, picker or confirmation.
 */
export interface EntityCommandInput {
  /** rename: the new canonical name. */
  name?: string;
  /** changeType: the new type. */
  type?: string;
  /** editNote: the note ('' removes it). */
  note?: string;
  /** merge: the entity row to merge into. */
  target?: EntityNode;
  /** delete: true skips the confirmation. */
  confirmed?: boolean;
}

export function registerEntityCommands(services: Services, provider: EntityTreeProvider, selection: () => readonly EntityTreeNode[]): void {
  const { context, store, types, corpus } = services;
  const command = (id: string, fn: (targets: EntityNode[], input: EntityCommandInput) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (item?: EntityTreeNode, selected?: EntityTreeNode[], input?: EntityCommandInput) => {
      const targets = entityTargets(item, selected, selection());
      if (targets.length === 0) return undefined;
      try {
        return await fn(targets, input ?? {});
      } catch (err) {
        reportError(err);
        return undefined;
      }
    });

  context.subscriptions.push(
    command('seedAnnotator.entity.rename', async ([node], input) => {
      const articles = byArticle(node.refs).length;
      const name = input.name ?? await vscode.window.showInputBox({
        title: `Rename ${node.type} "${node.name}"`,
        prompt: articles > 1 ? `New canonical name, in ${articlesPhrase(articles)}` : 'New canonical name',
        value: node.name,
        valueSelection: [0, node.name.length],
        validateInput: (v) => (v.trim() === '' ? 'An entity needs a name.' : undefined),
      });
      if (name === undefined || name.trim() === '' || name.trim() === node.name) return undefined;
      return renameEntity(services, node.refs, name.trim());
    }),

    command('seedAnnotator.entity.changeType', async (nodes, input) => {
      const current = new Set(nodes.map((n) => n.type));
      const picked = input.type !== undefined ? { label: input.type } : await vscode.window.showQuickPick(
        types.ordered().map((t) => ({ label: t.name, description: current.has(t.name) ? `${t.description ?? ''} (current)`.trim() : t.description })),
        { title: nodes.length === 1 ? `Type of "${nodes[0].name}"` : `Type of ${nodes.length} entities`, placeHolder: 'Choose the new type' },
      );
      if (!picked || !/^\S+$/.test(picked.label)) return undefined;
      const type = picked.label;
      await types.setLastUsed(type);
      return editArticles(services, `Changing type to ${type}`, byArticle(allRefs(nodes)), `Change type to ${type}`, ({ doc }, ids) => {
        let changed = false;
        for (const id of ids) {
          if (doc.entity(id)?.type === type) continue;
          doc.updateEntity(id, { type });
          changed = true;
        }
        return changed;
      });
    }),

    command('seedAnnotator.entity.merge', async (nodes, input) => {
      const target = input.target ? mergeTargetOf(input.target) : await pickMergeTarget(services, provider, nodes);
      if (!target) return undefined;
      const outcome = await mergeIntoEntity(services, allRefs(nodes), target);
      if (outcome.changed.length > 0) {
        void vscode.window.showInformationMessage(
          `Merged ${nodes.length === 1 ? `"${nodes[0].name}"` : `${nodes.length} entities`} into "${target.identity.name}" in ${articlesPhrase(outcome.changed.length)}.`,
        );
      }
      return outcome;
    }),

    command('seedAnnotator.entity.delete', async (nodes, input) => {
      const groups = byArticle(allRefs(nodes));
      const mentions = nodes.reduce((n, e) => n + e.mentionCount, 0);
      const what = nodes.length === 1 ? `"${nodes[0].name}"` : `${nodes.length} entities`;
      const where = groups.length > 1 ? ` in ${articlesPhrase(groups.length)}` : '';
      const answer = input.confirmed ? 'Delete' : await vscode.window.showWarningMessage(
        `Delete ${what} and ${mentions === 1 ? 'its mention' : `${mentions.toLocaleString('en-US')} mentions`}${where}?`,
        { modal: true, detail: 'Quotes keep their text but lose this speaker; relations to it are removed. You can undo this right after.' },
        'Delete',
      );
      if (answer !== 'Delete') return undefined;
      const label = `Delete ${what}`;
      const outcome = await editArticles(services, `Deleting ${what}`, groups, label, ({ doc }, ids) => {
        for (const id of ids) if (doc.entity(id)) doc.removeEntity(id);
      });
      if (outcome.changed.length > 0) {
        // Not awaited: the message stays until dismissed, the command is done.
        void vscode.window.showInformationMessage(`Deleted ${what}${where}.`, 'Undo').then((undo) => {
          if (undo === 'Undo') void undoInArticles(services, outcome.changed, label);
        });
      }
      return { ...outcome, label };
    }),

    command('seedAnnotator.entity.editNote', async (nodes, input) => {
      const node = nodes[0];
      const note = input.note ?? await vscode.window.showInputBox({
        title: `Note on "${node.name}"`,
        prompt: 'Empty removes the note',
        value: node.note ?? '',
      });
      if (note === undefined) return undefined;
      const value = note.trim() === '' ? undefined : note.trim();
      return editArticles(services, 'Editing the note', byArticle(node.refs), `Edit note of "${node.name}"`, ({ doc }, ids) => {
        let changed = false;
        for (const id of ids) {
          if (doc.entity(id)?.note === value) continue;
          doc.updateEntity(id, { note: value });
          changed = true;
        }
        return changed;
      });
    }),

    command('seedAnnotator.entity.openSidecar', async ([node]) => {
      const ref = node.refs[0];
      if (!ref) return;
      const session = await store.get(ref.article);
      try {
        await vscode.workspace.fs.stat(session.sidecarUri);
      } catch {
        void vscode.window.showInformationMessage(`The sidecar of ${vscode.workspace.asRelativePath(ref.article)} is written when the article is saved.`);
        return;
      }
      const document = await vscode.workspace.openTextDocument(session.sidecarUri);
      const line = session.doc ? entityLine(session.doc, ref.id) : undefined;
      const pos = new vscode.Position(Math.min(line ?? 0, document.lineCount - 1), 0);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(pos, pos), preview: true });
    }),

    command('seedAnnotator.entity.copyMentions', async (nodes) => {
      const lines: string[] = [];
      for (const { article, ids } of byArticle(allRefs(nodes))) {
        const am = await corpus.articleAnnotations(article);
        if (!am) continue;
        const text = am.text !== undefined ? new TextLines(am.text) : undefined;
        const file = vscode.workspace.asRelativePath(article, false);
        for (const m of am.mentions) {
          if (!ids.includes(m.entity)) continue;
          const where = text && !m.orphaned ? text.label(m.start) : '?:?';
          lines.push(`${file}:${where} ${m.text}`);
        }
      }
      const text = lines.join('\n') + (lines.length > 0 ? '\n' : '');
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`Copied ${lines.length === 1 ? '1 mention' : `${lines.length} mentions`}.`, 3000);
      return text;
    }),
  );
}

/**
 * Undoes an action in each article where it is still the last one (an article changed again
 * meanwhile keeps its later change and is named in a message).
 */
export async function undoInArticles(services: Services, articles: readonly vscode.Uri[], label: string): Promise<number> {
  let undone = 0;
  const skipped: vscode.Uri[] = [];
  for (const article of articles) {
    const session = services.store.peek(article);
    const top = session?.undoStack[session.undoStack.length - 1];
    if (top?.label !== label) {
      skipped.push(article);
      continue;
    }
    try {
      if ((await services.store.undo(article)) !== undefined) undone++;
    } catch (err) {
      reportError(err);
    }
  }
  if (skipped.length > 0) {
    void vscode.window.showWarningMessage(`Not undone in ${vscode.workspace.asRelativePath(skipped[0])}${skipped.length > 1 ? ` and ${skipped.length - 1} more` : ''}: it was changed again since.`);
  }
  return undone;
}

/** A tree row as a merge target (its own identity; every article where it has an entry). */
function mergeTargetOf(node: EntityNode): MergeTarget {
  return { identity: { type: node.type, name: node.name, aliases: node.aliases, note: node.note, links: node.links }, refs: node.refs };
}

interface TargetItem extends vscode.QuickPickItem {
  target: MergeTarget;
}

/** The merge target picker: entities of the same scope, the same type first, by name. */
async function pickMergeTarget(services: Services, provider: EntityTreeProvider, sources: readonly EntityNode[]): Promise<MergeTarget | undefined> {
  const sourceRefs = new Set(allRefs(sources).map((r) => `${r.article.toString()}#${r.id}`));
  const isSource = (refs: readonly EntityRef[]) => refs.some((r) => sourceRefs.has(`${r.article.toString()}#${r.id}`));
  const sourceTypes = new Set(sources.map((s) => s.type));
  const items: TargetItem[] = [];
  if (provider.scope === 'workspace') {
    await services.corpus.ready;
    for (const e of services.corpus.allEntities()) {
      if (isSource(e.refs)) continue;
      items.push({
        label: e.name,
        description: [e.type, e.aliases.join(', ')].filter(Boolean).join(' · '),
        detail: `${e.mentionCount} mentions in ${articlesPhrase(e.refs.length)}`,
        target: { identity: { type: e.type, name: e.name, aliases: e.aliases, note: e.note, links: e.links }, refs: e.refs },
      });
    }
  } else {
    const article = sources[0].refs[0]?.article;
    if (!article) return undefined;
    const session = await services.store.get(article);
    const a = session.annotations;
    for (const e of a.entities) {
      const refs = [{ article, id: e.id }];
      if (isSource(refs)) continue;
      const count = a.mentions.filter((m) => m.entity === e.id).length;
      items.push({
        label: e.name,
        description: [e.type, cleanAliases(e.name, e.aliases ?? []).join(', ')].filter(Boolean).join(' · '),
        detail: count === 1 ? '1 mention' : `${count} mentions`,
        target: { identity: { type: e.type, name: e.name, aliases: e.aliases, note: e.note, links: e.links }, refs },
      });
    }
  }
  const collator = new Intl.Collator(undefined, { sensitivity: 'base' });
  items.sort((x, y) => Number(!sourceTypes.has(x.target.identity.type)) - Number(!sourceTypes.has(y.target.identity.type)) || collator.compare(x.label, y.label));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('There is no other entity to merge into.');
    return undefined;
  }
  const what = sources.length === 1 ? `"${sources[0].name}"` : `${sources.length} entities`;
  const picked = await vscode.window.showQuickPick(items, {
    title: `Merge ${what} into…`,
    placeHolder: 'The entity that stays; the merged names become its aliases',
    matchOnDescription: true,
  });
  return picked?.target;
}
