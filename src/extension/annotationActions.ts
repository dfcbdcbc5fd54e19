/**
 * The annotation actions of the tagging feature, each one `store.edit` (one undo step, written now
 * or on save by the store): tag spans, add an alias, change an entity's type or note, remove a
 * mention or an entity, re-attach or delete an orphan. No UI here: the commands ask the user,
 * then call these. Spans are code points of the session's current text; each action checks that
 * the text it was given is still there, so an action offered before an edit cannot tag the wrong
 * characters.
 */
import * as vscode from 'vscode';
import { spanContext } from '../core/anchor';
import { cleanAliases, foldName } from '../core/entityEdits';
import type { CodePointOffset, Entity, Mention } from '../core/model';
import { OffsetMap } from '../core/offsets';
import type { SidecarDocument } from '../core/sidecar';
import { annotatorName, contextLength, quoted } from './editorSpans';
import type { Services } from './services';
import { UserFacingError } from './sidecarStore';

/** A span to tag: code points of the article's current text, and the text expected there. */
export interface TextSpan {
  start: CodePointOffset;
  end: CodePointOffset;
  text: string;
}

/** A mention as the sidecar identifies it. */
export interface MentionKey {
  entity: string;
  start: CodePointOffset;
  end: CodePointOffset;
}

/** What to tag spans as. */
export type TagTarget =
  /** An entity of this type named after the span's text: an existing one (same type, name or alias) or a new one. */
  | { kind: 'type'; type: string }
  /** An existing entity of this article. */
  | { kind: 'entity'; id: string }
  /** An entity known from another article: this article's entity of that identity, or a copy of it. */
  | { kind: 'identity'; type: string; name: string; id?: string; aliases?: readonly string[] };

/** The entity of this type whose name or an alias is `name` (case and diacritics folded). */
export function findEntity(entities: readonly Entity[], type: string, name: string): Entity | undefined {
  const key = foldName(name);
  return entities.find((e) => e.type === type && (foldName(e.name) === key || (e.aliases ?? []).some((a) => foldName(a) === key)));
}

function checkText(map: OffsetMap, span: TextSpan): void {
  if (span.start < 0 || span.end > map.codePointLength || span.start >= span.end || map.slice(span.start, span.end) !== span.text) {
    throw new UserFacingError(`The article changed: ${quoted(span.text)} is no longer where it was. Select it again.`);
  }
}

/**
 * Resolves a tag target inside an edit, creating the entity when needed. An identity is found by
 * its id and name, or by the tagged text (`byText`: tag-all, where every article names the entity
 * by that text; not for an alias, whose text may name another entity of the article).
 */
function entityFor(doc: SidecarDocument, target: TagTarget, text: string, byText = true): Entity {
  const entities = doc.annotations.entities;
  switch (target.kind) {
    case 'entity': {
      const e = entities.find((x) => x.id === target.id);
      if (!e) throw new UserFacingError(`The entity '${target.id}' is no longer in this article's annotations.`);
      return e;
    }
    case 'type':
      return findEntity(entities, target.type, text) ?? doc.addEntity({ type: target.type, name: canonicalName(text) });
    case 'identity': {
      const byId = target.id ? entities.find((x) => x.id === target.id) : undefined;
      if (byId && byId.type === target.type && foldName(byId.name) === foldName(target.name)) return byId;
      const existing = findEntity(entities, target.type, target.name) ?? (byText ? findEntity(entities, target.type, text) : undefined);
      if (existing) return existing;
      const aliases = cleanAliases(target.name, [...(target.aliases ?? [])]);
      const id = target.id && !entities.some((x) => x.id === target.id) ? target.id : undefined;
      return doc.addEntity({ id, type: target.type, name: target.name, aliases: aliases.length > 0 ? aliases : undefined });
    }
  }
}

/** A name as an entity's canonical name: a name wrapped over two lines is one line there. */
export function canonicalName(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

export function describeTarget(target: TagTarget, services: Services, uri?: vscode.Uri): string {
  if (target.kind === 'type') return target.type;
  if (target.kind === 'identity') return `${target.name} (${target.type})`;
  const e = uri ? services.store.peek(uri)?.annotations.entities.find((x) => x.id === target.id) : undefined;
  return e ? `${e.name} (${e.type})` : target.id;
}

export interface TagResult {
  /** Mentions added (a span that already had a mention of the entity adds none). */
  added: number;
  /** The entities the spans were tagged as. */
  entities: Entity[];
}

export class AnnotationActions {
  constructor(private readonly services: Services) {}

  private get store() {
    return this.services.store;
  }

  /**
   * Tags spans of one article (one undo step). Spans that are already mentions of the entity they
   * would get are left alone; when every span is, nothing is recorded.
   */
  async tag(uri: vscode.Uri, spans: readonly TextSpan[], target: TagTarget, label: string): Promise<TagResult> {
    const session = await this.store.get(uri);
    const current = session.annotations;
    const pending = spans.filter((s) => !current.mentions.some((m) => !m.orphaned && m.start === s.start && m.end === s.end && this.wouldBe(current.entities, target, s.text, m.entity)));
    if (pending.length === 0) return { added: 0, entities: [] };
    const by = annotatorName(uri);
    const length = contextLength(uri);
    const result = await this.store.edit(uri, label, ({ doc, text }) => {
      const map = new OffsetMap(text);
      // Every check before the first change: the store keeps whatever an action changed before it threw.
      for (const span of pending) checkText(map, span);
      let added = 0;
      const entities = new Map<string, Entity>();
      for (const span of pending) {
        const entity = entityFor(doc, target, span.text);
        entities.set(entity.id, entity);
        const ctx = spanContext(map, span.start, span.end, length);
        const mention: Mention = { entity: entity.id, start: span.start, end: span.end, text: span.text, before: ctx.before, after: ctx.after };
        if (by) mention.by = by;
        if (doc.addMention(mention)) added++;
      }
      return { added, entities: [...entities.values()] };
    });
    if (target.kind === 'type') await this.services.types.setLastUsed(target.type);
    else if (target.kind === 'identity') await this.services.types.setLastUsed(target.type);
    else if (result.entities[0]) await this.services.types.setLastUsed(result.entities[0].type);
    return result;
  }

  /** Whether an existing mention's entity is the one the target would give this text. */
  private wouldBe(entities: readonly Entity[], target: TagTarget, text: string, entityId: string): boolean {
    if (target.kind === 'entity') return entityId === target.id;
    const e = entities.find((x) => x.id === entityId);
    if (!e) return false;
    if (target.kind === 'type') return e.type === target.type && findEntity([e], target.type, text) !== undefined;
    return e.type === target.type && (findEntity([e], target.type, target.name) !== undefined || findEntity([e], target.type, text) !== undefined);
  }

  /**
   * Adds `span.text` as an alias of an entity and tags the span as it (one undo step). The entity
   * is this article's (`kind: 'entity'`) or one from another article, copied here.
   */
  async addAlias(uri: vscode.Uri, span: TextSpan, target: Exclude<TagTarget, { kind: 'type' }>, label: string): Promise<Entity> {
    const by = annotatorName(uri);
    const length = contextLength(uri);
    const entity = await this.store.edit(uri, label, ({ doc, text }) => {
      const map = new OffsetMap(text);
      checkText(map, span);
      let e = entityFor(doc, target, span.text, false);
      const names = [e.name, ...(e.aliases ?? [])].map(foldName);
      if (!names.includes(foldName(span.text))) {
        e = doc.updateEntity(e.id, { aliases: cleanAliases(e.name, [...(e.aliases ?? []), span.text]) });
      }
      const ctx = spanContext(map, span.start, span.end, length);
      const mention: Mention = { entity: e.id, start: span.start, end: span.end, text: span.text, before: ctx.before, after: ctx.after };
      if (by) mention.by = by;
      doc.addMention(mention);
      return e;
    });
    await this.services.types.setLastUsed(entity.type);
    return entity;
  }

  async changeType(uri: vscode.Uri, entityId: string, type: string): Promise<Entity> {
    const entity = await this.entity(uri, entityId);
    const updated = await this.store.edit(uri, `Change type of ${quoted(entity.name)} to ${type}`, ({ doc }) => doc.updateEntity(entityId, { type }));
    await this.services.types.setLastUsed(type);
    return updated;
  }

  async setNote(uri: vscode.Uri, entityId: string, note: string | undefined): Promise<Entity> {
    const entity = await this.entity(uri, entityId);
    const value = note?.trim() ? note : undefined;
    return this.store.edit(uri, value ? `Edit note of ${quoted(entity.name)}` : `Remove note of ${quoted(entity.name)}`, ({ doc }) => doc.updateEntity(entityId, { note: value }));
  }

  /**
   * Removes one mention. An entity left without mentions, and with nothing else of its own (no
   * aliases, note, links, quotes or relations), goes with it: tagging and then removing a name
   * leaves the sidecar as it was.
   */
  async removeMention(uri: vscode.Uri, key: MentionKey, label?: string): Promise<{ entityRemoved: boolean }> {
    const entity = await this.entity(uri, key.entity);
    return this.store.edit(uri, label ?? `Remove mention ${quoted(this.mentionText(uri, key) ?? entity.name)}`, ({ doc }) => {
      if (!doc.removeMention(key)) throw new UserFacingError('That mention is no longer in the annotations.');
      const a = doc.annotations;
      const e = a.entities.find((x) => x.id === key.entity);
      const bare = e && !e.note && !(e.aliases && e.aliases.length > 0) && !(e.links && Object.keys(e.links).length > 0);
      const used = a.mentions.some((m) => m.entity === key.entity) || a.quotes.some((q) => q.speaker === key.entity) || a.relations.some((r) => r.from === key.entity || r.to === key.entity);
      if (bare && !used) {
        doc.removeEntity(key.entity);
        return { entityRemoved: true };
      }
      return { entityRemoved: false };
    });
  }

  async removeEntity(uri: vscode.Uri, entityId: string): Promise<{ mentions: number; name: string }> {
    const entity = await this.entity(uri, entityId);
    const counts = await this.store.edit(uri, `Remove entity ${quoted(entity.name)}`, ({ doc }) => doc.removeEntity(entityId));
    return { mentions: counts.mentions, name: entity.name };
  }

  /** Puts an orphaned mention back on the text at `target` (which must hold the mention's text). */
  async reattach(uri: vscode.Uri, key: MentionKey, target: TextSpan): Promise<void> {
    const length = contextLength(uri);
    await this.store.edit(uri, `Re-attach ${quoted(target.text)}`, ({ doc, text }) => {
      const map = new OffsetMap(text);
      checkText(map, target);
      const ctx = spanContext(map, target.start, target.end, length);
      const ok = doc.updateMention(key, { start: target.start, end: target.end, text: target.text, orphaned: undefined, before: ctx.before, after: ctx.after });
      if (!ok) throw new UserFacingError('That orphaned mention is no longer in the annotations.');
    });
  }

  async deleteOrphan(uri: vscode.Uri, key: MentionKey, text: string): Promise<void> {
    await this.store.edit(uri, `Delete orphaned mention ${quoted(text)}`, ({ doc }) => {
      if (!doc.removeMention(key)) throw new UserFacingError('That orphaned mention is no longer in the annotations.');
    });
  }

  private async entity(uri: vscode.Uri, id: string): Promise<Entity> {
    const session = await this.store.get(uri);
    const e = session.annotations.entities.find((x) => x.id === id);
    if (!e) throw new UserFacingError(`The entity '${id}' is not in the annotations of ${session.articleName}.`);
    return e;
  }

  private mentionText(uri: vscode.Uri, key: MentionKey): string | undefined {
    return this.store.peek(uri)?.annotations.mentions.find((m) => m.entity === key.entity && m.start === key.start && m.end === key.end)?.text;
  }
}
