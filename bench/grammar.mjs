// Grammar and parser throughput: shows that neither the TextMate grammar (through vscode-textmate
// + vscode-oniguruma, as in VS Code) nor src/core/article.ts backtracks catastrophically.
//
//   node --import tsx bench/grammar.mjs
//
// Inputs, generated: a 1 MB single-line paragraph dense with straight and curly quotations and
// apostrophes that ends in an unterminated quotation; adversarial 1 MB lines (only quote marks;
// one quotation left open over 1 MB of white space; apostrophes only); a 10 MB article of
// paragraphs with multi-paragraph quotations. Prints MB/s (MB = 10^6 bytes of UTF-8) and the
// slowest line, and each time as a ratio to a floor measured in the same run (one plain loop over
// the text's characters), so the figures compare across machines. VS Code itself stops tokenizing a line after editor.maxTokenizationLineLength
// (20 000 characters by default); the grammar is timed on whole lines all the same.
import { performance } from 'node:perf_hooks';
import { parseArticle } from '../src/core/article.ts';
import { loadSeedGrammar, splitLines, tokenizeLines } from '../test/grammar/textmate.ts';

const MB = 1e6;
const sizeMB = (text) => Buffer.byteLength(text, 'utf8') / MB;

function repeatTo(unit, bytes) {
  return unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit, 'utf8')));
}

const denseUnit = 'The Taliban’s envoy said "we don\'t want war," adding “it’s over” in the \'90s sense; Afghanistan\'s "elders" ';
const inputs = [
  { name: '1 MB line, dense quotes + apostrophes, open at the end', text: 'date 2021-09-01 ' + repeatTo(denseUnit, MB) + '"and it never closes' },
  { name: '1 MB line of quote marks only ("“”"...)', text: repeatTo('"“”', MB) },
  { name: '1 MB line: one open quotation, then white space', text: 'He said "' + ' '.repeat(MB) },
  { name: '1 MB line of apostrophes and words', text: repeatTo("don't Taliban’s '90s ’ ' ", MB) },
];

function article(bytes) {
  const paragraphs = [
    'Residents said the talks "went in vain," and the Taliban’s spokesman did not answer. The elders of Panjshir met again on Friday, officials said.',
    '"We tried our best to solve the problem with talks and negotiations," Muttaqi said in an audio message. “Those who want to fight, tell them it is enough.”',
    'A council member said: “We were told reinforcements would arrive from Kabul. They never came, and by evening the police had left their posts.',
    '“Some of the commanders negotiated their own surrender. Others simply took off their uniforms and went home.',
    '“By midnight there was nobody left to give orders,” he said. Afghanistan\'s capital fell to insurgents last month; the US-led troops left in the \'90s style.',
  ];
  const unit = paragraphs.join('\n\n') + '\n\n';
  return 'date 2021-09-01 ' + repeatTo(unit, bytes);
}
inputs.push({ name: '10 MB article, many paragraphs', text: article(10 * MB) });

/** The floor: one pass over the text that counts quote-like characters. */
function floor(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 0x201c || c === 0x201d) n++;
  }
  return n;
}

const grammar = await loadSeedGrammar();
// Warm up both engines (JIT, regex compilation) so the first input is not charged for it.
for (let i = 0; i < 20; i++) {
  const warm = article(20_000);
  tokenizeLines(grammar, splitLines(warm));
  parseArticle(warm);
  floor(warm);
}
const started = performance.now();
for (const { name, text } of inputs) {
  const mb = sizeMB(text);
  const lines = splitLines(text);

  let t0 = performance.now();
  floor(text);
  const floorMs = Math.max(performance.now() - t0, 0.01);

  t0 = performance.now();
  const tokens = tokenizeLines(grammar, lines);
  const grammarMs = performance.now() - t0;

  t0 = performance.now();
  const parsed = parseArticle(text);
  const parserMs = performance.now() - t0;
  // The parser's slowest line: parse the longest line alone.
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
  t0 = performance.now();
  parseArticle(longest);
  const parserLineMs = performance.now() - t0;

  console.log(name);
  console.log(`  ${mb.toFixed(2)} MB, ${lines.length} lines, ${tokens.quotes.length} quotation tokens, ${parsed.quotes.length} quotations`);
  console.log(`  grammar (vscode-textmate): ${(mb / (grammarMs / 1000)).toFixed(2)} MB/s, ${(grammarMs / 1000).toFixed(2)} s, slowest line ${tokens.slowestLineMs.toFixed(1)} ms, ${(grammarMs / floorMs).toFixed(0)}x floor`);
  console.log(`  parser  (article.ts):      ${(mb / (parserMs / 1000)).toFixed(2)} MB/s, ${(parserMs / 1000).toFixed(3)} s, longest line alone ${parserLineMs.toFixed(1)} ms, ${(parserMs / floorMs).toFixed(0)}x floor`);
}
// Linear or not: time the dense line at 1/4 of its size; linear work takes about 4x as long at
// full size, quadratic work 16x.
{
  const quarter = repeatTo(denseUnit, MB / 4) + '"open';
  const full = repeatTo(denseUnit, MB) + '"open';
  // Best of three, after a collection when --expose-gc allows it (npm run bench passes it).
  const time = (f) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      const t0 = performance.now();
      f();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const g = time(() => tokenizeLines(grammar, [full])) / time(() => tokenizeLines(grammar, [quarter]));
  const p = time(() => parseArticle(full)) / time(() => parseArticle(quarter));
  console.log(`scaling 0.25 MB -> 1 MB dense line (linear ~4x, quadratic ~16x): grammar ${g.toFixed(1)}x, parser ${p.toFixed(1)}x`);
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
