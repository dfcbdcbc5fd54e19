/**
 * `seed-annotate stats [--json] <paths...>`: counts per entity type, per article, and orphans,
 * as a table or as JSON on stdout; warnings on stderr. Nothing is written.
 *
 * Counts are of the annotations as they apply to the articles now: an article changed since its
 * sidecar was written is re-anchored in memory first (as export does), so a mention whose text is
 * gone counts as orphaned.
 */
import { formatProblem } from '../core/validate';
import { parseVerbArgs, UsageError, verbHelp } from './args';
import type { OptionSpec } from './args';
import { plural } from './io';
import type { Io, Verb } from './io';
import { discover } from './paths';
import { mapInOrder } from './pool';
import { Progress } from './progress';
import type { ArticleStats, TypeCounts } from './statsCount';

const OPTIONS: OptionSpec[] = [{ name: 'json', help: 'print the counts as one JSON object' }];

const HELP = {
  usage: 'seed-annotate stats [--json] [--suffix SUFFIX] <files or folders...>',
  description: [
    'Counts annotations: per entity type (entities and mentions), per article (mentions, entities,',
    'quotes, relations, orphans) and in total. Articles changed since their sidecar was written are',
    're-anchored in memory first; nothing is written. Articles found without a sidecar count as',
    'unannotated.',
  ].join('\n'),
  options: OPTIONS,
  examples: ['seed-annotate stats seeds/', 'seed-annotate stats --json seeds/ > stats.json', "seed-annotate stats --json corpus/ | jq '.types.PERSON'"],
};

export interface CorpusStats {
  articles: number;
  annotated: number;
  entities: number;
  mentions: number;
  orphaned: number;
  quotes: number;
  relations: number;
  changed: number;
  /** Sidecars that could not be read (reported on stderr, not counted). */
  unreadable: number;
  types: Record<string, TypeCounts>;
  files: ArticleStats[];
}

function table(rows: string[][], alignRight: boolean[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => Array.from(r[c]).length)));
  return rows
    .map((r) => r.map((cell, c) => (alignRight[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

function render(s: CorpusStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(
    `${plural(s.articles, 'article')} (${n(s.annotated)} annotated), ${plural(s.entities, 'entity', 'entities')}, ${plural(s.mentions, 'mention')} (${n(s.orphaned)} orphaned), ${plural(s.quotes, 'quote')}, ${plural(s.relations, 'relation')}`,
  );
  const types = Object.keys(s.types).sort((a, b) => s.types[b].mentions - s.types[a].mentions || (a < b ? -1 : 1));
  if (types.length > 0) {
    lines.push('', table([['type', 'entities', 'mentions'], ...types.map((t) => [t, n(s.types[t].entities), n(s.types[t].mentions)])], [false, true, true]));
  }
  if (s.files.length > 0) {
    const rows = s.files.map((f) => [f.article + (f.changed ? ' *' : ''), f.date ?? '', n(f.entities), n(f.mentions), n(f.orphaned), n(f.quotes), n(f.relations)]);
    lines.push('', table([['article', 'date', 'entities', 'mentions', 'orphaned', 'quotes', 'relations'], ...rows], [false, false, true, true, true, true, true]));
    if (s.changed > 0) lines.push('', `* changed since its sidecar was written: counted after re-anchoring in memory (seed-annotate reanchor updates the sidecar)`);
  }
  return `${lines.join('\n')}\n`;
}

export const statsVerb: Verb = {
  name: 'stats',
  summary: 'count entities and mentions per type and per article, and orphans',
  help: () => verbHelp(HELP),
  async run(argv, io: Io): Promise<number> {
    const { args, suffix } = parseVerbArgs(argv, OPTIONS, 'stats');
    if (args.positionals.length === 0) throw new UsageError('give the articles, sidecars or folders to count (e.g. seeds/)', 'stats');
    const entries = await discover(args.positionals, { suffix, unannotated: true });
    const stats: CorpusStats = { articles: 0, annotated: 0, entities: 0, mentions: 0, orphaned: 0, quotes: 0, relations: 0, changed: 0, unreadable: 0, types: {}, files: [] };
    let exit = 0;
    const progress = (io.progress = new Progress('stats', entries.length));
    let index = 0;
    for await (const unit of mapInOrder('stats', entries, undefined)) {
      const entry = entries[index++];
      progress.update(index);
      if (!unit.ok) {
        if ('missingArticle' in unit) {
          io.err(`${entry.sidecarDisplay}:1: warning: its article does not exist beside it; not counted`);
          continue;
        }
        for (const p of unit.failure.problems) io.err(formatProblem(p));
        stats.unreadable++;
        exit = Math.max(exit, unit.failure.reason === 'unreadable' ? 2 : 1);
        continue;
      }
      for (const w of unit.warnings) io.err(formatProblem(w));
      const file = unit.stats;
      stats.files.push(file);
      stats.articles++;
      if (entry.sidecarExists) stats.annotated++;
      if (file.changed) stats.changed++;
      stats.entities += file.entities;
      stats.mentions += file.mentions;
      stats.orphaned += file.orphaned;
      stats.quotes += file.quotes;
      stats.relations += file.relations;
      for (const [t, c] of Object.entries(file.types)) {
        const total = (stats.types[t] ??= { entities: 0, mentions: 0 });
        total.entities += c.entities;
        total.mentions += c.mentions;
      }
    }
    progress.clear();
    stats.types = Object.fromEntries(Object.entries(stats.types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (args.options.has('json')) await io.out(`${JSON.stringify(stats, null, 2)}\n`);
    else await io.out(render(stats));
    if (stats.orphaned > 0) {
      const withOrphans = stats.files.filter((f) => f.orphaned > 0).length;
      io.err(`stats: warning: ${plural(stats.orphaned, 'orphaned mention')} in ${plural(withOrphans, 'article')} (seed-annotate validate lists them)`);
    }
    if (stats.unreadable > 0) io.err(`stats: ${plural(stats.unreadable, 'article')} not counted: their files could not be read`);
    return exit;
  },
};
