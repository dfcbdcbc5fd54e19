/**
 * Reading import files (brat `.ann` + `.txt`, JSON lines) into documents placed in a target
 * folder, shared by the CLI and the editor command. For each document it says where its article
 * goes (`<folder>/<safe name>.txt`, never outside the folder) and whether that article exists:
 * an existing article is never rewritten, and the imported spans must fit its text (brat's LF
 * offsets are mapped onto its CRLF/BOM text; a jsonl text must be the article's text), else the
 * document is reported and left out. Writing is the caller's: the CLI through core persistence,
 * the editor through its sidecar store.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { importBrat, JsonlImporter, safeFileName, UniqueNames } from './formats';
import type { ImportedDocument, ImportFormat, ImportProblem } from './formats';
import { codePointLength } from './offsets';
import { sha256Hex } from './sidecar';
import { ioReason } from './articleFiles';

export interface ImportInput {
  /** Path to read. */
  path: string;
  /** As shown in problems. */
  display: string;
}

export interface ExistingArticle {
  text: string;
  hadBom: boolean;
  sha256: string;
}

export interface ImportCandidate {
  document: ImportedDocument;
  /** Absolute path of the article (existing or to be written). */
  articlePath: string;
  existing?: ExistingArticle;
  /** Where the document came from: the input file and line (jsonl) or 1 (brat). */
  source: { file: string; line: number };
}

export interface ImportReadOptions {
  format: ImportFormat;
  /** jsonl: unit of the offsets in the file. */
  offsets?: 'codepoint' | 'utf16';
  /** The folder a document of this input goes to. */
  targetFolder(input: ImportInput): string;
  /** An input file that cannot be read: the caller reports it (and usually exits 2). */
  onUnreadable?(input: ImportInput, reason: string): void;
}


const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function readText(file: string): Promise<string> {
  const bytes = await fs.readFile(file);
  try {
    return utf8.decode(bytes);
  } catch {
    throw Object.assign(new Error('not valid UTF-8 text'), { code: 'not valid UTF-8 text' });
  }
}

/** The article at `file` when it exists. */
export async function readExistingArticle(file: string): Promise<ExistingArticle | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const raw = utf8.decode(bytes);
  const hadBom = raw.charCodeAt(0) === 0xfeff;
  return { text: hadBom ? raw.slice(1) : raw, hadBom, sha256: sha256Hex(bytes) };
}

/** 1-based line and column (code points) of the first difference of two texts. */
function firstDifference(a: string, b: string): { line: number; column: number } {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const before = a.slice(0, i);
  const lineStart = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) + 1;
  return { line: before.split(/\r\n|\r|\n/).length, column: codePointLength(before.slice(lineStart)) + 1 };
}

/**
 * The documents of the import files, in input order, each with the problems found while reading
 * it (spans that do not fit are reported and left out of the document; a document whose article
 * exists with another text is reported and not given).
 */
export async function* readImport(inputs: readonly ImportInput[], options: ImportReadOptions): AsyncGenerator<{ candidate?: ImportCandidate; problems: ImportProblem[] }> {
  const namesByFolder = new Map<string, UniqueNames>();
  const namesFor = (folder: string) => {
    let names = namesByFolder.get(folder);
    if (!names) namesByFolder.set(folder, (names = new UniqueNames()));
    return names;
  };
  for (const input of inputs) {
    const folder = path.resolve(options.targetFolder(input));
    if (options.format === 'jsonl') {
      let content: string;
      try {
        content = await readText(input.path);
      } catch (err) {
        options.onUnreadable?.(input, ioReason(err));
        continue;
      }
      const importer = new JsonlImporter({ file: input.display, offsets: options.offsets });
      const body = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
      const lines = body.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const raw = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
        const { document, problems } = importer.line(raw, i + 1);
        if (!document) {
          if (problems.length > 0) yield { problems };
          continue;
        }
        // The same id in two files names the same article: the second import merges into it.
        const articlePath = path.join(folder, document.fileName);
        let existing: ExistingArticle | undefined;
        try {
          existing = await readExistingArticle(articlePath);
        } catch (err) {
          problems.push({ file: input.display, line: i + 1, severity: 'error', reason: `cannot read the existing article ${document.fileName}: ${ioReason(err)}; not imported` });
          yield { problems };
          continue;
        }
        if (existing && existing.text !== document.text) {
          const at = firstDifference(existing.text, document.text);
          problems.push({
            file: input.display,
            line: i + 1,
            severity: 'error',
            reason: `the article ${document.fileName} exists and its text differs from this line's "text" (article line ${at.line}, column ${at.column}); not imported`,
          });
          yield { problems };
          continue;
        }
        yield { candidate: { document, articlePath, existing, source: { file: input.display, line: i + 1 } }, problems };
      }
    } else {
      let ann: string;
      const txtPath = input.path.replace(/\.ann$/i, '') + '.txt';
      const txtDisplay = input.display.replace(/\.ann$/i, '') + '.txt';
      let txt: string;
      try {
        ann = await readText(input.path);
      } catch (err) {
        options.onUnreadable?.(input, ioReason(err));
        continue;
      }
      try {
        txt = await readText(txtPath);
      } catch (err) {
        yield { problems: [{ file: input.display, line: 1, severity: 'error', reason: `its text ${path.basename(txtPath)} cannot be read (${ioReason(err)}); not imported` }] };
        continue;
      }
      const id = path.basename(input.path).replace(/\.ann$/i, '');
      // Where the article goes decides which text the offsets are mapped onto, so name it first;
      // two documents of one run never share a name in a folder.
      const wanted = safeFileName(id);
      const name = namesFor(folder).take(wanted);
      const fileName = `${name}.txt`;
      const articlePath = path.join(folder, fileName);
      let existing: ExistingArticle | undefined;
      try {
        existing = await readExistingArticle(articlePath);
      } catch (err) {
        yield { problems: [{ file: input.display, line: 1, severity: 'error', reason: `cannot read the existing article ${fileName}: ${ioReason(err)}; not imported` }] };
        continue;
      }
      const { document, problems } = importBrat({
        annPath: input.display,
        ann,
        txtPath: txtDisplay,
        txt,
        id,
        ...(existing ? { article: { text: existing.text, hadBom: existing.hadBom } } : {}),
      });
      if (!document) {
        yield { problems };
        continue;
      }
      if (name !== wanted) problems.push({ file: input.display, line: 1, severity: 'warning', reason: `article name "${wanted}.txt" is already taken in this import; written as "${fileName}"` });
      document.fileName = fileName;
      document.annotations.article = fileName;
      yield { candidate: { document, articlePath, existing, source: { file: input.display, line: 1 } }, problems };
    }
  }
}
