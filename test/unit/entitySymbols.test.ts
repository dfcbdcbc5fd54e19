import * as assert from 'assert';
import { editorFuzzyMatches, workspaceSymbolName } from '../../src/core/entitySymbols';

describe('entitySymbols', () => {
  it('matches as the editor does: pieces in order, case ignored, diacritics not', () => {
    assert.ok(editorFuzzyMatches('ines', 'Ines Varga'));
    assert.ok(editorFuzzyMatches('iv var', 'Inés Varga'));
    assert.ok(!editorFuzzyMatches('ines', 'Inés Varga'));
  });

  it('keeps the name when the editor would show it', () => {
    assert.strictEqual(workspaceSymbolName('varga', 'Inés Varga', 'Inés Varga'), 'Inés Varga');
    assert.strictEqual(workspaceSymbolName('', 'Herāt', 'Herāt'), 'Herāt');
  });

  it('adds the matching alias, or the plain form of a name with diacritics', () => {
    assert.strictEqual(workspaceSymbolName('motaqi', 'Amir Khan Muttaqi', 'Motaqi'), 'Amir Khan Muttaqi (Motaqi)');
    assert.strictEqual(workspaceSymbolName('ines', 'Inés Varga', 'Inés Varga'), 'Inés Varga (ines varga)');
    assert.strictEqual(workspaceSymbolName('herat', 'Herāt', 'Herāt'), 'Herāt (herat)');
  });
});
