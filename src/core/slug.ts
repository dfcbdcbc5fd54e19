/**
 * Entity ids: a readable slug of the entity's name, made unique within its sidecar.
 *
 * Ids are derived from names, not counters, so two people who tag the same entity on two git
 * branches usually pick the same id, and two different entities never collide on a shared
 * counter value (DESIGN.md: "unique within the file; any string without spaces").
 */

/** Letters that Unicode decomposition does not reduce to ASCII. */
const FOLDED: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'ng',
};

/** Slugs longer than this are cut at a hyphen, so ids stay readable in a one-line mention. */
const MAX_SLUG_LENGTH = 48;

/**
 * A lower-case slug of a name: diacritics removed (`Herāt` → `herat`), apostrophes dropped
 * (`Taliban’s` → `talibans`), every other run of non-letters/non-digits turned into one hyphen.
 * Letters of other scripts are kept as they are (`Кабул` → `кабул`). Never empty: a name without
 * any letter or digit gives `entity`.
 */
export function slugify(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøđðþłıħŧŋ]/g, (c) => FOLDED[c] ?? c)
    .replace(/['’ʼ`´]/g, '');
  let slug = folded.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  if (slug.length > MAX_SLUG_LENGTH) {
    const cut = slug.lastIndexOf('-', MAX_SLUG_LENGTH);
    slug = slug.slice(0, cut > MAX_SLUG_LENGTH / 2 ? cut : MAX_SLUG_LENGTH).replace(/-+$/, '');
  }
  return slug || 'entity';
}

/**
 * The slug of `name`, or the first of `slug-2`, `slug-3`, … not in `taken`.
 */
export function uniqueSlug(name: string, taken: ReadonlySet<string> | Iterable<string>): string {
  const used = taken instanceof Set ? (taken as ReadonlySet<string>) : new Set(taken);
  const base = slugify(name);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}
