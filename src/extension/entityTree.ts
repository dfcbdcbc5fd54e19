/**
 * The Entities view (`seedAnnotator.entities`): the entities of the active article, or of the
 * whole workspace merged by the corpus index.
 *
 *   article scope:   type → entity → mention
 *   workspace scope: type → merged entity → article → mention
 *   both:            an "Orphaned" node when mentions lost their text
 *
 * Nodes are plain model classes mapped to tree items in `getTreeItem` (references-view style).
 * Children are computed when a node is expanded; only the root is computed eagerly. Node objects
 * are kept by id between refreshes, so a change event can name the node that changed (VS Code
 * matches elements by identity) and expansion survives a refresh.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Annotations, Entity, Mention } from '../core/model';
import { TextLines, mentionSnippet, snippetFromContext } from '../core/mentionSnippet';
import type { Snippet } from '../core/mentionSnippet';
import type { ArticleMentions, EntityRef, WorkspaceEntity } from './corpusService';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';
import type { ArticleSession } from './sidecarStore';
import { registerEntityCommands } from './entityCommands';
import type { MentionTarget } from './navigation';

export const VIEW_ID = 'seedAnnotator.entities';
const SCOPE_CONTEXT_KEY = 'seedAnnotator.scope';
const SCOPE_STATE_KEY = 'seedAnnotator.entities.scope';

export type Scope = 'article' | 'workspace';

// -- the model ------------------------------------------------------------------------------------

export class TypeNode {
  readonly kind = 'type';
  constructor(
    readonly id: string,
    readonly scope: Scope,
    readonly type: string,
    public entityCount: number,
    public mentionCount: number,
  ) {}
}

/** An entity: of one article (article scope) or merged across articles (workspace scope). */
export class EntityNode {
  readonly kind = 'entity';
  private resolvedRefs: readonly EntityRef[] | undefined;

  constructor(
    readonly id: string,
    readonly scope: Scope,
    public type: string,
    public name: string,
    public aliases: readonly string[],
    public note: string | undefined,
    /** Its entries, or how to find them when asked (a workspace entity may have thousands). */
    private refSource: readonly EntityRef[] | (() => readonly EntityRef[]),
    public mentionCount: number,
    public orphanCount: number,
    public links?: Readonly<Record<string, string>>,
    /** Workspace scope: in how many articles it has entries. */
    public articleCount?: number,
  ) {}

  /** Every (article, entity id) pair this node stands for: one in article scope. */
  get refs(): readonly EntityRef[] {
    if (typeof this.refSource !== 'function') return this.refSource;
    this.resolvedRefs ??= this.refSource();
    return this.resolvedRefs;
  }
}

/** An article under a merged entity (workspace scope). */
export class ArticleNode {
  readonly kind = 'article';
  constructor(
    readonly id: string,
    readonly article: vscode.Uri,
    /** The article's entities (usually one) that belong to the merged entity. */
    readonly ids: readonly string[],
    public date: string | undefined,
    public title: string,
    public mentionCount: number,
    /** Under "Orphaned": the article's orphaned mentions, whatever their entity. */
    readonly orphansOnly = false,
  ) {}
}

export class MentionNode {
  readonly kind = 'mention';
  constructor(
    readonly id: string,
    readonly article: vscode.Uri,
    readonly mention: Mention,
    /** `line:col`, 1-based, of the mention's start in the current text; undefined for an orphan. */
    readonly position: string | undefined,
    readonly snippet: Snippet,
    /** Shown after the snippet: the entity's name under "Orphaned", else nothing. */
    readonly detail?: string,
  ) {}
}

export class OrphansNode {
  readonly kind = 'orphans';
  constructor(
    readonly id: string,
    readonly scope: Scope,
    public count: number,
  ) {}
}

/** A node shown while the workspace is being indexed for the first time. */
export class IndexingNode {
  readonly kind = 'indexing';
  readonly id = 'indexing';
}

export type EntityTreeNode = TypeNode | EntityNode | ArticleNode | MentionNode | OrphansNode | IndexingNode;

// -- presentation shared with navigation (symbol kinds) and commands --------------------------------

interface TypePresentation {
  codicon: string;
  symbolKind: vscode.SymbolKind;
}

const PRESENTATION: Record<string, TypePresentation> = {
  PERSON: { codicon: 'person', symbolKind: vscode.SymbolKind.Object },
  ORG: { codicon: 'organization', symbolKind: vscode.SymbolKind.Class },
  GPE: { codicon: 'globe', symbolKind: vscode.SymbolKind.Namespace },
  LOC: { codicon: 'location', symbolKind: vscode.SymbolKind.Field },
  NORP: { codicon: 'symbol-namespace', symbolKind: vscode.SymbolKind.Enum },
  EVENT: { codicon: 'symbol-event', symbolKind: vscode.SymbolKind.Event },
  DATE: { codicon: 'calendar', symbolKind: vscode.SymbolKind.Constant },
  MISC: { codicon: 'symbol-misc', symbolKind: vscode.SymbolKind.Key },
};
const OTHER_TYPE: TypePresentation = { codicon: 'tag', symbolKind: vscode.SymbolKind.Variable };

export function typePresentation(type: string): TypePresentation {
  return PRESENTATION[type] ?? OTHER_TYPE;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "Motaqi, Mawlawi · 3 mentions": what an entity's row says after its name. */
export function entityDescription(aliases: readonly string[], mentions: number, orphans: number, articles?: number): string {
  const parts: string[] = [];
  if (aliases.length > 0) parts.push(aliases.join(', '));
  let counts = plural(mentions, 'mention');
  if (articles !== undefined) counts += ` in ${plural(articles, 'article')}`;
  if (orphans > 0) counts += `, ${orphans} orphaned`;
  parts.push(counts);
  return parts.join(' · ');
}

// -- the data provider ----------------------------------------------------------------------------

export class EntityTreeProvider implements vscode.TreeDataProvider<EntityTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<EntityTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  private currentScope: Scope;
  /** The article the article scope shows: the active seed editor's, kept while it stays open. */
  private currentArticle: vscode.Uri | undefined;
  /** Node objects by id, reused across refreshes (see the file comment). */
  private nodes = new Map<string, EntityTreeNode>();
  /** Entity nodes whose children were asked for: the ones worth a targeted change event. */
  private readonly expanded = new Set<string>();
  private parents = new WeakMap<EntityTreeNode, EntityTreeNode | undefined>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private pendingRefresh: 'structure' | 'positions' | undefined;
  private readonly iconCache = new Map<string, vscode.Uri>();
  /** `structureSignature` of the article the tree last showed (article scope). */
  private shownSignature: string | undefined;

  constructor(
    private readonly services: Services,
    initialScope: Scope,
  ) {
    this.currentScope = initialScope;
    const { store, corpus, types } = services;
    this.currentArticle = this.activeArticle();
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.followActiveEditor()),
      // A dated .txt outside seeds/ becomes a seed after it opened (language detection).
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (doc.languageId === SEED_LANGUAGE_ID && doc === vscode.window.activeTextEditor?.document) this.followActiveEditor();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (this.currentArticle && doc.uri.toString() === this.currentArticle.toString() && this.currentScope === 'article') {
          this.currentArticle = this.activeArticle();
          this.scheduleRefresh('structure', 0);
        }
      }),
      store.onDidChange((session) => this.onSessionChanged(session)),
      corpus.onDidChange(() => {
        if (this.currentScope === 'workspace') this.scheduleRefresh('structure');
      }),
      types.onDidChange(() => this.scheduleRefresh('structure', 0)),
    );
  }

  get scope(): Scope {
    return this.currentScope;
  }

  /** The article shown in article scope (undefined when no seed is open). */
  get article(): vscode.Uri | undefined {
    return this.currentArticle;
  }

  setScope(scope: Scope): void {
    if (scope === this.currentScope) return;
    this.currentScope = scope;
    this.nodes = new Map();
    this.expanded.clear();
    this.parents = new WeakMap();
    if (scope === 'workspace') this.services.corpus.startIndexing();
    this.changeEmitter.fire(undefined);
  }

  /** Recomputes everything (the Refresh button). */
  refresh(): void {
    this.scheduleRefresh('structure', 0);
  }

  private activeArticle(): vscode.Uri | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === SEED_LANGUAGE_ID ? doc.uri : undefined;
  }

  private followActiveEditor(): void {
    const next = this.activeArticle();
    // Another kind of editor (the sidecar beside, the output) keeps the article shown.
    if (!next || next.toString() === this.currentArticle?.toString()) return;
    this.currentArticle = next;
    if (this.currentScope === 'article') {
      this.nodes = new Map();
      this.expanded.clear();
      this.scheduleRefresh('structure', 0);
    }
  }

  private onSessionChanged(session: ArticleSession): void {
    if (this.currentScope === 'workspace') return; // the corpus service forwards these
    if (session.articleUri.toString() !== this.currentArticle?.toString()) return;
    this.scheduleRefresh(this.sameStructure(session) ? 'positions' : 'structure');
  }

  /** True when the article's entities and their mention counts are what the tree shows. */
  private sameStructure(session: ArticleSession): boolean {
    return this.shownSignature !== undefined && this.shownSignature === structureSignature(session.annotations);
  }

  /**
   * Debounced: the store fires on every keystroke in an annotated article. Positions-only changes
   * (text typed before a mention) repaint the expanded entities; anything else the root.
   */
  private scheduleRefresh(kind: 'structure' | 'positions', delay = 150): void {
    this.pendingRefresh = this.pendingRefresh === 'structure' || kind === 'structure' ? 'structure' : 'positions';
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const what = this.pendingRefresh;
      this.pendingRefresh = undefined;
      if (what === 'positions') {
        // Mentions get new ids when they move: forget the old ones.
        for (const [id, node] of this.nodes) if (node.kind === 'mention') this.nodes.delete(id);
        for (const id of this.expanded) {
          const node = this.nodes.get(id);
          if (node) this.changeEmitter.fire(node);
        }
      } else {
        this.nodes = new Map();
        this.parents = new WeakMap();
        this.changeEmitter.fire(undefined);
      }
    }, delay);
  }

  /** Returns the node with this id, reusing the object shown before (updated in place). */
  private keep<T extends EntityTreeNode>(fresh: T, parent: EntityTreeNode | undefined): T {
    const old = this.nodes.get(fresh.id);
    let node = fresh;
    if (old && old.kind === fresh.kind) {
      Object.assign(old, fresh);
      node = old as T;
    }
    this.nodes.set(node.id, node);
    this.parents.set(node, parent);
    return node;
  }

  getParent(node: EntityTreeNode): EntityTreeNode | undefined {
    return this.parents.get(node);
  }

  // -- children -------------------------------------------------------------------------------------

  async getChildren(node?: EntityTreeNode): Promise<EntityTreeNode[]> {
    if (node && (node.kind === 'entity' || node.kind === 'article' || node.kind === 'type' || node.kind === 'orphans')) this.expanded.add(node.id);
    return this.currentScope === 'article' ? this.articleChildren(node) : this.workspaceChildren(node);
  }

  private async articleChildren(node?: EntityTreeNode): Promise<EntityTreeNode[]> {
    const uri = this.currentArticle;
    if (!uri) return [];
    let session: ArticleSession;
    try {
      session = await this.services.store.get(uri);
    } catch {
      return []; // the article was deleted meanwhile
    }
    if (uri.toString() !== this.currentArticle?.toString() || this.currentScope !== 'article') return [];
    const a = session.annotations;
    const counts = new Map<string, { mentions: number; orphans: number }>();
    for (const m of a.mentions) {
      const c = counts.get(m.entity) ?? { mentions: 0, orphans: 0 };
      c.mentions++;
      if (m.orphaned) c.orphans++;
      counts.set(m.entity, c);
    }
    const entityNode = (e: Entity, parent: EntityTreeNode) => {
      const c = counts.get(e.id) ?? { mentions: 0, orphans: 0 };
      return this.keep(new EntityNode(entityNodeId('article', e.type, e.id), 'article', e.type, e.name, e.aliases ?? [], e.note, [{ article: uri, id: e.id }], c.mentions, c.orphans, e.links), parent);
    };

    if (!node) {
      this.shownSignature = structureSignature(a);
      const byType = groupBy(a.entities, (e) => e.type);
      const roots: EntityTreeNode[] = this.sortTypes([...byType.keys()]).map((type) => {
        const ents = byType.get(type) ?? [];
        const mentions = ents.reduce((n, e) => n + (counts.get(e.id)?.mentions ?? 0), 0);
        return this.keep(new TypeNode(`article:type:${type}`, 'article', type, ents.length, mentions), undefined);
      });
      const orphans = a.mentions.filter((m) => m.orphaned).length;
      if (orphans > 0) roots.push(this.keep(new OrphansNode('article:orphans', 'article', orphans), undefined));
      return roots;
    }
    if (node.kind === 'type') {
      return sortByName(a.entities.filter((e) => e.type === node.type)).map((e) => entityNode(e, node));
    }
    const lines = new TextLines(session.text);
    if (node.kind === 'entity') {
      const id = node.refs[0]?.id;
      return a.mentions.filter((m) => m.entity === id).map((m) => this.mentionNode(node, uri, m, lines));
    }
    if (node.kind === 'orphans') {
      const names = new Map(a.entities.map((e) => [e.id, e.name]));
      return a.mentions.filter((m) => m.orphaned).map((m) => this.mentionNode(node, uri, m, lines, names.get(m.entity) ?? m.entity));
    }
    return [];
  }

  private async workspaceChildren(node?: EntityTreeNode): Promise<EntityTreeNode[]> {
    const corpus = this.services.corpus;
    corpus.startIndexing();
    if (!node) {
      if (!corpus.isIndexed && corpus.entityCount === 0) return [new IndexingNode()];
      const counts = corpus.typeCounts();
      const roots: EntityTreeNode[] = this.sortTypes([...counts.keys()]).map((type) => {
        const c = counts.get(type)!;
        return this.keep(new TypeNode(`workspace:type:${type}`, 'workspace', type, c.entities, c.mentions), undefined);
      });
      const orphans = corpus.orphanCount();
      if (orphans > 0) roots.push(this.keep(new OrphansNode('workspace:orphans', 'workspace', orphans), undefined));
      return roots;
    }
    if (node.kind === 'type') {
      return corpus.entitiesOfType(node.type).map((e) => this.workspaceEntityNode(e, node));
    }
    if (node.kind === 'entity') {
      const key = node.id.slice('workspace:entity:'.length);
      return corpus.articlesOf(key).map((a) => this.keep(new ArticleNode(`${node.id}|${a.article.toString()}`, a.article, a.ids, a.date, a.title, a.mentionCount), node));
    }
    if (node.kind === 'article') {
      const am = await corpus.articleAnnotations(node.article);
      if (!am) return [];
      if (!node.orphansOnly) return this.articleMentionNodes(node, am, (m) => node.ids.includes(m.entity));
      const names = new Map(am.entities.map((e) => [e.id, e.name]));
      return this.articleMentionNodes(node, am, (m) => m.orphaned === true, (m) => names.get(m.entity) ?? m.entity);
    }
    if (node.kind === 'orphans') {
      // By article: a corpus may hold thousands of orphans; their context is read on expand.
      return corpus.orphanArticles().map((a) => this.keep(new ArticleNode(`${node.id}|${a.article.toString()}`, a.article, [], a.date, a.title, a.orphanCount, true), node));
    }
    return [];
  }

  private workspaceEntityNode(e: WorkspaceEntity, parent: EntityTreeNode): EntityNode {
    return this.keep(
      new EntityNode(`workspace:entity:${e.key}`, 'workspace', e.type, e.name, e.aliases, e.note, () => this.services.corpus.entity(e.key)?.refs ?? [], e.mentionCount, e.orphanCount, e.links, e.articleCount),
      parent,
    );
  }

  private articleMentionNodes(parent: EntityTreeNode, am: ArticleMentions, keep: (m: Mention) => boolean, detail?: (m: Mention) => string): MentionNode[] {
    const lines = am.text !== undefined ? new TextLines(am.text) : undefined;
    return am.mentions.filter(keep).map((m) => this.mentionNode(parent, am.article, m, lines, detail?.(m)));
  }

  private mentionNode(parent: EntityTreeNode, article: vscode.Uri, m: Mention, lines: TextLines | undefined, detail?: string): MentionNode {
    const id = `${parent.id}|${article.toString()}|${m.entity}|${m.start}|${m.end}`;
    let snippet: Snippet;
    let position: string | undefined;
    if (m.orphaned || !lines) {
      snippet = snippetFromContext(m.before ?? '', m.text, m.after ?? '');
      position = lines && !m.orphaned ? lines.label(m.start) : undefined;
    } else {
      snippet = mentionSnippet(lines, m.start, m.end);
      position = lines.label(m.start);
    }
    return this.keep(new MentionNode(id, article, m, position, snippet, detail), parent);
  }

  private sortTypes(types: string[]): string[] {
    const t = this.services.types;
    return types.sort((a, b) => t.rank(a) - t.rank(b) || a.localeCompare(b));
  }

  // -- items ----------------------------------------------------------------------------------------

  getTreeItem(node: EntityTreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'type': {
        const item = new vscode.TreeItem(node.type, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = `${plural(node.entityCount, 'entity', 'entities')} · ${plural(node.mentionCount, 'mention')}`;
        item.iconPath = this.typeIcon(node.type);
        item.tooltip = this.services.types.get(node.type).description ?? node.type;
        item.contextValue = 'entityType';
        return item;
      }
      case 'entity': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = entityDescription(node.aliases, node.mentionCount, node.orphanCount, node.articleCount);
        item.iconPath = this.typeIcon(node.type);
        item.tooltip = entityTooltip(node);
        item.contextValue = 'entity';
        item.accessibilityInformation = { label: `${node.type} ${node.name}, ${item.description}` };
        return item;
      }
      case 'article': {
        const name = path.posix.basename(node.article.path);
        const label = [node.date, node.title].filter(Boolean).join(' ') || name;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.resourceUri = node.article;
        item.description = `${name} · ${node.orphansOnly ? `${node.mentionCount} orphaned` : plural(node.mentionCount, 'mention')}`;
        item.tooltip = vscode.workspace.asRelativePath(node.article);
        item.iconPath = vscode.ThemeIcon.File;
        item.contextValue = 'article';
        return item;
      }
      case 'mention': {
        const prefix = node.position !== undefined ? `${node.position} ` : '';
        const label: vscode.TreeItemLabel = {
          label: prefix + node.snippet.text,
          highlights: [[prefix.length + node.snippet.highlight[0], prefix.length + node.snippet.highlight[1]]],
        };
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        const orphan = node.mention.orphaned === true;
        item.description = [orphan ? 'orphaned' : undefined, node.detail].filter(Boolean).join(' · ') || undefined;
        item.iconPath = orphan ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('seedAnnotator.orphanedMention')) : new vscode.ThemeIcon('symbol-text');
        item.tooltip = mentionTooltip(node);
        item.contextValue = orphan ? 'orphan' : 'mention';
        const target: MentionTarget = { article: node.article, entity: node.mention.entity, start: node.mention.start, end: node.mention.end, text: node.mention.text };
        item.command = { command: 'seedAnnotator.mention.reveal', title: 'Reveal Mention', arguments: [target] };
        return item;
      }
      case 'orphans': {
        const item = new vscode.TreeItem('Orphaned', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = plural(node.count, 'mention');
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('seedAnnotator.orphanedMention'));
        item.tooltip = 'Mentions whose text is gone from the article: re-attach or delete them (quick fix in the article).';
        item.contextValue = 'orphans';
        return item;
      }
      case 'indexing': {
        const item = new vscode.TreeItem('Indexing the workspace…', vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        return item;
      }
    }
  }

  /** The type's codicon in its theme colour, or a dot in the CSS colour the settings give. */
  private typeIcon(type: string): vscode.ThemeIcon | vscode.Uri {
    const setting = this.services.types.get(type);
    const codicon = typePresentation(type).codicon;
    if (typeof setting.color !== 'string') return new vscode.ThemeIcon(codicon, setting.color);
    return this.cssColorIcon(setting.color) ?? new vscode.ThemeIcon(codicon);
  }

  /**
   * A theme icon takes only theme colours, so a CSS colour from the settings becomes a small SVG
   * in the extension's global storage (written once per colour).
   */
  private cssColorIcon(css: string): vscode.Uri | undefined {
    const cached = this.iconCache.get(css);
    if (cached) return cached;
    if (!/^[#\w(),.%\s-]+$/.test(css)) return undefined;
    const dir = vscode.Uri.joinPath(this.services.context.globalStorageUri, 'type-icons');
    const name = Buffer.from(css).toString('hex') + '.svg';
    const uri = vscode.Uri.joinPath(dir, name);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><circle cx="8" cy="8" r="5" fill="${css}"/></svg>`;
    this.iconCache.set(css, uri);
    void (async () => {
      await vscode.workspace.fs.createDirectory(dir);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(svg));
      this.scheduleRefresh('structure', 0);
    })().catch(() => this.iconCache.delete(css));
    return uri;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** What the article scope shows above the mentions: entities and, per entity, mentions and orphans. */
function structureSignature(a: Annotations): string {
  return JSON.stringify(a.entities) + '|' + a.mentions.map((m) => m.entity + (m.orphaned ? '!' : '')).join(',');
}

function entityNodeId(scope: Scope, type: string, id: string): string {
  return `${scope}:entity:${type}:${id}`;
}

function groupBy<T>(items: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const list = map.get(k);
    if (list) list.push(x);
    else map.set(k, [x]);
  }
  return map;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function sortByName<T extends { name: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => collator.compare(a.name, b.name));
}

/** Notes and names are user data: appended as text, never interpreted as Markdown or HTML. */
function entityTooltip(node: EntityNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown('**');
  md.appendText(node.name);
  md.appendMarkdown('** ');
  md.appendText(`(${node.type})`);
  if (node.aliases.length > 0) {
    md.appendMarkdown('\n\n');
    md.appendText(`Also: ${node.aliases.join(', ')}`);
  }
  if (node.note) {
    md.appendMarkdown('\n\n');
    md.appendText(node.note);
  }
  md.appendMarkdown('\n\n');
  md.appendText(entityDescription([], node.mentionCount, node.orphanCount, node.articleCount));
  return md;
}

function mentionTooltip(node: MentionNode): string {
  const where = vscode.workspace.asRelativePath(node.article) + (node.position ? `:${node.position}` : '');
  return node.mention.orphaned ? `${node.mention.text}\n${where}\nOrphaned: its text is no longer in the article.` : `${node.mention.text}\n${where}`;
}

// -- registration -------------------------------------------------------------------------------------

/** What the integration tests reach through `api.corpus.entitiesView`. */
export interface EntitiesView {
  readonly provider: EntityTreeProvider;
  readonly treeView: vscode.TreeView<EntityTreeNode>;
}

export function registerEntitiesView(services: Services): void {
  const { context, corpus } = services;
  const configured = vscode.workspace.getConfiguration('seedAnnotator').get<Scope>('entities.scope', 'article');
  const remembered = context.workspaceState.get<Scope>(SCOPE_STATE_KEY);
  const initial: Scope = remembered === 'workspace' || remembered === 'article' ? remembered : configured === 'workspace' ? 'workspace' : 'article';
  const provider = new EntityTreeProvider(services, initial);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });

  const updateTitle = () => {
    if (provider.scope === 'workspace') {
      treeView.description = 'Workspace';
    } else {
      treeView.description = provider.article ? path.posix.basename(provider.article.path) : undefined;
    }
  };
  const setScope = async (scope: Scope) => {
    provider.setScope(scope);
    await vscode.commands.executeCommand('setContext', SCOPE_CONTEXT_KEY, scope);
    await context.workspaceState.update(SCOPE_STATE_KEY, scope);
    updateTitle();
  };
  void vscode.commands.executeCommand('setContext', SCOPE_CONTEXT_KEY, initial);
  updateTitle();
  if (initial === 'workspace' && treeView.visible) corpus.startIndexing();

  context.subscriptions.push(
    provider,
    treeView,
    treeView.onDidChangeVisibility((e) => {
      // Index lazily: the first time the view is shown, never during activation.
      if (e.visible) corpus.startIndexing();
    }),
    provider.onDidChangeTreeData(() => updateTitle()),
    vscode.window.onDidChangeActiveTextEditor(() => updateTitle()),
    vscode.commands.registerCommand('seedAnnotator.entities.showWorkspace', () => setScope('workspace')),
    vscode.commands.registerCommand('seedAnnotator.entities.showArticle', () => setScope('article')),
    vscode.commands.registerCommand('seedAnnotator.entities.refresh', async () => {
      if (provider.scope === 'workspace') await corpus.rescan();
      provider.refresh();
    }),
  );
  corpus.entitiesView = { provider, treeView };
  registerEntityCommands(services, provider, () => treeView.selection);
}

