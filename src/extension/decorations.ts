/**
 * Mention highlights: one decoration type per entity type (a tint of the type's colour behind the
 * text, a line under it, a mark in the overview ruler), one for types that are not configured,
 * and one for orphaned mentions at their last known place (dashed, in the orphan colour; the
 * diagnostic there says what happened).
 *
 * Colours come from the settings (a CSS colour) or the theme (`seedAnnotator.entity.<TYPE>`,
 * contributed with light, dark and high-contrast values). The decoration types are created once
 * and rebuilt only when the types change; every update only replaces ranges (`setDecorations`
 * once per type per visible seed editor), so nothing flickers. Updates are collected per article
 * and flushed after a short quiet time, so typing costs one repaint per pause, and between
 * repaints VS Code moves the ranges with the text itself.
 */
import * as vscode from 'vscode';
import { clampSpan } from '../core/offsets';
import { inSync, isSeed, offsetMapOf, rangeOf } from './editorSpans';
import type { EntityTypeSetting } from './entityTypes';
import type { Services } from './services';

const FLUSH_DELAY_MS = 40;
const ORPHAN_COLOR = new vscode.ThemeColor('seedAnnotator.orphanedMention');
const FALLBACK_COLOR = new vscode.ThemeColor('seedAnnotator.entity.MISC');

/**
 * A CSS colour from the settings, or undefined when it is not a plain colour. Settings can come
 * from a workspace's `.vscode/settings.json`; only a colour may reach the editor's CSS.
 */
export function safeCssColor(value: string): string | undefined {
  const v = value.trim();
  if (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v)) return v;
  if (/^(?:rgb|rgba|hsl|hsla)\(\s*[\d.]+%?(?:\s*[,\s/]\s*[\d.]+%?){2,3}\s*\)$/i.test(v)) return v;
  if (/^[a-z]{3,24}$/i.test(v)) return v;
  return undefined;
}

/** The CSS value of a colour: a theme colour's CSS variable, or a checked CSS colour. */
function cssOf(color: string | vscode.ThemeColor): string {
  if (typeof color !== 'string') return `var(--vscode-${color.id.replace(/\./g, '-')})`;
  return safeCssColor(color) ?? cssOf(FALLBACK_COLOR);
}

function apiColor(color: string | vscode.ThemeColor): string | vscode.ThemeColor {
  return typeof color === 'string' ? (safeCssColor(color) ?? FALLBACK_COLOR) : color;
}

export function mentionDecorationOptions(color: string | vscode.ThemeColor): vscode.DecorationRenderOptions {
  return {
    borderWidth: '0 0 2px 0',
    borderStyle: 'solid',
    borderColor: apiColor(color),
    borderRadius: '2px',
    // A tint of the colour (theme colours cannot take an alpha through the API): color-mix into
    // the inline text decoration's CSS. If a future editor drops it, the line under stays.
    textDecoration: `none; background-color: color-mix(in srgb, ${cssOf(color)} 26%, transparent)`,
    overviewRulerColor: apiColor(color),
    overviewRulerLane: vscode.OverviewRulerLane.Center,
    // Text typed at either edge is not part of the name (the store's anchoring rule too).
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  };
}

export class MentionDecorations implements vscode.Disposable {
  private byType = new Map<string, vscode.TextEditorDecorationType>();
  private other!: vscode.TextEditorDecorationType;
  private readonly orphan: vscode.TextEditorDecorationType;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.orphan = vscode.window.createTextEditorDecorationType({
      borderWidth: '0 0 1px 0',
      borderStyle: 'dashed',
      borderColor: ORPHAN_COLOR,
      overviewRulerColor: ORPHAN_COLOR,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.build();
    this.disposables.push(
      services.store.onDidChange((s) => this.schedule(s.articleUri)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const e of editors) if (isSeed(e.document)) this.schedule(e.document.uri);
      }),
      services.types.onDidChange(() => {
        this.disposeTypes();
        this.build();
        this.renderVisible();
      }),
    );
    this.renderVisible();
  }

  private build(): void {
    this.byType = new Map(this.services.types.all().map((t: EntityTypeSetting) => [t.name, vscode.window.createTextEditorDecorationType(mentionDecorationOptions(t.color))]));
    this.other = vscode.window.createTextEditorDecorationType(mentionDecorationOptions(FALLBACK_COLOR));
  }

  private schedule(uri: vscode.Uri): void {
    this.pending.add(uri.toString());
    this.timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const due = new Set(this.pending);
    this.pending.clear();
    for (const editor of vscode.window.visibleTextEditors) {
      if (due.has(editor.document.uri.toString())) void this.render(editor);
    }
  }

  private renderVisible(): void {
    for (const editor of vscode.window.visibleTextEditors) if (isSeed(editor.document)) void this.render(editor);
  }

  /** Sets every decoration type's ranges in one editor (empty lists clear stale ones). */
  async render(editor: vscode.TextEditor): Promise<void> {
    if (!isSeed(editor.document)) return;
    let session;
    try {
      session = this.services.store.peek(editor.document.uri) ?? (await this.services.store.get(editor.document.uri));
    } catch {
      return;
    }
    // A change in flight: the store's next change event repaints.
    if (!inSync(session, editor.document)) return;
    const doc = editor.document;
    const map = offsetMapOf(session);
    const a = session.annotations;
    const typeOf = new Map(a.entities.map((e) => [e.id, e.type]));
    const ranges = new Map<vscode.TextEditorDecorationType, vscode.Range[]>();
    for (const t of this.byType.values()) ranges.set(t, []);
    ranges.set(this.other, []);
    ranges.set(this.orphan, []);
    for (const m of a.mentions) {
      if (m.orphaned) {
        const { start, end } = clampSpan(m.start, m.end, map.codePointLength);
        ranges.get(this.orphan)!.push(rangeOf(doc, map, start, end));
        continue;
      }
      const deco = this.byType.get(typeOf.get(m.entity) ?? '') ?? this.other;
      ranges.get(deco)!.push(rangeOf(doc, map, m.start, m.end));
    }
    for (const [deco, list] of ranges) editor.setDecorations(deco, list);
  }

  private disposeTypes(): void {
    for (const t of this.byType.values()) t.dispose();
    this.other.dispose();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.disposeTypes();
    this.orphan.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

