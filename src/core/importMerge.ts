/**
 * Merging imported annotations into an article's existing ones (DESIGN.md / issue 6: "Existing
 * sidecars are merged, not overwritten (a mention already there is not duplicated)"). Pure: the
 * CLI and the editor command each write the result their own way.
 *
 * Entities of the import meet existing ones, in this order of evidence:
 *  1. the same id and type;
 *  2. the same type and a shared link (`links`, e.g. the same wikidata id);
 *  3. the same type and the same name, where names are compared by their slug (case, diacritics
 *     and punctuation ignored: `Herāt` meets `Herat`) against the existing name and aliases.
 * Otherwise an imported entity is added, under its own id when that is free, else a unique slug.
 * A matched entity gains the aliases, note and links it lacks; nothing existing is overwritten.
 *
 * A mention is already there when the article has one with the same offsets and the same
 * (matched) entity, or the same offsets and an entity of the same type (then the existing tag is
 * kept). Quotes are keyed by offsets, relations by (type, from, to). Imported entities that end
 * up unused because every mention of theirs was already there are not added.
 */
import { spanContext } from './anchor';
import type { Annotations, Entity, Mention, Quote, Relation } from './model';
import { compareMentions } from './model';
import { OffsetMap } from './offsets';
import { slugify, uniqueSlug } from './slug';

export interface ImportMergeReport {
  mentionsAdded: number;
  /** Mentions of the import that the article already had. */
  mentionsPresent: number;
  entitiesAdded: number;
  /** Existing entities that gained an alias, a note or a link. */
  entitiesUpdated: number;
  quotesAdded: number;
  relationsAdded: number;
  /** One sentence each: a span tagged with another type than the one imported, and the like. */
  notes: string[];
}

export interface ImportMergeOptions {
  /** Context written with each added mention and quote, in code points (0: none). Default 32. */
  contextLength?: number;
}

function emptyReport(): ImportMergeReport {
  return { mentionsAdded: 0, mentionsPresent: 0, entitiesAdded: 0, entitiesUpdated: 0, quotesAdded: 0, relationsAdded: 0, notes: [] };
}

/** True when the merge changes nothing. */
export function mergeChangedNothing(r: ImportMergeReport): boolean {
  return r.mentionsAdded + r.entitiesAdded + r.entitiesUpdated + r.quotesAdded + r.relationsAdded === 0;
}

/**
 * `existing` with `imported` merged in; both in the coordinates of `text` (the article as it is
 * now, BOM removed). `existing.schema`, `article` and `sha256` are kept.
 */
export function mergeImported(
  existing: Annotations,
  imported: Annotations,
  text: string,
  options: ImportMergeOptions = {},
): { annotations: Annotations; report: ImportMergeReport } {
  const report = emptyReport();
  const contextLength = options.contextLength ?? 32;
  const map = new OffsetMap(text);
  const entities: Entity[] = existing.entities.map((e) => structuredClone(e));
  const byId = new Map(entities.map((e) => [e.id, e]));
  const taken = new Set(byId.keys());
  const bySlug = new Map<string, Entity>();
  const byLink = new Map<string, Entity>();
  const index = (e: Entity) => {
    for (const n of [e.name, ...(e.aliases ?? [])]) {
      const key = `${e.type}\u0000${slugify(n)}`;
      if (!bySlug.has(key)) bySlug.set(key, e);
    }
    for (const [source, id] of Object.entries(e.links ?? {})) {
      const key = `${e.type}\u0000${source}:${id}`;
      if (!byLink.has(key)) byLink.set(key, e);
    }
  };
  entities.forEach(index);

  const match = (e: Entity): { entity: Entity; byIdentity: boolean } | undefined => {
    const same = byId.get(e.id);
    if (same && same.type === e.type) return { entity: same, byIdentity: true };
    for (const [source, id] of Object.entries(e.links ?? {})) {
      const hit = byLink.get(`${e.type}\u0000${source}:${id}`);
      if (hit) return { entity: hit, byIdentity: true };
    }
    for (const n of [e.name, ...(e.aliases ?? [])]) {
      const hit = bySlug.get(`${e.type}\u0000${slugify(n)}`);
      if (hit) return { entity: hit, byIdentity: false };
    }
    return undefined;
  };

  /**
   * Adds what `target` lacks of `from`. The imported name becomes an alias only when the entity
   * was matched by identity (id or link), not when it was met by its name or its mention's span
   * (brat names an entity after its first mention's text: that is not a new alias).
   */
  const enrich = (target: Entity, from: Entity, nameToo: boolean) => {
    let changed = false;
    const names = new Set([target.name, ...(target.aliases ?? [])]);
    for (const a of nameToo ? [from.name, ...(from.aliases ?? [])] : (from.aliases ?? [])) {
      if (names.has(a) || a.trim() === '' || slugify(a) === slugify(target.name)) continue;
      target.aliases = [...(target.aliases ?? []), a];
      names.add(a);
      changed = true;
    }
    if (from.note !== undefined && from.note !== '' && target.note === undefined) {
      target.note = from.note;
      changed = true;
    }
    for (const [source, id] of Object.entries(from.links ?? {})) {
      if (target.links?.[source] === undefined) {
        target.links = { ...(target.links ?? {}), [source]: id };
        changed = true;
      }
    }
    if (changed) {
      report.entitiesUpdated++;
      index(target);
    }
  };

  // Imported id -> the entity it becomes; created lazily, so unused imports add nothing.
  const importedById = new Map(imported.entities.map((e) => [e.id, e]));
  const resolved = new Map<string, Entity>();
  const resolve = (importedId: string): Entity | undefined => {
    const known = resolved.get(importedId);
    if (known) return known;
    const e = importedById.get(importedId);
    if (!e) return undefined;
    const hit = match(e);
    if (hit) {
      enrich(hit.entity, e, hit.byIdentity);
      resolved.set(importedId, hit.entity);
      return hit.entity;
    }
    const id = taken.has(e.id) || e.id === '' || /\s/.test(e.id) ? uniqueSlug(e.name, taken) : e.id;
    const created: Entity = { ...structuredClone(e), id };
    taken.add(id);
    entities.push(created);
    byId.set(id, created);
    index(created);
    report.entitiesAdded++;
    resolved.set(importedId, created);
    return created;
  };

  const mentions: Mention[] = existing.mentions.map((m) => ({ ...m }));
  const bySpan = new Map<string, Mention[]>();
  const spanKey = (s: { start: number; end: number }) => `${s.start}:${s.end}`;
  for (const m of mentions) {
    if (m.orphaned) continue;
    const list = bySpan.get(spanKey(m)) ?? [];
    list.push(m);
    bySpan.set(spanKey(m), list);
  }
  const typeOf = (id: string) => byId.get(id)?.type;

  for (const m of imported.mentions) {
    const source = importedById.get(m.entity);
    if (!source) continue;
    const here = bySpan.get(spanKey(m)) ?? [];
    // Already there with this entity, or with an entity of the same type: keep the existing tag.
    const sameType = here.find((x) => typeOf(x.entity) === source.type);
    if (sameType) {
      report.mentionsPresent++;
      // Tie the imported entity to the existing one, so its other mentions join it too.
      const target = byId.get(sameType.entity) as Entity;
      if (!resolved.has(m.entity)) {
        const hit = match(source);
        if (!hit || hit.entity === target) {
          resolved.set(m.entity, target);
          enrich(target, source, hit?.byIdentity ?? false);
        }
      }
      continue;
    }
    const entity = resolve(m.entity) as Entity;
    if (here.some((x) => x.entity === entity.id)) {
      report.mentionsPresent++;
      continue;
    }
    if (here.length > 0) {
      const other = here.map((x) => `${x.entity} (${typeOf(x.entity)})`).join(', ');
      report.notes.push(`[${m.start}, ${m.end}) ${JSON.stringify(m.text)} is already tagged as ${other}; also tagged as ${entity.id} (${entity.type})`);
    }
    const added: Mention = { entity: entity.id, start: m.start, end: m.end, text: m.text };
    if (m.by !== undefined) added.by = m.by;
    if (contextLength > 0) Object.assign(added, spanContext(map, m.start, m.end, contextLength));
    mentions.push(added);
    here.push(added);
    bySpan.set(spanKey(m), here);
    report.mentionsAdded++;
  }

  const quotes: Quote[] = existing.quotes.map((q) => ({ ...q }));
  const quoteSpans = new Set(quotes.filter((q) => !q.orphaned).map(spanKey));
  for (const q of imported.quotes) {
    if (quoteSpans.has(spanKey(q))) continue;
    const added: Quote = { start: q.start, end: q.end, text: q.text };
    if (q.speaker !== undefined) {
      const speaker = resolve(q.speaker);
      if (speaker) added.speaker = speaker.id;
    }
    if (contextLength > 0) Object.assign(added, spanContext(map, q.start, q.end, contextLength));
    quotes.push(added);
    quoteSpans.add(spanKey(q));
    report.quotesAdded++;
  }

  const relations: Relation[] = existing.relations.map((r) => ({ ...r }));
  const relationKeys = new Set(relations.map((r) => `${r.type}\u0000${r.from}\u0000${r.to}`));
  for (const r of imported.relations) {
    const from = resolve(r.from);
    const to = resolve(r.to);
    if (!from || !to) continue;
    const key = `${r.type}\u0000${from.id}\u0000${to.id}`;
    if (relationKeys.has(key)) continue;
    relations.push({ type: r.type, from: from.id, to: to.id });
    relationKeys.add(key);
    report.relationsAdded++;
  }

  // Entities declared by the import without any mention (a lossless jsonl keeps them): added too.
  const used = new Set(imported.mentions.map((m) => m.entity));
  for (const e of imported.entities) if (!used.has(e.id) && !resolved.has(e.id)) resolve(e.id);

  mentions.sort(compareMentions);
  quotes.sort((a, b) => a.start - b.start || a.end - b.end);
  const annotations: Annotations = { ...existing, entities, mentions, quotes, relations };
  return { annotations, report };
}
