import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { articleHead, CorpusBuildCancelled, CorpusIndex, discoverSidecars, openCorpus } from '../../src/core/corpus';
import type { CorpusChange } from '../../src/core/corpus';
import { packMentions, parseCache, serializeCache, ValuePool } from '../../src/core/corpusCache';
import type { EntryData } from '../../src/core/corpusCache';
import type { Annotations, Entity, Mention } from '../../src/core/model';
import { serializeAnnotations } from '../../src/core/sidecar';

// ---------------------------------------------------------------------------------------------
// A small corpus on disk

interface Doc {
  /** Path under the corpus root, without extension. */
  name: string;
  date?: string;
  text: string;
  entities: Entity[];
  /** [entity id, surface text, orphaned?]: offsets found in the text. */
  mentions: Array<[string, string, boolean?]>;
}

function cpIndexOf(text: string, needle: string, from = 0): number {
  const u = text.indexOf(needle, from);
  assert.ok(u >= 0, `${needle} in ${text}`);
  return Array.from(text.slice(0, u)).length;
}

function annotationsOf(doc: Doc, text: string): Annotations {
  const mentions: Mention[] = [];
  const seen = new Map<string, number>();
  for (const [entity, surface, orphaned] of doc.mentions) {
    const from = seen.get(surface) ?? 0;
    const start = cpIndexOf(text, surface, from === 0 ? 0 : text.indexOf(surface, 0) + 1);
    seen.set(surface, start + 1);
    const m: Mention = { entity, start, end: start + Array.from(surface).length, text: surface };
    if (orphaned) m.orphaned = true;
    mentions.push(m);
  }
  return { schema: 1, article: `${path.basename(doc.name)}.txt`, entities: doc.entities, mentions, quotes: [], relations: [] };
}

const DOCS: Doc[] = [
  {
    name: 'seeds/a/herat',
    date: '2021-08-13',
    text: 'Herāt fell to the Taliban on Friday. “The shops are closed,” said Farida. Amir Khan Muttaqi spoke.',
    entities: [
      { id: 'herat', type: 'GPE', name: 'Herāt' },
      { id: 'taliban', type: 'ORG', name: 'Taliban', links: { wikidata: 'Q42' } },
      { id: 'muttaqi', type: 'PERSON', name: 'Amir Khan Muttaqi', aliases: ['Muttaqi'] },
    ],
    mentions: [['herat', 'Herāt'], ['taliban', 'Taliban'], ['muttaqi', 'Amir Khan Muttaqi']],
  },
  {
    name: 'seeds/a/kabul',
    date: '2021-08-15',
    text: "Kabul's airport was crowded. Officials in Herat said the Taleban had arrived. Motaqi said nothing.",
    entities: [
      { id: 'kabul', type: 'GPE', name: 'Kabul' },
      { id: 'herat', type: 'GPE', name: 'Herat' },
      { id: 'taleban', type: 'ORG', name: 'Taleban', links: { wikidata: 'Q42' } },
      { id: 'motaqi', type: 'PERSON', name: 'Motaqi' },
    ],
    mentions: [['kabul', 'Kabul'], ['herat', 'Herat'], ['taleban', 'Taleban'], ['motaqi', 'Motaqi', true]],
  },
  {
    name: 'seeds/b/deep/georgia',
    text: 'Georgia and Georgia are different places.',
    entities: [
      { id: 'georgia', type: 'GPE', name: 'Georgia', links: { wikidata: 'Q230' } },
      { id: 'georgia-us', type: 'GPE', name: 'Georgia', links: { wikidata: 'Q1428' } },
    ],
    mentions: [['georgia', 'Georgia'], ['georgia-us', 'Georgia']],
  },
];

class Corpus {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-corpus-'));

  constructor(docs: readonly Doc[] = DOCS) {
    for (const d of docs) this.write(d);
  }

  path(name: string, ext: string): string {
    return path.join(this.root, `${name}${ext}`);
  }

  write(d: Doc): void {
    const text = `${d.date ? `date ${d.date} ` : ''}${d.text}\n`;
    fs.mkdirSync(path.dirname(this.path(d.name, '.txt')), { recursive: true });
    fs.writeFileSync(this.path(d.name, '.txt'), text);
    fs.writeFileSync(this.path(d.name, '.ann.yaml'), serializeAnnotations(annotationsOf(d, text)));
  }

  sidecars(): string[] {
    return DOCS.map((d) => this.path(d.name, '.ann.yaml')).sort();
  }

  /** Rewrites a file with new content and an mtime that differs from the previous one. */
  rewrite(file: string, text: string): void {
    const before = fs.statSync(file).mtimeMs;
    fs.writeFileSync(file, text);
    const t = new Date(Math.max(Date.now(), before + 2000));
    fs.utimesSync(file, t, t);
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

describe('corpus index', () => {
  let corpus: Corpus;
  beforeEach(() => {
    corpus = new Corpus();
  });
  afterEach(() => corpus.dispose());

  describe('discovery', () => {
    it('finds sidecars recursively, in path order, skipping node_modules and .git', async () => {
      for (const skipped of ['node_modules/pkg', '.git/x']) {
        fs.mkdirSync(path.join(corpus.root, skipped), { recursive: true });
        fs.writeFileSync(path.join(corpus.root, skipped, 'x.ann.yaml'), 'schema: 1\n');
      }
      fs.writeFileSync(path.join(corpus.root, 'seeds', 'a', 'notes.yaml'), 'not a sidecar\n');
      const found = await discoverSidecars([corpus.root]);
      assert.deepStrictEqual(found, corpus.sidecars());
    });

    it('takes files as they are: a sidecar, or an article mapped to its sidecar', async () => {
      const herat = corpus.path('seeds/a/herat', '.txt');
      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      assert.deepStrictEqual(await discoverSidecars([kabul, herat, path.join(corpus.root, 'missing.txt')]), [corpus.path('seeds/a/herat', '.ann.yaml'), kabul].sort());
    });

    it('honours another suffix', async () => {
      fs.writeFileSync(corpus.path('seeds/a/kabul', '.annotations.yml'), 'schema: 1\n');
      assert.deepStrictEqual(await discoverSidecars([corpus.root], '.annotations.yml'), [corpus.path('seeds/a/kabul', '.annotations.yml')]);
    });
  });

  describe('building', () => {
    it('indexes entries with date, title, entities and mentions', async () => {
      const index = new CorpusIndex();
      const stats = await index.build(corpus.sidecars());
      assert.equal(stats.parsed, 3);
      assert.equal(stats.fastPath, 3);
      const herat = index.entry(corpus.path('seeds/a/herat', '.txt'));
      assert.ok(herat);
      assert.equal(herat.date, '2021-08-13');
      assert.equal(herat.title, 'Herāt fell to the Taliban on Friday.');
      assert.deepStrictEqual(herat.entities.map((e) => e.id), ['herat', 'taliban', 'muttaqi']);
      assert.equal(herat.mentionCount, 3);
      assert.deepStrictEqual(herat.mentions()[0], { entity: 'herat', start: 16, end: 21, text: 'Herāt' });
      const georgia = index.entry(corpus.path('seeds/b/deep/georgia', '.ann.yaml'));
      assert.equal(georgia?.date, undefined);
      assert.equal(georgia?.title, 'Georgia and Georgia are different places.');
      assert.deepStrictEqual(
        index.articles().map((a) => [path.relative(corpus.root, a.articlePath), a.entityCount, a.mentionCount, a.orphanCount]),
        [
          [path.join('seeds', 'a', 'herat.txt'), 3, 3, 0],
          [path.join('seeds', 'a', 'kabul.txt'), 4, 4, 1],
          [path.join('seeds', 'b', 'deep', 'georgia.txt'), 2, 2, 0],
        ],
      );
    });

    it('reads unusual layouts with the full parser, and reports unreadable sidecars without dropping the others', async () => {
      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      fs.writeFileSync(kabul, fs.readFileSync(kabul, 'utf8').replace('name: Kabul', "name: 'Kabul'"));
      const georgia = corpus.path('seeds/b/deep/georgia', '.ann.yaml');
      fs.writeFileSync(georgia, 'schema: 1\narticle: georgia.txt\nentities: [\n');
      const index = new CorpusIndex();
      const stats = await index.build(corpus.sidecars());
      assert.equal(stats.fastPath, 1);
      assert.equal(stats.fallback, 2);
      assert.equal(index.entry(kabul)?.entities[0].name, 'Kabul');
      const failures = index.failures();
      assert.equal(failures.length, 1);
      assert.equal(failures[0].sidecarPath, georgia);
      assert.ok(failures[0].problems[0].line >= 1 && failures[0].problems[0].file === georgia);
      assert.equal(index.entry(georgia)?.entities.length, 0);
    });

    it('reports progress and yields to the event loop while it works', async () => {
      const many = new Corpus([]);
      try {
        const paths: string[] = [];
        for (let i = 0; i < 300; i++) {
          const d: Doc = { ...DOCS[i % 3], name: `seeds/n${i}` };
          many.write(d);
          paths.push(many.path(d.name, '.ann.yaml'));
        }
        const progress: Array<[number, number]> = [];
        let ticks = 0;
        const timer = setInterval(() => ticks++, 0);
        const index = new CorpusIndex({ sliceMs: 1 });
        await index.build(paths, { onProgress: (done, total) => progress.push([done, total]) });
        clearInterval(timer);
        assert.ok(progress.length >= 2, 'progress reported more than once');
        assert.deepStrictEqual(progress[progress.length - 1], [300, 300]);
        for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0]);
        assert.ok(ticks > 0, 'timers ran during the build');
        assert.equal(index.size, 300);
      } finally {
        many.dispose();
      }
    });

    it('stops when cancelled (AbortSignal or a cancellation token), keeping what it did', async () => {
      const index = new CorpusIndex({ sliceMs: 0 });
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(index.build(corpus.sidecars(), { signal: controller.signal }), CorpusBuildCancelled);
      // A VS Code CancellationToken: cancelled after two sidecars.
      let checks = 0;
      const token = {
        get isCancellationRequested() {
          return ++checks > 2;
        },
      };
      await assert.rejects(index.build(corpus.sidecars(), { signal: token }), (err: Error) => err.name === 'AbortError');
      assert.equal(index.size, 2, 'what was indexed before the cancellation stays');
      // A newer build supersedes an older one.
      const older = index.build(corpus.sidecars());
      const newer = index.build(corpus.sidecars());
      await assert.rejects(older, CorpusBuildCancelled);
      await newer;
      assert.equal(index.size, 3);
    });

    it('a second build reads only what changed and drops what is gone', async () => {
      const index = new CorpusIndex();
      await index.build(corpus.sidecars());
      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      corpus.rewrite(kabul, fs.readFileSync(kabul, 'utf8').replace('text: Kabul}', 'text: Kabul, orphaned: true}'));
      const stats = await index.build(corpus.sidecars().filter((p) => !p.includes('georgia')));
      assert.equal(stats.parsed, 1);
      assert.equal(index.size, 2);
      assert.equal(index.entry(kabul)?.orphanCount, 2);
    });
  });

  describe('incremental changes', () => {
    let index: CorpusIndex;
    let events: CorpusChange[];
    beforeEach(async () => {
      index = await openCorpus(corpus.sidecars());
      events = [];
      index.onDidChange((e) => events.push(e));
    });

    it('update re-reads one sidecar only, and the workspace entities follow', async () => {
      const herat = corpus.path('seeds/a/herat', '.ann.yaml');
      const before = index.stats.parsed;
      assert.equal(index.counts('GPE:herat').inWorkspace, 2);
      index.entityChanges();
      const text = fs.readFileSync(herat, 'utf8').replace('mentions:\n', 'mentions:\n  - {entity: herat, start: 0, end: 4, text: date}\n');
      corpus.rewrite(herat, text);
      await index.update(herat);
      assert.equal(index.stats.parsed - before, 1);
      assert.deepStrictEqual(events.map((e) => [e.kind, e.sidecars]), [['update', [herat]]]);
      assert.equal(index.counts('GPE:herat').inWorkspace, 3);
      assert.equal(index.counts({ articlePath: corpus.path('seeds/a/herat', '.txt'), entityId: 'herat' }).inArticle, 2);
      assert.ok(index.entityChanges().changed.includes('GPE:herat'));
    });

    it('update of an article refreshes its date and title without parsing the sidecar', async () => {
      const article = corpus.path('seeds/a/herat', '.txt');
      const before = index.stats.parsed;
      corpus.rewrite(article, 'date 2022-01-02 A new first sentence. More.\n');
      await index.update(article);
      assert.equal(index.stats.parsed, before);
      assert.equal(index.entry(article)?.date, '2022-01-02');
      assert.equal(index.entry(article)?.title, 'A new first sentence.');
    });

    it('update of a deleted sidecar removes it; remove forgets one', async () => {
      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      fs.rmSync(kabul);
      await index.update(kabul);
      assert.equal(index.entry(kabul), undefined);
      assert.equal(index.counts('GPE:herat').inWorkspace, 1);
      index.remove(corpus.path('seeds/a/herat', '.txt'));
      assert.equal(index.size, 1);
      assert.equal(index.workspaceEntity('GPE:herat'), undefined);
      assert.deepStrictEqual(events.map((e) => e.kind), ['remove', 'remove']);
    });

    it('rename moves an entry (and its annotations) without reading it', async () => {
      const oldArticle = corpus.path('seeds/a/kabul', '.txt');
      const newArticle = corpus.path('seeds/a/kabul-airport', '.txt');
      const before = index.stats.parsed;
      index.rename(oldArticle, newArticle);
      assert.equal(index.stats.parsed, before);
      assert.equal(index.entry(oldArticle), undefined);
      assert.deepStrictEqual(index.articleEntities(newArticle).map((e) => e.entity.id), ['kabul', 'herat', 'taleban', 'motaqi']);
      assert.equal(index.entry(newArticle)?.sidecarPath, corpus.path('seeds/a/kabul-airport', '.ann.yaml'));
      const herat = index.workspaceEntity('GPE:herat');
      assert.ok(herat?.members.some((m) => m.file === corpus.path('seeds/a/kabul-airport', '.ann.yaml')));
      assert.equal(events[0].kind, 'rename');
      assert.deepStrictEqual(events[0].renamed, { from: corpus.path('seeds/a/kabul', '.ann.yaml'), to: corpus.path('seeds/a/kabul-airport', '.ann.yaml') });
    });

    it('workspace queries during a build answer from the last merge, at once', async () => {
      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      fs.rmSync(kabul);
      const building = index.build(corpus.sidecars().filter((p) => p !== kabul));
      assert.ok(index.indexing);
      assert.equal(index.counts('GPE:herat').inWorkspace, 2, 'the last completed merge');
      await building;
      assert.ok(!index.indexing);
      assert.equal(index.counts('GPE:herat').inWorkspace, 1);
    });

    it('removeFolder forgets everything under a folder', () => {
      index.removeFolder(path.join(corpus.root, 'seeds', 'a'));
      assert.deepStrictEqual(index.entries().map((e) => path.basename(e.articlePath)), ['georgia.txt']);
    });

    it('updateFromText indexes text the caller already has', async () => {
      const georgia = corpus.path('seeds/b/deep/georgia', '.ann.yaml');
      const before = index.stats.parsed;
      await index.updateFromText(georgia, fs.readFileSync(georgia, 'utf8').replace(/ {2}- \{entity: georgia-us.*\n/, ''));
      assert.equal(index.stats.parsed - before, 1);
      assert.equal(index.entry(georgia)?.mentionCount, 1);
    });

    it('listeners can be disposed, and a failing listener does not break the others', async () => {
      const seen: string[] = [];
      index.onDidChange(() => {
        throw new Error('listener bug');
      });
      const d = index.onDidChange((e) => seen.push(e.kind));
      index.remove(corpus.path('seeds/a/herat', '.ann.yaml'));
      d.dispose();
      index.remove(corpus.path('seeds/a/kabul', '.ann.yaml'));
      assert.deepStrictEqual(seen, ['remove']);
    });
  });

  describe('cache', () => {
    it('a warm start parses nothing; a changed sidecar is the only one parsed', async () => {
      const cachePath = path.join(corpus.root, 'storage', 'corpus.cache');
      const cold = new CorpusIndex({ cachePath });
      assert.equal((await cold.build(corpus.sidecars())).parsed, 3);
      assert.ok(fs.existsSync(cachePath), 'the cache is written after a build');

      const warm = new CorpusIndex({ cachePath });
      const stats = await warm.build(corpus.sidecars());
      assert.equal(stats.parsed, 0);
      assert.equal(stats.fromCache, 3);
      for (const p of corpus.sidecars()) {
        const a = cold.entry(p);
        const b = warm.entry(p);
        assert.ok(a && b);
        assert.deepStrictEqual({ ...b, mentions: b.mentions() }, { ...a, mentions: a.mentions() });
      }
      assert.deepStrictEqual(warm.entitiesByType(), cold.entitiesByType());

      const kabul = corpus.path('seeds/a/kabul', '.ann.yaml');
      corpus.rewrite(kabul, fs.readFileSync(kabul, 'utf8').replace('name: Kabul', 'name: Kābul'));
      const article = corpus.path('seeds/a/herat', '.txt');
      corpus.rewrite(article, 'date 2020-01-01 Changed title.\n');
      const third = new CorpusIndex({ cachePath });
      const s3 = await third.build(corpus.sidecars());
      assert.equal(s3.parsed, 1);
      assert.equal(s3.articleHeads, 2, 'the changed sidecar and the changed article');
      assert.equal(third.entry(kabul)?.entities[0].name, 'Kābul');
      assert.equal(third.entry(article)?.title, 'Changed title.');
    });

    it('a corrupt or foreign cache counts as absent', async () => {
      const cachePath = path.join(corpus.root, 'corpus.cache');
      for (const junk of ['', 'not json\n', '{"magic":"other"}\n', `${fs.readFileSync(__filename, 'utf8')}`]) {
        fs.writeFileSync(cachePath, junk);
        const index = new CorpusIndex({ cachePath });
        assert.equal((await index.build(corpus.sidecars(), { saveCache: false })).parsed, 3);
      }
      // A cache cut short is refused as a whole.
      await new CorpusIndex({ cachePath }).build(corpus.sidecars());
      const full = fs.readFileSync(cachePath);
      fs.writeFileSync(cachePath, full.subarray(0, full.length - 20));
      assert.equal((await new CorpusIndex({ cachePath }).build(corpus.sidecars(), { saveCache: false })).parsed, 3);
    });

    it('round-trips entries: shared entities, packed mentions, odd texts and offsets', async () => {
      const pool = new ValuePool();
      const shared = pool.entity({ id: 'herat', type: 'GPE', name: 'Herāt', aliases: ['Hirat'], links: { wikidata: 'Q1' } });
      assert.equal(pool.entity({ id: 'herat', type: 'GPE', name: 'Herāt', aliases: ['Hirat'], links: { wikidata: 'Q1' } }), shared);
      assert.notEqual(pool.entity({ id: 'herat', type: 'GPE', name: 'Herāt', aliases: ['Hirat'], links: { wikidata: 'Q2' } }), shared);
      const entities = [shared, pool.entity({ id: 'x', type: 'PERSON', name: 'Zoë 😀', note: 'a "note"\n' })];
      const mentions: Mention[] = [
        { entity: 'herat', start: 0, end: 5, text: 'Herāt' },
        { entity: 'x', start: 7, end: 3_000_000_000, text: 'line\nbreak \u2028', orphaned: true },
        { entity: 'ghost', start: 9, end: 10, text: '' },
      ];
      const e: EntryData = {
        sidecarPath: '/c/a.ann.yaml', articlePath: '/c/a.txt', size: 10, mtimeMs: 1.5, articleSize: -1, articleMtimeMs: -1, title: '', entities,
        ...packMentions(entities, mentions), quoteCount: 1, relationCount: 0,
      };
      const text = serializeCache([e, { ...e, sidecarPath: '/c/b.ann.yaml', articlePath: '/elsewhere/b.txt', date: '2021-01-01' }], '.ann.yaml');
      assert.ok(!/[^\n\x20-\x7e]/.test(text), 'the cache file is printable ASCII');
      const back = await parseCache(Buffer.from(text), '.ann.yaml');
      assert.ok(back);
      const a = back.get('/c/a.ann.yaml');
      const b = back.get('/c/b.ann.yaml');
      assert.ok(a && b);
      assert.deepStrictEqual({ ...a, spans: Array.from(a.spans) }, { ...e, spans: Array.from(e.spans) });
      assert.equal(a.entities[0], b.entities[0], 'one object per distinct entity');
      assert.equal(b.articlePath, '/elsewhere/b.txt');
      assert.equal(b.date, '2021-01-01');
      assert.equal(await parseCache(Buffer.from(text), '.other.yaml'), undefined);
    });
  });

  describe('queries', () => {
    let index: CorpusIndex;
    beforeEach(async () => {
      index = await openCorpus(corpus.sidecars());
    });

    it('entitiesByType merges across the workspace', () => {
      const byType = index.entitiesByType();
      assert.deepStrictEqual([...byType.keys()].sort(), ['GPE', 'ORG', 'PERSON']);
      const gpe = byType.get('GPE') ?? [];
      // By name, case- and diacritic-insensitive; equal names by key.
      assert.deepStrictEqual(gpe.map((w) => [w.key, w.name, w.mentionCount, w.articleCount]), [
        ['wikidata:Q1428', 'Georgia', 1, 1],
        ['wikidata:Q230', 'Georgia', 1, 1],
        ['GPE:herat', 'Herat', 2, 2],
        ['GPE:kabul', 'Kabul', 1, 1],
      ]);
      const org = byType.get('ORG') ?? [];
      assert.equal(org.length, 1);
      assert.equal(org[0].key, 'wikidata:Q42');
      assert.deepStrictEqual([org[0].name, ...org[0].aliases].sort(), ['Taleban', 'Taliban']);
      const person = byType.get('PERSON') ?? [];
      assert.deepStrictEqual(person.map((p) => p.name), ['Amir Khan Muttaqi', 'Motaqi'], 'an alias equal to another name only: no merge without it');
    });

    it('articleEntities, mentionsOf, counts, orphans', () => {
      const kabul = corpus.path('seeds/a/kabul', '.txt');
      const ents = index.articleEntities(kabul);
      assert.deepStrictEqual(ents.map((e) => [e.entity.id, e.key, e.mentions.length]), [
        ['kabul', 'GPE:kabul', 1],
        ['herat', 'GPE:herat', 1],
        ['taleban', 'wikidata:Q42', 1],
        ['motaqi', 'PERSON:motaqi', 1],
      ]);
      const groups = index.mentionsOf('GPE:herat');
      assert.deepStrictEqual(groups.map((g) => [path.basename(g.articlePath), g.date, g.mentions.map((m) => m.text)]), [
        ['herat.txt', '2021-08-13', ['Herāt']],
        ['kabul.txt', '2021-08-15', ['Herat']],
      ]);
      assert.deepStrictEqual(index.counts({ articlePath: kabul, entityId: 'herat' }), { inArticle: 1, inWorkspace: 2, articles: 2 });
      assert.deepStrictEqual(index.counts('wikidata:Q42'), { inArticle: 0, inWorkspace: 2, articles: 2 });
      assert.equal(index.workspaceEntityOf(kabul, 'taleban')?.key, 'wikidata:Q42');
      const orphans = index.orphans();
      assert.deepStrictEqual(orphans.map((o) => [path.basename(o.articlePath), o.mention.text, o.mention.orphaned]), [['kabul.txt', 'Motaqi', true]]);
    });

    it('findEntities: case- and diacritic-insensitive, prefix before substring before fuzzy', () => {
      const names = (q: string) => index.findEntities(q).map((m) => m.entity.name);
      assert.equal(names('HERĀT')[0], 'Herat');
      assert.equal(names('her')[0], 'Herat');
      assert.deepStrictEqual(names('georgia'), ['Georgia', 'Georgia']);
      assert.equal(names('khan')[0], 'Amir Khan Muttaqi');
      assert.equal(names('akm')[0], 'Amir Khan Muttaqi', 'fuzzy: the characters in order');
      assert.equal(index.findEntities('taleban')[0].matched, 'Taleban');
      assert.deepStrictEqual(names('zzz'), []);
      assert.equal(index.findEntities('', 2).length, 2);
    });

    it('aliasCandidates: same type and similar names first', () => {
      const c = index.aliasCandidates('Motaqqi', { type: 'PERSON' });
      assert.equal(c[0].entity.name, 'Motaqi');
      const muttaqi = index.aliasCandidates('Mullah Muttaqi', { type: 'PERSON' });
      assert.equal(muttaqi[0].entity.name, 'Amir Khan Muttaqi');
      const herat = index.aliasCandidates('Hérat', { type: 'GPE', articlePath: corpus.path('seeds/a/kabul', '.txt') });
      assert.equal(herat[0].entity.key, 'GPE:herat');
      // Another type ranks below the same type.
      const taliban = index.aliasCandidates('Taliban', { type: 'PERSON' });
      assert.equal(taliban[0]?.entity.key, 'wikidata:Q42');
      assert.deepStrictEqual(index.aliasCandidates('   '), []);
    });
  });

  it('articleHead reads the date and a title from the first bytes, even cut inside a character', () => {
    const bytes = Buffer.from('date 2021-09-01 The Taliban’s envoy said “no”. Then more.', 'utf8');
    assert.deepStrictEqual(articleHead(bytes), { date: '2021-09-01', title: 'The Taliban’s envoy said “no”.' });
    const cut = bytes.subarray(0, bytes.indexOf(Buffer.from('’')) + 1);
    assert.deepStrictEqual(articleHead(cut), { date: '2021-09-01', title: 'The Taliban' });
    assert.deepStrictEqual(articleHead(Buffer.from('no header here')), { title: 'no header here' });
  });
});
