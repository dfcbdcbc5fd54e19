/**
 * Names of entities as workspace symbols (Go to Symbol in Workspace, Ctrl+T).
 *
 * The index finds entities case- and diacritic-insensitively and by alias, but the editor filters
 * the symbols it gets once more with its own fuzzy matcher, which compares characters as they are
 * (lower-cased only): `ines` would find `Inés Varga` in the index and then be hidden by the
 * editor. So a symbol whose name the editor would not match carries the form that matched in
 * parentheses: `Inés Varga (ines varga)`, `Amir Khan Muttaqi (Motaqi)`.
 */
import { normalizeName } from './entityMerge';

/** True when every white-space separated piece of the query occurs in order in the target (lower-cased). */
export function editorFuzzyMatches(query: string, target: string): boolean {
  const t = target.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/u)
    .filter(Boolean)
    .every((piece) => {
      let j = 0;
      for (let i = 0; i < t.length && j < piece.length; i++) if (t[i] === piece[j]) j++;
      return j === piece.length;
    });
}

/** The symbol name for an entity found by `query` through the name or alias `matched`. */
export function workspaceSymbolName(query: string, name: string, matched: string): string {
  if (editorFuzzyMatches(query, name)) return name;
  const form = editorFuzzyMatches(query, matched) ? matched : normalizeName(matched);
  return form === name ? name : `${name} (${form})`;
}
