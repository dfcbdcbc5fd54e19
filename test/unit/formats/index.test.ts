import * as assert from 'assert';
import { createExporter, EXPORT_FORMATS, FORMATS, IMPORT_FORMATS, isExportFormat, isImportFormat } from '../../../src/core/formats';
import { designSeed } from './support';

describe('formats (registry)', () => {
  it('lists the formats of DESIGN.md, and which ones import', () => {
    assert.deepStrictEqual(EXPORT_FORMATS, ['jsonl', 'conll', 'brat', 'w3c', 'csv']);
    assert.deepStrictEqual(IMPORT_FORMATS, ['brat', 'jsonl']);
    assert.deepStrictEqual(EXPORT_FORMATS.filter((f) => FORMATS[f].importable), ['jsonl', 'brat']);
    assert.ok(isExportFormat('w3c') && !isExportFormat('xml'));
    assert.ok(isImportFormat('brat') && !isImportFormat('csv'));
  });

  it('builds an exporter of the right kind for every format', () => {
    for (const format of EXPORT_FORMATS) {
      const ex = createExporter(format);
      assert.strictEqual(ex.format, format);
      assert.strictEqual(ex.kind, FORMATS[format].output);
      if (ex.kind === 'stream') {
        const out = ex.header() + ex.document(designSeed()).text + ex.footer();
        assert.ok(out.includes('Taliban'), format);
      } else {
        assert.deepStrictEqual(ex.document(designSeed()).files.map((f) => f.name), ['000_eb28ad2c764fb3cf.txt', '000_eb28ad2c764fb3cf.ann']);
        assert.deepStrictEqual(ex.finish().map((f) => f.name), ['annotation.conf', 'visual.conf']);
      }
    }
  });
});
