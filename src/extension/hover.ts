/**
 * Hover on a mention: the entity's type, canonical name, aliases, note and mention counts (this
 * article, and the workspace when the corpus index knows them). Nested mentions each get a
 * section, innermost first.
 *
 * Names, aliases and notes are user data (a sidecar may come from anyone through git): the hover
 * is untrusted (no command links), without HTML or theme icons, and every piece of data goes in
 * through `appendText` after its HTML characters are escaped, so `[x](command:…)` and `<b>` show
 * as the characters they are.
 */
import * as vscode from 'vscode';
import type { Entity, Mention } from '../core/model';
import { inSync, mentionsAt, offsetMapOf, rangeOf } from './editorSpans';
import { SEED_LANGUAGE_ID } from './language';
import type { Services } from './services';

const MAX_SECTIONS = 3;

/** HTML's special characters as entities: markdown shows them as text. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A MarkdownString that renders user data inertly. */
export function untrustedMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.supportThemeIcons = false;
  return md;
}

function appendData(md: vscode.MarkdownString, text: string): void {
  md.appendText(escapeHtml(text));
}

/** Workspace-wide counts of an entity, when the corpus index can tell them. */
export type WorkspaceCounts = (article: vscode.Uri, entity: Entity) => Promise<{ mentions: number; articles: number } | undefined>;

/** How long a hover waits for the first indexing of the workspace before showing without its counts. */
const INDEX_WAIT_MS = 300;

/** Counts from the corpus index (its first build is started by the first hover). */
export function corpusCounts(services: Services): WorkspaceCounts {
  return async (article, entity) => {
    const corpus = services.corpus;
    if (!corpus.isIndexed) await Promise.race([corpus.ready, new Promise((r) => setTimeout(r, INDEX_WAIT_MS))]);
    if (!corpus.isIndexed) return undefined;
    const c = corpus.index.counts({ articlePath: article.fsPath, entityId: entity.id });
    return c.articles > 0 ? { mentions: c.inWorkspace, articles: c.articles } : undefined;
  };
}

export class MentionHover implements vscode.HoverProvider {
  constructor(
    private readonly services: Services,
    private readonly workspaceCounts: WorkspaceCounts = async () => undefined,
  ) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    let session;
    try {
      session = await this.services.store.get(doc.uri);
    } catch {
      return undefined;
    }
    if (!inSync(session, doc)) return undefined;
    const map = offsetMapOf(session);
    const a = session.annotations;
    const live = a.mentions.filter((m) => !m.orphaned);
    const hits = mentionsAt(live, map.toCodePoint(doc.offsetAt(position)));
    if (hits.length === 0) return undefined;
    const md = untrustedMarkdown();
    for (const [i, m] of hits.slice(0, MAX_SECTIONS).entries()) {
      if (i > 0) md.appendMarkdown('\n\n---\n\n');
      const entity = a.entities.find((e) => e.id === m.entity);
      const ws = entity ? await this.workspaceCounts(doc.uri, entity) : undefined;
      this.section(md, m, entity, live, ws);
    }
    return new vscode.Hover(md, rangeOf(doc, map, hits[0].start, hits[0].end));
  }

  private section(md: vscode.MarkdownString, m: Mention, entity: Entity | undefined, live: readonly Mention[], ws: { mentions: number; articles: number } | undefined): void {
    if (!entity) {
      md.appendMarkdown('**');
      appendData(md, m.text);
      md.appendMarkdown('** · unknown entity `');
      appendData(md, m.entity.replace(/`/g, "'"));
      md.appendMarkdown('`');
      return;
    }
    md.appendMarkdown('**');
    appendData(md, entity.name);
    md.appendMarkdown('** · ');
    appendData(md, entity.type);
    if (entity.aliases && entity.aliases.length > 0) {
      md.appendMarkdown('\n\nAlso: ');
      appendData(md, entity.aliases.join(', '));
    }
    if (entity.note) {
      md.appendMarkdown('\n\nNote: ');
      appendData(md, entity.note);
    }
    const here = live.filter((x) => x.entity === entity.id).length;
    md.appendMarkdown(`\n\n${here} ${here === 1 ? 'mention' : 'mentions'} in this article`);
    if (ws) md.appendMarkdown(` · ${ws.mentions} in the workspace (${ws.articles} ${ws.articles === 1 ? 'article' : 'articles'})`);
    if (m.by) {
      md.appendMarkdown('\n\nTagged by ');
      appendData(md, m.by);
    }
  }
}

export function registerMentionHover(services: Services, workspaceCounts: WorkspaceCounts = corpusCounts(services)): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: SEED_LANGUAGE_ID }, new MentionHover(services, workspaceCounts));
}
