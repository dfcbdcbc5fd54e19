/**
 * One export run over a list of articles, shared by the CLI and the editor command: load each
 * article and sidecar (re-anchored in memory when the article changed), feed it to the format's
 * exporter, and hand the output to a sink (a stream or a folder). Orphans and every other
 * annotation an exporter leaves out are reported through `onSkipped`, never dropped silently.
 * The run stops at the first article it cannot read; the caller then discards the output, so a
 * file given by `--out` is never left half written.
 *
 * The run is split in two stages so the first can run in parallel (the CLI's worker threads):
 * `exportUnit` loads one article and, for the formats whose exporter keeps no state between
 * documents (`PER_DOCUMENT`), formats it too; `runExport` takes the units in path order and
 * writes them (formatting the others with the run's one exporter).
 */
import { loadArticle } from './articleFiles';
import type { ArticleFiles, ArticleLoad, ArticleLoadFailure, LoadOptions } from './articleFiles';
import { createExporter } from './formats';
import type { ExportFormat, ExportOptions, SeedDocument, Skipped, StreamChunk } from './formats';
import { conllDocument } from './formats/conll';
import { csvDocument } from './formats/csv';
import { jsonlDocument } from './formats/jsonl';
import { w3cDocument } from './formats/w3c';

export interface ExportItem extends ArticleFiles {
  /** The article's id in the output (jsonl `id`, csv `file`, w3c `target.source`, brat file name). */
  id: string;
}

export type ExportSink =
  | { kind: 'stream'; write(text: string): Promise<void> }
  | { kind: 'folder'; writeFile(name: string, content: string): Promise<void> };

/**
 * How a format's documents can be formatted one at a time, anywhere and in any order: a pure
 * function of one document, whose chunks the run writes in order, with `first` before the first
 * non-empty chunk and `between` between two (w3c's item separators). The result must be exactly
 * what the format's exporter writes (a test compares them). Formats not listed here (brat, with
 * its file names and configuration) are formatted by the run's exporter, in order.
 */
export interface DocumentFormatter {
  format(doc: SeedDocument, options: ExportOptions): StreamChunk;
  first?: string;
  between?: string;
}

export const PER_DOCUMENT: Partial<Record<ExportFormat, DocumentFormatter>> = {
  jsonl: { format: jsonlDocument },
  conll: { format: conllDocument },
  csv: { format: (doc) => csvDocument(doc) },
  w3c: {
    format(doc) {
      const { items, skipped } = w3cDocument(doc);
      return { text: items.map((item) => JSON.stringify(item)).join(',\n'), skipped };
    },
    first: '\n',
    between: ',\n',
  },
};

/** What the article changed since its sidecar was written did to the spans (re-anchored in memory). */
export interface ReanchorCounts {
  moved: number;
  orphaned: number;
}

/** One article, ready to be written: a formatted chunk, or the document for the run's exporter. */
export type ExportUnit =
  | { ok: true; item: ExportItem; chunk?: StreamChunk; doc?: SeedDocument; mentions: number; reanchored?: ReanchorCounts }
  | { ok: false; item: ExportItem; failure: ArticleLoadFailure };

/** The unit of a loaded article; formats it when the format allows (`PER_DOCUMENT`). */
export function exportUnit(item: ExportItem, load: ArticleLoad, format: ExportFormat, options: ExportOptions): ExportUnit {
  if (!load.ok) return { ok: false, item, failure: load };
  let reanchored: ReanchorCounts | undefined;
  if (load.reanchored) {
    reanchored = { moved: 0, orphaned: 0 };
    for (const e of load.reanchored.entries) {
      if (e.status === 'moved' || e.status === 'reattached') reanchored.moved++;
      else if (e.status === 'orphaned' && !e.wasOrphaned) reanchored.orphaned++;
    }
  }
  const doc: SeedDocument = { id: item.id, text: load.text, hadBom: load.hadBom, annotations: load.annotations };
  const mentions = load.annotations.mentions.length;
  const formatter = PER_DOCUMENT[format];
  if (formatter) return { ok: true, item, chunk: formatter.format(doc, options), mentions, reanchored };
  return { ok: true, item, doc, mentions, reanchored };
}

/** The units of `items`, in order, loaded a few at a time ahead. */
export async function* exportUnits(items: readonly ExportItem[], format: ExportFormat, options: ExportOptions, loadOptions: LoadOptions = {}): AsyncGenerator<ExportUnit> {
  const window = 16;
  const pending: Array<Promise<ArticleLoad>> = [];
  let next = 0;
  const fill = () => {
    while (pending.length < window && next < items.length) pending.push(loadArticle(items[next++], loadOptions));
  };
  fill();
  for (let i = 0; i < items.length; i++) {
    const load = await (pending.shift() as Promise<ArticleLoad>);
    fill();
    yield exportUnit(items[i], load, format, options);
  }
}

export interface ExportHooks {
  onSkipped?(skipped: Skipped): void;
  /** The article changed since its sidecar was written: its spans were re-anchored in memory. */
  onReanchored?(item: ExportItem, counts: ReanchorCounts): void;
  onProgress?(done: number, total: number): void;
  /** Polled between articles; true stops the run (the caller discards the output). */
  isCancelled?(): boolean;
}

export interface ExportSummary {
  articles: number;
  /** Mentions written (those not skipped). */
  mentions: number;
  skipped: number;
  /** Orphaned annotations left out. */
  orphans: number;
  reanchored: number;
  cancelled: boolean;
  /** The article that could not be read, when the run stopped on it. */
  failure?: { item: ExportItem; load: ArticleLoadFailure };
}

/**
 * Writes the units (in the order given: path order) to the sink. `units` defaults to loading
 * `items` here, one after the other.
 */
export async function runExport(
  items: readonly ExportItem[],
  format: ExportFormat,
  options: ExportOptions,
  sink: ExportSink,
  hooks: ExportHooks = {},
  source: { units?: AsyncIterable<ExportUnit>; loadOptions?: LoadOptions } = {},
): Promise<ExportSummary> {
  const exporter = createExporter(format, options);
  if (exporter.kind !== sink.kind) throw new Error(`the ${format} format writes a ${exporter.kind}, not a ${sink.kind}`);
  const summary: ExportSummary = { articles: 0, mentions: 0, skipped: 0, orphans: 0, reanchored: 0, cancelled: false };
  if (exporter.kind === 'stream' && sink.kind === 'stream') await sink.write(exporter.header());
  const units = source.units ?? exportUnits(items, format, options, source.loadOptions);
  let index = 0;
  const joiner = PER_DOCUMENT[format]?.between !== undefined ? PER_DOCUMENT[format] : undefined;
  let written = 0;
  for await (const unit of units) {
    if (hooks.isCancelled?.()) {
      summary.cancelled = true;
      break;
    }
    if (!unit.ok) {
      summary.failure = { item: unit.item, load: unit.failure };
      break;
    }
    if (unit.reanchored) {
      summary.reanchored++;
      hooks.onReanchored?.(unit.item, unit.reanchored);
    }
    let skipped: readonly Skipped[] = [];
    if (exporter.kind === 'stream' && sink.kind === 'stream') {
      if (unit.chunk) {
        const { text } = unit.chunk;
        if (text !== '') await sink.write(joiner ? (written++ === 0 ? (joiner.first ?? '') : (joiner.between ?? '')) + text : text);
        skipped = unit.chunk.skipped;
      } else {
        const chunk = exporter.document(unit.doc as SeedDocument);
        await sink.write(chunk.text);
        skipped = chunk.skipped;
      }
    } else if (exporter.kind === 'folder' && sink.kind === 'folder') {
      const chunk = exporter.document(unit.doc as SeedDocument);
      for (const f of chunk.files) await sink.writeFile(f.name, f.content);
      skipped = chunk.skipped;
    }
    summary.articles++;
    summary.mentions += Math.max(0, unit.mentions - skipped.filter((s) => s.kind === 'mention').length);
    for (const s of skipped) {
      summary.skipped++;
      if (s.cause === 'orphaned') summary.orphans++;
      hooks.onSkipped?.(s);
    }
    hooks.onProgress?.(++index, items.length);
  }
  // (Leaving the loop early has closed the source: a generator's reads, a pool's workers.)
  if (summary.failure || summary.cancelled) return summary;
  if (exporter.kind === 'stream' && sink.kind === 'stream') await sink.write(exporter.footer());
  else if (exporter.kind === 'folder' && sink.kind === 'folder') for (const f of exporter.finish()) await sink.writeFile(f.name, f.content);
  return summary;
}
