// Micro-benchmark of anchoring. Run: node --import tsx bench/anchor.mjs
//  1. Live anchoring: 10k mentions (some nested), 10k random one-character edits through
//     LiveAnchors, against the O(n) reference (applyTextChange) on the first edits; µs per edit.
//  2. Re-anchoring: 300 mentions on a 50 KB article after an edit near its start, with and
//     without context.
import { performance } from 'node:perf_hooks';
import { LiveAnchors, applyTextChange, reanchor, withContext } from '../src/core/anchor.ts';
import { OffsetMap } from '../src/core/offsets.ts';

/** Deterministic PRNG (mulberry32), so every run measures the same work. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20210901);
const pick = (list) => list[Math.floor(rand() * list.length)];

const SYLLABLES = ['ta', 'li', 'ban', 'pan', 'jshir', 'mut', 'ta', 'qi', 'ka', 'bul', 'her', 'at', 'ah', 'mad', 'mas', 'soud', 'sa', 'leh', 'va', 'lley', 'no', 'ra'];
const word = () => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(SYLLABLES)).join('');
const VOCABULARY = Array.from({ length: 400 }, word);
const NAMES = Array.from({ length: 60 }, () => {
  const w = word();
  return w[0].toUpperCase() + w.slice(1);
});

/** An article of about `size` code points, with `mentions` name mentions spread over it. */
function article(size, mentionCount, nestedEvery) {
  const parts = ['date 2021-09-01 '];
  let length = parts[0].length;
  const mentions = [];
  const gap = size / mentionCount;
  let nextMention = 20;
  while (length < size) {
    if (length >= nextMention && mentions.length < mentionCount) {
      const name = pick(NAMES);
      const full = rand() < 0.3 ? `${name} ${pick(NAMES)}` : name;
      mentions.push({ entity: name.toLowerCase(), start: length, end: length + full.length, text: full });
      if (nestedEvery && mentions.length % nestedEvery === 0 && full.includes(' ')) {
        mentions.push({ entity: 'inner', start: length, end: length + name.length, text: name });
      }
      parts.push(full);
      length += full.length;
      nextMention += gap;
    } else {
      const w = rand() < 0.02 ? '😀' : rand() < 0.05 ? '\r\n\r\n' : pick(VOCABULARY);
      parts.push(w);
      length += Array.from(w).length;
    }
    const sep = rand() < 0.1 ? ', ' : rand() < 0.06 ? '. ' : ' ';
    parts.push(sep);
    length += sep.length;
  }
  return { text: parts.join(''), mentions };
}

function fmt(x, digits = 2) {
  return x.toFixed(digits);
}

// 1. Live anchoring -------------------------------------------------------------------------
{
  const { text, mentions } = article(150_000, 10_000, 7);
  let length = Array.from(text).length;
  const edits = [];
  for (let i = 0; i < 10_000; i++) {
    const start = Math.floor(rand() * length);
    const change = rand() < 0.5 ? { start, removedLength: 0, insertedText: pick(['a', ' ', 'é', '😀']) } : { start, removedLength: 1, insertedText: '' };
    length += change.removedLength === 0 ? 1 : -1;
    edits.push(change);
  }

  const live = new LiveAnchors({ mentions });
  const t0 = performance.now();
  for (const e of edits) live.applyChange(e);
  const liveMs = performance.now() - t0;

  // The reference is O(n) per edit: run it on the first edits only, and check agreement there.
  const REFERENCE_EDITS = 1000;
  let reference = mentions;
  const t1 = performance.now();
  for (let i = 0; i < REFERENCE_EDITS; i++) reference = applyTextChange(reference, edits[i]);
  const naiveMs = performance.now() - t1;
  const check = new LiveAnchors({ mentions });
  for (let i = 0; i < REFERENCE_EDITS; i++) check.applyChange(edits[i]);
  const agree = reference.every((m, h) => JSON.stringify(check.get(h)) === JSON.stringify(m));

  const liveUs = (liveMs * 1000) / edits.length;
  const naiveUs = (naiveMs * 1000) / REFERENCE_EDITS;
  const orphans = live.mentions().filter((m) => m.orphaned).length;
  console.log(`live anchoring: ${mentions.length} mentions on ${Array.from(text).length} code points, ${edits.length} one-character edits`);
  console.log(`  LiveAnchors       ${fmt(liveUs)} µs/edit (total ${fmt(liveMs, 1)} ms; ${orphans} orphaned by the edits)`);
  console.log(`  O(n) reference    ${fmt(naiveUs)} µs/edit (first ${REFERENCE_EDITS} edits)`);
  console.log(`  ratio             ${fmt(naiveUs / liveUs, 1)}× faster; agree with the reference: ${agree}`);
}

// 2. Re-anchoring ---------------------------------------------------------------------------
{
  const { text, mentions: all } = article(50_000, 300, 0);
  const mentions = all.slice(0, 300);
  const map = new OffsetMap(text);
  const withCtx = mentions.map((m) => withContext(m, map));
  const inserted = 'A new first sentence, added after the annotation. ';
  const at = text.indexOf(' ', 40) + 1;
  const edited = text.slice(0, at) + inserted + text.slice(at);
  const sidecar = (ms) => ({ schema: 1, article: 'bench.txt', sha256: 'stale', entities: [], mentions: ms, quotes: [], relations: [] });

  for (const [label, ms] of [
    ['with context', withCtx],
    ['without context', mentions],
  ]) {
    reanchor(sidecar(ms), edited); // warm up
    const runs = 10;
    const times = [];
    let result;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      result = reanchor(sidecar(ms), edited);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const counts = {};
    for (const e of result.entries) counts[e.status] = (counts[e.status] ?? 0) + 1;
    const expected = (start) => (start < at ? start : start + inserted.length);
    const wrong = result.entries.filter((e) => e.to && e.to.start !== expected(e.from.start)).length;
    console.log(`re-anchoring ${ms.length} mentions (${label}) on ${(Buffer.byteLength(edited) / 1024).toFixed(0)} KB after an edit near the start:`);
    console.log(`  median ${fmt(times[runs >> 1], 1)} ms (min ${fmt(times[0], 1)}); ${JSON.stringify(counts)}; misplaced: ${wrong}`);
  }
}
