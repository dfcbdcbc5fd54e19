import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

interface AutoClosingPair {
  open: string;
  close: string;
  notIn?: string[];
}

interface LanguageConfiguration {
  brackets: [string, string][];
  autoClosingPairs: AutoClosingPair[];
  surroundingPairs: [string, string][];
  wordPattern: string;
}

// Plain JSON (no comments), so JSON.parse reads it exactly as VS Code's JSONC reader does.
const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'language-configuration.json'), 'utf8')) as LanguageConfiguration;

/**
 * VS Code reads a string `wordPattern` with `new RegExp(pattern)` (no flags) and adds `g` when it
 * uses it; the object form `{pattern, flags}` may add `u`. The pattern must give the same words
 * either way, so it is checked under both.
 */
const FLAGS = ['g', 'gu'];
const words = (text: string, flags: string): string[] => text.match(new RegExp(config.wordPattern, flags)) ?? [];

describe('language-configuration.json', () => {
  it('auto-closes straight and curly double quotes and brackets, never an apostrophe', () => {
    const pairs = config.autoClosingPairs.map((p) => p.open + p.close);
    for (const pair of ['""', '“”', '()', '[]']) assert.ok(pairs.includes(pair), pair);
    for (const p of config.autoClosingPairs) assert.ok(!["'", '’', '‘'].includes(p.open), `auto-closes ${p.open}`);
    // Typing a quote mark inside a quotation closes it rather than opening a pair.
    for (const p of config.autoClosingPairs.filter((q) => q.open === '"' || q.open === '“')) assert.deepStrictEqual(p.notIn, ['string']);
  });

  it('surrounds a selection with straight, curly and single curly quotes and brackets', () => {
    const pairs = config.surroundingPairs.map(([a, b]) => a + b);
    for (const pair of ['""', '“”', '‘’', '()', '[]']) assert.ok(pairs.includes(pair), pair);
    assert.deepStrictEqual(config.brackets, [['(', ')'], ['[', ']']]);
  });

  for (const flags of FLAGS) {
    it(`wordPattern keeps names, contractions and compounds whole (flags ${flags})`, () => {
      const text =
        'Taliban’s US-led Herāt, Mazār-i-Sharīf; Ismāʿīl Khān don\'t Afghanistan\'s \'90s insurgents’ (Kabul) [sic] ' +
        '"went in vain." “quote” Hera\u0304t 4.5 1996-2001 a—b x…y \u{1F1E6}\u{1F1EB} no\u{1F600}';
      assert.deepStrictEqual(words(text, flags), [
        'Taliban’s', 'US-led', 'Herāt', 'Mazār-i-Sharīf', 'Ismāʿīl', 'Khān', "don't", "Afghanistan's", '90s', 'insurgents',
        'Kabul', 'sic', 'went', 'in', 'vain', 'quote', 'Hera\u0304t', '4.5', '1996-2001', 'a', 'b', 'x', 'y', '\u{1F1E6}\u{1F1EB}', 'no\u{1F600}',
      ]);
    });

    it(`wordPattern never splits a surrogate pair or a combining mark, and is fast (flags ${flags})`, () => {
      const seeds = fs.readdirSync(path.join(ROOT, 'seeds')).filter((f) => f.endsWith('.txt'));
      for (const seed of seeds) {
        const text = fs.readFileSync(path.join(ROOT, 'seeds', seed), 'utf8');
        for (const w of words(text, flags)) {
          assert.ok(!/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(w), `${seed}: ${JSON.stringify(w)}`);
          assert.ok(!/^\p{M}/u.test(w), `${seed}: ${JSON.stringify(w)}`);
        }
      }
      const long = 'a-'.repeat(200_000) + ' ' + "b'".repeat(200_000) + '!';
      const t0 = performance.now();
      words(long, flags);
      assert.ok(performance.now() - t0 < 1000);
    });
  }
});
