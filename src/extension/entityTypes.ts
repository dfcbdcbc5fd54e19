import * as vscode from 'vscode';
import { DEFAULT_ENTITY_TYPES } from '../core/model';

export interface EntityTypeSetting {
  name: string;
  /** A CSS colour from the settings, or a theme colour contributed by the extension. */
  color: string | vscode.ThemeColor;
  /** The colour as CSS when the setting gives one (for the tree's icons and the picker). */
  cssColor?: string;
  description?: string;
}

const LAST_USED_KEY = 'seedAnnotator.lastUsedType';
const FALLBACK_COLOR = 'seedAnnotator.entity.MISC';

/**
 * The configured entity types, in their configured order, and the one used last (offered first
 * and preferred). Re-read when the setting changes; `onDidChange` tells features to repaint.
 */
export class EntityTypes implements vscode.Disposable {
  private types: EntityTypeSetting[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly state: vscode.Memento) {
    this.reload();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('seedAnnotator.entityTypes')) {
          this.reload();
          this.emitter.fire();
        }
      }),
    );
  }

  private reload(): void {
    const raw = vscode.workspace.getConfiguration('seedAnnotator').get<unknown[]>('entityTypes') ?? [];
    const seen = new Set<string>();
    const types: EntityTypeSetting[] = [];
    for (const item of raw) {
      if (!item || typeof item !== 'object') continue;
      const { name, color, description } = item as Record<string, unknown>;
      if (typeof name !== 'string' || !/^\S+$/.test(name) || seen.has(name)) continue;
      seen.add(name);
      const css = typeof color === 'string' && color.trim() !== '' ? color.trim() : undefined;
      types.push({
        name,
        color: css ?? new vscode.ThemeColor((DEFAULT_ENTITY_TYPES as readonly string[]).includes(name) ? `seedAnnotator.entity.${name}` : FALLBACK_COLOR),
        cssColor: css,
        description: typeof description === 'string' ? description : undefined,
      });
    }
    if (types.length === 0) {
      for (const name of DEFAULT_ENTITY_TYPES) types.push({ name, color: new vscode.ThemeColor(`seedAnnotator.entity.${name}`) });
    }
    this.types = types;
  }

  /** Configured order. */
  all(): readonly EntityTypeSetting[] {
    return this.types;
  }

  /** The setting of a type, or a neutral one for a type that is in a sidecar but not configured. */
  get(name: string): EntityTypeSetting {
    return this.types.find((t) => t.name === name) ?? { name, color: new vscode.ThemeColor(FALLBACK_COLOR) };
  }

  /** Position in the configured order (unconfigured types sort after, by name). */
  rank(name: string): number {
    const i = this.types.findIndex((t) => t.name === name);
    return i >= 0 ? i : this.types.length;
  }

  get lastUsed(): string | undefined {
    const last = this.state.get<string>(LAST_USED_KEY);
    return last && this.types.some((t) => t.name === last) ? last : undefined;
  }

  async setLastUsed(name: string): Promise<void> {
    await this.state.update(LAST_USED_KEY, name);
  }

  /** Configured order with the last used type first. */
  ordered(): EntityTypeSetting[] {
    const last = this.lastUsed;
    return last ? [this.get(last), ...this.types.filter((t) => t.name !== last)] : [...this.types];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
