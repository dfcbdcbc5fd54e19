/**
 * The status-bar item of the active seed: `$(tag) 5 mentions · 3 entities` (and the orphans, when
 * there are any); a click focuses the Entities view.
 */
import * as vscode from 'vscode';
import { isSeed } from './editorSpans';
import type { Services } from './services';
import type { ArticleSession } from './sidecarStore';

const FOCUS_VIEW_COMMAND = 'seedAnnotator.entities.focus';
const UPDATE_DELAY_MS = 100;

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export class AnnotationStatus implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('seedAnnotator.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: Services) {
    this.item.name = 'Seed Annotator';
    this.item.command = FOCUS_VIEW_COMMAND;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      services.store.onDidChange((s) => {
        if (vscode.window.activeTextEditor?.document.uri.toString() !== s.articleUri.toString()) return;
        // The store reports every keystroke; the counts change only with annotations or orphans.
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          if (services.store.peek(s.articleUri) === s) this.show(s);
          else void this.refresh();
        }, UPDATE_DELAY_MS);
      }),
    );
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!isSeed(doc)) {
      this.item.hide();
      return;
    }
    try {
      const session = await this.services.store.get(doc.uri);
      if (vscode.window.activeTextEditor?.document === doc) this.show(session);
    } catch {
      this.item.hide();
    }
  }

  private show(session: ArticleSession): void {
    const a = session.annotations;
    const live = a.mentions.filter((m) => !m.orphaned).length;
    const orphans = a.mentions.length - live;
    this.item.text = `$(tag) ${count(live, 'mention')} · ${count(a.entities.length, 'entity', 'entities')}${orphans > 0 ? ` · $(warning) ${orphans} orphaned` : ''}`;
    const pending = session.pending ? ' Unsaved: the sidecar is written when the article is saved.' : '';
    this.item.tooltip = `Seed Annotator: ${count(live, 'mention')} of ${count(a.entities.length, 'entity', 'entities')} in ${session.articleName}${orphans > 0 ? `, ${orphans} orphaned` : ''}.${pending} Click to show the Entities view.`;
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
