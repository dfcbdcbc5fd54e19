/**
 * Shared by the format tests: the real seeds with annotations, generated articles for property
 * tests, and a way to let Python (the readers our users run) check the files we write.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import YAML from 'yaml';
import type { Annotations, Entity, Mention, Quote, Relation } from '../../../src/core/model';
import { compareMentions, DEFAULT_ENTITY_TYPES } from '../../../src/core/model';
import { OffsetMap, stripBom } from '../../../src/core/offsets';
import type { SeedDocument } from '../../../src/core/formats/document';

/** Property runs: at least 200; FC_NUM_RUNS raises it. */
export const NUM_RUNS = Math.max(200, Number(process.env.FC_NUM_RUNS) || 0);

export const ROOT = path.resolve(__dirname, '../../..');
export const SEED_ID = 'seeds/000_eb28ad2c764fb3cf.txt';

export function readSeed(id: string): { text: string; hadBom: boolean } {
  const raw = fs.readFileSync(path.join(ROOT, id), 'utf8');
  return { text: stripBom(raw), hadBom: raw.charCodeAt(0) === 0xfeff };
}

/** The project's seed with DESIGN.md's sidecar: Taliban 46–53, Motaqi 130–153, Muttaqi 460–467, an orphan, a quote, a relation. */
export function designSeed(): SeedDocument {
  const { text } = readSeed(SEED_ID);
  const cp = new OffsetMap(text);
  return {
    id: SEED_ID,
    text,
    annotations: {
      schema: 1,
      article: '000_eb28ad2c764fb3cf.txt',
      entities: [
        { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Motaqi'], note: "Head of the Taliban's commission for guidance", links: { wikidata: 'Q123' } },
        { id: 'taliban', type: 'ORG', name: 'Taliban' },
      ],
      mentions: [
        { entity: 'taliban', start: 46, end: 53, text: 'Taliban' },
        { entity: 'muttaqi', start: 130, end: 153, text: 'Mullah Amir Khan Motaqi', before: 'AFP on Wednesday. ', after: ', the head' },
        { entity: 'muttaqi', start: 460, end: 467, text: 'Muttaqi' },
        { entity: 'muttaqi', start: 1905, end: 1920, text: 'Mawlawi Muttaqi', orphaned: true },
      ],
      quotes: [{ start: 335, end: 459, speaker: 'muttaqi', text: cp.slice(335, 459) }],
      relations: [{ type: 'member_of', from: 'muttaqi', to: 'taliban' }],
    },
  };
}

/**
 * Any sample seed with every capitalized word run tagged (by a rule independent of the code under
 * test): an entity per distinct text, types cycling through the defaults.
 */
export function taggedSeed(id: string): SeedDocument {
  const { text, hadBom } = readSeed(id);
  const map = new OffsetMap(text);
  const entities = new Map<string, Entity>();
  const mentions: Mention[] = [];
  for (const m of text.matchAll(/\p{Lu}[\p{L}\p{M}]*(?:[ -]\p{Lu}[\p{L}\p{M}]*)*/gu)) {
    const start = map.toCodePoint(m.index as number);
    const end = map.toCodePoint((m.index as number) + m[0].length);
    if (m[0] === 'date') continue;
    let entity = entities.get(m[0]);
    if (!entity) {
      entity = { id: `e${entities.size + 1}`, type: DEFAULT_ENTITY_TYPES[entities.size % DEFAULT_ENTITY_TYPES.length], name: m[0] };
      entities.set(m[0], entity);
    }
    mentions.push({ entity: entity.id, start, end, text: m[0] });
  }
  return { id, text, hadBom, annotations: { schema: 1, article: path.basename(id), entities: [...entities.values()], mentions, quotes: [], relations: [] } };
}

/** A sample seed with its hand-made sidecar (`<name>.ann.yaml` beside it), read as plain YAML data. */
export function annotatedSeed(id: string): SeedDocument {
  const { text, hadBom } = readSeed(id);
  const raw = YAML.parse(fs.readFileSync(path.join(ROOT, id.replace(/\.txt$/, '.ann.yaml')), 'utf8')) as Partial<Annotations>;
  const annotations: Annotations = {
    schema: raw.schema ?? 1,
    article: raw.article ?? path.basename(id),
    entities: raw.entities ?? [],
    mentions: raw.mentions ?? [],
    quotes: raw.quotes ?? [],
    relations: raw.relations ?? [],
  };
  return { id, text, hadBom, annotations };
}

/** Sample seeds that have a sidecar. */
export function annotatedSeedIds(): string[] {
  return sampleSeedIds().filter((id) => fs.existsSync(path.join(ROOT, id.replace(/\.txt$/, '.ann.yaml'))));
}

export function sampleSeedIds(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'seeds'))
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => `seeds/${f}`);
}

// ---------------------------------------------------------------------------------------------
// Generated articles

const E_ACUTE = 'e\u0301';
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
/** Characters words are made of: ASCII, precomposed and combining diacritics, astral letters, emoji, CJK, RTL, apostrophes. */
const WORD_CHARS = ['a', 'K', 'z', 'Q', '7', 'ā', 'ʿ', E_ACUTE, 'z\u0308\u0301', '𝔘', '😀', '👍🏽', '🇦🇫', FAMILY, '中', 'ب', '\u200c', '’', "'", '-', '.', ',', '"', '“', '”', '&', 'İ', 'ß', 'ﬁ'];
/** What goes between words: spaces, every line break, sentence ends, quotes, tabs, no-break space. */
const SEPARATORS = [' ', ' ', ' ', ' ', ', ', '. ', '! ', '? ', '." ', '\n\n', '\r\n\r\n', '\r\n', '\n', '\r', ' “', '” ', '\t', '\u00a0', '\u2028'];

export interface GeneratedDoc {
  doc: SeedDocument;
  /** Code-point span of each word, for tests that need word positions. */
  words: Array<[number, number]>;
}

/** A generated article with annotations as a sidecar holds them (sorted, orphans included). */
export const docArb: fc.Arbitrary<GeneratedDoc> = fc
  .record({
    header: fc.constantFrom('', 'date 2021-09-01 ', ' date 2021-09-01 ', 'date 1999-12-31\r\n\r\n'),
    words: fc.array(fc.array(fc.constantFrom(...WORD_CHARS), { minLength: 1, maxLength: 5 }).map((a) => a.join('')), { minLength: 1, maxLength: 30 }),
    seps: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 30, maxLength: 30 }),
    trailing: fc.constantFrom('', '\n', '\r\n'),
    hadBom: fc.boolean(),
    entities: fc.array(
      fc.record({
        type: fc.constantFrom(...DEFAULT_ENTITY_TYPES, 'CUSTOM'),
        name: fc.constantFrom('Taliban', 'Amir Khan Muttaqi', 'Herāt', '😀 Group', 'Kabul'),
        note: fc.option(fc.constantFrom('a note', 'Head of the commission, "guidance"'), { nil: undefined }),
        wikidata: fc.option(fc.integer({ min: 1, max: 99999 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    mentions: fc.array(fc.record({ word: fc.nat(), length: fc.nat(3), entity: fc.nat(), orphaned: fc.integer({ min: 0, max: 5 }).map((n) => n === 0) }), { maxLength: 12 }),
    quotes: fc.array(fc.record({ word: fc.nat(), length: fc.nat(4), speaker: fc.option(fc.nat(), { nil: undefined }) }), { maxLength: 2 }),
    relations: fc.array(fc.record({ from: fc.nat(), to: fc.nat() }), { maxLength: 2 }),
    name: fc.constantFrom('a.txt', 'dir/b.txt', 'seeds/c d.txt', '../evil.txt', 'Ünïcode.txt'),
  })
  .map((g) => {
    let text = g.header;
    const words: Array<[number, number]> = [];
    let cp = [...text].length;
    g.words.forEach((w, i) => {
      const len = [...w].length;
      words.push([cp, cp + len]);
      text += w;
      cp += len;
      if (i < g.words.length - 1) {
        text += g.seps[i];
        cp += [...g.seps[i]].length;
      }
    });
    text += g.trailing;
    const map = new OffsetMap(text);
    const entities: Entity[] = g.entities.map((e, i) => ({
      id: `e${i}`,
      type: e.type,
      name: e.name,
      ...(e.note ? { note: e.note } : {}),
      ...(e.wikidata ? { links: { wikidata: `Q${e.wikidata}` } } : {}),
    }));
    const span = (word: number, length: number) => {
      const a = word % words.length;
      const b = Math.min(words.length - 1, a + length);
      return { start: words[a][0], end: words[b][1] };
    };
    const seen = new Set<string>();
    const mentions: Mention[] = [];
    for (const m of g.mentions) {
      const { start, end } = span(m.word, m.length);
      const entity = entities[m.entity % entities.length].id;
      const key = `${start}/${end}/${entity}`;
      if (seen.has(key)) continue;
      seen.add(key);
      mentions.push({ entity, start, end, text: map.slice(start, end), ...(m.orphaned ? { orphaned: true } : {}) });
    }
    mentions.sort(compareMentions);
    const quotes: Quote[] = g.quotes.map((q) => {
      const { start, end } = span(q.word, q.length);
      return { start, end, text: map.slice(start, end), ...(q.speaker !== undefined ? { speaker: entities[q.speaker % entities.length].id } : {}) };
    });
    const relations: Relation[] = g.relations.map((r) => ({ type: 'related_to', from: entities[r.from % entities.length].id, to: entities[r.to % entities.length].id }));
    const annotations: Annotations = { schema: 1, article: path.basename(g.name), entities, mentions, quotes, relations };
    return { doc: { id: g.name, text, hadBom: g.hadBom, annotations }, words };
  });

/** The mentions an export must carry: not orphaned, comparable as `start/end/entity/text`. */
export function exportedMentions(doc: SeedDocument): Mention[] {
  return doc.annotations.mentions.filter((m) => !m.orphaned);
}

// ---------------------------------------------------------------------------------------------
// Python

export const PYTHON = '/usr/bin/python3';

/** Whether Debian's Python with the given modules is here (the tests that need it skip otherwise). */
export function pythonHas(...modules: string[]): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  const r = spawnSync(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { encoding: 'utf8' });
  return r.status === 0;
}

/** Runs a Python script once with `input` as JSON on stdin; returns its stdout parsed as JSON. */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** One document as NLTK read it back: IOB2 spans as [start, end, type] in code points of its text. */
export interface NltkConllDocument {
  spans: Array<[number, number, string]>;
  /** Tokens that do not follow each other in the text, I- tags without their B-, text left over. */
  errors: string[];
  tokens: number;
}

/**
 * Reads a CoNLL file with NLTK's ConllCorpusReader, one -DOCSTART- block per entry of `texts`,
 * and lays each block's tokens onto its text: a token must follow the previous one with nothing
 * but whitespace or a BOM between, and nothing else may follow the last one. `documents` is the
 * number of blocks NLTK found. NLTK's NE accessors want POS and chunk columns too; our second
 * column is read as 'pos'.
 */
export function readConllWithNltk(file: string, texts: string[]): { documents: number; results: NltkConllDocument[] } {
  const script = String.raw`
import json, sys
from nltk.corpus.reader.conll import ConllCorpusReader
data = json.load(sys.stdin)
reader = ConllCorpusReader(data['dir'], [data['file']], ('words', 'pos'))
docs = []
for sent in reader.tagged_sents():
    if not sent:            # the -DOCSTART- block, emptied by the reader
        docs.append([])
    else:
        docs[-1].append(sent)
out = []
for text, sents in zip(data['texts'], docs):
    pos, spans, errors, tokens = 0, [], [], 0
    for sent in sents:
        current = None
        for word, tag in sent:
            tokens += 1
            at = text.find(word, pos)
            if at < 0 or any(not (c.isspace() or c == '\ufeff') for c in text[pos:at]):
                errors.append('token %r not found at %d' % (word, pos))
                break
            start, end = at, at + len(word)
            pos = end
            if tag.startswith('B-'):
                current = [start, end, tag[2:]]
                spans.append(current)
            elif tag.startswith('I-'):
                if current is None or current[2] != tag[2:]:
                    errors.append('I- without B- at %d' % start)
                else:
                    current[1] = end
            else:
                current = None
    if any(not (c.isspace() or c == '\ufeff') for c in text[pos:]):
        errors.append('text left over after the last token')
    out.append({'spans': spans, 'errors': errors, 'tokens': tokens})
print(json.dumps({'documents': len(docs), 'results': out}))
`;
  return runPython<{ documents: number; results: NltkConllDocument[] }>(script, { dir: path.dirname(file), file: path.basename(file), texts });
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `seed-${prefix}-`));
}
