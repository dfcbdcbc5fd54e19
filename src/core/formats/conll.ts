/**
 * CoNLL-2003 style export: one `TOKEN TAG` line per token (IOB2), a blank line after each
 * sentence, `-DOCSTART- O` and a blank line before each article. Tokens and sentences come from
 * tokenize.ts, cut at every entity boundary.
 *
 * Choices this format forces (DESIGN.md):
 * - one tag per token, so of nested or overlapping mentions the outermost wins (the one starting
 *   first, then the longest); the others are returned as skipped (cause `nested`);
 * - the date header is tagged O and is a sentence of its own (it is metadata, not the first
 *   words of the first sentence); a mention on it is skipped (cause `header`);
 * - with `tags: 'conll'`, PERSON→PER, ORG→ORG, GPE and LOC→LOC, DATE→O, anything else→MISC; a
 *   mention mapped to O is simply not tagged (not reported), but it still cuts tokens;
 * - white space in a type becomes `_`, as a tag must be one column.
 */
import type { CodePointOffset } from '../model';
import type { ExportOptions, SeedDocument, Skipped, StreamChunk, StreamExporter } from './document';
import { prepareDocument } from './document';
import { sentenceEnds, tokenize } from './tokenize';

/** The CoNLL-2003 tag of each default type; types not listed are MISC. */
export const CONLL_TAGS: Readonly<Record<string, string>> = { PERSON: 'PER', ORG: 'ORG', GPE: 'LOC', LOC: 'LOC', DATE: 'O' };

/** The tag (without B-/I-) for an entity type, or `O` when the type is not tagged. */
export function conllTag(type: string, tags: 'types' | 'conll' = 'types'): string {
  if (tags === 'conll') return CONLL_TAGS[type] ?? 'MISC';
  return type.replace(/\s+/g, '_') || 'MISC';
}

interface TaggedSpan {
  start: CodePointOffset;
  end: CodePointOffset;
  tag: string;
}

/** One article's CoNLL block, starting with its `-DOCSTART- O` line. */
export function conllDocument(doc: SeedDocument, options: ExportOptions = {}): StreamChunk {
  const prep = prepareDocument(doc);
  const skipped: Skipped[] = [...prep.skipped];
  const boundaries: CodePointOffset[] = [];
  const candidates: Array<TaggedSpan & { index: number }> = [];
  prep.mentions.forEach(({ mention, entity }, index) => {
    boundaries.push(mention.start, mention.end);
    const tag = conllTag(entity.type, options.tags);
    if (tag === 'O') return;
    if (prep.header && mention.start < prep.header.end && mention.end > prep.header.start) {
      skipped.push({ document: doc.id, kind: 'mention', mention, cause: 'header', reason: 'on the date header, which CoNLL tags O' });
      return;
    }
    candidates.push({ start: mention.start, end: mention.end, tag, index });
  });
  if (prep.header) boundaries.push(prep.header.start, prep.header.end);

  // Outermost wins: by start, longest first; a span overlapping one already kept is dropped.
  candidates.sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
  const kept: Array<TaggedSpan & { index: number }> = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (last && c.start < last.end) {
      const winner = prep.mentions[last.index].mention;
      const how = c.end <= last.end ? 'inside' : 'overlapping';
      skipped.push({
        document: doc.id,
        kind: 'mention',
        mention: prep.mentions[c.index].mention,
        cause: 'nested',
        reason: `${how} ${JSON.stringify(winner.text)} [${winner.start}, ${winner.end}), which CoNLL tags instead`,
      });
      continue;
    }
    kept.push(c);
  }

  const tokens = tokenize(doc.text, boundaries, prep.offsets);
  const tags: string[] = new Array(tokens.length).fill('O');
  const tokensPerSpan: number[] = new Array(kept.length).fill(0);
  let k = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    while (k < kept.length && kept[k].end <= token.start) k++;
    const span = kept[k];
    if (span && span.start <= token.start && token.end <= span.end) {
      tags[i] = `${tokensPerSpan[k] === 0 ? 'B' : 'I'}-${span.tag}`;
      tokensPerSpan[k]++;
    }
  }
  kept.forEach((span, i) => {
    if (tokensPerSpan[i] === 0) {
      skipped.push({ document: doc.id, kind: 'mention', mention: prep.mentions[span.index].mention, cause: 'unsupported', reason: 'holds no token (only white space)' });
    }
  });

  const ends = sentenceEnds(doc.text, tokens, { protectedSpans: kept, forceBreaks: prep.header ? [prep.header.end] : [] });
  let out = '-DOCSTART- O\n\n';
  let i = 0;
  for (const end of ends) {
    for (; i < end; i++) out += `${tokens[i].text} ${tags[i]}\n`;
    out += '\n';
  }
  return { text: out, skipped };
}

export function createConllExporter(options: ExportOptions = {}): StreamExporter {
  return {
    kind: 'stream',
    format: 'conll',
    header: () => '',
    document: (doc) => conllDocument(doc, options),
    footer: () => '',
  };
}
