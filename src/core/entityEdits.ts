/**
 * Entity-level edits of one article's annotations, as pure functions: renaming an entity, merging
 * one entity into another, and making an entity take another's identity (merging across articles
 * where the target has no entry of its own). The editor applies the results through the sidecar
 * store, one article at a time; the CLI could apply them the same way.
 */
import { normalizeName } from './entityMerge';
import type { Annotations, Entity, Mention, Quote, Relation } from './model';

/**
 * Case- and diacritic-insensitive form of a name (`Herāt` and `herat` meet): the form under which
 * the workspace merge rule compares names (`normalizeName`), so every feature agrees with it.
 */
export function foldName(name: string): string {
  return normalizeName(name);
}

/** Aliases without duplicates (compared by `foldName`), without the canonical name, in their first order. */
export function cleanAliases(name: string, aliases: readonly string[]): string[] {
  const seen = new Set([foldName(name)]);
  const out: string[] = [];
  for (const a of aliases) {
    const k = foldName(a);
    if (k === '' || seen.has(k)) continue;
    seen.add(k);
    out.push(a);
  }
  return out;
}

/** The fields of an entity that a rename or merge may change (undefined removes an optional one). */
export interface EntityChange {
  name?: string;
  type?: string;
  aliases?: string[] | undefined;
  note?: string | undefined;
  links?: Record<string, string> | undefined;
}

/**
 * Renaming an entity's canonical name. The old name stays as an alias only when it is a surface
 * form of the entity in this article (the text of one of its mentions): then the merge rule still
 * finds the entity under it in other articles, and alias suggestions keep offering it. A name that
 * never occurs in the text (a typo in the canonical name, a name typed by hand) is dropped, so a
 * correction does not leave the mistake behind. The new name leaves the aliases if it was one.
 */
export function renameChange(entity: Entity, mentions: readonly Mention[], newName: string): EntityChange {
  const oldName = entity.name;
  const surface = new Set(mentions.filter((m) => m.entity === entity.id).map((m) => foldName(m.text)));
  const aliases = [...(entity.aliases ?? [])];
  if (surface.has(foldName(oldName)) && foldName(oldName) !== foldName(newName)) aliases.unshift(oldName);
  const next = cleanAliases(newName, aliases);
  return { name: newName, aliases: next.length > 0 ? next : undefined };
}

/** The identity a merge target gives: canonical name, type, aliases and links. */
export interface EntityIdentity {
  type: string;
  name: string;
  aliases?: readonly string[];
  note?: string;
  links?: Readonly<Record<string, string>>;
}

/**
 * In an article that has the merge source but not the target, the source becomes the target: it
 * takes the target's type, name and links; its own name and aliases become aliases; its note is
 * kept (or the target's taken when it has none). Mentions keep pointing at the same id.
 */
export function takeIdentityChange(source: Entity, target: EntityIdentity): EntityChange {
  const aliases = cleanAliases(target.name, [...(target.aliases ?? []), source.name, ...(source.aliases ?? [])]);
  const links = target.links && Object.keys(target.links).length > 0 ? { ...target.links } : source.links;
  return {
    type: target.type,
    name: target.name,
    aliases: aliases.length > 0 ? aliases : undefined,
    note: source.note ?? target.note,
    links,
  };
}

function sameMention(a: Mention, b: Mention): boolean {
  return a.entity === b.entity && a.start === b.start && a.end === b.end;
}

/**
 * Merges entity `sourceId` into `targetId` within one article: the source's mentions, quote
 * speakers and relations point at the target (a mention the target already has at the same
 * place is dropped, and so is a relation that would join the target to itself), the source's
 * name and aliases become the target's aliases, the target's note is kept (or the source's taken
 * when it has none), and the source entity is removed.
 */
export function mergeEntities(a: Annotations, sourceId: string, targetId: string): Annotations {
  if (sourceId === targetId) return a;
  const source = a.entities.find((e) => e.id === sourceId);
  const target = a.entities.find((e) => e.id === targetId);
  if (!source || !target) throw new Error(`unknown entity '${!source ? sourceId : targetId}'`);

  const aliases = cleanAliases(target.name, [...(target.aliases ?? []), source.name, ...(source.aliases ?? [])]);
  const merged: Entity = { ...target };
  if (aliases.length > 0) merged.aliases = aliases;
  else delete merged.aliases;
  if (merged.note === undefined && source.note !== undefined) merged.note = source.note;
  if ((!merged.links || Object.keys(merged.links).length === 0) && source.links) merged.links = { ...source.links };

  const mentions: Mention[] = [];
  for (const m of a.mentions) {
    const next = m.entity === sourceId ? { ...m, entity: targetId } : m;
    if (!mentions.some((x) => sameMention(x, next))) mentions.push(next);
  }
  const quotes: Quote[] = a.quotes.map((q) => (q.speaker === sourceId ? { ...q, speaker: targetId } : q));
  const relations: Relation[] = [];
  for (const r of a.relations) {
    const next = { ...r, from: r.from === sourceId ? targetId : r.from, to: r.to === sourceId ? targetId : r.to };
    if ((r.from === sourceId || r.to === sourceId) && next.from === next.to) continue;
    if (!relations.some((x) => x.type === next.type && x.from === next.from && x.to === next.to)) relations.push(next);
  }
  return {
    ...a,
    entities: a.entities.filter((e) => e.id !== sourceId).map((e) => (e.id === targetId ? merged : e)),
    mentions,
    quotes,
    relations,
  };
}
