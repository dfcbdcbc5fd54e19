/**
 * Where an entity's entry sits in its sidecar, for "Open Entity in Sidecar" and for Go to
 * Definition on an entity's first mention.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { SidecarDocument } from './sidecar';

/** 0-based line of the entry (`- id: …`) of entity `id` in the sidecar's text; undefined if absent. */
export function entityLine(doc: SidecarDocument, id: string): number | undefined {
  const entities = doc.document.get('entities', true);
  if (!isSeq(entities)) return undefined;
  for (const item of entities.items) {
    if (!isMap(item)) continue;
    const value = item.get('id', true);
    if (isScalar(value) && String(value.value) === id && item.range) {
      return doc.lineCounter.linePos(item.range[0]).line - 1;
    }
  }
  return undefined;
}
