/**
 * Orphaned mentions as diagnostics (Warning, source "Seed Annotator", code `orphaned-mention`) at
 * their last known place, clamped to the text, with quick fixes: re-attach at the nearest
 * occurrence of the mention's text (or a picked one), or delete the mention. An orphan has no live
 * range (the text it stood on is gone), so its place is where it last was: approximate, which the
 * message says.
 *
 * Commands (hidden from the palette; the quick fixes call them):
 *   seedAnnotator.orphan.reattach { uri, entity, start, end, target?: { start, end, text } }
 *   seedAnnotator.orphan.delete   { uri, entity, start, end }
 */
import * as vscode from 'vscode';
import type { Mention } from '../core/model';
import { findOccurrences } from '../core/occurrences';
import type { Occurrence } from '../core/occurrences';
import { clampSpan, LineIndex, OffsetMap } from '../core/offsets';
import type { MentionKey, TextSpan } from './annotationActions';
import { AnnotationActions } from './annotationActions';
import { caseSensitiveOccurrences, isSeed, offsetMapOf, quoted } from './editorSpans';
import { KIND } from './codeActions';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';
import type { ArticleSession } from './sidecarStore';
import { reportError, UserFacingError } from './sidecarStore';

export const DIAGNOSTIC_SOURCE = 'Seed Annotator';
export const ORPHAN_CODE = 'orphaned-mention';
export const ORPHAN_KIND = KIND.append('orphan');
const UPDATE_DELAY_MS = 150;
const MAX_REATTACH_PICKS = 50;

interface OrphanEntry {
  diagnostic: vscode.Diagnostic;
  mention: Mention;
}

export interface OrphanArgs {
  uri: string | vscode.Uri;
  entity: string;
  start: number;
  end: number;
  target?: TextSpan;
}

function toUri(u: string | vscode.Uri): vscode.Uri {
  return typeof u === 'string' ? vscode.Uri.parse(u) : u;
}

/** A code-point span of a text as a Range, without a TextDocument (the article may be closed). */
function rangeInText(map: OffsetMap, lines: LineIndex, start: number, end: number): vscode.Range {
  const span = clampSpan(start, end, map.codePointLength);
  const a = lines.positionAt(map.toUtf16(span.start));
  const b = lines.positionAt(map.toUtf16(span.end));
  return new vscode.Range(a.line, a.character, b.line, b.character);
}

export class OrphanDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [ORPHAN_KIND];
  private readonly collection = vscode.languages.createDiagnosticCollection('seedAnnotator.orphans');
  private readonly entries = new Map<string, OrphanEntry[]>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly actions: AnnotationActions;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.actions = new AnnotationActions(services);
    this.disposables.push(
      this.collection,
      services.store.onDidChange((s) => this.schedule(s.articleUri)),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isSeed(d)) this.schedule(d.uri);
      }),
      vscode.languages.registerCodeActionsProvider({ language: SEED_LANGUAGE_ID }, this, { providedCodeActionKinds: OrphanDiagnostics.providedCodeActionKinds }),
      vscode.commands.registerCommand('seedAnnotator.orphan.reattach', (args?: OrphanArgs) => this.reattach(args).catch(reportError)),
      vscode.commands.registerCommand('seedAnnotator.orphan.delete', (args?: OrphanArgs) => this.delete(args).catch(reportError)),
    );
    for (const d of vscode.workspace.textDocuments) if (isSeed(d)) this.schedule(d.uri);
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.add(uri.toString());
    this.timer ??= setTimeout(() => void this.flush(), UPDATE_DELAY_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const due = [...this.pending];
    this.pending.clear();
    for (const key of due) {
      const uri = vscode.Uri.parse(key);
      let session = this.services.store.peek(uri);
      if (!session) {
        // Dropped (reverted, closed): read again while the article is still open.
        if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key && isSeed(d))) {
          this.set(uri, []);
          continue;
        }
        try {
          session = await this.services.store.get(uri);
        } catch {
          this.set(uri, []);
          continue;
        }
      }
      this.update(session);
    }
  }

  /** Recomputes an article's orphan diagnostics now. */
  update(session: ArticleSession): void {
    const a = session.annotations;
    const orphans = a.mentions.filter((m) => m.orphaned);
    if (orphans.length === 0) {
      this.set(session.articleUri, []);
      return;
    }
    const map = offsetMapOf(session);
    const lines = new LineIndex(session.text);
    const entries = orphans.map((m) => {
      const e = a.entities.find((x) => x.id === m.entity);
      const who = e ? `${e.name} (${e.type})` : m.entity;
      const d = new vscode.Diagnostic(
        rangeInText(map, lines, m.start, m.end),
        `Orphaned mention ${quoted(m.text)} of ${who}: its text is no longer at this place (shown where it last was). Re-attach it or delete it.`,
        vscode.DiagnosticSeverity.Warning,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = ORPHAN_CODE;
      return { diagnostic: d, mention: m };
    });
    this.set(session.articleUri, entries);
  }

  private set(uri: vscode.Uri, entries: OrphanEntry[]): void {
    if (entries.length === 0) {
      this.entries.delete(uri.toString());
      this.collection.delete(uri);
    } else {
      this.entries.set(uri.toString(), entries);
      this.collection.set(uri, entries.map((e) => e.diagnostic));
    }
  }

  // -- quick fixes -------------------------------------------------------------------------------

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (context.only && !ORPHAN_KIND.intersects(context.only)) return [];
    const ours = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && codeOf(d) === ORPHAN_CODE);
    if (ours.length === 0) return [];
    const entries = this.entries.get(doc.uri.toString()) ?? [];
    const session = this.services.store.peek(doc.uri);
    if (!session) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const entry = entries.find((e) => e.diagnostic.range.isEqual(d.range) && e.diagnostic.message === d.message);
      if (!entry) continue;
      const m = entry.mention;
      const key = { uri: doc.uri.toString(), entity: m.entity, start: m.start, end: m.end };
      const places = this.placesFor(session, m);
      if (places.length > 0) {
        const nearest = places[0];
        const line = new LineIndex(session.text).positionAt(offsetMapOf(session).toUtf16(nearest.start)).line + 1;
        const fix = new vscode.CodeAction(`Re-attach ${quoted(m.text)} at the nearest occurrence (line ${line})`, ORPHAN_KIND);
        fix.diagnostics = [d];
        fix.isPreferred = true;
        fix.command = { command: 'seedAnnotator.orphan.reattach', title: fix.title, arguments: [{ ...key, target: { start: nearest.start, end: nearest.end, text: nearest.text } }] };
        actions.push(fix);
        if (places.length > 1) {
          const pick = new vscode.CodeAction(`Re-attach ${quoted(m.text)} at another of its ${places.length} occurrences…`, ORPHAN_KIND);
          pick.diagnostics = [d];
          pick.command = { command: 'seedAnnotator.orphan.reattach', title: pick.title, arguments: [key] };
          actions.push(pick);
        }
      }
      const del = new vscode.CodeAction(`Delete orphaned mention ${quoted(m.text)}`, ORPHAN_KIND);
      del.diagnostics = [d];
      del.command = { command: 'seedAnnotator.orphan.delete', title: del.title, arguments: [key] };
      actions.push(del);
    }
    return actions;
  }

  /** Where an orphan could go: occurrences of its text not yet mentions of its entity, nearest first. */
  private placesFor(session: ArticleSession, m: Mention): Occurrence[] {
    const taken = session.annotations.mentions.filter((x) => !x.orphaned && x.entity === m.entity);
    const found = findOccurrences(offsetMapOf(session), m.text, { caseSensitive: caseSensitiveOccurrences(session.articleUri), tagged: taken });
    return found.occurrences.sort((a, b) => Math.abs(a.start - m.start) - Math.abs(b.start - m.start) || a.start - b.start);
  }

  // -- commands ----------------------------------------------------------------------------------

  private async orphanOf(args: OrphanArgs | undefined): Promise<{ uri: vscode.Uri; key: MentionKey; mention: Mention; session: ArticleSession }> {
    if (!args?.uri || !args.entity) throw new UserFacingError('Use the quick fix on an orphaned mention (its warning in the article).');
    const uri = toUri(args.uri);
    const session = await this.services.store.get(uri);
    const mention = session.annotations.mentions.find((m) => m.orphaned && m.entity === args.entity && m.start === args.start && m.end === args.end);
    if (!mention) throw new UserFacingError('That orphaned mention is no longer in the annotations.');
    return { uri, key: { entity: args.entity, start: args.start, end: args.end }, mention, session };
  }

  private async reattach(args: OrphanArgs | undefined): Promise<boolean> {
    const { uri, key, mention, session } = await this.orphanOf(args);
    let target = args?.target;
    if (!target) {
      const places = this.placesFor(session, mention);
      if (places.length === 0) {
        void vscode.window.showInformationMessage(`${quoted(mention.text)} does not occur in the article any more: edit the text back, or delete the orphaned mention.`);
        return false;
      }
      const lines = new LineIndex(session.text);
      const map = offsetMapOf(session);
      const items = places.slice(0, MAX_REATTACH_PICKS).map((o) => {
        const pos = lines.positionAt(map.toUtf16(o.start));
        const lineText = session.text.slice(lines.lineStart(pos.line), lines.lineEnd(pos.line));
        return { label: `line ${pos.line + 1}`, description: lineText.trim().slice(0, 120), occurrence: o };
      });
      const picked = await vscode.window.showQuickPick(items, { title: `Re-attach ${quoted(mention.text)} at…`, placeHolder: 'Occurrence (nearest to where it was first)' });
      if (!picked) return false;
      target = { start: picked.occurrence.start, end: picked.occurrence.end, text: picked.occurrence.text };
    }
    await this.actions.reattach(uri, key, target);
    void vscode.window.setStatusBarMessage(`$(debug-disconnect) Re-attached ${quoted(target.text)}`, 4000);
    return true;
  }

  private async delete(args: OrphanArgs | undefined): Promise<boolean> {
    const { uri, key, mention } = await this.orphanOf(args);
    await this.actions.deleteOrphan(uri, key, mention.text);
    void vscode.window.setStatusBarMessage(`$(trash) Deleted the orphaned mention ${quoted(mention.text)}`, 4000);
    return true;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}
