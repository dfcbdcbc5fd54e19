// A seeded generator of a realistic corpus: articles in the seed format and their sidecars in the
// canonical layout, written by the project's own sidecar writer (src/core/sidecar.ts), so a bench
// measures the files the extension really writes. Reusable by every bench:
//
//   import { ensureCorpus, generateArticle, makeRng, makePool } from './_generateCorpus.mjs';
//   const { articles, sidecars } = await ensureCorpus('.bench/corpus-10k', { count: 10_000 });
//
// Needs the tsx loader (`node --import tsx`), as every bench runs with it. The same seed gives the
// same bytes on every machine. A corpus on disk is reused when its manifest names the same
// generator version, count, seed and writer fingerprint; otherwise it is written again.
//
// What an article looks like: `date YYYY-MM-DD` then the prose on the first line, 5–9 paragraphs
// separated by blank lines, straight and curly quotations (some running over two paragraphs, news
// style), apostrophes (’ and '), diacritics, an occasional emoji and CRLF file. About 30 mentions
// each, drawn with a Zipf-like law from a shared pool of ~1,200 entities, so the same entities
// recur across articles (sometimes spelt without their diacritics, or by an alias); about 40% of
// the pool has `links.wikidata`. Sidecars carry before/after context, quotes with speakers, a few
// relations and orphaned mentions.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serializeAnnotations } from '../src/core/sidecar.ts';
import { slugify } from '../src/core/slug.ts';

export const GENERATOR_VERSION = 2;
export const DEFAULT_SEED = 20210901;
const SUFFIX = '.ann.yaml';
const CONTEXT = 20;

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  next.chance = (p) => next() < p;
  return next;
}

const FIRST = ['Amir', 'Zabihullah', 'Ahmad', 'Amrullah', 'Ismāʿīl', 'Abdul', 'Mohammad', 'Hamid', 'Ashraf', 'Sirajuddin', 'Fatima', 'Malalai', 'Farida', 'Nargis', 'Habiba', 'Rahmatullah', 'Gulbuddin', 'Abdullah', 'Sher', 'Khalid', 'Noor', 'Saad', 'Zarifa', 'Shukria', 'Bilal', 'José', 'Zoë', 'Søren', 'Łukasz', 'Chloé', 'Renée', 'Müller', 'François', 'Dmitri', 'Nguyễn', 'Ōta', 'Şebnem', 'Ahmet', 'Leïla', 'Björn'];
const LAST = ['Muttaqi', 'Mujahid', 'Massoud', 'Saleh', 'Khān', 'Ghani', 'Karzai', 'Haqqani', 'Akhundzada', 'Baradar', 'Hekmatyar', 'Abdullah', 'Rahimi', 'Popal', 'Wardak', 'Stanekzai', 'Nūrzai', 'Durrani', 'Sultani', 'Qaderi', 'Yousafzai', 'Hakimi', 'Barakzai', 'Kakar', 'Zadran', 'Müller', 'García', 'Lefèvre', 'Nowak', 'Øster', 'Şahin', 'Dubois', 'Ivanov', 'Tanaka', 'O’Brien', 'D’Souza'];
const TITLES = ['', '', '', 'Mullah ', 'Mawlawi ', 'General ', 'Dr. ', 'Minister '];
const GPE = ['Kabul', 'Herāt', 'Kandahar', 'Panjshir', 'Mazār-i-Sharīf', 'Jalālābād', 'Kunduz', 'Ghazni', 'Balkh', 'Badakhshān', 'Helmand', 'Nangarhar', 'Pakistan', 'Iran', 'Tajikistan', 'Uzbekistan', 'Qatar', 'Doha', 'Islamabad', 'Tehran', 'Washington', 'Moscow', 'Beijing', 'Ankara', 'Dushanbe', 'Peshawar', 'Quetta', 'Bamyan', 'Faryab', 'Takhar', 'Paktia', 'Khost', 'Zābul', 'Uruzgan', 'Farah', 'Nimrūz', 'Logar', 'Parwan', 'Kapisa', 'Laghman'];
const LOC = ['Panjshir Valley', 'Salang Pass', 'Hindu Kush', 'Khyber Pass', 'Amu Darya', 'Wakhan Corridor', 'Shomali Plain', 'Tora Bora', 'Registan Desert', 'Band-e Amir', 'Kabul River', 'Helmand River', 'Spin Ghar', 'Pamir Mountains'];
const ORG_BASE = ['Taliban', 'United Nations', 'NATO', 'Red Cross', 'World Food Programme', 'Human Rights Watch', 'Amnesty International', 'Afghan Army', 'National Resistance Front', 'Haqqani Network', 'Islamic State', 'European Union', 'World Bank', 'UNICEF', 'Médecins Sans Frontières', 'Al Jazeera', 'Reuters', 'AFP', 'Tolo News', 'Pajhwok'];
const ORG_KIND = ['Council', 'Commission', 'Ministry of Interior', 'Shura', 'Committee', 'Foundation', 'Brigade', 'Authority'];
const NORP = ['Afghan', 'Pashtun', 'Tajik', 'Hazara', 'Uzbek', 'Shia', 'Sunni', 'American', 'Pakistani', 'Iranian', 'Baloch', 'Turkmen'];
const EVENT = ['Doha Agreement', 'fall of Kabul', 'Kabul airlift', 'Panjshir offensive', 'Loya Jirga', 'Eid al-Adha', 'Nowruz', 'Battle of Kunduz', 'Bonn Conference'];
const DATE = ['Wednesday', 'Friday', 'last month', 'on Sunday', 'August 15', 'earlier this week', 'two decades', 'the 1990s'];
const VERBS = ['said', 'told reporters', 'wrote on Twitter', 'said in an audio message', 'told AFP', 'said in a statement', 'added'];
const FILLER = [
  'the talks went on late into the night',
  'residents said the streets were quiet',
  'officials did not answer requests for comment',
  'the situation remained unclear',
  'prices of flour and cooking oil had doubled',
  'thousands gathered near the airport’s gates',
  'the country’s banks stayed closed for a second week',
  'aid agencies warned of shortages before winter',
  'the roads to the north were blocked',
  'schools for girls had not reopened',
  "local elders said they didn't expect a deal",
  'the fighting had displaced hundreds of families',
];
const QUOTES = [
  'We tried our best to solve the problem with talks and negotiations',
  'Those who want to fight, tell them it is enough',
  'The shops are closed and the streets are empty',
  'We were told reinforcements would arrive. They never came',
  'Nobody is safe here, not even the children',
  'It is a new beginning for the country',
  'We will not give up our weapons',
  'The world must not forget us',
  'Everyone is waiting to see what they will do',
];
const EMOJI = ['🙏', '🇦🇫', '📰', '✈️'];

function stripMarks(s) {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
}


/**
 * The shared pool of entities, in a fixed order (index 0 is the most frequent). Each entry:
 * {type, name, variants (other spellings met in text), aliases, wikidata?, note?}.
 */
export function makePool(seed = DEFAULT_SEED) {
  const rng = makeRng(seed ^ 0x5eed);
  const pool = [];
  const seen = new Set();
  const add = (type, name, extra = {}) => {
    const key = `${type}:${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const entry = { type, name, variants: [], aliases: [], ...extra };
    if (stripMarks(name) !== name) entry.variants.push(stripMarks(name));
    if (rng.chance(0.4)) entry.wikidata = `Q${1000 + rng.int(9_000_000)}`;
    if (rng.chance(0.15)) entry.note = rng.pick(['Head of the commission for guidance', 'Spokesman', 'Former governor', 'Provincial capital', 'Armed group', 'See also: the 2001 Bonn talks']);
    pool.push(entry);
  };
  for (const o of ORG_BASE) add('ORG', o);
  for (const g of GPE) add('GPE', g);
  for (const n of NORP) add('NORP', n);
  for (const l of LOC) add('LOC', l);
  for (const e of EVENT) add('EVENT', e);
  for (const d of DATE) add('DATE', d);
  for (const g of GPE) for (const k of ORG_KIND) if (rng.chance(0.25)) add('ORG', `${stripMarks(g)} ${k}`);
  for (let i = 0; pool.length < 1200 && i < 20_000; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    if (first === last) continue;
    const name = `${first} ${last}`;
    const aliases = rng.chance(0.3) ? [last] : [];
    const variants = rng.chance(0.2) ? [`${rng.pick(TITLES.filter(Boolean))}${name}`] : [];
    add('PERSON', name, { aliases, variants });
  }
  // Interleave the types so the most frequent entities are of every type.
  for (let i = pool.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool;
}

/** Zipf-like draw of a pool index: small indices much more often. */
function drawIndex(rng, n) {
  return Math.min(n - 1, Math.floor(Math.pow(rng(), 2.2) * n));
}

/** Code-point length of a string. */
function cpLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff || i === 0 || s.charCodeAt(i - 1) < 0xd800 || s.charCodeAt(i - 1) > 0xdbff) n++;
  }
  return n;
}

/**
 * One article and its annotations. Returns {text, annotations (without `article`/`sha256`)}.
 * `index` only varies the date; all randomness comes from `rng`.
 */
export function generateArticle(rng, pool, index = 0) {
  const eol = rng.chance(0.05) ? '\r\n' : '\n';
  let text = '';
  let cp = 0;
  const mentions = [];
  const quotes = [];
  const used = new Map(); // pool index -> entity id
  const entities = [];
  const put = (s) => {
    text += s;
    cp += cpLength(s);
  };
  const entityId = (pi) => {
    let id = used.get(pi);
    if (id !== undefined) return id;
    const p = pool[pi];
    id = slugify(p.name);
    let n = 2;
    while (entities.some((e) => e.id === id)) id = `${slugify(p.name)}-${n++}`;
    used.set(pi, id);
    const e = { id, type: p.type, name: p.name };
    const aliases = [...p.aliases];
    if (p.variants.length > 0 && rng.chance(0.3)) aliases.push(p.variants[0]);
    if (aliases.length > 0) e.aliases = aliases;
    if (p.note) e.note = p.note;
    if (p.wikidata) e.links = { wikidata: p.wikidata };
    entities.push(e);
    return id;
  };
  const mention = (pi) => {
    const p = pool[pi];
    const forms = [p.name, p.name, p.name, ...p.variants, ...p.aliases];
    const surface = rng.pick(forms);
    const start = cp;
    put(surface);
    mentions.push({ entity: entityId(pi), start, end: cp, text: surface });
  };
  const someEntity = (type) => {
    // Articles come back to the entities they already named.
    if (used.size > 0 && rng.chance(0.45)) {
      const again = [...used.keys()].filter((pi) => !type || pool[pi].type === type);
      if (again.length > 0) return rng.pick(again);
    }
    for (let tries = 0; tries < 40; tries++) {
      const pi = drawIndex(rng, pool.length);
      if (!type || pool[pi].type === type) return pi;
    }
    return pool.findIndex((p) => p.type === type);
  };
  const sentence = () => {
    const r = rng.int(9);
    if (r >= 6) {
      // Prose without entities.
      const f = rng.pick(FILLER);
      put(`${f[0].toUpperCase()}${f.slice(1)}, and ${rng.pick(FILLER)}; ${rng.pick(FILLER)}.`);
      return;
    }
    if (r === 0) {
      mention(someEntity('PERSON'));
      put(`, ${rng.pick(['a spokesman for', 'the head of', 'a commander of', 'an envoy of'])} the `);
      mention(someEntity('ORG'));
      put(`, ${rng.pick(VERBS)} that ${rng.pick(FILLER)} in `);
      mention(someEntity('GPE'));
      put('.');
    } else if (r === 1) {
      put(`In `);
      mention(someEntity('GPE'));
      put(`, ${rng.pick(FILLER)}, and the `);
      mention(someEntity('NORP'));
      put(` community’s leaders met `);
      mention(someEntity('DATE'));
      put('.');
    } else if (r === 2) {
      put('The ');
      mention(someEntity('ORG'));
      put(` said ${rng.pick(FILLER)} near the `);
      mention(someEntity('LOC'));
      put(`, after the `);
      mention(someEntity('EVENT'));
      put('.');
    } else if (r === 3) {
      const curly = rng.chance(0.5);
      const quoteStart = cp;
      const q = rng.pick(QUOTES) + (rng.chance(0.03) ? ` ${rng.pick(EMOJI)}` : '');
      put(`${curly ? '“' : '"'}${q},${curly ? '”' : '"'}`);
      const quoteEnd = cp;
      put(' ');
      const pi = someEntity('PERSON');
      const speakerStart = mentions.length;
      mention(pi);
      put(` ${rng.pick(VERBS)}.`);
      quotes.push({ start: quoteStart, end: quoteEnd, speaker: mentions[speakerStart].entity, text: sliceCp(text, quoteStart, quoteEnd) });
    } else if (r === 4) {
      const f = rng.pick(FILLER);
      put(`${f[0].toUpperCase()}${f.slice(1)}, according to `);
      mention(someEntity());
      put('.');
    } else {
      mention(someEntity());
      put(` and `);
      mention(someEntity());
      put(` ${rng.pick(['discussed', 'rejected', 'welcomed'])} the plan, which ${rng.pick(FILLER)}.`);
    }
  };
  const y = 2019 + (index % 4);
  const m = 1 + ((index * 7) % 12);
  const d = 1 + ((index * 13) % 28);
  put(`${rng.chance(0.1) ? ' ' : ''}date ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} `);
  const paragraphs = 7 + rng.int(5);
  const target = 24 + rng.int(13);
  for (let p = 0; p < paragraphs && mentions.length < target; p++) {
    if (p > 0) put(eol + eol);
    if (p > 0 && p < paragraphs - 1 && rng.chance(0.12)) {
      // A quotation over two paragraphs: open again at the start of the next, closed only there.
      const curly = rng.chance(0.5);
      const quoteStart = cp;
      put(`${curly ? '“' : '"'}${rng.pick(QUOTES)}.`);
      put(eol + eol);
      put(`${curly ? '“' : '"'}${rng.pick(QUOTES)},${curly ? '”' : '"'}`);
      quotes.push({ start: quoteStart, end: cp, text: sliceCp(text, quoteStart, cp) });
      put(' ');
      mention(someEntity('PERSON'));
      put(` ${rng.pick(VERBS)}.`);
      continue;
    }
    const sentences = 3 + rng.int(3);
    for (let s = 0; s < sentences; s++) {
      if (s > 0) put(' ');
      sentence();
    }
  }
  if (rng.chance(0.8)) put(eol);

  const chars = Array.from(text);
  for (const mm of mentions) {
    mm.before = chars.slice(Math.max(0, mm.start - CONTEXT), mm.start).join('');
    mm.after = chars.slice(mm.end, mm.end + CONTEXT).join('');
    if (mm.before === '') delete mm.before;
    if (mm.after === '') delete mm.after;
    if (rng.chance(0.01)) mm.orphaned = true;
  }
  const relations = [];
  if (entities.length >= 2 && rng.chance(0.3)) relations.push({ type: 'member_of', from: entities[0].id, to: entities[1].id });
  return { text, annotations: { schema: 1, entities, mentions, quotes, relations } };
}

function sliceCp(text, start, end) {
  return Array.from(text).slice(start, end).join('');
}

/** The writer's output for a fixed model: part of the manifest, so a layout change regenerates. */
function writerFingerprint() {
  const sample = {
    schema: 1, article: 'x.txt', sha256: 'ab',
    entities: [{ id: 'a', type: 'PERSON', name: 'Herāt', aliases: ['yes'], note: 'n: 1', links: { wikidata: 'Q1' } }],
    mentions: [{ entity: 'a', start: 1, end: 2, text: 'H', before: ' "x', after: ', y', orphaned: true }],
    quotes: [{ start: 0, end: 3, speaker: 'a', text: '"a"' }],
    relations: [{ type: 'r', from: 'a', to: 'a' }],
  };
  return createHash('sha256').update(serializeAnnotations(sample)).digest('hex').slice(0, 16);
}

/**
 * Writes `count` articles and their sidecars under `dir` (in 100-article subfolders of
 * `dir/seeds`). Returns the sorted lists of article and sidecar paths.
 */
export function generateCorpus(dir, { count, seed = DEFAULT_SEED } = {}) {
  const pool = makePool(seed);
  const rng = makeRng(seed);
  const articles = [];
  const sidecars = [];
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, 'seeds', `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { recursive: true });
    const name = `${String(i).padStart(5, '0')}_${(Math.floor(rng() * 2 ** 32) >>> 0).toString(16).padStart(8, '0')}`;
    const { text, annotations } = generateArticle(rng, pool, i);
    const bytes = Buffer.from(text, 'utf8');
    const article = path.join(sub, `${name}.txt`);
    const sidecar = path.join(sub, `${name}${SUFFIX}`);
    fs.writeFileSync(article, bytes);
    const model = { ...annotations, article: `${name}.txt`, sha256: createHash('sha256').update(bytes).digest('hex') };
    fs.writeFileSync(sidecar, serializeAnnotations(model));
    articles.push(article);
    sidecars.push(sidecar);
  }
  return { articles, sidecars };
}

/** The corpus under `dir`, generated only when it is missing or was made by another generator. */
export function ensureCorpus(dir, { count, seed = DEFAULT_SEED, log = () => {} } = {}) {
  const manifestPath = path.join(dir, 'manifest.json');
  const want = { generator: GENERATOR_VERSION, count, seed, writer: writerFingerprint() };
  let have;
  try {
    have = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    have = undefined;
  }
  if (have && JSON.stringify(have.spec) === JSON.stringify(want) && Array.isArray(have.sidecars)) {
    const abs = (p) => path.join(dir, p);
    return { articles: have.articles.map(abs), sidecars: have.sidecars.map(abs), generated: false };
  }
  log(`generating ${count} articles into ${dir} ...`);
  const { articles, sidecars } = generateCorpus(dir, { count, seed });
  const rel = (p) => path.relative(dir, p);
  fs.writeFileSync(manifestPath, JSON.stringify({ spec: want, articles: articles.map(rel), sidecars: sidecars.map(rel) }));
  return { articles, sidecars, generated: true };
}
