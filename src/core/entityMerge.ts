/**
 * When two entities of different sidecars are the same entity: the workspace merge rule of the
 * entities tree, "Go to Symbol in Workspace" and workspace-wide counts.
 *
 * The rule, in three steps over the entities of every sidecar:
 *
 * 1. Links. Two entities that share a link, the same `key: value` of `links` (`wikidata: Q123`),
 *    are the same entity. Two entities with different values for the same link key are never the
 *    same, whatever else they share, and no chain of merges may put them together either.
 * 2. Canonical names. Without a deciding link, entities of the same type whose canonical names are
 *    equal after normalisation (`normalizeName`: case, diacritics and white space ignored, so
 *    `Herāt`, `Herat` and `HERAT` meet) are the same entity.
 * 3. Aliases. An entity whose alias is the canonical name of another entity of the same type is
 *    that entity (`Muttaqi` with alias `Motaqi` absorbs an entity named `Motaqi`). Two aliases
 *    that are equal decide nothing.
 *
 * Entities that are declared identically (same type, normalised name and aliases, same links)
 * are always the same entity. Transitivity is handled with union-find, and every union is
 * checked: a union that would bring two different values of one link key together is refused.
 * Where the evidence is ambiguous the rule refuses to guess, so the result never depends on the
 * order of files:
 * - a link or canonical name held by entities whose links conflict merges none of the linked
 *   ones (the unlinked ones still merge among themselves);
 * - an alias that names several distinct entities merges with none of them, and a canonical
 *   name that is the alias of several distinct entities (`Tanaka`, alias of both `Bilal Tanaka`
 *   and `Dmitri Tanaka`) is absorbed by none of them.
 *
 * Everything is computed per cluster: the entities connected by any shared link, name or alias
 * key. Merging only ever joins entities of one cluster, so `EntityMergeIndex` recomputes just
 * the clusters that a changed file touches (a slice at a time if asked: `flushSome`), and the
 * result equals `mergeEntities` over everything (the unit tests check both). The work is done on
 * variants (distinct declarations) with running totals, so it costs the number of distinct
 * entities, not the number of sidecars that declare them.
 *
 * Merged entities get a stable key: `wikidata:Q123` when they have a Wikidata link, else their
 * smallest `key:value` link, else `TYPE:normalized name` (`GPE:herat`).
 */
import type { Entity } from './model';

// ---------------------------------------------------------------------------------------------
// Names

const nameCache = new Map<string, string>();
const NAME_CACHE_LIMIT = 200_000;

/**
 * The form under which two names are the same: Unicode decomposition (NFD), combining marks
 * removed, case folded (`ß` → `ss`), white space collapsed and trimmed. `Herāt` = `Herat` = `HERAT`.
 */
export function normalizeName(name: string): string {
  const cached = nameCache.get(name);
  if (cached !== undefined) return cached;
  let out: string;
  if (/^[\x20-\x7e]*$/.test(name)) {
    out = name.toLowerCase();
  } else {
    // Lower, upper, lower approximates full case folding (ẞ → ß → SS → ss, ς → Σ → σ).
    out = name.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().toUpperCase().toLowerCase().normalize('NFC');
  }
  out = out.replace(/\s+/gu, ' ').trim();
  if (nameCache.size >= NAME_CACHE_LIMIT) nameCache.clear();
  nameCache.set(name, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Types

/** An entity of one sidecar, as the merge sees it. */
export interface EntityMember {
  /** The file the entity belongs to (the index uses the sidecar path). */
  readonly file: string;
  readonly entity: Entity;
  /** The entity's position in its file's `entities` (order of creation). */
  readonly index: number;
  /** Its mentions in that file (0 when the caller gave no counts). */
  readonly mentionCount: number;
}

/** One entity of the workspace: the entities of several sidecars that are the same. */
export interface MergedEntity {
  /** Stable key: `wikidata:Q123`, `geonames:123` or `TYPE:normalized name`. */
  readonly key: string;
  /** The most common type of its members. */
  readonly type: string;
  /** The most common canonical name of its members. */
  readonly name: string;
  /** Every other name and alias of its members, one per normalised form, most common first. */
  readonly aliases: readonly string[];
  /** The union of its members' links (never two values for one key). */
  readonly links: Readonly<Record<string, string>>;
  /** Number of members. */
  readonly memberCount: number;
  /** Sum of the members' mention counts. */
  readonly mentionCount: number;
  /** The entities that make it up, in no particular order (made on first access). */
  readonly members: readonly EntityMember[];
  /** Number of distinct files among the members (counted on first access). */
  readonly fileCount: number;
  /** Number of distinct files whose members have mentions (counted on first access). */
  readonly articleCount: number;
}

// ---------------------------------------------------------------------------------------------
// Variants: the distinct entities

/**
 * Most entities of a corpus repeat: "Taliban" is declared in thousands of sidecars with the same
 * type, name, aliases and links. The merge works on variants, the distinct combinations of what
 * it looks at (type and normalised name, normalised aliases, links), each holding its members
 * and running totals of what a merged entity shows (spellings, mention counts); identical
 * entities are one variant, so they always merge, and merging again costs the number of
 * variants, not of entities. Keys are interned strings: `N` + type + NUL + normalised name,
 * `L` + link key + NUL + value.
 */
class Variant {
  /** The entities of this variant (unordered). */
  readonly members: Slot[] = [];
  /** Spellings of the canonical name and of the aliases among the members, with their counts. */
  readonly names = new Map<string, number>();
  readonly aliasSpellings = new Map<string, number>();
  mentionCount = 0;
  /** The cluster it was last merged in (0: not yet). */
  cluster = 0;
  merged?: Merged;

  constructor(
    readonly signature: string,
    readonly type: string,
    readonly name: string,
    readonly aliases: readonly string[],
    readonly claims: readonly string[],
  ) {}

  add(slot: Slot): void {
    this.members.push(slot);
    bump(this.names, slot.entity.name, 1);
    for (const a of slot.entity.aliases ?? NONE) bump(this.aliasSpellings, a, 1);
    this.mentionCount += slot.mentionCount;
  }

  remove(slot: Slot): void {
    const at = this.members.lastIndexOf(slot);
    if (at < 0) return;
    const last = this.members.pop() as Slot;
    if (at < this.members.length) this.members[at] = last;
    bump(this.names, slot.entity.name, -1);
    for (const a of slot.entity.aliases ?? NONE) bump(this.aliasSpellings, a, -1);
    this.mentionCount -= slot.mentionCount;
  }
}

/** One entity of one file: a member of a merged entity. */
class Slot implements EntityMember {
  // Private, so that a member carries no cycle to JSON or to deep comparisons.
  readonly #variant: Variant;

  constructor(
    readonly file: string,
    readonly entity: Entity,
    readonly index: number,
    readonly mentionCount: number,
    variant: Variant,
  ) {
    this.#variant = variant;
  }

  get variant(): Variant {
    return this.#variant;
  }
}

/** A merged entity over its variants; members and file counts are gathered when first asked. */
class Merged implements MergedEntity {
  readonly #variants: readonly Variant[];
  #members?: EntityMember[];
  #fileCount?: number;
  #articleCount?: number;

  constructor(
    public key: string,
    readonly type: string,
    readonly name: string,
    readonly aliases: readonly string[],
    readonly links: Readonly<Record<string, string>>,
    readonly memberCount: number,
    readonly mentionCount: number,
    variants: readonly Variant[],
  ) {
    this.#variants = variants;
  }

  get members(): readonly EntityMember[] {
    if (!this.#members) {
      const out: EntityMember[] = [];
      for (const v of this.#variants) for (const m of v.members) out.push(m);
      this.#members = out;
    }
    return this.#members;
  }

  get fileCount(): number {
    if (this.#fileCount === undefined) this.#fileCount = new Set(this.members.map((m) => m.file)).size;
    return this.#fileCount;
  }

  get articleCount(): number {
    if (this.#articleCount === undefined) {
      const files = new Set<string>();
      for (const m of this.members) if (m.mentionCount > 0) files.add(m.file);
      this.#articleCount = files.size;
    }
    return this.#articleCount;
  }
}

const NONE: readonly string[] = Object.freeze([]);

function bump(counts: Map<string, number>, v: string, by: number): void {
  const n = (counts.get(v) ?? 0) + by;
  if (n === 0) counts.delete(v);
  else counts.set(v, n);
}

/** An entity's variant signature and keys. */
interface EntityKeys {
  signature: string;
  name: string;
  aliases: readonly string[];
  claims: readonly string[];
}

/**
 * Interns keys, so that 100,000 entities do not hold 100,000 copies of "ORG Taliban", and finds
 * them without building strings in the common cases (an entity with no aliases and at most one
 * link): a corpus index gives interned names, so these lookups hash nothing new.
 */
class KeyPool {
  private readonly names = new Map<string, Map<string, string>>();
  private readonly claims = new Map<string, Map<string, string>>();
  private readonly strings = new Map<string, string>();
  /** Keys of entities without aliases and with at most one link, by name key then claim. */
  private readonly simple = new Map<string, Map<string, EntityKeys>>();

  private intern(s: string): string {
    const have = this.strings.get(s);
    if (have !== undefined) return have;
    this.strings.set(s, s);
    return s;
  }

  name(type: string, name: string): string {
    let byName = this.names.get(type);
    if (!byName) this.names.set(type, (byName = new Map()));
    let k = byName.get(name);
    if (k === undefined) {
      k = this.intern(`N${type}\u0000${normalizeName(name)}`);
      byName.set(name, k);
    }
    return k;
  }

  claim(key: string, value: string): string | undefined {
    let byValue = this.claims.get(key);
    if (!byValue) this.claims.set(key, (byValue = new Map()));
    let c = byValue.get(value);
    if (c === undefined) {
      const k = key.trim();
      const v = String(value).trim();
      c = k === '' || v === '' ? '' : this.intern(`L${k}\u0000${v}`);
      byValue.set(value, c);
    }
    return c === '' ? undefined : c;
  }

  /** Keys of entity objects already seen (a corpus index shares one object per distinct entity). */
  private readonly byEntity = new WeakMap<Entity, EntityKeys>();

  /** The variant signature and keys of an entity. */
  keys(e: Entity): EntityKeys {
    let k = this.byEntity.get(e);
    if (!k) this.byEntity.set(e, (k = this.computeKeys(e)));
    return k;
  }

  private computeKeys(e: Entity): EntityKeys {
    const name = this.name(e.type, e.name);
    let single: string | undefined;
    let linkCount = 0;
    if (e.links) {
      for (const k in e.links) {
        if (!Object.prototype.hasOwnProperty.call(e.links, k)) continue;
        linkCount++;
        single = k;
      }
    }
    if ((e.aliases === undefined || e.aliases.length === 0) && linkCount <= 1) {
      const claim = single === undefined ? '' : (this.claim(single, (e.links as Record<string, string>)[single]) ?? '');
      let byClaim = this.simple.get(name);
      if (!byClaim) this.simple.set(name, (byClaim = new Map()));
      let keys = byClaim.get(claim);
      if (!keys) {
        keys = claim === '' ? { signature: name, name, aliases: NONE, claims: NONE } : { signature: `${name}\u0001\u0001${claim}`, name, aliases: NONE, claims: [claim] };
        byClaim.set(claim, keys);
      }
      return keys;
    }
    let aliases: string[] | undefined;
    for (const a of e.aliases ?? NONE) {
      const k = this.name(e.type, a);
      if (k !== name && !aliases?.includes(k)) (aliases ??= []).push(k);
    }
    let claims: string[] | undefined;
    if (e.links) {
      for (const k of Object.keys(e.links)) {
        const c = this.claim(k, e.links[k]);
        if (c !== undefined && !claims?.includes(c)) (claims ??= []).push(c);
      }
    }
    if (!aliases && !claims) return { signature: name, name, aliases: NONE, claims: NONE };
    aliases?.sort();
    claims?.sort();
    const signature = `${name}\u0001${(aliases ?? NONE).join('\u0002')}\u0001${(claims ?? NONE).join('\u0002')}`;
    return { signature, name, aliases: aliases ?? NONE, claims: claims ?? NONE };
  }
}

// ---------------------------------------------------------------------------------------------
// Merging one cluster

class UnionFind {
  readonly parent: number[];
  /** Link map of each root: link key → value. */
  readonly links: Array<Map<string, string> | undefined>;

  constructor(variants: readonly Variant[]) {
    this.parent = variants.map((_, i) => i);
    this.links = variants.map((k) => {
      if (k.claims.length === 0) return undefined;
      const m = new Map<string, string>();
      for (const c of k.claims) {
        const i = c.indexOf('\u0000');
        m.set(c.slice(1, i), c.slice(i + 1));
      }
      return m;
    });
  }

  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[i] !== r) {
      const next = this.parent[i];
      this.parent[i] = r;
      i = next;
    }
    return r;
  }

  /** True when no link key has two different values across the roots' link maps. */
  compatible(roots: readonly number[]): boolean {
    const seen = new Map<string, string>();
    for (const r of roots) {
      const m = this.links[r];
      if (!m) continue;
      for (const [k, v] of m) {
        const other = seen.get(k);
        if (other !== undefined && other !== v) return false;
        seen.set(k, v);
      }
    }
    return true;
  }

  hasLinks(root: number): boolean {
    return (this.links[root]?.size ?? 0) > 0;
  }

  /** Joins roots (assumed compatible); the smallest index becomes the root, for determinism. */
  unite(roots: readonly number[]): void {
    if (roots.length < 2) return;
    let root = roots[0];
    for (const r of roots) if (r < root) root = r;
    let links = this.links[root];
    for (const r of roots) {
      if (r === root) continue;
      this.parent[r] = root;
      const m = this.links[r];
      if (m) {
        if (!links) links = this.links[root] = new Map();
        for (const [k, v] of m) links.set(k, v);
      }
      this.links[r] = undefined;
    }
  }

  /** The distinct roots of some variants, ascending. */
  rootsOf(indices: readonly number[]): number[] {
    const seen = new Set<number>();
    for (const i of indices) seen.add(this.find(i));
    return [...seen].sort((a, b) => a - b);
  }
}

function groupBy(variants: readonly Variant[], pick: (k: Variant) => readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  variants.forEach((k, i) => {
    for (const key of pick(k)) {
      const g = groups.get(key);
      if (g) {
        if (g[g.length - 1] !== i) g.push(i);
      } else groups.set(key, [i]);
    }
  });
  return groups;
}

function sortedKeys<V>(m: Map<string, V>): string[] {
  return [...m.keys()].sort();
}

/** The most frequent value; ties go to the smallest, so the result does not depend on order. */
function mostCommon(counts: Map<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

function preferredClaim(links: Map<string, string> | undefined): string | undefined {
  if (!links || links.size === 0) return undefined;
  const wikidata = links.get('wikidata');
  if (wikidata !== undefined) return `wikidata:${wikidata}`;
  return [...links].map(([k, v]) => `${k}:${v}`).sort()[0];
}

function buildMerged(group: readonly Variant[], links: Map<string, string> | undefined): Merged {
  const types = new Map<string, number>();
  const names = new Map<string, number>();
  const spellings = new Map<string, number>();
  let memberCount = 0;
  let mentionCount = 0;
  for (const v of group) {
    memberCount += v.members.length;
    mentionCount += v.mentionCount;
    bump(types, v.type, v.members.length);
    for (const [n, c] of v.names) bump(names, n, c);
    for (const [n, c] of v.aliasSpellings) bump(spellings, n, c);
  }
  const type = mostCommon(types);
  const name = mostCommon(names);
  const own = normalizeName(name);
  for (const [n, c] of names) bump(spellings, n, c);
  // One alias per normalised form: its most common spelling; most common forms first.
  const forms = new Map<string, { text: string; count: number; total: number }>();
  for (const [text, count] of spellings) {
    const n = normalizeName(text);
    if (n === own) continue;
    const f = forms.get(n);
    if (!f) forms.set(n, { text, count, total: count });
    else {
      f.total += count;
      if (count > f.count || (count === f.count && text < f.text)) {
        f.text = text;
        f.count = count;
      }
    }
  }
  const aliases = [...forms.values()].sort((a, b) => b.total - a.total || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)).map((f) => f.text);
  const linkObject: Record<string, string> = {};
  if (links) for (const k of [...links.keys()].sort()) linkObject[k] = links.get(k) as string;
  const key = preferredClaim(links) ?? `${type}:${own}`;
  return new Merged(key, type, name, aliases, linkObject, memberCount, mentionCount, group);
}

/** Merges the variants of one cluster (see the module comment). The result is sorted by key. */
function mergeVariants(input: readonly Variant[]): Merged[] {
  // A fixed order (by signature), so that no result depends on the order files came in.
  const variants = input.length > 1 ? [...input].sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0)) : input;
  if (variants.length === 1) {
    const v = variants[0];
    const m = buildMerged(variants, new UnionFind(variants).links[0]);
    v.merged = m;
    return [m];
  }
  const uf = new UnionFind(variants);

  // 1. Links: a claim merges its holders unless their links conflict.
  const claimGroups = groupBy(variants, (k) => k.claims);
  for (const claim of sortedKeys(claimGroups)) {
    const roots = uf.rootsOf(claimGroups.get(claim) as number[]);
    if (roots.length > 1 && uf.compatible(roots)) uf.unite(roots);
  }

  // 2. Canonical names: merge all holders when compatible, else only the unlinked ones.
  const nameGroups = groupBy(variants, (k) => [k.name]);
  for (const name of sortedKeys(nameGroups)) {
    const roots = uf.rootsOf(nameGroups.get(name) as number[]);
    if (roots.length < 2) continue;
    if (uf.compatible(roots)) uf.unite(roots);
    else uf.unite(roots.filter((r) => !uf.hasLinks(r)));
  }

  // 3. Aliases, decided on the state after step 2 so that no merge depends on another's order.
  const rootsOfName = new Map<string, number[]>();
  const edges: Array<[number, number]> = [];
  const sourcesOf = new Map<number, Set<number>>();
  variants.forEach((k, i) => {
    if (k.aliases.length === 0) return;
    const source = uf.find(i);
    for (const alias of k.aliases) {
      const holders = nameGroups.get(alias);
      if (!holders) continue;
      let roots = rootsOfName.get(alias);
      if (!roots) rootsOfName.set(alias, (roots = uf.rootsOf(holders)));
      let target = -1;
      let count = 0;
      for (const r of roots) {
        if (r === source) continue;
        target = r;
        count++;
      }
      if (count !== 1) continue; // the alias names no other entity, or several
      edges.push([source, target]);
      let s = sourcesOf.get(target);
      if (!s) sourcesOf.set(target, (s = new Set()));
      s.add(source);
    }
  });
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [source, target] of edges) {
    if ((sourcesOf.get(target)?.size ?? 0) > 1) continue; // a name that is the alias of several entities
    const roots = uf.rootsOf([source, target]);
    if (roots.length > 1 && uf.compatible(roots)) uf.unite(roots);
  }

  const groups = new Map<number, Variant[]>();
  variants.forEach((k, i) => {
    const r = uf.find(i);
    const g = groups.get(r);
    if (g) g.push(k);
    else groups.set(r, [k]);
  });
  const merged: Array<{ m: Merged; first: string }> = [];
  for (const [root, g] of groups) {
    const m = buildMerged(g, uf.links[root]);
    for (const v of g) v.merged = m;
    merged.push({ m, first: g[0].signature });
  }
  // Keys are unique: only entities with conflicting links can share one; they are numbered.
  merged.sort((a, b) => (a.m.key < b.m.key ? -1 : a.m.key > b.m.key ? 1 : a.first < b.first ? -1 : 1));
  let base = '';
  let n = 2;
  for (const { m } of merged) {
    if (m.key === base) m.key = `${base}#${n++}`;
    else {
      base = m.key;
      n = 2;
    }
  }
  return merged.map((x) => x.m);
}

/** Merges entities of many files into workspace entities (sorted by key). */
export function mergeEntities(members: ReadonlyArray<Pick<EntityMember, 'file' | 'entity' | 'index'> & { mentionCount?: number }>): MergedEntity[] {
  const index = new EntityMergeIndex();
  const byFile = new Map<string, Array<(typeof members)[number]>>();
  for (const m of members) {
    const list = byFile.get(m.file);
    if (list) list.push(m);
    else byFile.set(m.file, [m]);
  }
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.index - b.index);
    index.set(file, list.map((m) => m.entity), list.map((m) => m.mentionCount ?? 0));
  }
  return index.all();
}

// ---------------------------------------------------------------------------------------------
// The incremental index

/** Changes since the last `flush`: merged keys that appeared, disappeared or changed. */
export interface MergeChanges {
  changed: string[];
  removed: string[];
}

/**
 * Workspace entities kept up to date file by file. `set` and `delete` cost the size of the file;
 * the clusters they touch are merged again on the next query (every getter flushes), or ahead of
 * it, a slice at a time, with `flushSome`.
 */
export class EntityMergeIndex {
  private readonly pool = new KeyPool();
  private readonly byFile = new Map<string, Slot[]>();
  private readonly variants = new Map<string, Variant>();
  /** Variants by graph key (claims, names, aliases). */
  private readonly byGraphKey = new Map<string, Variant[]>();
  private readonly clusters = new Map<number, { variants: Variant[]; merged: Merged[] }>();
  private readonly byKey = new Map<string, Merged>();
  private readonly dirtyClusters = new Set<number>();
  private readonly dirtyVariants = new Set<Variant>();
  /** Variants still to place by the flush under way (across `flushSome` calls). */
  private pending?: Set<Variant>;
  private nextCluster = 1;
  private pendingChanged = new Set<string>();
  private pendingRemoved = new Set<string>();

  /**
   * Replaces the entities of one file (an empty list removes the file). `mentionCounts[i]` is
   * the number of mentions of `entities[i]` in the file (for the merged entities' totals).
   */
  set(file: string, entities: readonly Entity[], mentionCounts?: ArrayLike<number>): void {
    this.delete(file);
    if (entities.length === 0) return;
    const slots: Slot[] = new Array(entities.length);
    for (let index = 0; index < entities.length; index++) {
      const e = entities[index];
      const k = this.pool.keys(e);
      let v = this.variants.get(k.signature);
      if (!v) {
        v = new Variant(k.signature, e.type, k.name, k.aliases, k.claims);
        this.variants.set(k.signature, v);
        this.forGraphKeys(v, (g) => {
          const list = this.byGraphKey.get(g);
          if (list) list.push(v as Variant);
          else this.byGraphKey.set(g, [v as Variant]);
        });
      }
      const slot = new Slot(file, e, index, mentionCounts?.[index] ?? 0, v);
      v.add(slot);
      this.touch(v);
      slots[index] = slot;
    }
    this.byFile.set(file, slots);
  }

  private touch(v: Variant): void {
    if (v.cluster) this.dirtyClusters.add(v.cluster);
    else this.dirtyVariants.add(v);
  }

  private forGraphKeys(v: Variant, f: (key: string) => void): void {
    for (const c of v.claims) f(c);
    f(v.name);
    for (const a of v.aliases) f(a);
  }

  delete(file: string): void {
    const slots = this.byFile.get(file);
    if (!slots) return;
    this.byFile.delete(file);
    for (const slot of slots) {
      const v = slot.variant;
      v.remove(slot);
      this.touch(v);
      if (v.members.length === 0) {
        // A variant nobody declares any more leaves the graph.
        this.variants.delete(v.signature);
        this.dirtyVariants.delete(v);
        this.forGraphKeys(v, (g) => {
          const list = this.byGraphKey.get(g);
          if (!list) return;
          const i = list.indexOf(v);
          if (i < 0) return;
          const tail = list.pop() as Variant;
          if (i < list.length) list[i] = tail;
          if (list.length === 0) this.byGraphKey.delete(g);
        });
      }
    }
  }

  /** Moves a file's entities to a new file name (its sidecar was renamed). */
  rename(oldFile: string, newFile: string): void {
    const slots = this.byFile.get(oldFile);
    if (!slots) return;
    const entities = slots.map((s) => s.entity);
    const counts = slots.map((s) => s.mentionCount);
    this.delete(oldFile);
    this.set(newFile, entities, counts);
  }

  has(file: string): boolean {
    return this.byFile.has(file);
  }

  /** True when a query would have to merge again first. */
  get stale(): boolean {
    return this.dirtyClusters.size > 0 || this.dirtyVariants.size > 0 || (this.pending?.size ?? 0) > 0;
  }

  /**
   * Merges again what changed, until done or until `deadline` (a `performance.now()` time) has
   * passed; true when done. One cluster is the smallest step.
   */
  flushSome(deadline = Infinity): boolean {
    // The variants to place: the new ones and every remaining variant of a touched cluster.
    const pending = (this.pending ??= new Set());
    for (const v of this.dirtyVariants) if (v.members.length > 0) pending.add(v);
    for (const c of this.dirtyClusters) {
      const cluster = this.clusters.get(c);
      if (!cluster) continue;
      for (const v of cluster.variants) if (v.cluster === c && v.members.length > 0) pending.add(v);
      this.dropCluster(c);
    }
    this.dirtyClusters.clear();
    this.dirtyVariants.clear();
    // Connected components over shared graph keys; a clean cluster met on the way is absorbed.
    let steps = 0;
    for (const start of pending) {
      // At least one cluster per call, so that slices always make progress.
      if (steps++ > 0 && performance.now() > deadline) return false;
      pending.delete(start);
      if (start.members.length === 0) continue; // emptied since it was queued
      const component: Variant[] = [start];
      const seen = new Set<Variant>(component);
      const seenKeys = new Set<string>();
      for (let i = 0; i < component.length; i++) {
        const v = component[i];
        if (v.cluster && this.clusters.has(v.cluster)) this.dropCluster(v.cluster);
        this.forGraphKeys(v, (g) => {
          if (seenKeys.has(g)) return;
          seenKeys.add(g);
          for (const other of this.byGraphKey.get(g) ?? NO_VARIANTS) {
            if (!seen.has(other)) {
              seen.add(other);
              component.push(other);
              pending.delete(other);
            }
          }
        });
      }
      this.addCluster(component);
    }
    return true;
  }

  /** Merges again everything that changed. Returns the keys changed since the last flush. */
  flush(): MergeChanges {
    if (this.stale) this.flushSome();
    const out = { changed: [...this.pendingChanged].sort(), removed: [...this.pendingRemoved].filter((k) => !this.byKey.has(k)).sort() };
    this.pendingChanged = new Set();
    this.pendingRemoved = new Set();
    return out;
  }

  /** Every merged entity, sorted by key. */
  all(): MergedEntity[] {
    if (this.stale) this.flushSome();
    return [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  get(key: string): MergedEntity | undefined {
    if (this.stale) this.flushSome();
    return this.byKey.get(key);
  }

  /** The merged entity that an entity of a file belongs to. */
  mergedOf(file: string, entityId: string): MergedEntity | undefined {
    if (this.stale) this.flushSome();
    for (const slot of this.byFile.get(file) ?? []) if (slot.entity.id === entityId) return slot.variant.merged;
    return undefined;
  }

  /** Number of merged entities. */
  get size(): number {
    if (this.stale) this.flushSome();
    return this.byKey.size;
  }

  private dropCluster(c: number): void {
    const cluster = this.clusters.get(c);
    if (!cluster) return;
    this.clusters.delete(c);
    for (const m of cluster.merged) {
      if (this.byKey.get(m.key) === m) this.byKey.delete(m.key);
      this.pendingRemoved.add(m.key);
    }
  }

  private addCluster(variants: Variant[]): void {
    const c = this.nextCluster++;
    for (const v of variants) v.cluster = c;
    const merged = mergeVariants(variants);
    for (const m of merged) {
      // Keys are unique within a cluster; across clusters only a link key spelt like a type
      // (`PERSON: x`) could collide: number it.
      let key = m.key;
      for (let n = 2; this.byKey.has(key); n++) key = `${m.key}#${n}`;
      m.key = key;
      this.byKey.set(key, m);
      this.pendingChanged.add(key);
    }
    this.clusters.set(c, { variants, merged });
  }
}

const NO_VARIANTS: readonly Variant[] = [];
