/**
 * Entities navigate like symbols of a language server, in the article itself:
 *
 * - Go to Definition (F12) on a mention: the entity's first mention in the article; on that first
 *   mention already, the entity's entry in the sidecar.
 * - Find All References (Shift+F12): every mention of the entity, merged across the workspace.
 * - Rename Symbol (F2): the entity's canonical name, in every sidecar that has the (merged)
 *   entity, through the sidecar store.
 * - Go to Symbol in Workspace (Ctrl+T): entities by name, case- and diacritic-insensitive.
 *
 * Plus the `seedAnnotator.mention.reveal` command the tree's mentions run when clicked.
 *
 * Sidecar offsets are code points, the editor's positions UTF-16: every range here is made by
 * `TextLines` (core) from the text the offsets refer to.
 */
import * as vscode from 'vscode';
import type { Mention } from '../core/model';
import { TextLines } from '../core/mentionSnippet';
import { OffsetMap } from '../core/offsets';
import { workspaceSymbolName } from '../core/entitySymbols';
import { entityLine } from '../core/sidecarEntityLine';
import type { CorpusService, EntityRef } from './corpusService';
import { renameEntity } from './entityCommands';
import { typePresentation } from './entityTree';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';
import { reportError } from './sidecarStore';
import type { ArticleSession } from './sidecarStore';

/** What the reveal command needs to find a mention (offsets in code points, current text). */
export interface MentionTarget {
  article: vscode.Uri;
  entity: string;
  start: number;
  end: number;
  text?: string;
}

const SEED_SELECTOR: vscode.DocumentSelector = { language: SEED_LANGUAGE_ID };

/** A range of code-point offsets of `lines`' text as an editor range. */
export function toRange(lines: TextLines, start: number, end: number): vscode.Range {
  const s = lines.positionAt(start);
  const e = lines.positionAt(end);
  return new vscode.Range(s.line, s.character, e.line, e.character);
}

/** The mention under a position: the innermost one that contains it (its end included). */
export function mentionAt(session: ArticleSession, document: vscode.TextDocument, position: vscode.Position): Mention | undefined {
  const offset = new OffsetMap(session.text).toCodePoint(document.offsetAt(position));
  let best: Mention | undefined;
  for (const m of session.annotations.mentions) {
    if (m.orphaned || m.start > offset || m.end < offset) continue;
    if (!best || m.end - m.start < best.end - best.start) best = m;
  }
  return best;
}

async function sessionFor(services: Services, document: vscode.TextDocument): Promise<ArticleSession | undefined> {
  if (document.uri.scheme === 'untitled') return undefined;
  try {
    return await services.store.get(document.uri);
  } catch {
    return undefined;
  }
}

/** Every (article, id) pair of the merged entity of a mention; at least the mention's own. */
async function mergedRefs(corpus: CorpusService, ref: EntityRef): Promise<EntityRef[]> {
  await corpus.ready;
  return corpus.mergedEntityOf(ref)?.refs.slice() ?? [ref];
}

/** Locations of the mentions of these entity refs (not orphans), in path order. */
export async function mentionLocations(corpus: CorpusService, refs: readonly EntityRef[]): Promise<vscode.Location[]> {
  const byArticle = new Map<string, { article: vscode.Uri; ids: Set<string> }>();
  for (const r of refs) {
    const key = r.article.toString();
    const entry = byArticle.get(key) ?? { article: r.article, ids: new Set<string>() };
    entry.ids.add(r.id);
    byArticle.set(key, entry);
  }
  const articles = [...byArticle.values()].sort((a, b) => a.article.path.localeCompare(b.article.path));
  const results = await Promise.all(
    articles.map(async ({ article, ids }) => {
      const am = await corpus.articleAnnotations(article);
      if (!am || am.text === undefined) return [];
      const lines = new TextLines(am.text);
      return am.mentions.filter((m) => ids.has(m.entity) && !m.orphaned).map((m) => new vscode.Location(article, toRange(lines, m.start, m.end)));
    }),
  );
  return results.flat();
}

class EntityDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly services: Services) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.LocationLink[] | undefined> {
    const session = await sessionFor(this.services, document);
    if (!session) return undefined;
    const mention = mentionAt(session, document, position);
    if (!mention) return undefined;
    const lines = new TextLines(session.text);
    const origin = toRange(lines, mention.start, mention.end);
    const first = session.annotations.mentions.find((m) => m.entity === mention.entity && !m.orphaned);
    if (first && (first.start !== mention.start || first.end !== mention.end)) {
      const range = toRange(lines, first.start, first.end);
      return [{ originSelectionRange: origin, targetUri: document.uri, targetRange: range, targetSelectionRange: range }];
    }
    // On the first mention already: the entity's entry in the sidecar.
    const line = session.doc ? entityLine(session.doc, mention.entity) : undefined;
    if (line === undefined) return undefined;
    const range = new vscode.Range(line, 0, line, 0);
    return [{ originSelectionRange: origin, targetUri: session.sidecarUri, targetRange: range, targetSelectionRange: range }];
  }
}

class EntityReferenceProvider implements vscode.ReferenceProvider {
  constructor(private readonly services: Services) {}

  async provideReferences(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Location[] | undefined> {
    const session = await sessionFor(this.services, document);
    if (!session) return undefined;
    const mention = mentionAt(session, document, position);
    if (!mention) return undefined;
    const refs = await mergedRefs(this.services.corpus, { article: document.uri, id: mention.entity });
    return mentionLocations(this.services.corpus, refs);
  }
}

/**
 * F2 renames the entity, not the text: the article is left as it is and the canonical name changes
 * in every sidecar that has the merged entity.
 *
 * `provideRenameEdits` performs the rename itself, through the sidecar store, and returns an empty
 * WorkspaceEdit. Returning text edits on the sidecars instead would open them as unsaved YAML
 * buffers: the change would bypass the store's atomic, conflict-checked writes and its undo
 * history, and the store's in-memory documents would no longer match the files. (Consequence: the
 * rename preview, Shift+Enter, has nothing to preview; the rename is applied at once.)
 */
class EntityRenameProvider implements vscode.RenameProvider {
  constructor(private readonly services: Services) {}

  async prepareRename(document: vscode.TextDocument, position: vscode.Position): Promise<{ range: vscode.Range; placeholder: string }> {
    const session = await sessionFor(this.services, document);
    const mention = session && mentionAt(session, document, position);
    const entity = mention && session.annotations.entities.find((e) => e.id === mention.entity);
    if (!session || !mention || !entity) throw new Error('Place the cursor on a tagged mention to rename its entity.');
    return { range: toRange(new TextLines(session.text), mention.start, mention.end), placeholder: entity.name };
  }

  async provideRenameEdits(document: vscode.TextDocument, position: vscode.Position, newName: string): Promise<vscode.WorkspaceEdit> {
    const session = await sessionFor(this.services, document);
    const mention = session && mentionAt(session, document, position);
    if (!session || !mention) throw new Error('Place the cursor on a tagged mention to rename its entity.');
    const name = newName.trim();
    if (name === '') throw new Error('An entity needs a name.');
    const refs = await mergedRefs(this.services.corpus, { article: document.uri, id: mention.entity });
    await renameEntity(this.services, refs, name);
    return new vscode.WorkspaceEdit();
  }
}

const MAX_SYMBOLS = 200;

class EntitySymbolProvider implements vscode.WorkspaceSymbolProvider {
  constructor(private readonly services: Services) {}

  async provideWorkspaceSymbols(query: string, token: vscode.CancellationToken): Promise<vscode.SymbolInformation[]> {
    const corpus = this.services.corpus;
    await corpus.ready;
    if (token.isCancellationRequested) return [];
    const found = corpus.findEntities(query, MAX_SYMBOLS);
    const symbols = await Promise.all(
      found.map(async (e) => {
        const first = await corpus.firstMention(e.key);
        const location = first
          ? new vscode.Location(first.article, toRange(new TextLines(first.text), first.start, first.end))
          : new vscode.Location(e.refs[0].article, new vscode.Position(0, 0));
        const articles = e.articleCount === 1 ? '1 article' : `${e.articleCount} articles`;
        return new vscode.SymbolInformation(workspaceSymbolName(query, e.name, e.matched ?? e.name), typePresentation(e.type).symbolKind, `${e.type} · ${articles}`, location);
      }),
    );
    return symbols;
  }
}

/** Opens the article and selects the mention (the tree's click, the status of F12 results). */
async function revealMention(services: Services, target: MentionTarget | { article: vscode.Uri; mention: Mention }): Promise<void> {
  const t: MentionTarget = 'mention' in target ? { article: target.article, ...target.mention } : target;
  const document = await vscode.workspace.openTextDocument(t.article);
  const session = await services.store.get(t.article);
  // The node may have been computed before the latest edit: find the same mention now.
  const mentions = session.annotations.mentions;
  const m =
    mentions.find((x) => x.entity === t.entity && x.start === t.start && x.end === t.end) ??
    mentions.filter((x) => x.entity === t.entity && (t.text === undefined || x.text === t.text)).sort((a, b) => Math.abs(a.start - t.start) - Math.abs(b.start - t.start))[0] ??
    { start: t.start, end: t.end };
  const map = new OffsetMap(document.getText());
  const range = new vscode.Range(document.positionAt(map.toUtf16(m.start)), document.positionAt(map.toUtf16(m.end)));
  const editor = await vscode.window.showTextDocument(document, { preserveFocus: true, preview: true, selection: range });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

export function registerNavigation(services: Services): void {
  services.context.subscriptions.push(
    vscode.languages.registerDefinitionProvider(SEED_SELECTOR, new EntityDefinitionProvider(services)),
    vscode.languages.registerReferenceProvider(SEED_SELECTOR, new EntityReferenceProvider(services)),
    vscode.languages.registerRenameProvider(SEED_SELECTOR, new EntityRenameProvider(services)),
    vscode.languages.registerWorkspaceSymbolProvider(new EntitySymbolProvider(services)),
    vscode.commands.registerCommand('seedAnnotator.mention.reveal', (target?: MentionTarget | { article: vscode.Uri; mention: Mention }) => {
      if (!target) return;
      return revealMention(services, target).catch(reportError);
    }),
  );
}
