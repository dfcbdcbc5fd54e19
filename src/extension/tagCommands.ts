/**
 * The tagging commands (ids as in the manifest). Each works from the active editor's selection —
 * or, without one, the word or capitalised phrase under the cursor — or from explicit arguments,
 * which is how code actions call them (and tests, and keybindings with `args`):
 *
 *   seedAnnotator.tag              { uri, start, end, text, type? }     type picker unless `type`
 *   seedAnnotator.tagAs            { index } | { type } (+ span)        index: 0-based configured type
 *   seedAnnotator.tagAll           { type? | entity? } (+ span)         every untagged occurrence here
 *   seedAnnotator.tagAllWorkspace  { type? | entity? } (+ span)         … in every seed of the workspace
 *   seedAnnotator.addAlias         { entity?, entityArticle? } (+ span)
 *   seedAnnotator.mention.changeType { uri, entity, start, end, type? }
 *   seedAnnotator.mention.remove     { uri, entity, start, end }
 *   seedAnnotator.mention.removeEntity { uri, entity }
 *   seedAnnotator.mention.editNote   { uri, entity, note? }
 *   seedAnnotator.undo / redo        { uri? }
 *
 * Spans in arguments are code points (`start`, `end`) with the `text` expected there; `uri` is a
 * string or a Uri. Every command reports a refused selection (a paragraph break, nothing to tag)
 * with a message and never throws at the user.
 */
import * as vscode from 'vscode';
import { foldName } from '../core/entityEdits';
import type { Entity, Mention } from '../core/model';
import { findOccurrences } from '../core/occurrences';
import type { AliasCandidate } from '../core/nameSimilarity';
import { rankAliasCandidates } from '../core/nameSimilarity';
import { resolveSelection } from '../core/selection';
import type { MentionKey, TagTarget, TextSpan } from './annotationActions';
import { AnnotationActions, canonicalName, describeTarget } from './annotationActions';
import { caseSensitiveOccurrences, isSeed, mentionsAt, offsetMapOf, quoted } from './editorSpans';
import type { Services } from './services';
import { reportError, UserFacingError } from './sidecarStore';
import type { WorkspaceArticles } from './workspaceArticles';

export const COMMANDS = {
  tag: 'seedAnnotator.tag',
  tagAs: 'seedAnnotator.tagAs',
  tagAll: 'seedAnnotator.tagAll',
  tagAllWorkspace: 'seedAnnotator.tagAllWorkspace',
  addAlias: 'seedAnnotator.addAlias',
  changeType: 'seedAnnotator.mention.changeType',
  removeMention: 'seedAnnotator.mention.remove',
  removeEntity: 'seedAnnotator.mention.removeEntity',
  editNote: 'seedAnnotator.mention.editNote',
  undo: 'seedAnnotator.undo',
  redo: 'seedAnnotator.redo',
} as const;

export interface SpanArgs {
  uri?: string | vscode.Uri;
  start?: number;
  end?: number;
  text?: string;
}

export interface TagArgs extends SpanArgs {
  type?: string;
  index?: number;
  /** An entity id of the article (tag all as that entity). */
  entity?: string;
  /** For addAlias: the article whose sidecar holds `entity`, when it is not the tagged one. */
  entityArticle?: string | vscode.Uri;
}

export interface MentionArgs {
  uri?: string | vscode.Uri;
  entity?: string;
  start?: number;
  end?: number;
  type?: string;
  note?: string;
}

/** An entity a name may become an alias of: of this article (`local`) or of another one. */
export interface AliasChoice {
  entity: Entity;
  /** The article whose sidecar holds it. */
  article: vscode.Uri;
  local: boolean;
}

const MAX_WORKSPACE_ALIAS_CANDIDATES = 30;
const PARAGRAPH_MESSAGE = 'A mention lies within one paragraph: the selection crosses a paragraph break (a blank line). Select the name within its paragraph.';
const NOTHING_MESSAGE = 'Select a name, or put the cursor on one, to tag it.';

function toUri(u: string | vscode.Uri | undefined): vscode.Uri | undefined {
  if (u === undefined) return undefined;
  return typeof u === 'string' ? vscode.Uri.parse(u) : u;
}

/** What a command works on: an article and spans in it (code points of its current text). */
interface Target {
  uri: vscode.Uri;
  spans: TextSpan[];
}

export class TagCommands implements vscode.Disposable {
  readonly actions: AnnotationActions;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly services: Services,
    private readonly workspace: WorkspaceArticles,
  ) {
    this.actions = new AnnotationActions(services);
    const register = <A>(id: string, fn: (args: A | undefined) => Promise<unknown>) =>
      vscode.commands.registerCommand(id, async (args?: A) => {
        try {
          return await fn(args);
        } catch (err) {
          reportError(err);
          return undefined;
        }
      });
    this.disposables.push(
      register<TagArgs>(COMMANDS.tag, (a) => this.tag(a)),
      register<TagArgs>(COMMANDS.tagAs, (a) => this.tagAs(a)),
      register<TagArgs>(COMMANDS.tagAll, (a) => this.tagAll(a)),
      register<TagArgs>(COMMANDS.tagAllWorkspace, (a) => this.tagAllWorkspace(a)),
      register<TagArgs>(COMMANDS.addAlias, (a) => this.addAlias(a)),
      register<MentionArgs>(COMMANDS.changeType, (a) => this.changeType(a)),
      register<MentionArgs>(COMMANDS.removeMention, (a) => this.removeMention(a)),
      register<MentionArgs>(COMMANDS.removeEntity, (a) => this.removeEntity(a)),
      register<MentionArgs>(COMMANDS.editNote, (a) => this.editNote(a)),
      register<{ uri?: string | vscode.Uri }>(COMMANDS.undo, (a) => this.step('undo', a)),
      register<{ uri?: string | vscode.Uri }>(COMMANDS.redo, (a) => this.step('redo', a)),
    );
  }

  // -- targets ---------------------------------------------------------------------------------

  /**
   * The spans a command works on: from its arguments, else every selection of the active seed
   * editor (each trimmed; an empty one means the phrase under its cursor). Undefined (after a
   * message) when there is nothing to tag.
   */
  private async target(args: SpanArgs | undefined, options: { single?: boolean } = {}): Promise<Target | undefined> {
    const uri = toUri(args?.uri);
    if (uri && args?.start !== undefined && args.end !== undefined && args.text !== undefined) {
      return { uri, spans: [{ start: args.start, end: args.end, text: args.text }] };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || !isSeed(editor.document) || (uri && editor.document.uri.toString() !== uri.toString())) {
      void vscode.window.showInformationMessage('Open a seed article and select a name to tag it.');
      return undefined;
    }
    const doc = editor.document;
    const session = await this.services.store.get(doc.uri);
    const map = offsetMapOf(session);
    const text = session.text;
    const selections = options.single ? [editor.selection] : editor.selections;
    const spans: TextSpan[] = [];
    for (const sel of selections) {
      const r = resolveSelection(text, doc.offsetAt(sel.anchor), doc.offsetAt(sel.active));
      if (r.kind === 'paragraph-break') {
        void vscode.window.showWarningMessage(PARAGRAPH_MESSAGE);
        return undefined;
      }
      if (r.kind === 'span') {
        const span = { start: map.toCodePoint(r.start), end: map.toCodePoint(r.end), text: r.text };
        if (!spans.some((s) => s.start === span.start && s.end === span.end)) spans.push(span);
      }
    }
    if (spans.length === 0) {
      void vscode.window.showInformationMessage(NOTHING_MESSAGE);
      return undefined;
    }
    return { uri: doc.uri, spans };
  }

  /** The mention a mention command works on: from its arguments, else the innermost under the cursor. */
  private async mention(args: MentionArgs | undefined, needsSpan: boolean): Promise<{ uri: vscode.Uri; key: MentionKey; entity: Entity; mention?: Mention } | undefined> {
    let uri = toUri(args?.uri);
    let key: MentionKey | undefined;
    if (uri && args?.entity && (!needsSpan || (args.start !== undefined && args.end !== undefined))) {
      key = { entity: args.entity, start: args.start ?? -1, end: args.end ?? -1 };
    } else {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isSeed(editor.document)) {
        void vscode.window.showInformationMessage('Put the cursor on a tagged name in a seed article.');
        return undefined;
      }
      uri = editor.document.uri;
      const session = await this.services.store.get(uri);
      const map = offsetMapOf(session);
      const sel = editor.selection;
      const start = map.toCodePoint(editor.document.offsetAt(sel.start));
      const end = map.toCodePoint(editor.document.offsetAt(sel.end));
      const live = session.annotations.mentions.filter((m) => !m.orphaned);
      const exact = live.find((m) => m.start === start && m.end === end);
      const m = exact ?? mentionsAt(live, start, { includeEnd: true }).find((x) => x.end >= end);
      if (!m) {
        void vscode.window.showInformationMessage('There is no tagged name under the cursor.');
        return undefined;
      }
      key = { entity: m.entity, start: m.start, end: m.end };
    }
    const session = await this.services.store.get(uri);
    const a = session.annotations;
    const entity = a.entities.find((e) => e.id === key.entity);
    if (!entity) throw new UserFacingError(`The entity '${key.entity}' is not in the annotations of ${session.articleName}.`);
    const mention = a.mentions.find((m) => m.entity === key.entity && m.start === key.start && m.end === key.end);
    return { uri, key, entity, mention };
  }

  // -- pickers ---------------------------------------------------------------------------------

  /** The type picker: last used first, each with its Ctrl+Alt+N key. */
  async pickType(title: string, current?: string): Promise<string | undefined> {
    const configured = this.services.types.all();
    const mac = process.platform === 'darwin';
    const items = this.services.types.ordered().map((t) => {
      const i = configured.findIndex((c) => c.name === t.name);
      const key = i >= 0 && i < 9 ? `${mac ? '⌘⌥' : 'Ctrl+Alt+'}${i + 1}` : undefined;
      return {
        label: t.name,
        description: [t.name === current ? 'current' : undefined, key].filter(Boolean).join(' · ') || undefined,
        detail: t.description,
        iconPath: new vscode.ThemeIcon('circle-filled', typeof t.color === 'string' ? undefined : t.color),
        type: t.name,
      };
    });
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Entity type (last used first)', matchOnDescription: true, matchOnDetail: true });
    return picked?.type;
  }

  // -- tagging ---------------------------------------------------------------------------------

  private async tag(args: TagArgs | undefined): Promise<number> {
    const t = await this.target(args);
    if (!t) return 0;
    const what = t.spans.length === 1 ? quoted(t.spans[0].text) : `${t.spans.length} selections`;
    const type = args?.type ?? (await this.pickType(`Tag ${what} as…`));
    if (!type) return 0;
    return this.tagSpans(t, { kind: 'type', type });
  }

  private async tagAs(args: TagArgs | undefined): Promise<number> {
    const configured = this.services.types.all();
    const type = args?.type ?? (args?.index !== undefined ? configured[args.index]?.name : undefined);
    if (!type) {
      void vscode.window.showInformationMessage(`There is no entity type number ${(args?.index ?? -1) + 1}: ${configured.length} are configured (setting seedAnnotator.entityTypes).`);
      return 0;
    }
    const t = await this.target(args);
    if (!t) return 0;
    return this.tagSpans(t, { kind: 'type', type });
  }

  private async tagSpans(t: Target, target: TagTarget): Promise<number> {
    const as = describeTarget(target, this.services, t.uri);
    const what = t.spans.length === 1 ? quoted(t.spans[0].text) : `${t.spans.length} names`;
    const r = await this.actions.tag(t.uri, t.spans, target, `Tag ${what} as ${as}`);
    if (r.added === 0) void vscode.window.setStatusBarMessage(`$(tag) ${what} is already tagged as ${as}`, 4000);
    else void vscode.window.setStatusBarMessage(`$(tag) Tagged ${what} as ${as}`, 4000);
    return r.added;
  }

  /** The entity already tagged at exactly this span, if any. */
  private async mentionAt(uri: vscode.Uri, span: TextSpan): Promise<Entity | undefined> {
    const a = (await this.services.store.get(uri)).annotations;
    const m = a.mentions.find((x) => !x.orphaned && x.start === span.start && x.end === span.end);
    return m && a.entities.find((e) => e.id === m.entity);
  }

  private async tagAll(args: TagArgs | undefined): Promise<number> {
    const t = await this.target(args, { single: true });
    if (!t) return 0;
    const span = t.spans[0];
    const session = await this.services.store.get(t.uri);
    const cs = caseSensitiveOccurrences(t.uri);
    const search = findOccurrences(offsetMapOf(session), span.text, { caseSensitive: cs, tagged: session.annotations.mentions });
    const spans = [...search.occurrences.map((o) => ({ start: o.start, end: o.end, text: o.text }))];
    // The selected span first (it names a new entity), even where it is not a whole word.
    const selectedTagged = session.annotations.mentions.some((m) => !m.orphaned && m.start === span.start && m.end === span.end);
    const rest = spans.filter((s) => s.start !== span.start || s.end !== span.end);
    const all = selectedTagged ? rest : [span, ...rest];
    if (all.length === 0) {
      void vscode.window.showInformationMessage(`Every occurrence of ${quoted(span.text)} in ${session.articleName} is tagged already.`);
      return 0;
    }
    const hyphens = search.hyphenJoined > 0 ? ` (${search.hyphenJoined} hyphen-joined)` : '';
    const target = await this.tagAllTarget(args, t.uri, span, `Tag all ${all.length} ${all.length === 1 ? 'occurrence' : 'occurrences'}${hyphens} of ${quoted(span.text)} as…`);
    if (!target) return 0;
    const as = describeTarget(target, this.services, t.uri);
    const r = await this.actions.tag(t.uri, all, target, `Tag all ${all.length} of ${quoted(span.text)} as ${as}`);
    void vscode.window.setStatusBarMessage(`$(tag) Tagged ${r.added} ${r.added === 1 ? 'occurrence' : 'occurrences'} of ${quoted(span.text)} as ${as}`, 5000);
    return r.added;
  }

  /** What tag-all tags as: the arguments' type or entity, the entity already at the span, or the user's pick. */
  private async tagAllTarget(args: TagArgs | undefined, uri: vscode.Uri, span: TextSpan, title: string): Promise<TagTarget | undefined> {
    if (args?.entity) return { kind: 'entity', id: args.entity };
    if (args?.type) return { kind: 'type', type: args.type };
    const here = await this.mentionAt(uri, span);
    if (here) return { kind: 'entity', id: here.id };
    const type = await this.pickType(title);
    return type ? { kind: 'type', type } : undefined;
  }

  private async tagAllWorkspace(args: TagArgs | undefined): Promise<number> {
    const t = await this.target(args, { single: true });
    if (!t) return 0;
    const span = t.spans[0];
    const cs = caseSensitiveOccurrences(t.uri);
    const found = await this.workspace.search(span.text, cs, { exact: true });
    const here = await this.mentionAt(t.uri, span);
    const selectedTagged = here !== undefined;
    const total = found.total + (selectedTagged || found.articles.some((a) => a.uri.toString() === t.uri.toString() && a.search.occurrences.some((o) => o.start === span.start && o.end === span.end)) ? 0 : 1);
    if (total === 0) {
      void vscode.window.showInformationMessage(`Every occurrence of ${quoted(span.text)} in the workspace is tagged already.`);
      return 0;
    }
    const articleCount = new Set([...found.articles.map((a) => a.uri.toString()), ...(selectedTagged ? [] : [t.uri.toString()])]).size;
    // The identity every article's entity takes: the one at the span, or the given or picked type.
    let target: TagTarget | undefined;
    if (args?.entity || here) {
      const session = await this.services.store.get(t.uri);
      const e = session.annotations.entities.find((x) => x.id === (args?.entity ?? here?.id));
      if (!e) throw new UserFacingError(`The entity '${args?.entity}' is not in the annotations of ${session.articleName}.`);
      target = { kind: 'identity', type: e.type, name: e.name, id: e.id, aliases: e.aliases };
    } else {
      const type = args?.type ?? (await this.pickType(`Tag ${total} ${total === 1 ? 'occurrence' : 'occurrences'} of ${quoted(span.text)} in ${articleCount} ${articleCount === 1 ? 'article' : 'articles'} as…`));
      if (!type) return 0;
      target = { kind: 'identity', type, name: canonicalName(span.text) };
    }
    const as = describeTarget(target, this.services, t.uri);
    const work = new Map<string, { uri: vscode.Uri; spans: TextSpan[] }>();
    for (const a of found.articles) work.set(a.uri.toString(), { uri: a.uri, spans: a.search.occurrences.map((o) => ({ start: o.start, end: o.end, text: o.text })) });
    if (!selectedTagged) {
      const entry = work.get(t.uri.toString()) ?? { uri: t.uri, spans: [] };
      entry.spans = [span, ...entry.spans.filter((s) => s.start !== span.start || s.end !== span.end)];
      work.set(t.uri.toString(), entry);
    }
    let added = 0;
    const failures: string[] = [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Tagging ${quoted(span.text)} as ${as}`, cancellable: true }, async (progress, token) => {
      const entries = [...work.values()];
      for (const [i, entry] of entries.entries()) {
        if (token.isCancellationRequested) break;
        progress.report({ message: `${vscode.workspace.asRelativePath(entry.uri)} (${i + 1}/${entries.length})`, increment: 100 / entries.length });
        try {
          const r = await this.actions.tag(entry.uri, entry.spans, target, `Tag all of ${quoted(span.text)} in the workspace as ${as}`);
          added += r.added;
        } catch (err) {
          failures.push(`${vscode.workspace.asRelativePath(entry.uri)}: ${(err as Error).message}`);
        }
      }
    });
    if (failures.length > 0) void vscode.window.showWarningMessage(`Tagged ${added} occurrences; ${failures.length} articles failed: ${failures.join('; ')}`);
    else void vscode.window.setStatusBarMessage(`$(tag) Tagged ${added} ${added === 1 ? 'occurrence' : 'occurrences'} of ${quoted(span.text)} in ${work.size} ${work.size === 1 ? 'article' : 'articles'} as ${as}`, 6000);
    return added;
  }

  // -- aliases ---------------------------------------------------------------------------------

  /**
   * Entities a name could be an alias of, most likely first: every entity of this article, and
   * the workspace's (the corpus index's suggestions, once it is built) that have no entry here.
   * One ranking for both (core's `rankAliasCandidates`): similar name, then the last used type.
   */
  async aliasCandidates(uri: vscode.Uri, text: string): Promise<AliasChoice[]> {
    const session = await this.services.store.get(uri);
    const folded = foldName(text);
    const named = (e: { name: string; aliases?: readonly string[] }) => foldName(e.name) === folded || (e.aliases ?? []).some((a) => foldName(a) === folded);
    const candidates: AliasCandidate<AliasChoice>[] = session.annotations.entities
      .filter((e) => !named(e))
      .map((e) => ({ entity: e, ref: { entity: e, article: uri, local: true }, local: true }));
    const corpus = this.services.corpus;
    if (corpus.isIndexed) {
      const sidecar = session.sidecarUri.fsPath;
      for (const match of corpus.index.aliasCandidates(text, { articlePath: uri.fsPath, limit: MAX_WORKSPACE_ALIAS_CANDIDATES })) {
        const w = match.entity;
        const member = w.members.find((m) => m.file !== sidecar);
        if (!member || w.members.some((m) => m.file === sidecar) || named(w)) continue;
        const entity: Entity = { id: member.entity.id, type: w.type, name: w.name, aliases: [...w.aliases] };
        const article = vscode.Uri.file(corpus.index.entry(member.file)?.articlePath ?? member.file);
        candidates.push({ entity, ref: { entity, article, local: false } });
      }
    } else {
      corpus.startIndexing();
    }
    return rankAliasCandidates(text, candidates, this.services.types.lastUsed).map((c) => c.ref);
  }

  private async addAlias(args: TagArgs | undefined): Promise<string | undefined> {
    const t = await this.target(args, { single: true });
    if (!t) return undefined;
    const span = t.spans[0];
    let target: { kind: 'entity'; id: string } | { kind: 'identity'; type: string; name: string; id?: string; aliases?: readonly string[] } | undefined;
    const entityArticle = toUri(args?.entityArticle);
    if (args?.entity && (!entityArticle || entityArticle.toString() === t.uri.toString())) {
      target = { kind: 'entity', id: args.entity };
    } else if (args?.entity && entityArticle) {
      const e = (await this.services.store.get(entityArticle)).annotations.entities.find((x) => x.id === args.entity);
      if (!e) throw new UserFacingError(`The entity '${args.entity}' is not in the annotations of ${vscode.workspace.asRelativePath(entityArticle)}.`);
      target = { kind: 'identity', type: e.type, name: e.name, id: e.id };
    } else {
      const candidates = await this.aliasCandidates(t.uri, span.text);
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(`There is no entity to add ${quoted(span.text)} to yet: tag the entity's name first.`);
        return undefined;
      }
      const items = candidates.map((c) => ({
        label: c.entity.name,
        description: [c.entity.type, c.local ? undefined : vscode.workspace.asRelativePath(c.article)].filter(Boolean).join(' · '),
        detail: c.entity.aliases && c.entity.aliases.length > 0 ? `also: ${c.entity.aliases.join(', ')}` : undefined,
        candidate: c,
      }));
      const picked = await vscode.window.showQuickPick(items, { title: `Add ${quoted(span.text)} as alias of…`, placeHolder: 'Entity (most likely first)', matchOnDescription: true, matchOnDetail: true });
      if (!picked) return undefined;
      const c = picked.candidate;
      target = c.local ? { kind: 'entity', id: c.entity.id } : { kind: 'identity', type: c.entity.type, name: c.entity.name, id: c.entity.id };
    }
    const entity = await this.actions.addAlias(t.uri, span, target, `Add ${quoted(span.text)} as alias of ${describeTarget(target, this.services, t.uri)}`);
    void vscode.window.setStatusBarMessage(`$(tag) ${quoted(span.text)} is now an alias of ${entity.name} (${entity.type})`, 5000);
    return entity.id;
  }

  // -- mentions --------------------------------------------------------------------------------

  private async changeType(args: MentionArgs | undefined): Promise<string | undefined> {
    const m = await this.mention(args, false);
    if (!m) return undefined;
    const type = args?.type ?? (await this.pickType(`Change type of ${quoted(m.entity.name)} (${m.entity.type}) to…`, m.entity.type));
    if (!type || type === m.entity.type) return undefined;
    await this.actions.changeType(m.uri, m.entity.id, type);
    void vscode.window.setStatusBarMessage(`$(symbol-enum) ${m.entity.name} is now ${type}`, 4000);
    return type;
  }

  private async removeMention(args: MentionArgs | undefined): Promise<boolean> {
    const m = await this.mention(args, true);
    if (!m) return false;
    const r = await this.actions.removeMention(m.uri, m.key);
    void vscode.window.setStatusBarMessage(`$(close) Removed the mention ${quoted(m.mention?.text ?? m.entity.name)}${r.entityRemoved ? ` and its entity (no other mentions)` : ''}`, 4000);
    return true;
  }

  private async removeEntity(args: MentionArgs | undefined): Promise<number> {
    const m = await this.mention(args, false);
    if (!m) return 0;
    const r = await this.actions.removeEntity(m.uri, m.entity.id);
    void vscode.window.setStatusBarMessage(`$(trash) Removed ${r.name} and its ${r.mentions} ${r.mentions === 1 ? 'mention' : 'mentions'} (undo: Ctrl+Alt+Z)`, 5000);
    return r.mentions;
  }

  private async editNote(args: MentionArgs | undefined): Promise<string | undefined> {
    const m = await this.mention(args, false);
    if (!m) return undefined;
    const note =
      args?.note ??
      (await vscode.window.showInputBox({
        title: `Note on ${m.entity.name} (${m.entity.type})`,
        value: m.entity.note ?? '',
        prompt: 'Saved in the sidecar as the entity\'s note; leave empty to remove it.',
      }));
    if (note === undefined || note === (m.entity.note ?? '')) return undefined;
    await this.actions.setNote(m.uri, m.entity.id, note);
    return note;
  }

  // -- history ---------------------------------------------------------------------------------

  private async step(direction: 'undo' | 'redo', args: { uri?: string | vscode.Uri } | undefined): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const uri = toUri(args?.uri) ?? (isSeed(editor?.document) ? editor?.document.uri : undefined);
    if (!uri) {
      void vscode.window.showInformationMessage('Open a seed article to undo or redo its annotation actions.');
      return undefined;
    }
    const label = direction === 'undo' ? await this.services.store.undo(uri) : await this.services.store.redo(uri);
    const message = label
      ? `${direction === 'undo' ? '$(discard) Undid' : '$(redo) Redid'}: ${label}`
      : `$(info) No annotation action to ${direction} in this article (the text's own history is on Ctrl+Z / Ctrl+Y)`;
    void vscode.window.setStatusBarMessage(message, 5000);
    return label;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
