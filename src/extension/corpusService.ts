/**
 * The workspace's corpus in the editor: core's `CorpusIndex` kept up to date with the disk and the
 * sidecar store, for the features that look beyond one article (the entities view's workspace
 * scope, references, rename, workspace symbols, tagging's workspace counts and suggestions).
 *
 * - Lazy: nothing is read during activation. The first indexing starts when a feature asks
 *   (`ready`, `startIndexing`: the view becoming visible, a workspace query) and runs in the
 *   background with a progress indicator in the status bar; the index yields to the event loop
 *   every few milliseconds.
 * - Warm starts: the index keeps its cache (entries keyed by sidecar path, size and mtime) in the
 *   extension's workspace storage, so a new window parses only the sidecars that changed.
 * - Incremental: one file watcher reports sidecar and article creation, change and deletion
 *   (folder deletions and creations too); changed paths are collected and flushed after a short
 *   quiet time, one `index.update` per file, never a rebuild. Renames through the editor move the
 *   entry (and an article's sidecar with it). Annotation actions of the store are indexed from
 *   the store's document at once, without waiting for the watcher.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CorpusBuildCancelled, CorpusIndex, discoverSidecars } from '../core/corpus';
import type { WorkspaceEntity as IndexedEntity } from '../core/corpus';
import type { Entity, Mention } from '../core/model';
import { loadArticle } from '../core/articleFiles';
import { stripBom } from '../core/offsets';
import type { EntitiesView } from './entityTree';
import type { WorkspaceFileEvents } from './fileEvents';
import type { ArticleSession, SidecarStore } from './sidecarStore';

/** One entity entry of one article's sidecar. */
export interface EntityRef {
  readonly article: vscode.Uri;
  readonly id: string;
}

/** An entity merged across the workspace by core's merge rule (`entityMerge.ts`). */
export interface WorkspaceEntity {
  /** The merge key: stable while the entity's identity does not change. */
  readonly key: string;
  readonly type: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** The first note among its entries. */
  readonly note?: string;
  readonly links?: Readonly<Record<string, string>>;
  /** Every entry that makes it up, by article path. */
  readonly refs: readonly EntityRef[];
  readonly articleCount: number;
  readonly mentionCount: number;
  readonly orphanCount: number;
}

/** An article's annotations in the coordinates of `text` (its current text, BOM removed). */
export interface ArticleMentions {
  article: vscode.Uri;
  text?: string;
  entities: Entity[];
  mentions: Mention[];
}

/** An article where a workspace entity has entries. */
export interface EntityArticle {
  article: vscode.Uri;
  /** Its entities (usually one) that belong to the workspace entity. */
  ids: string[];
  date?: string;
  title: string;
  mentionCount: number;
}

export interface ArticleInfo {
  date?: string;
  title: string;
}

/** Quiet time before collected file changes are indexed. */
const FLUSH_DELAY_MS = 150;
/** Quiet time before the cache file is written after incremental changes. */
const SAVE_CACHE_DELAY_MS = 5_000;
/** More changed paths than this at once are taken in by a build (by stat) instead of one by one. */
const BULK_CHANGE = 200;
const IGNORED_FOLDER = /[\\/](?:node_modules|\.git|\.hg|\.svn)(?:[\\/]|$)/;

export class CorpusService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<readonly vscode.Uri[]>();
  /** Fires with the articles whose entries changed, once the index holds the change. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** Set by the entities view when it registers; the integration tests read the tree through it. */
  entitiesView: EntitiesView | undefined;

  private current: CorpusIndex;
  private indexSubscription: { dispose(): void } | undefined;
  private indexing: Promise<void> | undefined;
  private indexed = false;
  private buildCancel = new vscode.CancellationTokenSource();
  /** Paths (fsPath) to re-read, and folders created or deleted, collected until the next flush. */
  private readonly pendingPaths = new Set<string>();
  private readonly pendingFolders = new Map<string, 'created' | 'deleted'>();
  private flushTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  /** What the index last took from each store session (entities and mention counts). */
  private readonly sessionSignatures = new Map<string, string>();
  private orphanCache: { version: number; byMember: Map<string, Map<string, number>> } | undefined;
  /** Article URIs by path: a type of thousands of entities maps its members without parsing paths again. */
  private readonly uris = new Map<string, vscode.Uri>();
  private changeVersion = 0;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly store: SidecarStore,
    files: WorkspaceFileEvents,
  ) {
    this.current = this.createIndex();
    // Sidecars, articles and folders: a folder created or deleted as a whole comes as one event.
    this.disposables.push(
      files.onDidChange(({ uri, kind }) => this.onFileEvent(uri, kind)),
      vscode.workspace.onDidRenameFiles((e) => void this.onRenamed(e.files)),
      store.onDidChange((session) => this.onSession(session)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (this.indexing) void this.rescan();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('seedAnnotator.sidecarSuffix')) this.resetIndex();
      }),
    );
  }

  /** The core index (read it; the service keeps it up to date). */
  get index(): CorpusIndex {
    return this.current;
  }

  /** Resolves when the first indexing is done (and starts it). Never rejects. */
  get ready(): Promise<void> {
    this.startIndexing();
    return this.indexing as Promise<void>;
  }

  get isIndexed(): boolean {
    return this.indexed;
  }

  get entityCount(): number {
    return this.indexed ? this.current.workspaceEntities().length : 0;
  }

  private suffix(): string {
    return this.store.suffix();
  }

  private createIndex(): CorpusIndex {
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const index = new CorpusIndex({ suffix: this.suffix(), cachePath: path.join(storage.fsPath, 'corpus-cache.json') });
    this.indexSubscription?.dispose();
    this.indexSubscription = index.onDidChange((change) => {
      this.changeVersion++;
      if (change.kind !== 'build') this.scheduleCacheSave();
      this.emitter.fire(change.articles.map((p) => vscode.Uri.file(p)));
    });
    return index;
  }

  private resetIndex(): void {
    this.buildCancel.cancel();
    this.buildCancel = new vscode.CancellationTokenSource();
    this.current = this.createIndex();
    this.indexed = false;
    const wasStarted = this.indexing !== undefined;
    this.indexing = undefined;
    if (wasStarted) this.startIndexing();
  }

  /** Starts the first indexing in the background (once). */
  startIndexing(): void {
    if (this.indexing) return;
    this.indexing = this.build();
  }

  /** Discovers the sidecars again and brings the index up to date (by stat: only changes are read). */
  async rescan(): Promise<void> {
    if (!this.indexing) {
      await this.ready;
      return;
    }
    await this.indexing;
    this.indexing = this.build();
    await this.indexing;
  }

  private async build(): Promise<void> {
    const index = this.current;
    const token = this.buildCancel.token;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Indexing annotations' }, async (progress) => {
        const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
        const sidecars = await discoverSidecars(roots, index.suffix);
        let reported = 0;
        await index.build(sidecars, {
          signal: token,
          onProgress: (done, total) => {
            const pct = total === 0 ? 100 : Math.floor((100 * done) / total);
            if (pct > reported) {
              progress.report({ message: `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} sidecars`, increment: pct - reported });
              reported = pct;
            }
          },
        });
      });
      if (index === this.current) this.indexed = true;
    } catch (err) {
      if (!(err instanceof CorpusBuildCancelled)) console.error('Seed Annotator: indexing the workspace failed', err);
    }
    this.changeVersion++;
    this.emitter.fire([]);
  }

  // -- following the disk and the store -------------------------------------------------------------

  private onFileEvent(uri: vscode.Uri, kind: 'created' | 'changed' | 'deleted'): void {
    if (uri.scheme !== 'file' || IGNORED_FOLDER.test(uri.fsPath)) return;
    const p = uri.fsPath;
    if (p.endsWith(this.suffix()) || /\.txt$/i.test(p)) {
      this.pendingPaths.add(p);
      // A deleted article that no editor holds: the store's copy of it is stale.
      if (kind === 'deleted' && /\.txt$/i.test(p) && !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) this.store.forget(uri);
    } else if (kind !== 'changed') {
      // Perhaps a folder: a deleted one takes its sidecars with it, a created one may bring some.
      this.pendingFolders.set(p, kind);
    } else {
      return;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => void this.flush(), FLUSH_DELAY_MS);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    // Before the first indexing there is nothing to keep up to date: the build reads everything.
    if (!this.indexing) {
      this.pendingPaths.clear();
      this.pendingFolders.clear();
      return;
    }
    await this.indexing;
    if (this.pendingPaths.size + this.pendingFolders.size > BULK_CHANGE) {
      // A checkout or a copy of many files: one pass by stat reads only what changed.
      this.pendingPaths.clear();
      this.pendingFolders.clear();
      this.indexing = this.build();
      await this.indexing;
      return;
    }
    const index = this.current;
    const folders = [...this.pendingFolders];
    this.pendingFolders.clear();
    for (const [folder, kind] of folders) {
      if (kind === 'deleted') {
        index.removeFolder(folder);
      } else {
        try {
          if ((await vscode.workspace.fs.stat(vscode.Uri.file(folder))).type & vscode.FileType.Directory) {
            for (const s of await discoverSidecars([folder], index.suffix)) this.pendingPaths.add(s);
          }
        } catch {
          // Gone again.
        }
      }
    }
    const paths = [...this.pendingPaths];
    this.pendingPaths.clear();
    for (const p of paths) {
      try {
        await index.update(p);
      } catch (err) {
        console.error(`Seed Annotator: indexing ${p} failed`, err);
      }
    }
  }

  /** The store changed an article's annotations: index its document now (no disk read). */
  private onSession(session: ArticleSession): void {
    if (!this.indexing) return;
    const key = session.articleUri.toString();
    const live = this.store.peek(session.articleUri) === session;
    if (!live || !session.doc) {
      // Dropped (reverted, closed unsaved) or without a sidecar: the disk has the truth.
      this.sessionSignatures.delete(key);
      this.pendingPaths.add(this.index.sidecarOf(session.articleUri.fsPath));
      this.scheduleFlush();
      return;
    }
    const a = session.annotations;
    const signature = JSON.stringify(a.entities) + '|' + a.mentions.map((m) => m.entity + (m.orphaned ? '!' : '')).join(',');
    if (this.sessionSignatures.get(key) === signature) return; // only positions moved
    this.sessionSignatures.set(key, signature);
    const sidecarPath = session.sidecarUri.fsPath;
    const text = session.doc.toString();
    const onDisk = !session.pending;
    void this.indexing
      .then(async () => {
        // Written already (the article has no unsaved changes): the file's stat keeps the cache entry valid.
        const stat = onDisk ? await fsp.stat(sidecarPath).catch(() => undefined) : undefined;
        await this.index.updateFromText(sidecarPath, text, stat && { size: stat.size, mtimeMs: stat.mtimeMs });
      })
      .catch((err) => console.error(err));
  }

  /**
   * Renames through the editor (explorer, workspace edits): the entries move. An article renamed
   * without its sidecar takes the sidecar along (same folder, new base name), and the sidecar's
   * `article` field follows, through the store.
   */
  private async onRenamed(files: readonly { oldUri: vscode.Uri; newUri: vscode.Uri }[]): Promise<void> {
    for (const { oldUri, newUri } of files) {
      if (oldUri.scheme !== 'file') continue;
      if (/\.txt$/i.test(oldUri.path)) {
        const oldSidecar = this.store.sidecarUriFor(oldUri);
        const newSidecar = this.store.sidecarUriFor(newUri);
        const moved = await this.moveSidecar(oldSidecar, newSidecar);
        this.store.forget(oldUri);
        if (moved) {
          try {
            await this.store.edit(newUri, 'Rename article', ({ doc }) => doc.setArticle(path.posix.basename(newUri.path)));
          } catch (err) {
            console.error(err);
          }
        }
        if (this.indexing) {
          await this.indexing;
          this.index.rename(oldSidecar.fsPath, newSidecar.fsPath);
        }
      } else if (this.indexing) {
        // A folder (or a sidecar) moved: re-read what the watcher reports under the new name.
        await this.indexing;
        this.pendingFolders.set(oldUri.fsPath, 'deleted');
        this.pendingFolders.set(newUri.fsPath, 'created');
        if (oldUri.fsPath.endsWith(this.suffix())) this.pendingPaths.add(oldUri.fsPath);
        this.scheduleFlush();
      }
    }
  }

  private async moveSidecar(from: vscode.Uri, to: vscode.Uri): Promise<boolean> {
    try {
      await vscode.workspace.fs.stat(from);
    } catch {
      return false; // no sidecar, or it was moved along already
    }
    try {
      await vscode.workspace.fs.stat(to);
      void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(to)} exists already: the annotations of the renamed article stay in ${vscode.workspace.asRelativePath(from)}.`);
      return false;
    } catch {
      // Free: move it.
    }
    await vscode.workspace.fs.rename(from, to, { overwrite: false });
    return true;
  }

  private scheduleCacheSave(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.current.saveCache();
    }, SAVE_CACHE_DELAY_MS);
  }

  // -- queries --------------------------------------------------------------------------------------

  /** Orphaned mentions by sidecar path and entity id (recomputed once per index change). */
  private orphansByMember(): Map<string, Map<string, number>> {
    if (this.orphanCache?.version === this.changeVersion) return this.orphanCache.byMember;
    const byMember = new Map<string, Map<string, number>>();
    for (const o of this.index.orphans()) {
      let ids = byMember.get(o.sidecarPath);
      if (!ids) byMember.set(o.sidecarPath, (ids = new Map()));
      ids.set(o.mention.entity, (ids.get(o.mention.entity) ?? 0) + 1);
    }
    this.orphanCache = { version: this.changeVersion, byMember };
    return byMember;
  }

  private uriOf(fsPath: string): vscode.Uri {
    let uri = this.uris.get(fsPath);
    if (!uri) {
      if (this.uris.size > 100_000) this.uris.clear();
      uri = vscode.Uri.file(fsPath);
      this.uris.set(fsPath, uri);
    }
    return uri;
  }

  private toEntity(w: IndexedEntity, matched?: string): WorkspaceEntity & { matched?: string } {
    const orphans = this.orphansByMember();
    let orphanCount = 0;
    let note: string | undefined;
    for (const m of w.members) {
      if (orphans.size > 0) orphanCount += orphans.get(m.file)?.get(m.entity.id) ?? 0;
      note ??= m.entity.note;
    }
    // The entries are mapped to URIs only when asked: a tree row needs the counts alone.
    let refs: EntityRef[] | undefined;
    const refsOf = () => w.members.map((m) => ({ article: this.uriOf(this.index.entry(m.file)?.articlePath ?? m.file), id: m.entity.id }));
    return {
      key: w.key,
      type: w.type,
      name: w.name,
      aliases: w.aliases,
      note,
      links: Object.keys(w.links).length > 0 ? w.links : undefined,
      get refs() {
        refs ??= refsOf();
        return refs;
      },
      articleCount: w.fileCount,
      mentionCount: w.mentionCount,
      orphanCount,
      matched,
    };
  }

  /** Workspace entities and mention counts per type. */
  typeCounts(): Map<string, { entities: number; mentions: number }> {
    const out = new Map<string, { entities: number; mentions: number }>();
    for (const [type, list] of this.index.entitiesByType()) {
      out.set(type, { entities: list.length, mentions: list.reduce((n, e) => n + e.mentionCount, 0) });
    }
    return out;
  }

  orphanCount(): number {
    let n = 0;
    for (const ids of this.orphansByMember().values()) for (const count of ids.values()) n += count;
    return n;
  }

  /** Articles with orphaned mentions, in path order. */
  orphanArticles(): (ArticleInfo & { article: vscode.Uri; orphanCount: number })[] {
    return this.index
      .articles()
      .filter((a) => a.orphanCount > 0)
      .map((a) => ({ article: this.uriOf(a.articlePath), date: a.date, title: a.title, orphanCount: a.orphanCount }));
  }

  /** The workspace entities of a type, by name. */
  entitiesOfType(type: string): WorkspaceEntity[] {
    return (this.index.entitiesByType().get(type) ?? []).map((w) => this.toEntity(w));
  }

  allEntities(): WorkspaceEntity[] {
    return this.index.workspaceEntities().map((w) => this.toEntity(w));
  }

  entity(key: string): WorkspaceEntity | undefined {
    const w = this.index.workspaceEntity(key);
    return w && this.toEntity(w);
  }

  /** The workspace entity an article's entity belongs to (undefined before indexing). */
  mergedEntityOf(ref: EntityRef): WorkspaceEntity | undefined {
    const w = this.index.workspaceEntityOf(ref.article.fsPath, ref.id);
    return w && this.toEntity(w);
  }

  /** Mentions of an article's entity, as indexed. */
  mentionCount(ref: EntityRef): number {
    return this.index.counts({ articlePath: ref.article.fsPath, entityId: ref.id }).inArticle;
  }

  /** Entities by name or alias, case- and diacritic-insensitive, best first. */
  findEntities(query: string, limit = 100): (WorkspaceEntity & { matched?: string })[] {
    return this.index.findEntities(query, limit).map((m) => this.toEntity(m.entity, m.matched));
  }

  /**
   * Where a workspace entity is first mentioned (its first entries' first mention that is not
   * orphaned), with the text its offsets refer to: the store's current text, else the article on
   * disk (read, not parsed: the offsets come from the index).
   */
  async firstMention(key: string): Promise<{ article: vscode.Uri; text: string; start: number; end: number } | undefined> {
    const w = this.index.workspaceEntity(key);
    for (const member of w?.members.slice(0, 3) ?? []) {
      const entry = this.index.entry(member.file);
      if (!entry) continue;
      const article = this.uriOf(entry.articlePath);
      const session = this.store.peek(article);
      if (session) {
        const m = session.annotations.mentions.find((x) => x.entity === member.entity.id && !x.orphaned);
        if (m) return { article, text: session.text, start: m.start, end: m.end };
        continue;
      }
      const m = entry.mentionsOf(member.entity.id).find((x) => !x.orphaned);
      if (!m) continue;
      try {
        return { article, text: stripBom(await fsp.readFile(entry.articlePath, 'utf8')), start: m.start, end: m.end };
      } catch {
        // The article is gone: try the next entry.
      }
    }
    return undefined;
  }

  /** The articles of a workspace entity with its entries and mention counts there, by date then path. */
  articlesOf(key: string): EntityArticle[] {
    const out = this.index.mentionsOf(key).map((g) => ({
      article: vscode.Uri.file(g.articlePath),
      ids: g.entities.map((e) => e.id),
      date: g.date,
      title: g.title,
      mentionCount: g.mentions.length,
    }));
    return out.sort((a, b) => (a.date ?? '9999').localeCompare(b.date ?? '9999') || a.article.path.localeCompare(b.article.path));
  }

  /** Date and title of an indexed article. */
  articleInfo(article: vscode.Uri): ArticleInfo | undefined {
    const e = this.index.entry(article.fsPath);
    return e && { date: e.date, title: e.title };
  }

  /**
   * An article's annotations in current coordinates with its text: the store's when it has the
   * article (open, or edited), else read from disk (re-anchored when the article changed).
   */
  async articleAnnotations(article: vscode.Uri): Promise<ArticleMentions | undefined> {
    const session = this.store.peek(article);
    if (session) {
      const a = session.annotations;
      return { article, text: session.text, entities: a.entities, mentions: a.mentions };
    }
    const sidecar = this.store.sidecarUriFor(article);
    const load = await loadArticle({
      article: article.fsPath,
      sidecar: sidecar.fsPath,
      articleDisplay: vscode.workspace.asRelativePath(article),
      sidecarDisplay: vscode.workspace.asRelativePath(sidecar),
    });
    if (!load.ok) return undefined;
    return { article, text: load.text, entities: load.annotations.entities, mentions: load.annotations.mentions };
  }

  dispose(): void {
    this.buildCancel.cancel();
    this.buildCancel.dispose();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      void this.current.saveCache();
    }
    this.indexSubscription?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
