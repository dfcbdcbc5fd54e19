import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { SidecarDocument } from '../../src/core/sidecar';
import { entityLine } from '../../src/core/sidecarEntityLine';

describe('sidecarEntityLine', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sidecars', '000_eb28ad2c764fb3cf.ann.yaml'), 'utf8');
  const doc = SidecarDocument.parse(text);
  const lines = text.split('\n');

  it('finds the line of each entity entry, comments and blank lines included', () => {
    for (const id of ['muttaqi', 'taliban', 'panjshir']) {
      const line = entityLine(doc, id);
      assert.ok(line !== undefined, id);
      assert.match(lines[line], new RegExp(`^\\s*- id: ${id}\\b`));
    }
  });

  it('is undefined for an unknown entity or a sidecar without entities', () => {
    assert.strictEqual(entityLine(doc, 'nobody'), undefined);
    assert.strictEqual(entityLine(SidecarDocument.parse('schema: 1\narticle: a.txt\n'), 'x'), undefined);
  });
});
