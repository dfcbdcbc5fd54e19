/**
 * The annotation model: sidecar schema 1 of DESIGN.md, as plain data.
 *
 * Every offset here is a code-point offset (see offsets.ts) into the article text as stored on
 * disk, with a leading BOM removed and line endings kept (CRLF counts as two). `start` is
 * inclusive, `end` exclusive.
 */

/** A Unicode code-point offset into the article text (never a UTF-16 index). */
export type CodePointOffset = number;

export const SCHEMA_VERSION = 1;

/** The default entity types, in their default order (spaCy / OntoNotes names). */
export const DEFAULT_ENTITY_TYPES = ['PERSON', 'ORG', 'GPE', 'LOC', 'NORP', 'EVENT', 'DATE', 'MISC'] as const;

export interface Entity {
  /** Unique within the sidecar; any string without white space (a slug of the name). */
  id: string;
  type: string;
  /** Canonical name. */
  name: string;
  aliases?: string[];
  note?: string;
  /** Free map of knowledge-base links, e.g. `{wikidata: Q123}`. */
  links?: Record<string, string>;
}

export interface Mention {
  entity: string;
  start: CodePointOffset;
  end: CodePointOffset;
  /** Equals the article slice [start, end) unless orphaned. */
  text: string;
  /** A few dozen code points of context, used to re-anchor. */
  before?: string;
  after?: string;
  /** Set when the mention's text could not be placed with confidence; kept, never dropped. */
  orphaned?: boolean;
  /** Who made the mention; only written when the user sets an annotator name. */
  by?: string;
}

export interface Quote {
  start: CodePointOffset;
  end: CodePointOffset;
  /** An entity id. */
  speaker?: string;
  /** The quotation, marks included; kept for re-anchoring. */
  text: string;
  before?: string;
  after?: string;
  orphaned?: boolean;
}

export interface Relation {
  type: string;
  from: string;
  to: string;
}

/** The content of one sidecar file. */
export interface Annotations {
  schema: number;
  /** The article's file name, same folder. */
  article: string;
  /** Hex SHA-256 of the article's bytes, when known. */
  sha256?: string;
  entities: Entity[];
  mentions: Mention[];
  quotes: Quote[];
  relations: Relation[];
}

/** Sort order of mentions in a sidecar: start, end, entity. */
export function compareMentions(a: Mention, b: Mention): number {
  return a.start - b.start || a.end - b.end || (a.entity < b.entity ? -1 : a.entity > b.entity ? 1 : 0);
}

export function emptyAnnotations(article: string): Annotations {
  return { schema: SCHEMA_VERSION, article, entities: [], mentions: [], quotes: [], relations: [] };
}
