/**
 * `seed-annotate export --format F [--out PATH] <paths...>`: the annotations of the articles in
 * one of the formats of DESIGN.md, on stdout or in `--out` (a file; a folder for brat), written
 * atomically: on an error or Ctrl+C nothing appears at `--out`. Articles changed since their
 * sidecar was written are re-anchored in memory first; orphans and every other annotation a
 * format cannot hold are left out and reported on stderr. Nothing is written next to the articles.
 */
import { AtomicFile, AtomicFolder, checkOutputTarget } from '../core/atomicOutput';
import { runExport } from '../core/exportRun';
import type { ExportItem, ExportSink } from '../core/exportRun';
import { describeSkipped, EXPORT_FORMATS, FORMATS, isExportFormat } from '../core/formats';
import type { ExportOptions, Skipped } from '../core/formats';
import { formatProblem } from '../core/validate';
import { InputError, parseVerbArgs, stringOption, UsageError, verbHelp } from './args';
import type { OptionSpec } from './args';
import { plural } from './io';
import type { Io, Verb } from './io';
import { discover, displayPath } from './paths';
import { mapInOrder } from './pool';
import { Progress } from './progress';

const OPTIONS: OptionSpec[] = [
  { name: 'format', value: 'FORMAT', choices: EXPORT_FORMATS, help: 'the output format (required)' },
  { name: 'out', value: 'PATH', help: 'write to this file (a folder for brat) instead of stdout; written atomically' },
  { name: 'offsets', value: 'UNIT', choices: ['codepoint', 'utf16'], help: 'jsonl: unit of the offsets (utf16 for doccano; default codepoint)' },
  { name: 'tags', value: 'TAGS', choices: ['types', 'conll'], help: 'conll: entity types as they are, or mapped to PER/ORG/LOC/MISC (default types)' },
];

const HELP = {
  usage: 'seed-annotate export --format <jsonl|conll|brat|w3c|csv> [--out PATH] [options] <files or folders...>',
  description: [
    'Exports the annotations of the articles found (in path order) in one of these formats:',
    ...EXPORT_FORMATS.map((f) => `  ${f.padEnd(6)} ${FORMATS[f].description}`),
    'Offsets are Unicode code points of the article as stored (jsonl --offsets utf16 for doccano; brat',
    'counts in its own LF text). Articles changed since their sidecar was written are re-anchored in',
    'memory; orphaned mentions are never exported: they are reported on stderr. Output goes to stdout',
    'unless --out is given; brat needs --out DIR. An --out file or folder appears whole or not at all.',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    'seed-annotate export --format jsonl seeds/ > seeds.jsonl',
    'seed-annotate export --format jsonl --offsets utf16 --out doccano.jsonl seeds/',
    'seed-annotate export --format conll --tags conll --out train.conll seeds/',
    'seed-annotate export --format brat --out brat-data/ seeds/',
    'seed-annotate export --format csv seeds/000_eb28ad2c764fb3cf.txt',
  ],
};

/** What a brat export folder may hold, so re-exporting into it may replace it (brat adds .stats_cache). */
export function bratOutputFile(name: string): boolean {
  return /\.(txt|ann)$/i.test(name) || ['annotation.conf', 'visual.conf', 'tools.conf', 'kb_shortcuts.conf', '.stats_cache'].includes(name);
}

function warnSkipped(io: Io, s: Skipped): void {
  const line = describeSkipped(s);
  const prefix = `${s.document}: `;
  io.err(line.startsWith(prefix) ? `${prefix}warning: ${line.slice(prefix.length)}` : `warning: ${line}`);
}

export const exportVerb: Verb = {
  name: 'export',
  summary: 'export annotations as jsonl, conll, brat, w3c or csv',
  help: () => verbHelp(HELP),
  async run(argv, io: Io): Promise<number> {
    const { args, suffix } = parseVerbArgs(argv, OPTIONS, 'export');
    const format = stringOption(args, 'format');
    if (format === undefined) throw new UsageError(`--format is required (${EXPORT_FORMATS.join(', ')})`, 'export');
    if (!isExportFormat(format)) throw new UsageError(`unknown format '${format}'`, 'export');
    const offsets = stringOption(args, 'offsets') as ExportOptions['offsets'];
    const tags = stringOption(args, 'tags') as ExportOptions['tags'];
    if (offsets !== undefined && format !== 'jsonl') throw new UsageError('--offsets applies to --format jsonl only', 'export');
    if (tags !== undefined && format !== 'conll') throw new UsageError('--tags applies to --format conll only', 'export');
    let out = stringOption(args, 'out');
    if (out === '-') out = undefined;
    const kind = FORMATS[format].output;
    if (kind === 'folder' && out === undefined) throw new UsageError(`--format ${format} writes a folder: give it with --out DIR`, 'export');
    if (args.positionals.length === 0) throw new UsageError('give the articles, sidecars or folders to export (e.g. seeds/)', 'export');

    if (out !== undefined) {
      const problem = await checkOutputTarget(out, kind === 'folder' ? 'folder' : 'file');
      if (problem) throw new InputError(`cannot write --out ${out}: ${problem}`);
      if (kind === 'folder') {
        const refusal = await AtomicFolder.refuseReplacing(out, bratOutputFile);
        if (refusal) throw new InputError(`cannot write --out: ${refusal}`);
      }
    }

    const entries = await discover(args.positionals, { suffix });
    for (const e of entries.filter((x) => !x.articleExists)) io.err(`${e.sidecarDisplay}:1: warning: its article does not exist beside it; not exported`);
    const items: ExportItem[] = entries.filter((e) => e.articleExists).map((e) => ({ ...e, id: e.articleDisplay }));
    if (items.length === 0) io.err(`export: warning: no annotated articles found in ${args.positionals.join(' ')}`);

    let file: AtomicFile | undefined;
    let folder: AtomicFolder | undefined;
    let sink: ExportSink;
    if (kind === 'folder') {
      folder = await AtomicFolder.open(out as string, bratOutputFile, { blocking: true });
      const f = folder;
      sink = { kind: 'folder', writeFile: (name, content) => f.writeFile(name, content) };
    } else if (out !== undefined) {
      file = await AtomicFile.open(out);
      const f = file;
      sink = { kind: 'stream', write: (text) => f.write(text) };
    } else {
      sink = { kind: 'stream', write: (text) => io.out(text) };
    }

    const progress = (io.progress = new Progress(`export ${format}`, items.length));
    let summary;
    try {
      summary = await runExport(items, format, { offsets, tags }, sink, {
        onSkipped: (s) => warnSkipped(io, s),
        onReanchored: (item, r) => {
          io.err(
            `${item.articleDisplay}: warning: changed since its sidecar was written: re-anchored in memory (${r.moved} moved, ${r.orphaned} orphaned); 'seed-annotate reanchor' updates the sidecar`,
          );
        },
        onProgress: (done) => progress.update(done),
      }, { units: mapInOrder('export', items, { format, options: { offsets, tags } }) });
    } catch (err) {
      await file?.abort();
      await folder?.abort();
      throw err;
    }
    progress.clear();
    if (summary.failure) {
      await file?.abort();
      await folder?.abort();
      for (const p of summary.failure.load.problems) io.err(formatProblem(p));
      io.err(`export: stopped at ${summary.failure.item.articleDisplay}${out !== undefined ? `; nothing was written to ${out}` : ''}`);
      return summary.failure.load.reason === 'unreadable' ? 2 : 1;
    }
    await file?.commit();
    await folder?.commit();
    const where = out !== undefined ? ` to ${displayPath(file?.target ?? folder?.target ?? out)}` : '';
    const orphans = summary.orphans > 0 ? `; ${plural(summary.orphans, 'orphan')} left out (warnings above)` : '';
    io.err(`export: ${plural(summary.articles, 'article')}, ${plural(summary.mentions, 'mention')} written as ${format}${where}${orphans}`);
    return 0;
  },
};
