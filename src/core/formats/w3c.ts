/**
 * W3C Web Annotation Data Model (JSON-LD): one `AnnotationPage` whose `items` hold one
 * `Annotation` per mention (DESIGN.md, "Export formats"). An annotation of the real seed:
 *
 * ```json
 * {"id": "urn:seed-annotator:seeds/000_eb28ad2c764fb3cf.txt#mention-46-53-taliban",
 *  "type": "Annotation", "motivation": "identifying",
 *  "body": [{"type": "TextualBody", "purpose": "tagging", "value": "ORG"},
 *           {"type": "SpecificResource", "purpose": "identifying",
 *            "source": {"id": "urn:seed-annotator:seeds/000_eb28ad2c764fb3cf.txt#entity-taliban", "label": "Taliban"}}],
 *  "target": {"source": "seeds/000_eb28ad2c764fb3cf.txt",
 *             "selector": [{"type": "TextQuoteSelector", "exact": "Taliban", "prefix": "…", "suffix": "…"},
 *                          {"type": "TextPositionSelector", "start": 46, "end": 53}]}}
 * ```
 *
 * - The motivation is `identifying`: a mention points at an entity. The entity's type is a
 *   `tagging` TextualBody; the entity itself an `identifying` SpecificResource whose source is
 *   the entity (`id` an IRI made from the article and the entity id, `label` its name). Each link
 *   adds an `identifying` body whose source is the linked resource (`wikidata: Q123` as
 *   `http://www.wikidata.org/entity/Q123`, an http(s) value as it is, otherwise `source:id`); the
 *   entity note a `describing` TextualBody.
 * - Annotation ids are `urn:seed-annotator:<article path>#mention-<start>-<end>-<entity>`,
 *   unique since a sidecar holds a (start, end, entity) once; the path is percent-encoded.
 * - `target.source` is the article's path as in jsonl's `id` (a relative reference);
 *   TextPositionSelector counts code points (as the W3C model does), TextQuoteSelector has up
 *   to 32 code points of prefix and suffix.
 */
import type { Entity, Mention } from '../model';
import type { ExportOptions, PreparedDocument, SeedDocument, StreamChunk, StreamExporter } from './document';
import { prepareDocument } from './document';

export const W3C_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
const CONTEXT_CODE_POINTS = 32;

function iri(text: string): string {
  return encodeURI(text).replace(/[#?]/g, (c) => encodeURIComponent(c));
}

/** The IRI naming an article in annotation and entity ids. */
export function articleIri(id: string): string {
  return `urn:seed-annotator:${iri(id)}`;
}

function linkIri(source: string, id: string): string {
  if (/^https?:\/\//.test(id)) return id;
  if (source.toLowerCase() === 'wikidata' && /^[QPL]\d+$/.test(id)) return `http://www.wikidata.org/entity/${id}`;
  return `${source}:${id}`;
}

/** The Web Annotation of one mention. */
export function w3cAnnotation(prep: PreparedDocument, mention: Mention, entity: Entity): Record<string, unknown> {
  const doc = prep.doc;
  const base = articleIri(doc.id);
  const body: Array<Record<string, unknown>> = [
    { type: 'TextualBody', purpose: 'tagging', value: entity.type },
    { type: 'SpecificResource', purpose: 'identifying', source: { id: `${base}#entity-${encodeURIComponent(entity.id)}`, label: entity.name } },
  ];
  for (const [source, id] of Object.entries(entity.links ?? {})) {
    body.push({ type: 'SpecificResource', purpose: 'identifying', source: linkIri(source, String(id)) });
  }
  if (entity.note) body.push({ type: 'TextualBody', purpose: 'describing', value: entity.note });
  const prefixStart = Math.max(0, mention.start - CONTEXT_CODE_POINTS);
  const suffixEnd = Math.min(prep.offsets.codePointLength, mention.end + CONTEXT_CODE_POINTS);
  return {
    id: `${base}#mention-${mention.start}-${mention.end}-${encodeURIComponent(mention.entity)}`,
    type: 'Annotation',
    motivation: 'identifying',
    body,
    target: {
      source: doc.id,
      selector: [
        {
          type: 'TextQuoteSelector',
          exact: mention.text,
          prefix: prep.offsets.slice(prefixStart, mention.start),
          suffix: prep.offsets.slice(mention.end, suffixEnd),
        },
        { type: 'TextPositionSelector', start: mention.start, end: mention.end },
      ],
    },
  };
}

/** The annotations of one article, as objects (the exporter writes them one a line). */
export function w3cDocument(doc: SeedDocument): { items: Array<Record<string, unknown>>; skipped: StreamChunk['skipped'] } {
  const prep = prepareDocument(doc);
  return { items: prep.mentions.map(({ mention, entity }) => w3cAnnotation(prep, mention, entity)), skipped: prep.skipped };
}

/**
 * Writes `{"@context": ..., "type": "AnnotationPage", "items": [` as the header, the items one a
 * line separated by commas, and `]}` as the footer: one JSON document, streamed.
 */
export function createW3cExporter(_options: ExportOptions = {}): StreamExporter {
  let written = 0;
  return {
    kind: 'stream',
    format: 'w3c',
    header: () => `{"@context":${JSON.stringify(W3C_CONTEXT)},"type":"AnnotationPage","items":[`,
    document(doc) {
      const { items, skipped } = w3cDocument(doc);
      let text = '';
      for (const item of items) text += `${written++ === 0 ? '\n' : ',\n'}${JSON.stringify(item)}`;
      return { text, skipped };
    },
    footer: () => '\n]}\n',
  };
}
