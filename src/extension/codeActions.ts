/**
 * The tagging code actions of a seed: what Ctrl+. (and the lightbulb, once a name is selected)
 * offers on a selection or on the phrase under the cursor.
 *
 * Kind: `quickfix.seedAnnotator.*`. Tagging is the fix an annotator wants at this place, and
 * quick fixes are what Ctrl+. lists first, what the lightbulb shows, and what Auto Fix
 * (Shift+Alt+.) applies when exactly one is preferred: "Tag as <last used type>" is preferred, so
 * tagging with the last type is one chord. The own sub-kinds let users filter and bind them:
 *   { "key": "…", "command": "editor.action.codeAction",
 *     "args": { "kind": "quickfix.seedAnnotator.tagAll", "apply": "first" } }
 *
 * A short menu, in this order (cSpell's users complain of noisy quick-fix menus): on a new name,
 * one "Tag as TYPE" per configured type (the entity's own type when the name is known, else the
 * last used, first), then tag-all in the article, tag-all in the workspace, add as alias. On a
 * tagged name: tag the other occurrences as the same entity, then the four mention actions.
 * Nothing on a mere cursor move: the lightbulb appears for a selection; the cursor's phrase is
 * offered on Ctrl+. only (a lightbulb on every word read would be noise).
 */
import * as vscode from 'vscode';
import { foldName } from '../core/entityEdits';
import type { Entity, Mention } from '../core/model';
import { findOccurrences } from '../core/occurrences';
import type { SelectionResult } from '../core/selection';
import { resolveSelection, trimSelection } from '../core/selection';
import type { TextSpan } from './annotationActions';
import { caseSensitiveOccurrences, inSync, mentionsAt, offsetMapOf, quoted } from './editorSpans';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';
import type { ArticleSession } from './sidecarStore';
import type { TagArgs, TagCommands } from './tagCommands';
import { COMMANDS } from './tagCommands';
import type { WorkspaceArticles, WorkspaceSearch } from './workspaceArticles';

export const KIND = vscode.CodeActionKind.QuickFix.append('seedAnnotator');
export const KINDS = {
  tag: KIND.append('tag'),
  tagAll: KIND.append('tagAll'),
  alias: KIND.append('alias'),
  mention: KIND.append('mention'),
} as const;

/** How long a code-action request waits for the workspace count before showing the action without it. */
const WORKSPACE_COUNT_BUDGET_MS = 250;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export class TaggingCodeActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [KIND];

  constructor(
    private readonly services: Services,
    private readonly commands: TagCommands,
    private readonly workspace: WorkspaceArticles,
  ) {}

  async provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (context.only && !KIND.intersects(context.only)) return [];
    const invoked = context.triggerKind === vscode.CodeActionTriggerKind.Invoke;
    if (range.isEmpty && !invoked) return [];
    let session: ArticleSession;
    try {
      session = await this.services.store.get(doc.uri);
    } catch {
      return []; // not a file we can annotate (untitled, unreadable)
    }
    if (token.isCancellationRequested || !inSync(session, doc) || session.problem) return [];
    const actions = await this.actionsFor(doc, range, session, invoked);
    return context.only ? actions.filter((a) => a.kind && context.only!.contains(a.kind)) : actions;
  }

  private async actionsFor(doc: vscode.TextDocument, range: vscode.Range, session: ArticleSession, invoked: boolean): Promise<vscode.CodeAction[]> {
    const map = offsetMapOf(session);
    const text = session.text;
    const a = session.annotations;
    const live = a.mentions.filter((m) => !m.orphaned);
    const from = doc.offsetAt(range.start);
    const to = doc.offsetAt(range.end);
    const r: SelectionResult = range.isEmpty ? resolveSelection(text, from, from) : trimSelection(text, from, to);

    if (r.kind === 'paragraph-break') {
      if (!invoked) return [];
      const refused = new vscode.CodeAction('Tag selection', KINDS.tag);
      refused.disabled = { reason: 'The selection crosses a paragraph break: a mention lies within one paragraph.' };
      return [refused];
    }

    const actions: vscode.CodeAction[] = [];
    let onMention: Mention | undefined;
    if (r.kind === 'span') {
      const span: TextSpan = { start: map.toCodePoint(r.start), end: map.toCodePoint(r.end), text: r.text };
      const exact = live.find((m) => m.start === span.start && m.end === span.end);
      const exactEntity = exact && a.entities.find((e) => e.id === exact.entity);
      if (!exact) actions.push(...this.typeActions(doc.uri, span, a.entities));
      actions.push(...this.tagAllActions(doc.uri, session, span, exactEntity));
      const ws = await this.workspaceAction(doc.uri, span, exactEntity);
      if (ws) actions.push(ws);
      if (!exact) {
        const alias = await this.aliasAction(doc.uri, span);
        if (alias) actions.push(alias);
      }
      onMention = exact;
    }
    if (!onMention && range.isEmpty) onMention = mentionsAt(live, map.toCodePoint(from), { includeEnd: true })[0];
    if (onMention) actions.push(...this.mentionActions(doc.uri, onMention, a.entities, live));
    return actions;
  }

  /** One "Tag as TYPE" per configured type; the known entity's type, else the last used, first. */
  private typeActions(uri: vscode.Uri, span: TextSpan, entities: readonly Entity[]): vscode.CodeAction[] {
    const key = foldName(span.text);
    const known = entities.filter((e) => foldName(e.name) === key || (e.aliases ?? []).some((x) => foldName(x) === key));
    const ordered = this.services.types.ordered().map((t) => t.name);
    const first = known[0]?.type ?? this.services.types.lastUsed;
    const types = first && ordered.includes(first) ? [first, ...ordered.filter((t) => t !== first)] : ordered;
    return types.map((type, i) => {
      const entity = known.find((e) => e.type === type);
      const suffix = entity && foldName(entity.name) !== key ? ` (${entity.name})` : '';
      const action = new vscode.CodeAction(`Tag ${quoted(span.text)} as ${type}${suffix}`, KINDS.tag);
      const args: TagArgs = { uri: uri.toString(), ...span, type };
      action.command = { command: COMMANDS.tag, title: action.title, arguments: [args] };
      // Preferred only when the choice is clear: a known entity's type, or the type used last.
      action.isPreferred = i === 0 && first !== undefined;
      return action;
    });
  }

  private tagAllActions(uri: vscode.Uri, session: ArticleSession, span: TextSpan, exactEntity: Entity | undefined): vscode.CodeAction[] {
    const search = findOccurrences(offsetMapOf(session), span.text, { caseSensitive: caseSensitiveOccurrences(uri), tagged: session.annotations.mentions });
    const others = search.occurrences.filter((o) => o.start !== span.start || o.end !== span.end);
    if (others.length === 0) return [];
    const hyphens = search.hyphenJoined > 0 ? `, ${search.hyphenJoined} hyphen-joined` : '';
    const args: TagArgs = { uri: uri.toString(), ...span };
    let title: string;
    if (exactEntity) {
      title = `Tag ${others.length === 1 ? 'the other occurrence' : `all ${others.length} other occurrences`} of ${quoted(span.text)} as ${exactEntity.name} (${exactEntity.type})${hyphens ? ` (${hyphens.slice(2)})` : ''}`;
      args.entity = exactEntity.id;
    } else {
      const n = others.length + 1;
      title = `Tag all ${n} occurrences of ${quoted(span.text)}${hyphens ? ` (${hyphens.slice(2)})` : ''} as…`;
    }
    const action = new vscode.CodeAction(title, KINDS.tagAll);
    action.command = { command: COMMANDS.tagAll, title, arguments: [args] };
    return [action];
  }

  private async workspaceAction(uri: vscode.Uri, span: TextSpan, exactEntity: Entity | undefined): Promise<vscode.CodeAction | undefined> {
    const search = this.workspace.search(span.text, caseSensitiveOccurrences(uri));
    const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), WORKSPACE_COUNT_BUDGET_MS));
    const found: WorkspaceSearch | undefined = await Promise.race([search.catch(() => undefined), timeout]);
    const args: TagArgs = { uri: uri.toString(), ...span };
    if (exactEntity) args.entity = exactEntity.id;
    const as = exactEntity ? ` as ${exactEntity.name} (${exactEntity.type})` : ' as…';
    let title: string;
    if (found) {
      const elsewhere = found.articles.filter((x) => x.uri.toString() !== uri.toString());
      if (elsewhere.length === 0) return undefined; // nothing beyond this article: the article action covers it
      const here = found.articles.find((x) => x.uri.toString() === uri.toString());
      const selectedCounted = here?.search.occurrences.some((o) => o.start === span.start && o.end === span.end) ?? false;
      const total = found.total + (exactEntity || selectedCounted ? 0 : 1);
      const articles = elsewhere.length + (here || !exactEntity ? 1 : 0);
      title = `Tag all ${plural(total, 'occurrence')} of ${quoted(span.text)} in the workspace (${plural(articles, 'article')})${as}`;
    } else {
      title = `Tag all occurrences of ${quoted(span.text)} in the workspace${as}`;
    }
    const action = new vscode.CodeAction(title, KINDS.tagAll);
    action.command = { command: COMMANDS.tagAllWorkspace, title, arguments: [args] };
    return action;
  }

  private async aliasAction(uri: vscode.Uri, span: TextSpan): Promise<vscode.CodeAction | undefined> {
    const candidates = await this.commands.aliasCandidates(uri, span.text);
    if (candidates.length === 0) return undefined;
    const title = `Add ${quoted(span.text)} as alias of…`;
    const action = new vscode.CodeAction(title, KINDS.alias);
    const args: TagArgs = { uri: uri.toString(), ...span };
    action.command = { command: COMMANDS.addAlias, title, arguments: [args] };
    return action;
  }

  private mentionActions(uri: vscode.Uri, m: Mention, entities: readonly Entity[], live: readonly Mention[]): vscode.CodeAction[] {
    const e = entities.find((x) => x.id === m.entity);
    if (!e) return [];
    const key = { uri: uri.toString(), entity: m.entity, start: m.start, end: m.end };
    const count = live.filter((x) => x.entity === e.id).length;
    const make = (title: string, command: string) => {
      const action = new vscode.CodeAction(title, KINDS.mention);
      action.command = { command, title, arguments: [key] };
      return action;
    };
    return [
      make(`Change type of ${e.name} (${e.type})…`, COMMANDS.changeType),
      make(`Remove this mention of ${quoted(m.text)}`, COMMANDS.removeMention),
      make(`Remove entity ${e.name} and ${count === 1 ? 'its mention' : `all its ${count} mentions`}`, COMMANDS.removeEntity),
      make(`Edit entity note of ${e.name}…`, COMMANDS.editNote),
    ];
  }
}

export function registerTaggingCodeActions(services: Services, commands: TagCommands, workspace: WorkspaceArticles): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider({ language: SEED_LANGUAGE_ID }, new TaggingCodeActions(services, commands, workspace), {
    providedCodeActionKinds: TaggingCodeActions.providedCodeActionKinds,
  });
}
