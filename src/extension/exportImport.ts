/**
 * "Seed Annotator: Export Annotations…" and "Import Annotations…": the CLI's export and import
 * (core/exportRun.ts, core/importRun.ts, core/importMerge.ts) behind pickers and dialogs.
 *
 * Export: format → scope (this article, a folder, the workspace; from the explorer's context menu
 * the folder clicked is the scope) → save dialog (a folder dialog for brat) → a cancellable
 * progress notification; the output is written atomically (nothing appears on cancel or error);
 * orphans and everything else left out are listed in an output channel; "Open" when done.
 *
 * Import: format → files → target folder. New articles are written beside their sidecars; every
 * sidecar is changed through the sidecar store (atomic, conflict-checked, undoable), merged with
 * what is there (a mention already there is not duplicated).
 *
 * Both commands accept an options object instead of the pickers (tests, keybindings):
 *   executeCommand('seedAnnotator.export', { format: 'jsonl', scope: 'workspace', out: '/tmp/x.jsonl' })
 *   executeCommand('seedAnnotator.import', { format: 'jsonl', files: ['/tmp/x.jsonl'], target: '/ws/seeds' })
 * and resolve to a summary of what they did (undefined when the user cancelled).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { AtomicFile, AtomicFolder, checkOutputTarget } from '../core/atomicOutput';
import { runExport } from '../core/exportRun';
import type { ExportItem, ExportSink } from '../core/exportRun';
import { describeSkipped, EXPORT_FORMATS, FORMATS, isExportFormat, isImportFormat } from '../core/formats';
import type { ExportFormat, ExportOptions, ImportFormat, ImportProblem } from '../core/formats';
import { mergeImported } from '../core/importMerge';
import type { ImportMergeReport } from '../core/importMerge';
import { readImport } from '../core/importRun';
import { articlePathFor } from '../core/sidecar';
import { contextLength } from './editorSpans';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';

export type ExportScope = 'article' | 'folder' | 'workspace';

export interface ExportCommandOptions {
  format?: ExportFormat;
  /** jsonl: `utf16` for doccano. */
  offsets?: ExportOptions['offsets'];
  /** conll: `conll` maps the types to PER/ORG/LOC/MISC. */
  tags?: ExportOptions['tags'];
  scope?: ExportScope;
  /** The article (scope `article`; default: the active editor's) or folder (scope `folder`): a URI or a path. */
  target?: vscode.Uri | string;
  /** The output file (a folder for brat): a URI or a file-system path. */
  out?: vscode.Uri | string;
  /** Skip the final notification (tests). */
  quiet?: boolean;
}

export interface ExportCommandResult {
  out: string;
  format: ExportFormat;
  articles: number;
  mentions: number;
  orphans: number;
  /** One line per annotation left out (describeSkipped). */
  skipped: string[];
}

export interface ImportCommandOptions {
  format?: ImportFormat;
  offsets?: 'codepoint' | 'utf16';
  /** Import files (brat .ann, .jsonl): URIs or paths. */
  files?: Array<vscode.Uri | string>;
  /** The folder of the articles and sidecars: a URI or a path. */
  target?: vscode.Uri | string;
  quiet?: boolean;
}

export interface ImportCommandResult {
  articles: number;
  newArticles: number;
  mentionsAdded: number;
  mentionsPresent: number;
  /** `file:line: severity: reason` lines. */
  problems: string[];
}

const toUri = (x: vscode.Uri | string): vscode.Uri => (typeof x === 'string' ? vscode.Uri.file(x) : x);

interface FormatChoice extends vscode.QuickPickItem {
  format: ExportFormat;
  options: ExportOptions;
}

const EXPORT_CHOICES: FormatChoice[] = [
  ...EXPORT_FORMATS.map((f): FormatChoice => ({ label: f, description: FORMATS[f].description, format: f, options: {} })),
  { label: 'jsonl', description: 'with UTF-16 offsets, for doccano', format: 'jsonl', options: { offsets: 'utf16' } },
  { label: 'conll', description: 'with CoNLL-2003 tags (PER, ORG, LOC, MISC)', format: 'conll', options: { tags: 'conll' } },
];

class ExportImportCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];
  private readonly output = vscode.window.createOutputChannel('Seed Annotator Export/Import');

  constructor(private readonly services: Services) {
    this.disposables = [
      this.output,
      vscode.commands.registerCommand('seedAnnotator.export', (arg?: unknown) => this.exportCommand(arg).catch((err) => this.fail('Export', err))),
      vscode.commands.registerCommand('seedAnnotator.import', (arg?: unknown) => this.importCommand(arg).catch((err) => this.fail('Import', err))),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private fail(what: string, err: unknown): undefined {
    void vscode.window.showErrorMessage(`${what} failed: ${(err as Error)?.message ?? String(err)}`);
    return undefined;
  }

  // -- export --------------------------------------------------------------------------------------

  private async exportCommand(arg: unknown): Promise<ExportCommandResult | undefined> {
    // From the explorer's context menu: (clicked URI, selected URIs); else an options object or nothing.
    const options: ExportCommandOptions = arg instanceof vscode.Uri ? { scope: 'folder', target: arg } : ((arg as ExportCommandOptions | undefined) ?? {});

    let format = options.format;
    let exportOptions: ExportOptions = { offsets: options.offsets, tags: options.tags };
    if (format === undefined) {
      const choice = await vscode.window.showQuickPick(EXPORT_CHOICES, { title: 'Export Annotations (1/3): format', placeHolder: 'The format your tool reads' });
      if (!choice) return undefined;
      format = choice.format;
      exportOptions = choice.options;
    } else if (!isExportFormat(format)) {
      throw new Error(`unknown format '${String(format)}' (${EXPORT_FORMATS.join(', ')})`);
    }

    const scope = await this.pickScope(options);
    if (!scope) return undefined;
    const items = await this.exportItems(scope);
    if (items.length === 0) {
      void vscode.window.showInformationMessage(`No annotated articles in ${scope.label}: nothing to export.`);
      return undefined;
    }

    const kind = FORMATS[format].output;
    const out = options.out !== undefined ? toUri(options.out) : await this.pickOutput(format, scope.label);
    if (!out) return undefined;
    if (out.scheme !== 'file') throw new Error('exports are written to local files only');
    const problem = await checkOutputTarget(out.fsPath, kind === 'folder' ? 'folder' : 'file');
    if (problem) throw new Error(problem);
    const replaceable = (name: string) => /\.(txt|ann)$/i.test(name) || ['annotation.conf', 'visual.conf', 'tools.conf', 'kb_shortcuts.conf', '.stats_cache'].includes(name);
    if (kind === 'folder') {
      const refusal = await AtomicFolder.refuseReplacing(out.fsPath, replaceable);
      if (refusal) throw new Error(refusal);
    }
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.languageId === SEED_LANGUAGE_ID && items.some((i) => i.article === d.uri.fsPath));

    const skipped: string[] = [];
    const fmt = format;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Exporting ${items.length} article${items.length === 1 ? '' : 's'} as ${fmt}`, cancellable: true },
      async (progress, token) => {
        let file: AtomicFile | undefined;
        let folder: AtomicFolder | undefined;
        let sink: ExportSink;
        if (kind === 'folder') {
          const f = (folder = await AtomicFolder.open(out.fsPath, replaceable));
          sink = { kind: 'folder', writeFile: (name, content) => f.writeFile(name, content) };
        } else {
          const f = (file = await AtomicFile.open(out.fsPath));
          sink = { kind: 'stream', write: (text) => f.write(text) };
        }
        let reported = 0;
        try {
          const summary = await runExport(items, fmt, exportOptions, sink, {
            onSkipped: (s) => skipped.push(describeSkipped(s)),
            onReanchored: (item) => skipped.push(`${item.id}: changed since its sidecar was written: re-anchored in memory for this export`),
            onProgress: (done, total) => {
              const step = Math.floor((done / total) * 100);
              if (step > reported) {
                progress.report({ increment: step - reported, message: `${done}/${total}` });
                reported = step;
              }
            },
            isCancelled: () => token.isCancellationRequested,
          });
          if (summary.cancelled || summary.failure) {
            await file?.abort();
            await folder?.abort();
            if (summary.failure) {
              const p = summary.failure.load.problems[0];
              throw new Error(`${p ? `${p.file}:${p.line}: ${p.reason}` : summary.failure.item.id}. Nothing was written.`);
            }
            return undefined;
          }
          await file?.commit();
          await folder?.commit();
          return summary;
        } catch (err) {
          await file?.abort();
          await folder?.abort();
          throw err;
        }
      },
    );
    if (!result) {
      if (!options.quiet) void vscode.window.showInformationMessage('Export cancelled: nothing was written.');
      return undefined;
    }
    if (skipped.length > 0) {
      this.output.appendLine(`Export to ${out.fsPath} (${fmt}), ${new Date().toISOString()}: left out`);
      for (const line of skipped) this.output.appendLine(`  ${line}`);
    }
    const outcome: ExportCommandResult = { out: out.fsPath, format: fmt, articles: result.articles, mentions: result.mentions, orphans: result.orphans, skipped };
    if (!options.quiet) void this.announceExport(outcome, kind, dirty.length);
    return outcome;
  }

  private async announceExport(r: ExportCommandResult, kind: 'stream' | 'folder', dirty: number): Promise<void> {
    const parts = [`Exported ${r.articles} article${r.articles === 1 ? '' : 's'} (${r.mentions} mentions) as ${r.format} to ${path.basename(r.out)}.`];
    if (r.orphans > 0) parts.push(`${r.orphans} orphaned annotation${r.orphans === 1 ? ' was' : 's were'} left out.`);
    if (dirty > 0) parts.push(`${dirty} article${dirty === 1 ? ' has' : 's have'} unsaved changes: the files on disk were exported.`);
    const buttons = ['Open', ...(r.skipped.length > 0 ? ['Show Left Out'] : [])];
    const pick = await (r.orphans > 0 || dirty > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(parts.join(' '), ...buttons);
    if (pick === 'Open') {
      const uri = vscode.Uri.file(r.out);
      if (kind === 'folder') await vscode.commands.executeCommand('revealFileInOS', uri);
      else await vscode.window.showTextDocument(uri, { preview: true });
    } else if (pick === 'Show Left Out') this.output.show(true);
  }

  private async pickScope(options: ExportCommandOptions): Promise<{ kind: ExportScope; uri?: vscode.Uri; label: string } | undefined> {
    const active = vscode.window.activeTextEditor?.document;
    const activeArticle = active && active.languageId === SEED_LANGUAGE_ID && active.uri.scheme === 'file' ? active.uri : undefined;
    let kind = options.scope;
    if (kind === undefined) {
      type ScopeItem = vscode.QuickPickItem & { scope: ExportScope };
      const picks: ScopeItem[] = [
        ...(activeArticle ? [{ scope: 'article' as const, label: '$(file) This article', description: path.basename(activeArticle.fsPath) }] : []),
        { scope: 'folder', label: '$(folder) A folder…', description: 'every annotated article under it' },
        { scope: 'workspace', label: '$(globe) The workspace', description: 'every annotated article in every workspace folder' },
      ];
      const pick = await vscode.window.showQuickPick(picks, { title: 'Export Annotations (2/3): which articles' });
      if (!pick) return undefined;
      kind = pick.scope;
    }
    if (kind === 'article') {
      const uri = options.target !== undefined ? toUri(options.target) : activeArticle;
      if (!uri) throw new Error('open a seed article first (or choose a folder or the workspace)');
      return { kind, uri, label: path.basename(uri.fsPath) };
    }
    if (kind === 'folder') {
      let uri = options.target !== undefined ? toUri(options.target) : undefined;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Export This Folder', defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
        uri = picked?.[0];
      }
      if (!uri) return undefined;
      return { kind, uri, label: vscode.workspace.asRelativePath(uri) };
    }
    if (kind === 'workspace') return { kind, label: 'the workspace' };
    throw new Error(`unknown scope '${String(kind)}' (article, folder, workspace)`);
  }

  /** The annotated articles of a scope, in path order, with ids as the CLI gives them from the workspace root. */
  private async exportItems(scope: { kind: ExportScope; uri?: vscode.Uri }): Promise<ExportItem[]> {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const item = (article: vscode.Uri, sidecar: vscode.Uri): ExportItem => {
      const id = vscode.workspace.asRelativePath(article, multiRoot);
      return { id, article: article.fsPath, sidecar: sidecar.fsPath, articleDisplay: id, sidecarDisplay: vscode.workspace.asRelativePath(sidecar, multiRoot) };
    };
    if (scope.kind === 'article' && scope.uri) return [item(scope.uri, this.services.store.sidecarUriFor(scope.uri))];
    const suffix = this.services.store.suffix(scope.uri);
    const pattern = scope.kind === 'folder' && scope.uri ? new vscode.RelativePattern(scope.uri, `**/*${suffix}`) : `**/*${suffix}`;
    const sidecars = await vscode.workspace.findFiles(pattern, '**/node_modules/**');
    const items: ExportItem[] = [];
    for (const sidecar of sidecars) {
      if (sidecar.scheme !== 'file') continue;
      const articlePath = articlePathFor(sidecar.fsPath, suffix);
      if (!articlePath) continue;
      const article = vscode.Uri.file(articlePath);
      try {
        await vscode.workspace.fs.stat(article);
      } catch {
        continue; // A sidecar without its article: nothing to export (validate reports it).
      }
      items.push(item(article, sidecar));
    }
    return items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private async pickOutput(format: ExportFormat, scopeLabel: string): Promise<vscode.Uri | undefined> {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const stem = scopeLabel === 'the workspace' ? 'annotations' : path.basename(scopeLabel).replace(/\.txt$/i, '') || 'annotations';
    if (FORMATS[format].output === 'folder') {
      const picked = await vscode.window.showOpenDialog({
        title: 'Export Annotations (3/3): a new or empty folder for the brat files',
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Export Here',
        defaultUri: base,
      });
      return picked?.[0];
    }
    const ext = FORMATS[format].extension.replace(/^\./, '');
    return vscode.window.showSaveDialog({
      title: 'Export Annotations (3/3): where to write',
      defaultUri: base ? vscode.Uri.joinPath(base, `${stem}.${ext}`) : undefined,
      filters: { [format]: [ext] },
      saveLabel: 'Export',
    });
  }

  // -- import --------------------------------------------------------------------------------------

  private async importCommand(arg: unknown): Promise<ImportCommandResult | undefined> {
    const options = (arg as ImportCommandOptions | undefined) ?? {};
    let format = options.format;
    let offsets = options.offsets;
    if (format === undefined) {
      type Choice = vscode.QuickPickItem & { format: ImportFormat; offsets?: 'utf16' };
      const choice = await vscode.window.showQuickPick<Choice>(
        [
          { label: 'brat', description: '.ann files with their .txt beside them', format: 'brat' },
          { label: 'jsonl', description: 'our export, doccano (code-point offsets) or spaCy', format: 'jsonl' },
          { label: 'jsonl', description: 'doccano with UTF-16 offsets', format: 'jsonl', offsets: 'utf16' },
        ],
        { title: 'Import Annotations (1/3): format' },
      );
      if (!choice) return undefined;
      format = choice.format;
      offsets = choice.offsets;
    } else if (!isImportFormat(format)) {
      throw new Error(`unknown format '${String(format)}' (brat, jsonl)`);
    }
    let files = options.files?.map(toUri);
    if (!files) {
      files = await vscode.window.showOpenDialog({
        title: 'Import Annotations (2/3): files',
        canSelectMany: true,
        canSelectFiles: true,
        canSelectFolders: false,
        openLabel: 'Import',
        filters: format === 'brat' ? { 'brat annotations': ['ann'] } : { 'JSON lines': ['jsonl', 'json'] },
      });
      if (!files || files.length === 0) return undefined;
    }
    let target = options.target !== undefined ? toUri(options.target) : undefined;
    if (!target) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Import Annotations (3/3): the folder of the articles (new ones are written there)',
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Import Into',
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      });
      target = picked?.[0];
      if (!target) return undefined;
    }
    if (target.scheme !== 'file' || files.some((f) => f.scheme !== 'file')) throw new Error('import reads and writes local files only');
    const targetUri = target;
    const fileList = files;
    const fmt = format;

    const result: ImportCommandResult = { articles: 0, newArticles: 0, mentionsAdded: 0, mentionsPresent: 0, problems: [] };
    const problem = (p: ImportProblem) => result.problems.push(`${p.file}:${p.line}: ${p.severity}: ${p.reason}`);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Importing ${fmt} annotations`, cancellable: true }, async (progress, token) => {
      await vscode.workspace.fs.createDirectory(targetUri);
      const inputs = fileList.map((f) => ({ path: f.fsPath, display: vscode.workspace.asRelativePath(f) }));
      for await (const { candidate, problems } of readImport(inputs, {
        format: fmt,
        offsets,
        targetFolder: () => targetUri.fsPath,
        onUnreadable: (input, reason) => problem({ file: input.display, line: 1, severity: 'error', reason: `cannot be read: ${reason}` }),
      })) {
        if (token.isCancellationRequested) break;
        problems.forEach(problem);
        if (!candidate) continue;
        const { document } = candidate;
        const articleUri = vscode.Uri.file(candidate.articlePath);
        const shown = vscode.workspace.asRelativePath(articleUri);
        progress.report({ message: shown });
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === articleUri.toString());
        if (open?.isDirty) {
          problem({ file: candidate.source.file, line: candidate.source.line, severity: 'error', reason: `${shown} has unsaved changes: save it, then import again; not imported` });
          continue;
        }
        if (!candidate.existing) {
          await vscode.workspace.fs.writeFile(articleUri, Buffer.from((document.hadBom ? '\uFEFF' : '') + document.text, 'utf8'));
          result.newArticles++;
        }
        let report: ImportMergeReport;
        try {
          report = await this.services.store.edit(articleUri, `Import ${fmt} annotations`, ({ doc, text }) => {
            if (text !== document.text) throw new Error(`${shown} is not the text that was imported (it changed meanwhile)`);
            const merged = mergeImported(doc.annotations, document.annotations, text, { contextLength: contextLength(articleUri) });
            doc.setAnnotations({ ...merged.annotations, sha256: doc.annotations.sha256 });
            return merged.report;
          });
        } catch (err) {
          problem({ file: candidate.source.file, line: candidate.source.line, severity: 'error', reason: `${(err as Error)?.message ?? String(err)}; not imported` });
          continue;
        }
        for (const note of report.notes) problem({ file: candidate.source.file, line: candidate.source.line, severity: 'warning', reason: `${shown}: ${note}` });
        result.articles++;
        result.mentionsAdded += report.mentionsAdded;
        result.mentionsPresent += report.mentionsPresent;
      }
    });
    if (result.problems.length > 0) {
      this.output.appendLine(`Import of ${fileList.length} ${fmt} file${fileList.length === 1 ? '' : 's'} into ${targetUri.fsPath}, ${new Date().toISOString()}:`);
      for (const line of result.problems) this.output.appendLine(`  ${line}`);
    }
    if (!options.quiet) {
      const message = `Imported ${result.articles} article${result.articles === 1 ? '' : 's'}${result.newArticles ? ` (${result.newArticles} new)` : ''}: ${result.mentionsAdded} mentions added, ${result.mentionsPresent} already there.`;
      if (result.problems.length > 0) {
        void vscode.window.showWarningMessage(`${message} ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}.`, 'Show Problems').then((pick) => {
          if (pick) this.output.show(true);
        });
      } else void vscode.window.showInformationMessage(message);
    }
    return result;
  }
}

export function registerExportImport(services: Services): void {
  services.context.subscriptions.push(new ExportImportCommands(services));
}

