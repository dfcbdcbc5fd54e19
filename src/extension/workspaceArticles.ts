/**
 * The seed articles of the workspace and their texts, for "Tag all occurrences in the workspace":
 * which articles hold a name, how often, and which of those occurrences are tagged already.
 *
 * Texts are read once and kept until the file changes (a watcher on `*.txt`); an article open in
 * the editor counts with its current text and its live mentions (the store's session). Searches
 * are cached per (text, case) until any article or annotation changes, so a code-action request
 * on the same selection twice costs nothing the second time. The count for an action's title
 * loads no annotations (the corpus index knows the tagged spans); only tagging does.
 */
import * as vscode from 'vscode';
import { isDatedFirstLine } from '../core/article';
import type { OccurrenceSearch } from '../core/occurrences';
import { findOccurrences } from '../core/occurrences';
import { stripBom } from '../core/offsets';
import type { CorpusService } from './corpusService';
import type { WorkspaceFileEvents } from './fileEvents';
import type { SidecarStore } from './sidecarStore';

export interface ArticleOccurrences {
  uri: vscode.Uri;
  search: OccurrenceSearch;
}

export interface WorkspaceSearch {
  articles: ArticleOccurrences[];
  /** Occurrences not tagged yet, over all articles. */
  total: number;
}

const EXCLUDE = '**/{node_modules,.git,out,dist}/**';

export class WorkspaceArticles implements vscode.Disposable {
  private listing: Promise<vscode.Uri[]> | undefined;
  private readonly texts = new Map<string, string>();
  private readonly searches = new Map<string, Promise<WorkspaceSearch>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: SidecarStore,
    files: WorkspaceFileEvents,
    private readonly corpus?: CorpusService,
  ) {
    this.disposables.push(
      files.onDidChange(({ uri, kind }) => {
        const isText = /\.txt$/i.test(uri.path);
        if (isText) {
          this.texts.delete(uri.toString());
          this.searches.clear();
        }
        // A folder created or deleted as a whole is reported alone: the listing may have changed too.
        if (kind !== 'changed' && (isText || !/\.[^/]*$/.test(uri.path))) {
          if (!isText) this.texts.clear();
          this.searches.clear();
          this.listing = undefined;
        }
      }),
      store.onDidChange(() => this.searches.clear()),
    );
  }

  /** Every seed article of the workspace: `*.txt` under a `seeds/` folder or with a dated first line. */
  async articles(): Promise<vscode.Uri[]> {
    this.listing ??= this.list().catch((err) => {
      this.listing = undefined;
      throw err;
    });
    const listed = await this.listing;
    // A file created a moment ago may not have reached the watcher yet; if it is open, it counts.
    const known = new Set(listed.map((u) => u.toString()));
    const open = vscode.workspace.textDocuments.filter(
      (d) => d.languageId === 'seed' && d.uri.scheme === 'file' && !known.has(d.uri.toString()) && vscode.workspace.getWorkspaceFolder(d.uri),
    );
    if (open.length === 0) return listed;
    return [...listed, ...open.map((d) => d.uri)].sort((a, b) => a.toString().localeCompare(b.toString()));
  }

  private async list(): Promise<vscode.Uri[]> {
    const files = await vscode.workspace.findFiles('**/*.txt', EXCLUDE);
    const out: vscode.Uri[] = [];
    for (const uri of files) {
      if (/(^|\/)seeds\//.test(vscode.workspace.asRelativePath(uri, false)) || /\/seeds\//.test(uri.path)) {
        out.push(uri);
        continue;
      }
      const text = await this.text(uri);
      if (isDatedFirstLine(text.split(/\r\n|\r|\n/, 1)[0] ?? '')) out.push(uri);
    }
    return out.sort((a, b) => a.toString().localeCompare(b.toString()));
  }

  /** The article's text as the annotations see it: the open session's, else the file's. */
  async text(uri: vscode.Uri): Promise<string> {
    const session = this.store.peek(uri);
    if (session) return session.text;
    const key = uri.toString();
    const cached = this.texts.get(key);
    if (cached !== undefined) return cached;
    const text = stripBom(new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)));
    this.texts.set(key, text);
    return text;
  }

  /**
   * Untagged occurrences of `needle` in every article that has one. `exact` (for tagging) loads
   * each such article's annotations into the store; without it (for an action's title) the
   * tagged spans come from open articles and the corpus index only, and nothing is loaded.
   */
  search(needle: string, caseSensitive: boolean, options: { exact?: boolean } = {}): Promise<WorkspaceSearch> {
    const key = `${options.exact ? 'exact' : 'count'}:${caseSensitive ? 'cs' : 'ci'}:${needle}`;
    let p = this.searches.get(key);
    if (!p) {
      p = this.runSearch(needle, caseSensitive, options.exact === true);
      p.catch(() => this.searches.delete(key));
      this.searches.set(key, p);
    }
    return p;
  }

  private async runSearch(needle: string, caseSensitive: boolean, exact: boolean): Promise<WorkspaceSearch> {
    const articles: ArticleOccurrences[] = [];
    let total = 0;
    for (const uri of await this.articles()) {
      const text = await this.text(uri);
      // Cheap tests first: most articles do not hold the name at all.
      if (caseSensitive && !text.includes(needle)) continue;
      if (findOccurrences(text, needle, { caseSensitive }).occurrences.length === 0) continue;
      let search: OccurrenceSearch;
      if (exact) {
        const session = await this.store.get(uri);
        search = findOccurrences(session.text, needle, { caseSensitive, tagged: session.annotations.mentions });
      } else {
        const session = this.store.peek(uri);
        const tagged = session?.annotations.mentions ?? (this.corpus?.isIndexed ? this.corpus.index.entry(uri.fsPath)?.mentions() : undefined) ?? [];
        search = findOccurrences(session?.text ?? text, needle, { caseSensitive, tagged });
      }
      if (search.occurrences.length === 0) continue;
      articles.push({ uri, search });
      total += search.occurrences.length;
    }
    return { articles, total };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
