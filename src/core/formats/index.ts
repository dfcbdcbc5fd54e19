/**
 * The export and import formats by name, for the CLI and the editor command: what each writes
 * (one stream, or a folder), its usual file extension, and how to build its exporter.
 */
import { createBratExporter } from './brat';
import { createConllExporter } from './conll';
import { createCsvExporter } from './csv';
import type { Exporter, ExportOptions } from './document';
import { createJsonlExporter } from './jsonl';
import { createW3cExporter } from './w3c';

export type ExportFormat = 'jsonl' | 'conll' | 'brat' | 'w3c' | 'csv';
export type ImportFormat = 'brat' | 'jsonl';

export interface FormatInfo {
  name: ExportFormat;
  /** One line for pickers and `--help`. */
  description: string;
  /** `stream`: one file or stdout; `folder`: several files, needs an output folder. */
  output: 'stream' | 'folder';
  /** Extension of the output file (with the dot); empty for folder formats. */
  extension: string;
  /** Whether `import` reads it too. */
  importable: boolean;
  /** The options of ExportOptions this format reads. */
  options: ReadonlyArray<keyof ExportOptions>;
}

export const FORMATS: Readonly<Record<ExportFormat, FormatInfo>> = {
  jsonl: {
    name: 'jsonl',
    description: 'JSON Lines, one article a line: doccano text+label, spaCy offsets, lossless mentions+entities',
    output: 'stream',
    extension: '.jsonl',
    importable: true,
    options: ['offsets'],
  },
  conll: {
    name: 'conll',
    description: 'CoNLL-2003 style TOKEN TAG lines (IOB2), for NER training',
    output: 'stream',
    extension: '.conll',
    importable: false,
    options: ['tags'],
  },
  brat: {
    name: 'brat',
    description: 'brat standoff: <name>.txt + <name>.ann per article, annotation.conf, visual.conf',
    output: 'folder',
    extension: '',
    importable: true,
    options: ['colours'],
  },
  w3c: {
    name: 'w3c',
    description: 'W3C Web Annotation JSON-LD: an AnnotationPage, one annotation per mention',
    output: 'stream',
    extension: '.jsonld',
    importable: false,
    options: [],
  },
  csv: {
    name: 'csv',
    description: 'CSV (RFC 4180), one row per mention: file,date,entity,type,name,start,end,text',
    output: 'stream',
    extension: '.csv',
    importable: false,
    options: [],
  },
};

/** Export format names, in the order pickers and `--help` show them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'conll', 'brat', 'w3c', 'csv'];
export const IMPORT_FORMATS: readonly ImportFormat[] = ['brat', 'jsonl'];

export function isExportFormat(name: string): name is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(name);
}

export function isImportFormat(name: string): name is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(name);
}

/** A fresh exporter for one run (exporters keep per-run state: separators, names, types seen). */
export function createExporter(format: ExportFormat, options: ExportOptions = {}): Exporter {
  switch (format) {
    case 'jsonl':
      return createJsonlExporter(options);
    case 'conll':
      return createConllExporter(options);
    case 'brat':
      return createBratExporter(options);
    case 'w3c':
      return createW3cExporter(options);
    case 'csv':
      return createCsvExporter(options);
  }
}

export type {
  DateHeader,
  Exporter,
  ExportOptions,
  FolderChunk,
  FolderExporter,
  ImportedDocument,
  ImportProblem,
  ImportResult,
  OutputFile,
  SeedDocument,
  Skipped,
  SkipCause,
  StreamChunk,
  StreamExporter,
} from './document';
export { describeSkipped, formatProblem, parseDateHeader, prepareDocument, safeFileName, UniqueNames } from './document';
export { importBrat, type BratImportInput } from './brat';
export { importJsonl, JsonlImporter, type JsonlImportOptions } from './jsonl';
