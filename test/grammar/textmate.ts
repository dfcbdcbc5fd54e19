/**
 * Test helper: tokenizes text with the project's TextMate grammar through the engine VS Code
 * uses (vscode-textmate + vscode-oniguruma, installed as dependencies of vscode-tmgrammar-test),
 * and reads the header and quotation spans out of the tokens. Used by test/unit/article.test.ts
 * (the parser must agree with the grammar) and bench/grammar.mjs.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

// (__filename rather than __dirname: tsx's ESM loader, used by the bench, sets only the former right.)
export const ROOT = path.resolve(path.dirname(__filename), '..', '..');
export const GRAMMAR_PATH = path.join(ROOT, 'syntaxes', 'seed.tmLanguage.json');
export const FIXTURE_DIR = path.join(ROOT, 'test', 'grammar');

const Q = 'string.quoted.double.seed';
const B = 'punctuation.definition.string.begin.seed';
const E = 'punctuation.definition.string.end.seed';
const H = 'meta.header.date.seed';
const K = 'keyword.other.date.seed';
const D = 'constant.numeric.date.seed';

let grammarPromise: Promise<vsctm.IGrammar> | undefined;

/** The seed grammar, loaded once per process. */
export function loadSeedGrammar(): Promise<vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === 'text.seed' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const grammar = await registry.loadGrammar('text.seed');
    if (!grammar) throw new Error('cannot load text.seed');
    return grammar;
  })();
  return grammarPromise;
}

/** A quotation token run on one line, UTF-16 columns. */
export interface GrammarQuote {
  line: number;
  start: number;
  end: number;
  closed: boolean;
}

/** The header tokens of line 0, UTF-16 columns. */
export interface GrammarHeader {
  start: number;
  end: number;
  keyword: [number, number];
  value: [number, number];
}

export interface Tokenized {
  quotes: GrammarQuote[];
  header?: GrammarHeader;
  /** Milliseconds spent on the slowest line. */
  slowestLineMs: number;
}

/** Splits a text into lines as VS Code does: at CRLF, LF or a lone CR. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Tokenizes lines in order (the first one is the file's first line) and collects the spans. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: string[]): Tokenized {
  const quotes: GrammarQuote[] = [];
  let header: GrammarHeader | undefined;
  let stack = vsctm.INITIAL;
  let slowestLineMs = 0;
  lines.forEach((line, lineNo) => {
    const t0 = performance.now();
    const { tokens, ruleStack } = grammar.tokenizeLine(line, stack);
    slowestLineMs = Math.max(slowestLineMs, performance.now() - t0);
    stack = ruleStack;
    let current: GrammarQuote | undefined;
    for (const token of tokens) {
      const start = Math.min(token.startIndex, line.length);
      const end = Math.min(token.endIndex, line.length);
      if (end <= start) continue;
      const scopes = token.scopes;
      if (scopes.includes(Q)) {
        if (!current || scopes.includes(B)) {
          current = { line: lineNo, start, end, closed: false };
          quotes.push(current);
        }
        current.end = end;
        if (scopes.includes(E)) current.closed = true;
      } else {
        current = undefined;
      }
      if (scopes.includes(H)) {
        header ??= { start, end, keyword: [-1, -1], value: [-1, -1] };
        header.end = end;
        if (scopes.includes(K)) header.keyword = header.keyword[0] < 0 ? [start, end] : [header.keyword[0], end];
        if (scopes.includes(D)) header.value = header.value[0] < 0 ? [start, end] : [header.value[0], end];
      }
    }
  });
  return { quotes, header, slowestLineMs };
}

export interface Fixture {
  file: string;
  /** The source lines, as vscode-tmgrammar-test feeds them to the grammar. */
  lines: string[];
  /** The line end the fixture file uses. */
  eol: '\n' | '\r\n';
}

/**
 * The grammar fixtures (test/grammar/*.seed.txt) read the way vscode-tmgrammar-test reads them:
 * lines split at CRLF or LF, the header line and the assertion lines left out.
 */
export function loadFixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.seed.txt'))
    .sort()
    .map((file) => {
      const raw = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8');
      const all = raw.split(/\r\n|\n/);
      const comment = /^(\S+)\s+SYNTAX\s+TEST\s/.exec(all[0])?.[1];
      if (!comment) throw new Error(`${file}: no SYNTAX TEST header`);
      const lines = all.slice(1).filter((l) => !(l.startsWith(comment) && /^\s*(\^|<~*-+)/.test(l.slice(comment.length))));
      return { file, lines, eol: raw.includes('\r\n') ? '\r\n' : '\n' };
    });
}
