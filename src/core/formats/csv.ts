/**
 * CSV, RFC 4180: a header row `file,date,entity,type,name,start,end,text`, then one row per
 * mention, every row ended by CRLF. A field holding a comma, a double quote, CR or LF is put in
 * double quotes, its quotes doubled; other fields are written bare. Offsets are code points, as
 * in every export; `date` is empty for an article without a date header.
 *
 * Spreadsheet formula injection (a field starting with `=`, `+`, `-` or `@` that Excel or
 * LibreOffice might evaluate): deliberately NOT neutralized. Prefixing such fields with `'` or a
 * tab, as OWASP suggests for files opened in a spreadsheet, would change the data that NLP
 * tools read (`text` must equal the article's slice at `start`..`end`, and `-LRB-`-like or
 * `+` tokens are ordinary text in news). The file is data for programs; whoever opens it in a
 * spreadsheet should import it as text.
 */
import type { ExportOptions, SeedDocument, StreamChunk, StreamExporter } from './document';
import { prepareDocument } from './document';

export const CSV_COLUMNS = ['file', 'date', 'entity', 'type', 'name', 'start', 'end', 'text'] as const;
const ROW_END = '\r\n';

/** One field, quoted when RFC 4180 requires it. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: ReadonlyArray<string | number>): string {
  return fields.map(csvField).join(',') + ROW_END;
}

/** The rows of one article's mentions. */
export function csvDocument(doc: SeedDocument): StreamChunk {
  const prep = prepareDocument(doc);
  const date = prep.header?.date ?? '';
  let text = '';
  for (const { mention, entity } of prep.mentions) {
    text += csvRow([doc.id, date, entity.id, entity.type, entity.name, mention.start, mention.end, mention.text]);
  }
  return { text, skipped: prep.skipped };
}

export function createCsvExporter(_options: ExportOptions = {}): StreamExporter {
  return { kind: 'stream', format: 'csv', header: () => csvRow(CSV_COLUMNS), document: csvDocument, footer: () => '' };
}
