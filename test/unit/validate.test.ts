import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SidecarDocument } from '../../src/core/sidecar';
import { formatProblem, hasErrors, validateSidecar } from '../../src/core/validate';

const SEED = fs.readFileSync(path.join(__dirname, '../../seeds/000_eb28ad2c764fb3cf.txt'), 'utf8');
const FIXTURE = fs.readFileSync(path.join(__dirname, '../fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml'), 'utf8');
const FILE = 'seeds/a.ann.yaml';

/** A small valid sidecar of the seed; `mentions` and `extra` lines are appended. */
function sidecar(mentions: string[] = [], extra: string[] = []): string {
  return [
    'schema: 1',
    'article: a.txt',
    'entities:',
    '  - id: taliban',
    '    type: ORG',
    '    name: Taliban',
    '  - id: muttaqi',
    '    type: PERSON',
    '    name: Amir Khan Muttaqi',
    'mentions:',
    '  - {entity: taliban, start: 46, end: 53, text: Taliban}',
    ...mentions,
    ...extra,
    '',
  ].join('\n');
}

function check(text: string, withArticle = true): string[] {
  return validateSidecar(text, { file: FILE, articleText: withArticle ? SEED : undefined }).map(formatProblem);
}

describe('validate', () => {
  it('passes the seed fixture, whose orphan is a warning', () => {
    const problems = validateSidecar(FIXTURE, { file: 'test/fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml', articleText: SEED, articleName: '000_eb28ad2c764fb3cf.txt' });
    assert.deepEqual(problems.map(formatProblem), ["test/fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml:28: warning: orphaned mention 'Mawlawi Muttaqi' (entity muttaqi)"]);
    assert.equal(hasErrors(problems), false);
    assert.deepEqual(problems[0], {
      file: 'test/fixtures/sidecars/000_eb28ad2c764fb3cf.ann.yaml',
      line: 28,
      column: 5,
      severity: 'warning',
      reason: "orphaned mention 'Mawlawi Muttaqi' (entity muttaqi)",
    });
  });

  it('accepts a parsed SidecarDocument as well as text', () => {
    assert.deepEqual(validateSidecar(SidecarDocument.parse(sidecar()), { file: FILE, articleText: SEED }), []);
  });

  it('reports a YAML syntax error at the parser’s line', () => {
    assert.deepEqual(check('schema: 1\narticle: a.txt\nmentions:\n  - {entity: taliban, start: 46\n'), [
      'seeds/a.ann.yaml:5: error: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    assert.deepEqual(check('schema: 1\nschema: 2\n'), ['seeds/a.ann.yaml:2: error: YAML syntax error: Map keys must be unique']);
    assert.deepEqual(check('schema: 1\narticle: "a.txt\n'), ['seeds/a.ann.yaml:3: error: YAML syntax error: Missing closing "quote']);
  });

  it('refuses an alias bomb and a huge input quickly', () => {
    const bomb = ['schema: 1', 'a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', ''].join('\n');
    assert.deepEqual(check(bomb), ['seeds/a.ann.yaml:1: error: too many YAML alias expansions (more than 100): refused as a possible alias bomb']);
    const t0 = Date.now();
    assert.deepEqual(check(`# ${'x'.repeat(20 * 1024 * 1024 + 1)}\n`), ['seeds/a.ann.yaml:1: error: sidecar too large (20.0 MB; the limit is 20.0 MB)']);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('reports a sidecar that is not a mapping', () => {
    assert.deepEqual(check(''), ['seeds/a.ann.yaml:1: error: a sidecar must be a YAML mapping with schema, article, entities and mentions']);
    assert.deepEqual(check('# c\n- a\n'), ['seeds/a.ann.yaml:2: error: a sidecar must be a YAML mapping with schema, article, entities and mentions']);
  });

  it('reports missing required fields at their entry', () => {
    assert.deepEqual(check('# header\nentities: []\nmentions: []\n'), [
      "seeds/a.ann.yaml:2: error: missing required field 'schema'",
      "seeds/a.ann.yaml:2: error: missing required field 'article'",
    ]);
    assert.deepEqual(check(sidecar([], ['  - {entity: muttaqi, start: 460, text: Muttaqi}', '  - {start: 460, end: 467}'])), [
      "seeds/a.ann.yaml:12: error: mention 2 (Muttaqi): missing required field 'end'",
      "seeds/a.ann.yaml:13: error: mention 3: missing required field 'entity'",
      "seeds/a.ann.yaml:13: error: mention 3: missing required field 'text'",
    ]);
    const noName = sidecar().replace('    name: Amir Khan Muttaqi\n', '');
    assert.deepEqual(check(noName), ["seeds/a.ann.yaml:7: error: entity 2 (muttaqi): missing required field 'name'"]);
    const noId = sidecar().replace('  - id: muttaqi\n    type: PERSON', '  - type: PERSON');
    assert.deepEqual(check(noId), ["seeds/a.ann.yaml:7: error: entity 2: missing required field 'id'"]);
    assert.deepEqual(check(sidecar([], ['quotes:', '  - {start: 335, speaker: muttaqi}'])), [
      "seeds/a.ann.yaml:13: error: quote 1: missing required field 'end'",
      "seeds/a.ann.yaml:13: error: quote 1: missing required field 'text'",
    ]);
    assert.deepEqual(check(sidecar([], ['relations:', '  - {type: member_of, from: muttaqi}'])), [
      "seeds/a.ann.yaml:13: error: relation 1 (member_of): missing required field 'to'",
    ]);
  });

  it('reports wrong types at the value, with a hint for unquoted text', () => {
    assert.deepEqual(check(sidecar(['  - {entity: muttaqi, start: "460", end: 467, text: Muttaqi}'])), [
      `seeds/a.ann.yaml:12: error: mention 2 (Muttaqi): 'start' must be a non-negative integer (a code-point offset), not the string "460"`,
    ]);
    assert.deepEqual(check(sidecar(['  - {entity: muttaqi, start: 460, end: 467.5, text: Muttaqi}'])), [
      "seeds/a.ann.yaml:12: error: mention 2 (Muttaqi): 'end' must be a non-negative integer (a code-point offset), not the number 467.5",
    ]);
    assert.deepEqual(check(sidecar(['  - {entity: muttaqi, start: 0, end: 4, text: 2021}'])), [
      `seeds/a.ann.yaml:12: error: mention 2: 'text' must be a string, not the number 2021 (to keep it as text, quote it: "2021")`,
    ]);
    assert.deepEqual(check(sidecar(['  - {entity: muttaqi, start: 460, end: 467, text: Muttaqi, orphaned: yes}'])), [
      `seeds/a.ann.yaml:12: error: mention 2 (Muttaqi): 'orphaned' must be true or false, not the string "yes"`,
      'seeds/a.ann.yaml:12: warning: "yes" is read as a boolean by YAML 1.1 readers such as PyYAML: quote it',
    ]);
    assert.deepEqual(check('schema: "1"\narticle: 5\nsha256: abc\nentities: {}\nmentions: []\n'), [
      `seeds/a.ann.yaml:1: error: 'schema' must be an integer, not the string "1"`,
      `seeds/a.ann.yaml:2: error: 'article' must be a string, not the number 5 (to keep it as text, quote it: "5")`,
      "seeds/a.ann.yaml:3: error: 'sha256' must be 64 hexadecimal digits",
      "seeds/a.ann.yaml:4: error: 'entities' must be a list, not a mapping",
    ]);
    const badEntity = sidecar().replace('    name: Taliban\n', '    name: Taliban\n    aliases: Talibs\n    links: [x]\n');
    assert.deepEqual(check(badEntity), [
      "seeds/a.ann.yaml:7: error: entity 1 (taliban): 'aliases' must be a list of strings",
      "seeds/a.ann.yaml:8: error: entity 1 (taliban): 'links' must be a mapping of names to strings",
    ]);
    assert.deepEqual(check(sidecar(['  - just text'])), [
      'seeds/a.ann.yaml:12: error: mention 2: must be a mapping with entity, start, end and text, not the string "just text"',
    ]);
  });

  it('reports unknown entity references', () => {
    assert.deepEqual(check(sidecar(['  - {entity: talibn, start: 167, end: 174, text: Taliban}'])), [
      "seeds/a.ann.yaml:12: error: mention 2 (Taliban): unknown entity 'talibn'",
    ]);
    assert.deepEqual(check(sidecar([], ['quotes:', '  - {start: 335, end: 337, speaker: nobody, text: "\\"M"}'])), [
      "seeds/a.ann.yaml:13: error: quote 1 (\"M): unknown speaker 'nobody'",
    ]);
    assert.deepEqual(check(sidecar([], ['relations:', '  - {type: member_of, from: muttaqi, to: talibans}'])), [
      "seeds/a.ann.yaml:13: error: relation 1 (member_of): unknown entity in 'to': 'talibans'",
    ]);
  });

  it('reports duplicate entity ids and ids with white space', () => {
    const dup = sidecar().replace('  - id: muttaqi', '  - id: taliban');
    assert.deepEqual(check(dup), ["seeds/a.ann.yaml:7: error: duplicate entity id 'taliban' (first defined on line 4)"]);
    const spaced = sidecar().replace('  - id: muttaqi', '  - id: amir khan');
    assert.deepEqual(check(spaced), ["seeds/a.ann.yaml:7: error: entity id 'amir khan' contains white space"]);
  });

  it('reports start >= end', () => {
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 60, end: 53, text: Taliban}'])), ['seeds/a.ann.yaml:12: error: mention 2 (Taliban): start 60 >= end 53']);
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 53, end: 53, text: Taliban}'])), ['seeds/a.ann.yaml:12: error: mention 2 (Taliban): start 53 >= end 53']);
  });

  it('reports offsets past the end of the article, in code points', () => {
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 2160, end: 2163, text: es)}'])), [
      'seeds/a.ann.yaml:12: error: mention 2 (es)): end 2163 is past the end of the article (2162 code points)',
    ]);
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 3000, end: 3007, text: Taliban}'])), [
      'seeds/a.ann.yaml:12: error: mention 2 (Taliban): start 3000 is past the end of the article (2162 code points)',
    ]);
    // Without the article there is nothing to compare.
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 3000, end: 3007, text: Taliban}']), false), []);
  });

  it('reports text that differs from the article slice', () => {
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 166, end: 173, text: Taliban}'])), [
      'seeds/a.ann.yaml:12: error: mention 2 (Taliban): text differs from the article, which has " Taliba" at [166, 173)',
    ]);
    assert.deepEqual(check(sidecar([], ['quotes:', '  - {start: 1249, end: 1338, text: "\\"don\'t want"}'])), [
      `seeds/a.ann.yaml:13: error: quote 1 ("don't want): text differs from the article, which has "\\"don't want the problems to be solved p…" at [1249, 1338)`,
    ]);
  });

  it('counts offsets in code points across emoji, combining marks and CRLF', () => {
    // The family emoji is 5 code points (3 people, 2 joiners); the ā is a + U+0304; CRLF is 2.
    const article = 'date 2021-09-01 \u{1F469}\u200D\u{1F469}\u200D\u{1F467} Hera\u0304t\r\nKabul';
    const text = sidecar().replace(
      '  - {entity: taliban, start: 46, end: 53, text: Taliban}',
      '  - {entity: taliban, start: 16, end: 21, text: "\\U0001F469\\u200D\\U0001F469\\u200D\\U0001F467"}\n  - {entity: taliban, start: 22, end: 28, text: "Hera\\u0304t"}\n  - {entity: taliban, start: 30, end: 35, text: Kabul}',
    );
    assert.deepEqual(validateSidecar(text, { file: FILE, articleText: `\uFEFF${article}` }), []);
  });

  it('warns about orphans instead of comparing their text', () => {
    assert.deepEqual(check(sidecar(['  - {entity: muttaqi, start: 1905, end: 1920, text: Mawlawi Muttaqi, orphaned: true}'])), [
      "seeds/a.ann.yaml:12: warning: orphaned mention 'Mawlawi Muttaqi' (entity muttaqi)",
    ]);
    assert.deepEqual(check(sidecar([], ['quotes:', '  - {start: 3000, end: 3010, text: "\\"gone\\"", orphaned: true}'])), [
      `seeds/a.ann.yaml:13: warning: orphaned quote '"gone"'`,
    ]);
  });

  it('reports an unsupported schema version', () => {
    assert.deepEqual(check(sidecar().replace('schema: 1', 'schema: 2')), ['seeds/a.ann.yaml:1: error: unsupported schema version 2 (this version of Seed Annotator reads schema 1)']);
  });

  it('warns about values YAML 1.1 readers read differently, and other checks', () => {
    const text = sidecar().replace('    name: Taliban', '    name: no').replace('article: a.txt', 'article: b.txt');
    assert.deepEqual(
      validateSidecar(text, { file: FILE, articleText: SEED, articleName: 'a.txt' }).map(formatProblem),
      [
        "seeds/a.ann.yaml:2: warning: article 'b.txt' does not match the sidecar's file name (expected 'a.txt')",
        'seeds/a.ann.yaml:6: warning: "no" is read as a boolean by YAML 1.1 readers such as PyYAML: quote it',
      ],
    );
    assert.deepEqual(check(sidecar(['  - {entity: taliban, start: 46, end: 53, text: Taliban}'])), [
      'seeds/a.ann.yaml:12: warning: mention 2 (Taliban): same entity and offsets as mention 1',
    ]);
    assert.deepEqual(check(sidecar([], ['x-unknown: {anything: [1, 2]}'])), []);
  });
});
