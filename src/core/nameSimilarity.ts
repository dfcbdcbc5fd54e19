/**
 * How likely a surface form names a known entity, for "Add as alias of…": the quick pick lists
 * the most likely entity first. Names are compared folded (case and diacritics: `Herāt` = `herat`)
 * and word by word, so that `Motaqi` finds `Amir Khan Muttaqi`, `Muttaqi` finds
 * `Mullah Amir Khan Motaqi`, and `UN` finds `United Nations`.
 */
import { foldName } from './entityEdits';
import type { Entity } from './model';

function words(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

/** Levenshtein distance (two rows; names are short). */
function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length];
}

function wordSimilarity(a: string, b: string): number {
  const len = Math.max(Array.from(a).length, Array.from(b).length);
  return len === 0 ? 0 : 1 - editDistance(a, b) / len;
}

/**
 * Similarity of two names in [0, 1]: 1 when equal folded; 0.9 when every word of one is a word of
 * the other; 0.85 for an acronym of the other; otherwise the best word-to-word match, scaled so
 * that a near spelling (`Motaqi`/`Muttaqi`) ranks above unrelated names.
 */
export function nameSimilarity(a: string, b: string): number {
  const fa = foldName(a);
  const fb = foldName(b);
  if (fa === '' || fb === '') return 0;
  if (fa === fb) return 1;
  const wa = words(fa);
  const wb = words(fb);
  if (wa.length === 0 || wb.length === 0) return 0;
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa];
  if (short.every((w) => long.includes(w))) return 0.9;
  const acronym = (ws: string[]) => ws.map((w) => Array.from(w)[0]).join('');
  if ((wa.length === 1 && wb.length > 1 && wa[0] === acronym(wb)) || (wb.length === 1 && wa.length > 1 && wb[0] === acronym(wa))) return 0.85;
  let sum = 0;
  for (const w of short) sum += Math.max(...long.map((v) => wordSimilarity(w, v)));
  const best = sum / short.length;
  return best >= 0.6 ? 0.8 * best : 0.5 * best;
}

export interface AliasCandidate<T = unknown> {
  entity: Pick<Entity, 'type' | 'name' | 'aliases'>;
  /** Whatever the caller needs back (where the entity lives). */
  ref: T;
  /** True for an entity of the article being tagged (ranked before an equal one from elsewhere). */
  local?: boolean;
}

/** Similarity from which an entity of the article itself is preferred to any of elsewhere. */
const PLAUSIBLE = 0.5;

/**
 * Candidates ordered by likelihood: an entity of the article itself whose name is plausibly
 * similar comes before the rest (a news article names a person in full, then by a surname, often
 * spelt otherwise), then name similarity (the best of name and aliases), then the preferred type
 * (the type the caller expects, e.g. the last used), then name.
 */
export function rankAliasCandidates<T>(text: string, candidates: readonly AliasCandidate<T>[], preferredType?: string): (AliasCandidate<T> & { score: number })[] {
  return candidates
    .map((c) => {
      const sim = Math.max(nameSimilarity(text, c.entity.name), ...(c.entity.aliases ?? []).map((a) => nameSimilarity(text, a)));
      const score = sim + (c.local && sim >= PLAUSIBLE ? 1 : 0) + (preferredType !== undefined && c.entity.type === preferredType ? 0.05 : 0);
      return { ...c, score };
    })
    .sort((x, y) => y.score - x.score || x.entity.name.localeCompare(y.entity.name));
}
