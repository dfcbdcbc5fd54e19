/**
 * `seed-annotate reanchor <paths...>`: for each article changed since its sidecar was written
 * (its sha256 differs, or the sidecar has none and spans are not at their offsets), re-anchor the
 * mentions and quotes (anchor.ts) and write the sidecar atomically, through the same persistence
 * as the editor (hash-checked: a sidecar changed meanwhile is not overwritten). Each span that
 * could not be placed is kept, marked `orphaned: true`, and reported on stderr. A sidecar that
 * does not parse is reported and never overwritten.
 */
import { promises as fs } from 'node:fs';
import { reanchor } from '../core/anchor';
import type { ReanchorEntry } from '../core/anchor';
import { loadSidecar, saveSidecar } from '../core/persist';
import { sha256Hex } from '../core/sidecar';
import type { SidecarDocument } from '../core/sidecar';
import { formatProblem } from '../core/validate';
import { parseVerbArgs, UsageError, verbHelp } from './args';
import type { OptionSpec } from './args';
import { plural } from './io';
import type { Io, Verb } from './io';
import { discover } from './paths';
import { Progress } from './progress';

const OPTIONS: OptionSpec[] = [{ name: 'dry-run', help: 'report what would change, write nothing' }];

const HELP = {
  usage: 'seed-annotate reanchor [--dry-run] [--suffix SUFFIX] <files or folders...>',
  description: [
    'Re-anchors the annotations of articles that changed since their sidecar was written (edited',
    'outside the editor): each mention and quote is found again by its text and context; one that',
    'cannot be placed with confidence is kept, marked orphaned: true, and reported on stderr.',
    'Sidecars are written atomically and only when something changed; a sidecar that does not parse',
    'is reported and left as it is. Prints one line per updated sidecar on stdout.',
  ].join('\n'),
  options: OPTIONS,
  examples: ['seed-annotate reanchor seeds/', 'seed-annotate reanchor --dry-run seeds/000_eb28ad2c764fb3cf.txt'],
};

function short(s: string, max = 40): string {
  const cps = Array.from(s.replace(/\r/g, '\\r').replace(/\n/g, '\\n'));
  return cps.length > max ? `${cps.slice(0, max - 1).join('')}…` : cps.join('');
}

/** 1-based line of the i-th item of a top-level list of the document. */
function itemLine(doc: SidecarDocument, key: 'mentions' | 'quotes', index: number): number {
  const seq = doc.document.get(key, true) as { items?: Array<{ range?: [number, number, number] }> } | undefined;
  const at = seq?.items?.[index]?.range?.[0];
  return at === undefined ? 1 : doc.lineCounter.linePos(at).line;
}

function describeStatuses(entries: readonly ReanchorEntry[]): string {
  const n = { moved: 0, reattached: 0, orphaned: 0 };
  for (const e of entries) {
    if (e.status === 'moved') n.moved++;
    else if (e.status === 'reattached') n.reattached++;
    else if (e.status === 'orphaned' && !e.wasOrphaned) n.orphaned++;
  }
  const parts = [n.moved ? `${n.moved} moved` : '', n.reattached ? `${n.reattached} re-attached` : '', n.orphaned ? `${n.orphaned} orphaned` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'context refreshed';
}

export const reanchorVerb: Verb = {
  name: 'reanchor',
  summary: 're-anchor the annotations of changed articles and write their sidecars',
  help: () => verbHelp(HELP),
  async run(argv, io: Io): Promise<number> {
    const { args, suffix } = parseVerbArgs(argv, OPTIONS, 'reanchor');
    if (args.positionals.length === 0) throw new UsageError('give the articles, sidecars or folders to re-anchor (e.g. seeds/)', 'reanchor');
    const dryRun = args.options.has('dry-run');
    const entries = (await discover(args.positionals, { suffix })).filter((e) => e.sidecarExists);
    let exit = 0;
    let updated = 0;
    let upToDate = 0;
    let orphans = 0;
    const progress = (io.progress = new Progress('reanchor', entries.length));
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      progress.update(i + 1);
      if (!e.articleExists) {
        io.err(`${e.sidecarDisplay}:1: error: its article does not exist beside it; left as it is`);
        exit = Math.max(exit, 1);
        continue;
      }
      let articleBytes: Buffer;
      try {
        articleBytes = await fs.readFile(e.article);
      } catch (err) {
        io.err(`seed-annotate: cannot read ${e.articleDisplay}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        exit = 2;
        continue;
      }
      const loaded = await loadSidecar(e.sidecar, { file: e.sidecarDisplay });
      if (!loaded.ok) {
        for (const p of loaded.problems) io.err(formatProblem(p));
        io.err(`${e.sidecarDisplay}: not re-anchored: the sidecar is left as it is until it is fixed`);
        exit = Math.max(exit, loaded.reason === 'unreadable' ? 2 : 1);
        continue;
      }
      const doc = loaded.sidecar;
      const stored = doc.annotations;
      const articleSha = sha256Hex(articleBytes);
      if (stored.sha256 === articleSha) {
        upToDate++;
        continue;
      }
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(articleBytes);
      } catch {
        io.err(`seed-annotate: cannot read ${e.articleDisplay}: not valid UTF-8 text`);
        exit = 2;
        continue;
      }
      const result = reanchor(stored, text);
      if (!result.changed && stored.sha256 === undefined) {
        // Hand-written sidecar without sha256 whose spans all sit at their offsets: nothing to do.
        upToDate++;
        continue;
      }
      try {
        doc.setAnnotations({ ...result.annotations, sha256: articleSha });
      } catch (err) {
        io.err(`${e.sidecarDisplay}:1: error: could not update the sidecar: ${(err as Error).message}`);
        exit = Math.max(exit, 1);
        continue;
      }
      const after = doc.annotations;
      for (const entry of result.entries) {
        if (entry.status !== 'orphaned' || entry.wasOrphaned) continue;
        orphans++;
        const span = entry.kind === 'mention' ? result.annotations.mentions[entry.index] : result.annotations.quotes[entry.index];
        const list = entry.kind === 'mention' ? after.mentions : after.quotes;
        const at = list.findIndex((x) => x.start === span.start && x.end === span.end && x.text === span.text);
        const what = entry.kind === 'mention' ? `mention '${short(span.text)}' (entity ${(span as { entity: string }).entity})` : `quote '${short(span.text)}'`;
        io.err(`${e.sidecarDisplay}:${itemLine(doc, entry.kind === 'mention' ? 'mentions' : 'quotes', at)}: warning: orphaned ${what}${entry.detail ? `: ${entry.detail}` : ''}`);
      }
      if (!dryRun) {
        const saved = await saveSidecar(e.sidecar, doc, loaded.diskHash, { file: e.sidecarDisplay });
        if (!saved.ok) {
          for (const p of saved.problems) io.err(formatProblem(p));
          exit = Math.max(exit, saved.reason === 'io' ? 2 : 1);
          continue;
        }
      }
      updated++;
      await io.out(`${e.sidecarDisplay}: ${dryRun ? 'would update' : 'updated'} (${describeStatuses(result.entries)})\n`);
    }
    progress.clear();
    const verb = dryRun ? 'would be updated' : 'updated';
    io.err(`reanchor: ${plural(entries.length, 'sidecar')}: ${updated} ${verb}, ${upToDate} up to date${orphans ? `, ${plural(orphans, 'span')} orphaned (kept, marked orphaned: true)` : ''}`);
    return exit;
  },
};
