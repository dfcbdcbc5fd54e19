/**
 * The counts of one article for `seed-annotate stats` (see stats.ts): a pure function of the
 * loaded files, so the CLI's worker threads compute it too.
 */
import { loadArticle, readFileBlocking } from '../core/articleFiles';
import type { ArticleLoadFailure } from '../core/articleFiles';
import type { Annotations } from '../core/model';
import type { Problem } from '../core/validate';
import type { CorpusEntry } from './paths';

export interface TypeCounts {
  entities: number;
  mentions: number;
}

export interface ArticleStats {
  article: string;
  sidecar: string | null;
  date: string | null;
  entities: number;
  mentions: number;
  orphaned: number;
  quotes: number;
  relations: number;
  /** True when the article changed since its sidecar was written (counts are after re-anchoring). */
  changed: boolean;
  types: Record<string, TypeCounts>;
}

export type StatsUnit = { ok: true; stats: ArticleStats; warnings: Problem[] } | { ok: false; failure: ArticleLoadFailure } | { ok: false; missingArticle: true };

const HEADER = /^\s*date (\d{4}-\d{2}-\d{2})\b/;

export function countArticle(a: Annotations): Omit<ArticleStats, 'article' | 'sidecar' | 'date' | 'changed'> {
  const types: Record<string, TypeCounts> = {};
  const typeOf = new Map<string, string>();
  for (const e of a.entities) {
    typeOf.set(e.id, e.type);
    (types[e.type] ??= { entities: 0, mentions: 0 }).entities++;
  }
  let orphaned = 0;
  for (const m of a.mentions) {
    if (m.orphaned) orphaned++;
    const type = typeOf.get(m.entity) ?? '(unknown entity)';
    (types[type] ??= { entities: 0, mentions: 0 }).mentions++;
  }
  return { entities: a.entities.length, mentions: a.mentions.length, orphaned, quotes: a.quotes.length, relations: a.relations.length, types };
}

export async function statsUnit(entry: CorpusEntry): Promise<StatsUnit> {
  if (!entry.articleExists) return { ok: false, missingArticle: true };
  const load = await loadArticle(entry, { readFile: readFileBlocking });
  if (!load.ok) return { ok: false, failure: load };
  const stats: ArticleStats = {
    article: entry.articleDisplay,
    sidecar: entry.sidecarExists ? entry.sidecarDisplay : null,
    date: HEADER.exec(load.text.slice(0, 200))?.[1] ?? null,
    changed: load.reanchored !== undefined && load.reanchored.changed,
    ...countArticle(load.annotations),
  };
  return { ok: true, stats, warnings: load.warnings };
}
