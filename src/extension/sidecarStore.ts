/**
 * The only code that writes sidecars from the editor. It keeps, for each article the user works
 * on, the sidecar document, the mentions in the coordinates of the text as it is now (moved by
 * every edit), the undo history of annotation actions, and the rule of when to write:
 *
 * - an annotation action on a saved article writes the sidecar at once;
 * - on a dirty article it waits for the save, so the sidecar on disk always matches the text on
 *   disk (its `sha256` is of the bytes actually saved, after save-time edits such as trimming);
 * - revert or close without saving drops both; a window reload keeps the pending annotations in
 *   workspace storage, tied to the hash of the unsaved text;
 * - a sidecar changed on disk (git checkout, another editor) is reloaded, and merged with the
 *   in-memory changes when there are any; a sidecar that fails to parse is reported and never
 *   overwritten.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Annotations, Quote } from '../core/model';
import { OffsetMap, stripBom, toCodePointChange } from '../core/offsets';
import { SidecarDocument, SidecarParseError, sha256Hex, sidecarPathFor } from '../core/sidecar';
import { LiveAnchors, reanchor } from '../core/anchor';
import type { TextChange } from '../core/anchor';
import type { WorkspaceFileEvents } from './fileEvents';
import { readSidecarFile, writeSidecarFile, mergeAnnotations } from './sidecarFiles';

const MAX_UNDO = 100;
const PENDING_KEY = 'seedAnnotator.pending:';

interface UndoEntry {
  label: string;
  annotations: Annotations;
  /** Index in the session's change log of the first text change made after this snapshot. */
  logIndex: number;
}

interface PendingState {
  textHash: string;
  sidecarText: string;
  diskHash?: string;
}

export type SessionState = 'ok' | 'broken';

/** One article's annotations as the editor sees them. */
export class ArticleSession {
  /** Current text (BOM removed) that the live spans refer to. */
  text: string;
  doc: SidecarDocument | undefined;
  /** sha256 of the sidecar bytes last read or written; undefined when there is no file. */
  diskHash: string | undefined;
  /** The sidecar on disk as last read (the merge base when it changes meanwhile). */
  diskAnnotations: Annotations | undefined;
  /** Set when the sidecar on disk fails to parse: nothing is written until it is fixed. */
  problem: { line: number; reason: string } | undefined;
  live: LiveAnchors;
  /** Annotation changes made while the article was dirty, to be written on save. */
  pending = false;
  /** The last write of this sidecar (writes are chained, never concurrent). */
  writing: Promise<void> = Promise.resolve();
  /** Trailing timer of the hot-exit copy, so typing does not re-serialise on every key. */
  pendingTimer: ReturnType<typeof setTimeout> | undefined;
  readonly undoStack: UndoEntry[] = [];
  readonly redoStack: UndoEntry[] = [];
  /** Text changes since the oldest undo entry (absolute index = changeLogBase + position). */
  changeLog: TextChange[] = [];
  changeLogBase = 0;

  constructor(
    readonly articleUri: vscode.Uri,
    readonly sidecarUri: vscode.Uri,
    text: string,
  ) {
    this.text = text;
    this.live = liveSpans(emptyFor(articleUri));
  }

  get articleName(): string {
    return path.posix.basename(this.articleUri.path);
  }

  /** The model in current coordinates (entities from the document, spans from the live anchors). */
  get annotations(): Annotations {
    const base = this.doc?.annotations ?? emptyFor(this.articleUri);
    return { ...base, mentions: this.live.mentions(), quotes: this.live.quotes() };
  }

  get hasSidecar(): boolean {
    return this.doc !== undefined;
  }
}

function liveSpans(a: Annotations): LiveAnchors {
  return new LiveAnchors({ mentions: a.mentions, quotes: a.quotes });
}

function reanchorOnLoad(a: Annotations, text: string): Annotations {
  return reanchor(a, text).annotations;
}

function emptyFor(uri: vscode.Uri): Annotations {
  return { schema: 1, article: path.posix.basename(uri.path), entities: [], mentions: [], quotes: [], relations: [] };
}

/** What an annotation action receives: the sidecar document to edit and the current text. */
export interface EditContext {
  doc: SidecarDocument;
  text: string;
  session: ArticleSession;
}

export class SidecarStore implements vscode.Disposable {
  private readonly sessions = new Map<string, ArticleSession>();
  private readonly loading = new Map<string, Promise<ArticleSession>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<ArticleSession>();
  private readonly problems = vscode.languages.createDiagnosticCollection('seed-annotator-sidecar');
  /** Sidecar hashes this store wrote itself, so the watcher can tell our writes from others'. */
  private readonly ownWrites = new Map<string, string>();

  /** Fires after any change of an article's annotations or of their positions. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    files: WorkspaceFileEvents,
  ) {
    this.disposables.push(
      this.changeEmitter,
      this.problems,
      vscode.workspace.onDidChangeTextDocument((e) => this.onTextChanged(e)),
      vscode.workspace.onDidSaveTextDocument((doc) => void this.onSaved(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.onClosed(doc)),
    );
    this.disposables.push(
      files.onDidChange(({ uri }) => {
        if (uri.path.endsWith(this.suffix(uri))) void this.onSidecarChangedOnDisk(uri);
      }),
    );
  }

  suffix(scope?: vscode.Uri): string {
    return vscode.workspace.getConfiguration('seedAnnotator', scope).get<string>('sidecarSuffix', '.ann.yaml');
  }

  sidecarUriFor(article: vscode.Uri): vscode.Uri {
    return article.with({ path: sidecarPathFor(article.path, this.suffix(article)) });
  }

  /** The session of an article already loaded, without loading it. */
  peek(article: vscode.Uri): ArticleSession | undefined {
    return this.sessions.get(article.toString());
  }

  /** Loads (once) and returns an article's session. */
  async get(article: vscode.Uri): Promise<ArticleSession> {
    const key = article.toString();
    const existing = this.sessions.get(key);
    if (existing) return existing;
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(article).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private openDocument(article: vscode.Uri): vscode.TextDocument | undefined {
    const key = article.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  private async load(article: vscode.Uri): Promise<ArticleSession> {
    const diskBytes = await vscode.workspace.fs.readFile(article);
    const diskText = stripBom(new TextDecoder('utf-8').decode(diskBytes));
    const open = this.openDocument(article);
    const session = new ArticleSession(article, this.sidecarUriFor(article), diskText);
    await this.readFromDisk(session, diskText, sha256Hex(diskBytes));
    if (open && open.getText() !== diskText) {
      // Unsaved text: restore what was pending for exactly this text, else follow it as an edit.
      const restored = this.restorePending(session, open.getText());
      if (!restored) {
        session.live = liveSpans(reanchorOnLoad(session.annotations, open.getText()));
        session.text = open.getText();
      }
    }
    this.sessions.set(article.toString(), session);
    return session;
  }

  /** (Re)reads the sidecar from disk into the session, re-anchoring against `diskText`. */
  private async readFromDisk(session: ArticleSession, diskText: string, articleHash: string): Promise<void> {
    const read = await readSidecarFile(session.sidecarUri);
    session.problem = undefined;
    this.problems.delete(session.sidecarUri);
    if (read.kind === 'missing') {
      session.doc = undefined;
      session.diskHash = undefined;
      session.diskAnnotations = undefined;
      session.live = liveSpans(emptyFor(session.articleUri));
      session.text = diskText;
      return;
    }
    if (read.kind === 'broken') {
      session.problem = { line: read.line, reason: read.reason };
      session.diskHash = read.diskHash;
      this.problems.set(session.sidecarUri, [
        new vscode.Diagnostic(new vscode.Range(read.line - 1, 0, read.line - 1, 1000), `${read.reason} — Seed Annotator will not overwrite this sidecar until it parses.`, vscode.DiagnosticSeverity.Error),
      ]);
      void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(session.sidecarUri)}:${read.line}: ${read.reason}. The annotations of ${session.articleName} are not loaded, and the file will not be overwritten until it is fixed.`);
      return;
    }
    session.doc = read.doc;
    session.diskHash = read.diskHash;
    session.diskAnnotations = read.doc.annotations;
    let annotations = read.doc.annotations;
    if (annotations.sha256 !== articleHash) annotations = reanchorOnLoad(annotations, diskText);
    session.live = liveSpans(annotations);
    session.text = diskText;
  }

  // -- annotation actions ---------------------------------------------------------------------

  /**
   * Applies an annotation action: `fn` edits the sidecar document (in current coordinates).
   * It is recorded for undo, and written now or on save (see the file comment).
   */
  async edit<T>(article: vscode.Uri, label: string, fn: (ctx: EditContext) => T): Promise<T> {
    const session = await this.get(article);
    if (session.problem) {
      throw new UserFacingError(`${vscode.workspace.asRelativePath(session.sidecarUri)}:${session.problem.line}: ${session.problem.reason}. Fix the sidecar first; it is never overwritten while it does not parse.`);
    }
    const before = session.annotations;
    const hadDoc = session.doc !== undefined;
    const doc = this.syncedDocument(session);
    const snapshot = doc.toString();
    let result: T;
    try {
      result = fn({ doc, text: session.text, session });
    } catch (err) {
      // An action that fails half-way leaves nothing behind: the next action must not write it.
      session.doc = hadDoc ? SidecarDocument.parse(snapshot) : undefined;
      throw err;
    }
    if (doc.toString() === snapshot) return result; // nothing changed: no undo step, no write
    this.pushUndo(session, { label, annotations: before, logIndex: session.changeLogBase + session.changeLog.length });
    session.redoStack.length = 0;
    session.live = liveSpans(doc.annotations);
    await this.afterAnnotationChange(session);
    return result;
  }

  /** The session's document with the live spans written into it (a new one if there is none). */
  private syncedDocument(session: ArticleSession): SidecarDocument {
    if (!session.doc) session.doc = SidecarDocument.create(emptyFor(session.articleUri));
    const doc = session.doc;
    doc.replaceMentions(session.live.mentions());
    doc.replaceQuotes(session.live.quotes());
    return doc;
  }

  private pushUndo(session: ArticleSession, entry: UndoEntry): void {
    session.undoStack.push(entry);
    if (session.undoStack.length > MAX_UNDO) session.undoStack.shift();
    this.trimChangeLog(session);
  }

  private trimChangeLog(session: ArticleSession): void {
    const oldest = Math.min(...[...session.undoStack, ...session.redoStack].map((e) => e.logIndex), session.changeLogBase + session.changeLog.length);
    const drop = oldest - session.changeLogBase;
    if (drop > 0) {
      session.changeLog = session.changeLog.slice(drop);
      session.changeLogBase = oldest;
    }
  }

  /** Brings a snapshot taken earlier into the coordinates of the current text. */
  private replay(session: ArticleSession, entry: UndoEntry): Annotations {
    const spans = liveSpans(entry.annotations);
    for (const c of session.changeLog.slice(entry.logIndex - session.changeLogBase)) spans.applyChange(c);
    return { ...entry.annotations, mentions: spans.mentions(), quotes: spans.quotes() };
  }

  canUndo(article: vscode.Uri): boolean {
    return (this.peek(article)?.undoStack.length ?? 0) > 0;
  }

  async undo(article: vscode.Uri): Promise<string | undefined> {
    return this.step(article, 'undo');
  }

  async redo(article: vscode.Uri): Promise<string | undefined> {
    return this.step(article, 'redo');
  }

  private async step(article: vscode.Uri, direction: 'undo' | 'redo'): Promise<string | undefined> {
    const session = await this.get(article);
    const from = direction === 'undo' ? session.undoStack : session.redoStack;
    const to = direction === 'undo' ? session.redoStack : session.undoStack;
    const entry = from.pop();
    if (!entry) return undefined;
    const target = this.replay(session, entry);
    to.push({ label: entry.label, annotations: session.annotations, logIndex: session.changeLogBase + session.changeLog.length });
    const doc = this.syncedDocument(session);
    doc.setAnnotations({ ...target, sha256: doc.annotations.sha256 });
    session.live = liveSpans(doc.annotations);
    this.trimChangeLog(session);
    await this.afterAnnotationChange(session);
    return entry.label;
  }

  private async afterAnnotationChange(session: ArticleSession): Promise<void> {
    const open = this.openDocument(session.articleUri);
    if (open?.isDirty) {
      session.pending = true;
      this.savePending(session);
    } else {
      await this.write(session);
    }
    this.changeEmitter.fire(session);
  }

  // -- writing ----------------------------------------------------------------------------------

  /** Writes the session's sidecar, after any write of it still under way (one at a time). */
  private write(session: ArticleSession): Promise<void> {
    const next = session.writing.catch(() => undefined).then(() => this.writeNow(session));
    session.writing = next;
    return next;
  }

  /** Writes the session's sidecar for the article bytes now on disk. */
  private async writeNow(session: ArticleSession): Promise<void> {
    if (session.problem || !session.doc) return;
    const articleBytes = await vscode.workspace.fs.readFile(session.articleUri);
    const doc = this.syncedDocument(session);
    doc.setSha256(sha256Hex(articleBytes));
    const result = await writeSidecarFile(session.sidecarUri, doc, session.diskHash, session.diskAnnotations);
    if (result.kind === 'refused') {
      session.pending = true;
      this.savePending(session);
      throw new UserFacingError(`${result.reason}. Your annotations are kept; fix the file, then save the article again.`);
    }
    if (result.doc !== doc) {
      // Merged into the version someone else wrote meanwhile (its layout and comments kept).
      session.doc = result.doc;
      session.live = liveSpans(result.doc.annotations);
    }
    session.diskHash = result.diskHash;
    session.diskAnnotations = result.doc.annotations;
    this.ownWrites.set(session.sidecarUri.toString(), result.diskHash);
    session.pending = false;
    this.clearPending(session);
  }

  // -- hot exit: pending annotations of unsaved text ----------------------------------------------

  /** Keeps a copy of unsaved annotations for a window reload, at most every half second. */
  private savePendingSoon(session: ArticleSession): void {
    if (session.pendingTimer) return;
    session.pendingTimer = setTimeout(() => {
      session.pendingTimer = undefined;
      if (session.pending) this.savePending(session);
    }, 500);
  }

  private savePending(session: ArticleSession): void {
    if (session.pendingTimer) {
      clearTimeout(session.pendingTimer);
      session.pendingTimer = undefined;
    }
    if (!session.doc) return;
    const state: PendingState = { textHash: sha256Hex(session.text), sidecarText: this.syncedDocument(session).toString(), diskHash: session.diskHash };
    void this.context.workspaceState.update(PENDING_KEY + session.articleUri.toString(), state);
  }

  private clearPending(session: ArticleSession): void {
    if (session.pendingTimer) {
      clearTimeout(session.pendingTimer);
      session.pendingTimer = undefined;
    }
    void this.context.workspaceState.update(PENDING_KEY + session.articleUri.toString(), undefined);
  }

  private restorePending(session: ArticleSession, text: string): boolean {
    const state = this.context.workspaceState.get<PendingState>(PENDING_KEY + session.articleUri.toString());
    if (!state) return false;
    try {
      session.doc = SidecarDocument.parse(state.sidecarText);
    } catch {
      return false;
    }
    // The copy is written at most every half second: if the text moved on since, follow it.
    const current = stripBom(text);
    session.live = liveSpans(state.textHash === sha256Hex(current) ? session.doc.annotations : reanchorOnLoad(session.doc.annotations, current));
    session.text = stripBom(text);
    session.pending = true;
    return true;
  }

  // -- following the editor -----------------------------------------------------------------------

  private onTextChanged(e: vscode.TextDocumentChangeEvent): void {
    const session = this.peek(e.document.uri);
    if (!session || e.contentChanges.length === 0) return;
    // Changes of one event all refer to the text before it; apply them from the last backwards.
    const changes = [...e.contentChanges].sort((a, b) => b.rangeOffset - a.rangeOffset);
    // Descending order keeps every range within text that earlier iterations did not touch, so one
    // map of the text before the event serves them all.
    const map = new OffsetMap(session.text);
    let text = session.text;
    for (const c of changes) {
      // With the removed text, anchoring narrows a replacement to what really changed.
      const change: TextChange = { ...toCodePointChange(map, c), removedText: text.slice(c.rangeOffset, c.rangeOffset + c.rangeLength) };
      session.live.applyChange(change);
      if (session.undoStack.length + session.redoStack.length > 0) session.changeLog.push(change);
      text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
    }
    session.text = text;
    if (!e.document.isDirty && e.reason === undefined && session.pending) {
      // Reverted: the unsaved annotation changes go with the unsaved text.
      this.dropSession(session);
    } else if (!e.document.isDirty && session.pending) {
      // Undone back to the saved text: the pending annotations now fit the file on disk.
      void this.write(session).catch(reportError);
    } else if (session.pending) {
      this.savePendingSoon(session);
    }
    this.changeEmitter.fire(session);
  }

  private async onSaved(doc: vscode.TextDocument): Promise<void> {
    const session = this.peek(doc.uri);
    if (!session || (!session.doc && !session.pending)) return;
    try {
      await this.write(session);
      this.changeEmitter.fire(session);
    } catch (err) {
      reportError(err);
    }
  }

  private onClosed(doc: vscode.TextDocument): void {
    const session = this.peek(doc.uri);
    if (!session) return;
    // Closing without saving drops the unsaved annotations with the unsaved text.
    if (session.pending || doc.isDirty) this.dropSession(session);
  }

  /** Forgets a session; the next `get` reads the article and sidecar from disk again. */
  private dropSession(session: ArticleSession): void {
    this.sessions.delete(session.articleUri.toString());
    this.clearPending(session);
    session.pending = false;
    this.changeEmitter.fire(session);
  }

  private async onSidecarChangedOnDisk(sidecar: vscode.Uri): Promise<void> {
    const session = [...this.sessions.values()].find((s) => s.sidecarUri.toString() === sidecar.toString());
    if (!session) return;
    const read = await readSidecarFile(sidecar);
    const diskHash = read.kind === 'missing' ? undefined : read.diskHash;
    if (diskHash !== undefined && this.ownWrites.get(sidecar.toString()) === diskHash) return;
    if (diskHash === session.diskHash) return;
    try {
      if (!session.pending) {
        // Nothing unsaved here: take theirs, re-anchored onto the text as it is now.
        const diskBytes = await readIfExists(session.articleUri);
        if (!diskBytes) {
          // The article went away with its sidecar (renamed, deleted, another branch).
          this.dropSession(session);
          return;
        }
        const diskText = stripBom(new TextDecoder('utf-8').decode(diskBytes));
        const current = session.text;
        await this.readFromDisk(session, diskText, sha256Hex(diskBytes));
        if (current !== diskText && !session.problem) {
          session.live = liveSpans(reanchorOnLoad(session.annotations, current));
          session.text = current;
        }
      } else if (read.kind === 'ok') {
        // Unsaved annotations here and new ones on disk: keep both.
        const doc = this.syncedDocument(session);
        const merged = mergeAnnotations(session.diskAnnotations, doc.annotations, reanchorOnLoad(read.doc.annotations, session.text));
        doc.setAnnotations({ ...merged, sha256: doc.annotations.sha256 });
        session.live = liveSpans(doc.annotations);
        session.diskHash = read.diskHash;
        session.diskAnnotations = read.doc.annotations;
        this.savePending(session);
      }
    } catch (err) {
      reportError(err);
    }
    this.changeEmitter.fire(session);
  }

  /** Article renamed or moved: the session follows, and so does its sidecar (done by the caller). */
  forget(article: vscode.Uri): void {
    const session = this.peek(article);
    if (session) this.dropSession(session);
  }

  /** Quotes of an article in current coordinates (for features that show them). */
  quotes(article: vscode.Uri): Quote[] {
    return this.peek(article)?.live.quotes() ?? [];
  }

  dispose(): void {
    // A window reload: keep the latest unsaved annotations for the next session.
    for (const session of this.sessions.values()) if (session.pending) this.savePending(session);
    for (const d of this.disposables) d.dispose();
  }
}

async function readIfExists(uri: vscode.Uri): Promise<Uint8Array | undefined> {
  try {
    return await vscode.workspace.fs.readFile(uri);
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
    throw err;
  }
}

/** An error whose message is meant for the user as it is (no stack trace). */
export class UserFacingError extends Error {}

export function reportError(err: unknown): void {
  if (err instanceof UserFacingError) void vscode.window.showErrorMessage(err.message);
  else if (err instanceof SidecarParseError) void vscode.window.showErrorMessage(`line ${err.line}: ${err.reason}`);
  else void vscode.window.showErrorMessage(`Seed Annotator: ${(err as Error)?.message ?? String(err)}`);
  console.error(err);
}
