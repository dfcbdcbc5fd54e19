import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  DEFAULT_CONTEXT_LENGTH,
  LiveAnchors,
  applySpanChange,
  applyTextChange,
  reanchor,
  spanContext,
  withContext,
  type ReanchorEntry,
  type TextChange,
} from '../../src/core/anchor';
import type { Annotations, Mention, Quote } from '../../src/core/model';
import { OffsetMap, stripBom } from '../../src/core/offsets';

const SEED = stripBom(fs.readFileSync(path.join(__dirname, '../../seeds/000_eb28ad2c764fb3cf.txt'), 'utf8'));

/** Code-point offset of the nth (0-based) occurrence of needle. */
function at(text: string, needle: string, nth = 0): number {
  let u = -1;
  for (let i = 0; i <= nth; i++) {
    u = text.indexOf(needle, u + 1);
    if (u < 0) throw new Error(`no occurrence ${nth} of ${needle}`);
  }
  return new OffsetMap(text).toCodePoint(u);
}

function mention(text: string, needle: string, nth = 0, entity = 'e'): Mention {
  const start = at(text, needle, nth);
  return { entity, start, end: start + Array.from(needle).length, text: needle };
}

function slice(text: string, start: number, end: number): string {
  return new OffsetMap(text).slice(start, end);
}

/** The article after a change, in code points. */
function edit(text: string, change: TextChange): string {
  const cps = Array.from(text);
  return [...cps.slice(0, change.start), change.insertedText, ...cps.slice(change.start + change.removedLength)].join('');
}

function insertAt(text: string, start: number, insertedText: string): { text: string; change: TextChange } {
  const change = { start, removedLength: 0, insertedText };
  return { text: edit(text, change), change };
}

/** A sidecar whose sha256 no longer matches the article (or has none, when `hashed` is false). */
function annotations(mentions: Mention[], quotes: Quote[] = [], hashed = true): Annotations {
  const ann: Annotations = { schema: 1, article: 'a.txt', entities: [], mentions, quotes, relations: [] };
  if (hashed) ann.sha256 = 'stale';
  return ann;
}

function ctx<T extends Mention | Quote>(text: string, span: T): T {
  return withContext(span, text);
}

function summary(e: ReanchorEntry): string {
  return e.status === 'orphaned' ? `orphaned:${e.reason}` : `${e.status}:${e.to!.start}-${e.to!.end}`;
}

describe('anchor: live edits', () => {
  const text = 'The head, Mullah Amir Khan Motaqi, spoke in Panjshir Valley today.';
  const motaqi = (): Mention => mention(text, 'Mullah Amir Khan Motaqi', 0, 'muttaqi');
  const apply = (m: Mention, change: TextChange): { span: Mention; after: string } => {
    const live = new LiveAnchors({ mentions: [m] });
    live.applyChange(change);
    return { span: live.get(0) as Mention, after: edit(text, change) };
  };

  it('shifts a span when text is inserted before it, or exactly at its start', () => {
    const m = motaqi();
    for (const start of [0, m.start]) {
      const { span, after } = apply(m, { start, removedLength: 0, insertedText: 'NEW ' });
      assert.strictEqual(span.start, m.start + 4);
      assert.strictEqual(slice(after, span.start, span.end), m.text);
      assert.strictEqual(span.orphaned, undefined);
    }
  });

  it('does not grow a span when text is typed right after it, and ignores edits after it', () => {
    const m = motaqi();
    for (const start of [m.end, m.end + 3]) {
      const { span } = apply(m, { start, removedLength: 1, insertedText: 'xyz' });
      assert.deepStrictEqual(span, m);
    }
  });

  it('grows a span on an insertion strictly inside it and updates its text', () => {
    const m = motaqi();
    const { span, after } = apply(m, { start: at(text, 'Khan'), removedLength: 0, insertedText: 'K. ' });
    assert.strictEqual(span.text, 'Mullah Amir K. Khan Motaqi');
    assert.strictEqual(slice(after, span.start, span.end), span.text);
  });

  it('keeps a span through a typo fix inside it', () => {
    const t = 'Then Mottaqi said.';
    const m = mention(t, 'Mottaqi');
    const live = new LiveAnchors({ mentions: [m] });
    live.applyChange({ start: at(t, 'tt') + 1, removedLength: 1, insertedText: '' });
    assert.deepStrictEqual(live.get(0), { ...m, end: m.end - 1, text: 'Motaqi' });
  });

  it('orphans a span when an edit inside it removes half or more of it', () => {
    const t = 'Then Motaqi said.';
    const m = mention(t, 'Motaqi');
    const live = new LiveAnchors({ mentions: [m] });
    const r = live.applyChange({ start: m.start + 1, removedLength: 4, insertedText: 'x' });
    assert.deepStrictEqual(r.orphaned, [{ handle: 0, reason: 'mostly-changed' }]);
    assert.deepStrictEqual(live.get(0), { ...m, orphaned: true }, 'keeps its last known fields');
  });

  it('shrinks a span when whole words are cut from its head or tail', () => {
    const m = motaqi();
    let r = apply(m, { start: m.start, removedLength: 'Mullah '.length, insertedText: '' });
    assert.strictEqual(r.span.text, 'Amir Khan Motaqi');
    assert.strictEqual(slice(r.after, r.span.start, r.span.end), 'Amir Khan Motaqi');
    // A replacement that cuts the head: the inserted text stays outside.
    r = apply(m, { start: m.start - 2, removedLength: 2 + 'Mullah '.length, insertedText: ' the Mawlawi ' });
    assert.strictEqual(r.span.text, 'Amir Khan Motaqi');
    assert.strictEqual(slice(r.after, r.span.start, r.span.end), 'Amir Khan Motaqi');
    r = apply(m, { start: at(text, ' Motaqi'), removedLength: ' Motaqi, spoke'.length, insertedText: '' });
    assert.strictEqual(r.span.text, 'Mullah Amir Khan');
  });

  it('orphans a span whose edge is cut inside a word, or whose surviving edge is a space', () => {
    const m = motaqi();
    for (const change of [
      { start: m.start, removedLength: 'Mullah'.length, insertedText: '' }, // leaves " Amir…"
      { start: m.end - 2, removedLength: 4, insertedText: '' }, // "…Mota"
      { start: m.start - 3, removedLength: 5, insertedText: 'X' }, // "llah…"
    ]) {
      const live = new LiveAnchors({ mentions: [m] });
      const r = live.applyChange(change);
      assert.deepStrictEqual(r.orphaned, [{ handle: 0, reason: 'cut-inside-word' }], JSON.stringify(change));
      assert.deepStrictEqual(live.get(0), { ...m, orphaned: true });
    }
  });

  it('orphans a span deleted or replaced as a whole, keeping its last known fields', () => {
    const m = motaqi();
    const deleted = new LiveAnchors({ mentions: [m] });
    assert.deepStrictEqual(deleted.applyChange({ start: m.start - 2, removedLength: m.end - m.start + 3, insertedText: '' }).orphaned, [{ handle: 0, reason: 'deleted' }]);
    const replaced = new LiveAnchors({ mentions: [m] });
    assert.deepStrictEqual(replaced.applyChange({ start: m.start, removedLength: m.end - m.start, insertedText: 'Muttaqi' }).orphaned, [{ handle: 0, reason: 'replaced' }]);
    assert.deepStrictEqual(replaced.get(0), { ...m, orphaned: true });
    // Later edits never move an orphan.
    replaced.applyChange({ start: 0, removedLength: 0, insertedText: 'abc' });
    assert.deepStrictEqual(replaced.get(0), { ...m, orphaned: true });
  });

  it('narrows a replacement by its common prefix and suffix when the removed text is given', () => {
    const m = motaqi();
    const para = { start: 0, end: Array.from(text).length };
    const newPara = text.replace('spoke', 'talked');
    const live = new LiveAnchors({ mentions: [m, mention(text, 'Panjshir Valley')] });
    live.applyChange({ start: para.start, removedLength: para.end, insertedText: newPara, removedText: text });
    assert.deepStrictEqual(live.mentions().map((x) => slice(newPara, x.start, x.end)), ['Mullah Amir Khan Motaqi', 'Panjshir Valley']);
    assert.ok(live.mentions().every((x) => !x.orphaned));
    // Without it, the whole paragraph is replaced and its mentions with it.
    const blind = new LiveAnchors({ mentions: [m] });
    blind.applyChange({ start: 0, removedLength: para.end, insertedText: newPara });
    assert.strictEqual(blind.get(0)!.orphaned, true);
  });

  it('handles nested mentions: Panjshir inside Panjshir Valley', () => {
    const outer = mention(text, 'Panjshir Valley', 0, 'valley');
    const inner = mention(text, 'Panjshir', 0, 'panjshir');
    const live = new LiveAnchors({ mentions: [outer, inner] });
    // Cut " Valley": the outer shrinks to "Panjshir", the inner is untouched.
    live.applyChange({ start: inner.end, removedLength: ' Valley'.length, insertedText: '' });
    assert.deepStrictEqual(live.get(0), { ...outer, end: inner.end, text: 'Panjshir' });
    assert.deepStrictEqual(live.get(1), inner);
    // Type inside the inner name: both grow.
    live.applyChange({ start: inner.start + 3, removedLength: 0, insertedText: '-' });
    assert.strictEqual(live.get(0)!.text, 'Pan-jshir');
    assert.strictEqual(live.get(1)!.text, 'Pan-jshir');
  });

  it('counts CRLF as two code points and an emoji as one', () => {
    const t = 'Intro.\r\n\r\nMuttaqi 😀 said, Muttaqi again.';
    const first = mention(t, 'Muttaqi', 0);
    const second = mention(t, 'Muttaqi', 1);
    assert.strictEqual(second.start, at(t, 'said') + 6);
    const live = new LiveAnchors({ mentions: [first, second] });
    const { text: t2, change } = insertAt(t, 0, '😀\r\n');
    live.applyChange(change);
    const ms = live.mentions();
    assert.deepStrictEqual(ms.map((x) => x.start), [first.start + 3, second.start + 3]);
    assert.ok(ms.every((x) => slice(t2, x.start, x.end) === x.text));
  });

  it('applies VS Code changes in UTF-16 units through an OffsetMap of the text before them', () => {
    const t = '😀😀 Taliban and 👨‍👩‍👧 Panjshir';
    const ms = [mention(t, 'Taliban'), mention(t, 'Panjshir')];
    const live = new LiveAnchors({ mentions: ms });
    const before = new OffsetMap(t);
    // One event with two cursors: insert "X" at UTF-16 0 and replace "and" (UTF-16 offsets).
    const andU = t.indexOf('and');
    live.applyUtf16Changes(
      [
        { rangeOffset: 0, rangeLength: 0, text: 'X' },
        { rangeOffset: andU, rangeLength: 3, text: '&' },
      ],
      before,
    );
    const t2 = 'X' + t.slice(0, andU) + '&' + t.slice(andU + 3);
    const out = live.mentions();
    assert.deepStrictEqual(out.map((m) => slice(t2, m.start, m.end)), ['Taliban', 'Panjshir']);
    assert.deepStrictEqual(out.map((m) => m.start), [ms[0].start + 1, ms[1].start - 1]);
  });

  it('leaves spans that arrive orphaned where they are', () => {
    const orphan: Mention = { entity: 'x', start: 3, end: 10, text: 'gone', orphaned: true };
    const live = new LiveAnchors({ mentions: [orphan] });
    live.applyChange({ start: 0, removedLength: 0, insertedText: 'abc' });
    assert.deepStrictEqual(live.get(0), orphan);
  });

  it('moves quotes with the text and reads spans back in sidecar order', () => {
    const t = SEED;
    const q: Quote = { start: at(t, '"My brothers'), end: at(t, 'vain,"') + 6, speaker: 'muttaqi', text: '' };
    q.text = slice(t, q.start, q.end);
    const ms = [mention(t, 'Muttaqi', 0, 'muttaqi'), mention(t, 'Taliban', 0, 'taliban'), mention(t, 'Panjshir', 1, 'panjshir')];
    const live = new LiveAnchors({ mentions: ms, quotes: [q] });
    // Type inside the quote, then delete a word before everything.
    const inside = at(t, 'tried');
    let t2 = edit(t, { start: inside, removedLength: 0, insertedText: 'really ' });
    live.applyChange({ start: inside, removedLength: 0, insertedText: 'really ' });
    t2 = edit(t2, { start: 1, removedLength: 5, insertedText: '' });
    live.applyChange({ start: 1, removedLength: 5, insertedText: '' });
    const [q2] = live.quotes();
    assert.strictEqual(slice(t2, q2.start, q2.end), q2.text);
    assert.ok(q2.text.includes('we really tried'));
    const out = live.mentions();
    assert.deepStrictEqual(out.map((m) => m.entity), ['taliban', 'panjshir', 'muttaqi'], 'compareMentions order');
    assert.ok(out.every((m) => slice(t2, m.start, m.end) === m.text));
  });

  it('adds and removes spans', () => {
    const t = 'Taliban and Panjshir';
    const live = new LiveAnchors({ mentions: [mention(t, 'Taliban')] });
    const h = live.add('mention', mention(t, 'Panjshir'));
    live.applyChange({ start: 0, removedLength: 0, insertedText: '>' });
    assert.deepStrictEqual(live.get(h), { ...mention(t, 'Panjshir'), start: 13, end: 21 });
    live.remove(0);
    assert.strictEqual(live.size, 1);
    assert.strictEqual(live.get(0), undefined);
    assert.deepStrictEqual(live.mentions().map((m) => m.text), ['Panjshir']);
  });

  it('applySpanChange and applyTextChange follow the same rules one span at a time', () => {
    const m = motaqi();
    assert.deepStrictEqual(applySpanChange(m, { start: 0, removedLength: 0, insertedText: 'ab' }), { kind: 'shifted', start: m.start + 2, end: m.end + 2 });
    assert.deepStrictEqual(applySpanChange(m, { start: m.end, removedLength: 0, insertedText: 'ab' }), { kind: 'unchanged' });
    const [out] = applyTextChange([m], { start: m.start, removedLength: 7, insertedText: '' });
    assert.deepStrictEqual(out, { ...m, end: m.end - 7, text: 'Amir Khan Motaqi' });
  });
});

describe('anchor: context', () => {
  it('takes up to the context length on each side, in code points', () => {
    const t = '😀abc TALIBAN def😀';
    const s = at(t, 'TALIBAN');
    assert.deepStrictEqual(spanContext(t, s, s + 7, 3), { before: 'bc ', after: ' de' });
    assert.deepStrictEqual(spanContext(t, s, s + 7, 10), { before: '😀abc ', after: ' def😀' });
    assert.strictEqual(DEFAULT_CONTEXT_LENGTH, 32);
  });

  it('gives the DESIGN.md example its context and leaves orphans alone', () => {
    const m = withContext(mention(SEED, 'Mullah Amir Khan Motaqi'), SEED, 18);
    assert.strictEqual(m.start, 130);
    assert.strictEqual(m.before, 'AFP on Wednesday. ');
    assert.ok(m.after!.startsWith(', the head'));
    const orphan: Mention = { entity: 'x', start: 1905, end: 1920, text: 'Mawlawi Muttaqi', orphaned: true };
    assert.strictEqual(withContext(orphan, SEED), orphan);
  });
});

describe('anchor: re-anchoring on load', () => {
  const seedMentions = (): Mention[] => [
    mention(SEED, 'Taliban', 0, 'taliban'),
    mention(SEED, 'Mullah Amir Khan Motaqi', 0, 'muttaqi'),
    mention(SEED, 'Muttaqi', 0, 'muttaqi'),
  ];

  it('finds the DESIGN.md offsets in the seed', () => {
    assert.deepStrictEqual(
      seedMentions().map((m) => [m.start, m.end]),
      [
        [46, 53],
        [130, 153],
        [460, 467],
      ],
    );
  });

  it('keeps everything when the article did not change', () => {
    const ms = seedMentions().map((m) => ctx(SEED, m));
    const r = reanchor(annotations(ms), SEED);
    assert.deepStrictEqual(r.entries.map(summary), ['kept:46-53', 'kept:130-153', 'kept:460-467']);
    assert.strictEqual(r.changed, false);
    assert.deepStrictEqual(r.annotations.mentions, ms);
  });

  it('moves every mention after an edit before them (with context)', () => {
    const ms = seedMentions().map((m) => ctx(SEED, m));
    const { text } = insertAt(SEED, 17, 'Breaking: ');
    const r = reanchor(annotations(ms), text);
    assert.deepStrictEqual(r.entries.map(summary), ['moved:56-63', 'moved:140-163', 'moved:470-477']);
    assert.ok(r.entries.every((e) => e.by === 'context'));
    for (const m of r.annotations.mentions) assert.strictEqual(slice(text, m.start, m.end), m.text);
    // Context refreshed where it no longer matched exactly (the first mention's before changed).
    assert.strictEqual(r.annotations.mentions[0].before, spanContext(text, 56, 63).before);
    assert.strictEqual(r.annotations.mentions[2].before, ms[2].before, 'still exact: left as written');
  });

  it('keeps mentions before an edit and moves those after it', () => {
    const ms = seedMentions().map((m) => ctx(SEED, m));
    const { text } = insertAt(SEED, at(SEED, '"My brothers'), 'He added: ');
    const r = reanchor(annotations(ms), text);
    assert.deepStrictEqual(r.entries.map(summary), ['kept:46-53', 'kept:130-153', 'moved:470-477']);
  });

  it('orphans a mention whose text was edited, and never moves it onto other text', () => {
    const ms = seedMentions().map((m) => ctx(SEED, m));
    const text = SEED.replace('Mullah Amir Khan Motaqi', 'Mullah Amir Khan Muttaqi');
    const r = reanchor(annotations(ms), text);
    // "Muttaqi" is one code point longer than "Motaqi": the third mention moves by one.
    assert.deepStrictEqual(r.entries.map(summary), ['kept:46-53', 'orphaned:not-found', 'moved:461-468']);
    const orphan = r.annotations.mentions[1];
    assert.deepStrictEqual(orphan, { ...ms[1], orphaned: true }, 'last known fields kept');
    assert.match(r.entries[1].detail!, /no longer occurs/);
  });

  it('tells the two Muttaqi apart by context, whichever one an edit moved', () => {
    const first = ctx(SEED, mention(SEED, 'Muttaqi', 0));
    const second = ctx(SEED, mention(SEED, 'Muttaqi', 1));
    // Insert between them: the first stays, the second moves.
    const { text } = insertAt(SEED, at(SEED, 'Panjshir Valley'), 'Meanwhile, Muttaqi was silent. ');
    const r = reanchor(annotations([first, second]), text);
    assert.deepStrictEqual(r.entries.map(summary), [`kept:${first.start}-${first.end}`, `moved:${second.start + 31}-${second.end + 31}`]);
  });

  it('refuses to anchor on a lookalike when the mention’s own text was corrected (hypothesis h#2798)', () => {
    // The annotated word is the second "Robin"; the editor corrects it to "Elisa".
    const t = 'Thanks to Robin for the review, and to Robin for the anthology. More text follows here.';
    const m = ctx(t, mention(t, 'Robin', 1));
    const t2 = t.replace('to Robin for the anthology', 'to Elisa for the anthology');
    const r = reanchor(annotations([m]), t2);
    assert.strictEqual(summary(r.entries[0]), 'orphaned:context-mismatch');
    // Without context, neighbours on both sides that agree on the shift refuse the lookalike too.
    const bare = [mention(t, 'Thanks'), mention(t, 'Robin', 1), mention(t, 'More')];
    const r2 = reanchor(annotations(bare), t2);
    assert.deepStrictEqual(r2.entries.map(summary), ['kept:0-6', 'orphaned:unconfirmed', `kept:${bare[2].start}-${bare[2].end}`]);
  });

  it('refuses a lookalike passage when the mention’s passage was deleted (hypothesis/client#7571)', () => {
    const t =
      'date 2021-09-01 Intro.\n\n' +
      '"We tried our best," Muttaqi said in an audio message to the people of the Panjshir posted on Twitter.\n\n' +
      'Reports suggest fighting continued in the valley for a second day.\n\n' +
      '"It is enough," Muttaqi said in a message to the people of Panjshir on Thursday.\n';
    const m = ctx(t, mention(t, 'Muttaqi', 0));
    const t2 = t.replace(/"We tried[^\n]*\n\n/, '');
    const r = reanchor(annotations([m]), t2);
    assert.strictEqual(r.entries[0].status, 'orphaned');
    assert.deepStrictEqual(r.annotations.mentions[0], { ...m, orphaned: true });
  });

  it('orphans as ambiguous when two places fit the context equally (a repeated passage)', () => {
    const para = 'The Taliban said Muttaqi would speak to the elders of Panjshir soon.';
    const t = `${para}\n\n${para}\n`;
    const m = ctx(t, mention(t, 'Muttaqi', 1));
    // The article's second paragraph lost a word before the context: both copies fit as well.
    const t2 = `Note. ${t}`;
    const r = reanchor(annotations([m]), t2);
    assert.strictEqual(summary(r.entries[0]), 'orphaned:ambiguous');
  });

  it('refuses articles that two different edits explain equally (short contexts near the ends)', () => {
    // ".  " with the mention on the first space: a space inserted at its start or after it gives ".   ".
    const space = ctx('.  ', { entity: 'e', start: 1, end: 2, text: ' ' });
    assert.strictEqual(summary(reanchor(annotations([space]), '.   ').entries[0]), 'orphaned:ambiguous');
    // "Taliban, " with the mention "T": inserting "Taliban" + ", " after "Talib" (the mention stays
    // at 0) or "Talib" before and "an, " after (it moves to 5) give the same article.
    const t = ctx('Taliban, ', { entity: 'e', start: 0, end: 1, text: 'T' });
    assert.strictEqual(summary(reanchor(annotations([t]), 'TalibTaliban, an, ').entries[0]), 'orphaned:ambiguous');
  });

  it('follows a paragraph that was moved, by context', () => {
    const paras = SEED.split('\n\n');
    const ms = [mention(SEED, 'Amrullah Saleh'), mention(SEED, 'Northern Alliance'), mention(SEED, 'Muttaqi', 1)].map((m) => ctx(SEED, m));
    // Swap the fourth paragraph (Amrullah Saleh) with the third (Northern Alliance).
    const moved = [paras[0], paras[1], paras[3], paras[2], ...paras.slice(4)].join('\n\n');
    const r = reanchor(annotations(ms), moved);
    assert.ok(r.entries.every((e) => e.status !== 'orphaned'), r.entries.map(summary).join(' '));
    for (const m of r.annotations.mentions) assert.strictEqual(slice(moved, m.start, m.end), m.text);
    assert.deepStrictEqual(r.annotations.mentions.map((m) => m.start), [at(moved, 'Amrullah Saleh'), at(moved, 'Northern Alliance'), at(moved, 'Muttaqi', 1)]);
  });

  it('counts CRLF as two and an emoji as one when an edit adds them', () => {
    const ms = seedMentions().map((m) => ctx(SEED, m));
    const crlf = SEED.replace(/\n/g, '\r\n');
    const r = reanchor(annotations(ms), '😀 ' + crlf);
    // Line 1 has no break before these, line 3 has two more (two CRLF).
    assert.deepStrictEqual(r.entries.map(summary), ['moved:48-55', 'moved:132-155', 'moved:464-471']);
    for (const m of r.annotations.mentions) assert.strictEqual(slice('😀 ' + crlf, m.start, m.end), m.text);
  });

  it('re-anchors a hand-written sidecar without context from the order of its mentions', () => {
    const bare = [
      mention(SEED, 'Taliban', 0),
      mention(SEED, 'Mullah Amir Khan Motaqi'),
      mention(SEED, 'Muttaqi', 0),
      mention(SEED, 'Northern Alliance', 0),
      mention(SEED, 'Muttaqi', 1),
    ];
    const { text } = insertAt(SEED, 17, 'Breaking: ');
    const r = reanchor(annotations(bare), text);
    assert.ok(
      r.entries.every((e) => e.status === 'moved' && e.by === 'position'),
      r.entries.map(summary).join(' '),
    );
    assert.deepStrictEqual(
      r.annotations.mentions.map((m) => m.start),
      bare.map((m) => m.start + 10),
    );
  });

  it('places a repeated name by its neighbours’ shift when a neighbour bounds it', () => {
    // Only the first Muttaqi is annotated; the Northern Alliance after it bounds its window.
    const bare = [mention(SEED, 'Mullah Amir Khan Motaqi'), mention(SEED, 'Muttaqi', 0), mention(SEED, 'Northern Alliance', 0)];
    const { text } = insertAt(SEED, 17, 'Breaking: ');
    const r = reanchor(annotations(bare), text);
    assert.deepStrictEqual(r.entries.map(summary), bare.map((m) => `moved:${m.start + 10}-${m.end + 10}`));
  });

  it('refuses to guess between two occurrences that nothing tells apart', () => {
    // No context, no later neighbour, two Muttaqi after the last placed mention: either could be it.
    const bare = [mention(SEED, 'Mullah Amir Khan Motaqi'), mention(SEED, 'Muttaqi', 0)];
    const { text } = insertAt(SEED, 17, 'Breaking: ');
    const r = reanchor(annotations(bare), text);
    assert.deepStrictEqual(r.entries.map(summary), ['moved:140-163', 'orphaned:ambiguous']);
  });

  it('trusts offsets whose text is in place when the sidecar has no sha256', () => {
    const bare = [mention(SEED, 'Taliban', 3), mention(SEED, 'Muttaqi', 1)];
    const r = reanchor(annotations(bare, [], false), SEED + '\nAppended.');
    assert.deepStrictEqual(r.entries.map(summary), bare.map((m) => `kept:${m.start}-${m.end}`));
    assert.ok(r.entries.every((e) => e.by === 'offsets'));
  });

  it('re-attaches an orphan whose text reappears with its context', () => {
    const m = ctx(SEED, mention(SEED, 'Mullah Amir Khan Motaqi'));
    const orphan = { ...m, start: 999, end: 1022, orphaned: true };
    const r = reanchor(annotations([orphan]), SEED);
    assert.strictEqual(summary(r.entries[0]), 'reattached:130-153');
    assert.strictEqual(r.annotations.mentions[0].orphaned, undefined);
    // Still gone: stays an orphan, unchanged.
    const r2 = reanchor(annotations([orphan]), SEED.replace('Motaqi', 'M.'));
    assert.strictEqual(r2.entries[0].status, 'orphaned');
    assert.deepStrictEqual(r2.annotations.mentions[0], orphan);
    assert.strictEqual(r2.changed, false);
  });

  it('finds a quotation again after a small edit inside it and takes its new text', () => {
    const start = at(SEED, '"My brothers');
    const end = at(SEED, 'vain,"') + 6;
    const q: Quote = ctx(SEED, { start, end, speaker: 'muttaqi', text: slice(SEED, start, end) });
    const t2 = SEED.replace('we tried our best', 'we have tried our best');
    const r = reanchor(annotations([], [q]), t2);
    const e = r.entries[0];
    assert.strictEqual(e.status, 'moved');
    assert.ok(e.textChanged);
    const q2 = r.annotations.quotes[0];
    assert.strictEqual(q2.text, slice(t2, q2.start, q2.end));
    assert.ok(q2.text.startsWith('"My brothers, we have tried'));
  });

  it('keeps a fuzzily found quotation on its own marks, and refuses one found twice', () => {
    const start = at(SEED, '"My brothers');
    const end = at(SEED, 'vain,"') + 6;
    const q: Quote = { start, end, text: slice(SEED, start, end) };
    const t2 = SEED.replace('"My brothers', '"Dear brothers');
    const r = reanchor(annotations([], [q]), t2);
    assert.deepStrictEqual([r.entries[0].status, r.entries[0].textChanged, r.entries[0].to], ['moved', true, { start, end: end + 2 }]);
    assert.ok(r.annotations.quotes[0].text.startsWith('"Dear brothers'));
    assert.ok(r.annotations.quotes[0].text.endsWith('all in vain,"'));
    // The edited quotation appears twice, as close to the stored text: nothing tells which.
    const edited = r.annotations.quotes[0].text;
    assert.strictEqual(summary(reanchor(annotations([], [q]), `${t2}\n\n${edited}\n`).entries[0]), 'orphaned:ambiguous');
    // A second copy edited further is only a runner-up: the closer one is taken.
    const further = `${t2}\n\n${edited.replace('our best', 'our very best')}\n`;
    assert.strictEqual(summary(reanchor(annotations([], [q]), further).entries[0]), `moved:${start}-${end + 2}`);
  });

  it('reports orphans with a reason and a sentence, never dropping them', () => {
    const ms = [mention(SEED, 'Taliban', 0), { entity: 'x', start: 5, end: 9, text: 'Zzzz' }];
    const r = reanchor(annotations(ms), SEED);
    assert.strictEqual(r.annotations.mentions.length, 2);
    assert.strictEqual(r.entries[1].reason, 'not-found');
    assert.match(r.entries[1].detail!, /“Zzzz” no longer occurs/);
  });
});
