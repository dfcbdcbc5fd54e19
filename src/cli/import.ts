/**
 * `seed-annotate import --format brat|jsonl [--out DIR] <paths...>`: annotations made elsewhere
 * (brat, doccano, spaCy, our own jsonl) into articles and sidecars. An article that does not
 * exist is written as `<DIR>/<safe id>.txt` (a date header put in front when the line has a
 * `date` and the text none); an existing article is never rewritten, and the imported spans must
 * fit it. Existing sidecars are merged, not overwritten: a mention already there is not
 * duplicated (importMerge.ts). Sidecars are written atomically and hash-checked; one that does not
 * parse is reported and left as it is. Problems go to stderr as `file:line: severity: reason`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { reanchor } from '../core/anchor';
import { AtomicFile } from '../core/atomicOutput';
import { IMPORT_FORMATS, isImportFormat } from '../core/formats';
import type { ImportProblem } from '../core/formats';
import { mergeImported } from '../core/importMerge';
import type { ImportMergeReport } from '../core/importMerge';
import { readImport } from '../core/importRun';
import type { ImportCandidate, ImportInput } from '../core/importRun';
import { emptyAnnotations } from '../core/model';
import { loadSidecar, saveSidecar } from '../core/persist';
import { SidecarDocument, sha256Hex, sidecarPathFor } from '../core/sidecar';
import { formatProblem } from '../core/validate';
import { InputError, parseVerbArgs, stringOption, UsageError, verbHelp } from './args';
import type { OptionSpec } from './args';
import { plural } from './io';
import type { Io, Verb } from './io';
import { displayPath, findFiles } from './paths';

const OPTIONS: OptionSpec[] = [
  { name: 'format', value: 'FORMAT', choices: IMPORT_FORMATS, help: 'the input format (required)' },
  { name: 'out', value: 'DIR', help: 'folder of the articles and sidecars (default: jsonl, the current folder; brat, beside each .ann)' },
  { name: 'offsets', value: 'UNIT', choices: ['codepoint', 'utf16'], help: 'jsonl: unit of the offsets in the file (utf16 for doccano; default codepoint)' },
  { name: 'dry-run', help: 'report what would be imported, write nothing' },
];

const HELP = {
  usage: 'seed-annotate import --format <brat|jsonl> [--out DIR] [options] <files or folders...>',
  description: [
    'Imports annotations into articles and their sidecars.',
    '  brat   <name>.ann files with <name>.txt beside them (T lines, AnnotatorNotes as notes,',
    '         N Reference lines as links, R relations, Equiv groups); folders are searched for .ann',
    '  jsonl  one article a line: our own export (mentions + entities), doccano (text + label, with',
    '         --offsets utf16) or spaCy (entities triples); folders are searched for .jsonl',
    'An article that does not exist in DIR is written as <id>.txt (the id made a safe file name; a',
    '"date" puts the header "date YYYY-MM-DD " in front of a text without one, offsets shifted). An',
    'existing article is never changed: its text must be the imported text (brat: up to line ends).',
    'Existing sidecars are merged: mentions already there are not duplicated. Every span is checked',
    'against the text; mismatches are reported on stderr (file:line) and left out.',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    'seed-annotate import --format jsonl --out seeds/ seeds.jsonl',
    'seed-annotate import --format jsonl --offsets utf16 --out corpus/ doccano-export.jsonl',
    'seed-annotate import --format brat --out seeds/ brat-data/',
  ],
};

function describe(report: ImportMergeReport): string {
  const parts = [
    plural(report.mentionsAdded, 'mention') + ' added',
    report.mentionsPresent ? `${report.mentionsPresent} already there` : '',
    report.entitiesAdded ? `${plural(report.entitiesAdded, 'entity', 'entities')} added` : '',
    report.entitiesUpdated ? `${plural(report.entitiesUpdated, 'entity', 'entities')} updated` : '',
    report.quotesAdded ? `${plural(report.quotesAdded, 'quote')} added` : '',
    report.relationsAdded ? `${plural(report.relationsAdded, 'relation')} added` : '',
  ];
  return parts.filter(Boolean).join(', ');
}

function renderProblem(p: ImportProblem): string {
  return `${p.file}:${p.line}: ${p.severity}: ${p.reason}`;
}

interface Outcome {
  /** 0 fine, 1 a problem in the data, 2 an I/O failure. */
  exit: number;
  line?: string;
}

async function importOne(c: ImportCandidate, suffix: string, dryRun: boolean, io: Io): Promise<Outcome> {
  const { document } = c;
  const articleDisplay = displayPath(c.articlePath);
  const sidecarPath = sidecarPathFor(c.articlePath, suffix);
  const sidecarDisplay = displayPath(sidecarPath);
  let articleSha: string;
  let created = false;
  if (c.existing) articleSha = c.existing.sha256;
  else {
    const bytes = Buffer.from((document.hadBom ? '\uFEFF' : '') + document.text, 'utf8');
    articleSha = sha256Hex(bytes);
    if (!dryRun) {
      await fs.mkdir(path.dirname(c.articlePath), { recursive: true });
      const file = await AtomicFile.open(c.articlePath);
      try {
        await file.write((document.hadBom ? '\uFEFF' : '') + document.text);
        await file.commit();
      } catch (err) {
        await file.abort();
        io.err(`seed-annotate: cannot write ${articleDisplay}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        return { exit: 2 };
      }
    }
    created = true;
  }

  const loaded = created ? ({ ok: false, reason: 'missing', problems: [] } as const) : await loadSidecar(sidecarPath, { file: sidecarDisplay });
  let doc: SidecarDocument;
  let diskHash: string | null = null;
  let base;
  if (loaded.ok) {
    doc = loaded.sidecar;
    diskHash = loaded.diskHash;
    base = doc.annotations;
    if (base.sha256 !== articleSha) {
      // Anchored to another version of the article: bring the existing spans onto it first.
      const r = reanchor(base, document.text);
      for (const e of r.entries) {
        if (e.status === 'orphaned' && !e.wasOrphaned) {
          const span = e.kind === 'mention' ? r.annotations.mentions[e.index] : r.annotations.quotes[e.index];
          io.err(`${sidecarDisplay}: warning: existing ${e.kind} ${JSON.stringify(span.text)} [${span.start}, ${span.end}) could not be placed in the changed article: orphaned`);
        }
      }
      base = r.annotations;
    }
  } else if (loaded.reason === 'missing') {
    doc = SidecarDocument.create({ ...emptyAnnotations(path.basename(c.articlePath)), sha256: articleSha });
    base = doc.annotations;
  } else {
    for (const p of loaded.problems) io.err(formatProblem(p));
    io.err(`${sidecarDisplay}: not imported into: the sidecar is left as it is until it is fixed`);
    return { exit: loaded.reason === 'unreadable' ? 2 : 1 };
  }

  const { annotations, report } = mergeImported(base, document.annotations, document.text);
  for (const note of report.notes) io.err(`${articleDisplay}: warning: ${note}`);
  try {
    doc.setAnnotations({ ...annotations, sha256: articleSha });
  } catch (err) {
    io.err(`${sidecarDisplay}:1: error: could not merge: ${(err as Error).message}`);
    return { exit: 1 };
  }
  // An unchanged sidecar is not rewritten (saveSidecar compares the bytes).
  if (!dryRun) {
    const saved = await saveSidecar(sidecarPath, doc, diskHash, { file: sidecarDisplay });
    if (!saved.ok) {
      for (const p of saved.problems) io.err(formatProblem(p));
      return { exit: saved.reason === 'io' ? 2 : 1 };
    }
  }
  const what = `${describe(report)}${created ? `; new article ${articleDisplay}` : ''}`;
  return { exit: 0, line: `${sidecarDisplay}: ${dryRun ? 'would import: ' : ''}${what}` };
}

export const importVerb: Verb = {
  name: 'import',
  summary: 'import brat or jsonl annotations into articles and sidecars (merged)',
  help: () => verbHelp(HELP),
  async run(argv, io: Io): Promise<number> {
    const { args, suffix } = parseVerbArgs(argv, OPTIONS, 'import');
    const format = stringOption(args, 'format');
    if (format === undefined) throw new UsageError(`--format is required (${IMPORT_FORMATS.join(', ')})`, 'import');
    if (!isImportFormat(format)) throw new UsageError(`unknown format '${format}'`, 'import');
    const offsets = stringOption(args, 'offsets') as 'codepoint' | 'utf16' | undefined;
    if (offsets !== undefined && format !== 'jsonl') throw new UsageError('--offsets applies to --format jsonl only', 'import');
    if (args.positionals.length === 0) throw new UsageError(`give the ${format === 'brat' ? '.ann files or brat folders' : '.jsonl files'} to import`, 'import');
    const dryRun = args.options.has('dry-run');
    const out = stringOption(args, 'out');
    if (out !== undefined) {
      const st = await fs.stat(out).catch(() => undefined);
      if (st && !st.isDirectory()) throw new InputError(`cannot use --out ${out}: it is a file, not a folder`);
      if (!st && !dryRun) await fs.mkdir(out, { recursive: true });
    }
    const files = await findFiles(args.positionals, format === 'brat' ? ['.ann'] : ['.jsonl']);
    if (files.length === 0) io.err(`import: warning: no ${format === 'brat' ? '.ann' : '.jsonl'} files found in ${args.positionals.join(' ')}`);
    const inputs: ImportInput[] = files.map((f) => ({ path: f, display: displayPath(f) }));
    let exit = 0;
    let documents = 0;
    for await (const { candidate, problems } of readImport(inputs, {
      format,
      offsets,
      targetFolder: (input) => out ?? (format === 'brat' ? path.dirname(input.path) : process.cwd()),
      onUnreadable: (input, reason) => {
        io.err(`seed-annotate: cannot read ${input.display}: ${reason}`);
        exit = 2;
      },
    })) {
      for (const p of problems) io.err(renderProblem(p));
      if (problems.some((p) => p.severity === 'error')) exit = Math.max(exit, 1);
      if (!candidate) continue;
      const outcome = await importOne(candidate, suffix, dryRun, io);
      exit = Math.max(exit, outcome.exit);
      if (outcome.line) {
        documents++;
        await io.out(`${outcome.line}\n`);
      }
    }
    io.err(`import: ${plural(documents, 'article')} ${dryRun ? 'checked (dry run: nothing written)' : 'imported'} from ${plural(files.length, 'file')}${exit === 1 ? '; some annotations were not imported (see above)' : ''}`);
    return exit;
  },
};
