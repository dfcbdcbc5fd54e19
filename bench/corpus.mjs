// The corpus index at 10,000 articles: cold index, warm index, one-file update and peak memory,
// each next to a floor measured in the same run.
//
//   node --expose-gc --import tsx bench/corpus.mjs        (or: npm run bench -- corpus)
//   options: --count N (default 10000), --runs N (default 5)
//
// - The corpus is generated once (seeded: bench/_generateCorpus.mjs) into .bench/corpus-<N>/ and
//   reused while the generator and the sidecar writer are unchanged.
// - src/core is bundled with esbuild, as the extension and the CLI ship it, and every scenario runs
//   in its own plain `node` child (no TypeScript loader), so its time and peak RSS are its own.
//   Times are medians over --runs children; files are in the page cache for every scenario.
// - FLOOR 1 (cold): read every sidecar and parse it with js-yaml. Target: cold index <= 1.0x.
//   The index also stats each article and reads its first 512 bytes (date and title).
// - FLOOR 2 (warm): read a JSON file holding the same entries the index keeps (plain objects,
//   as a naive cache would) and JSON.parse it. Target: warm index (read the cache, stat every
//   sidecar and article, parse nothing, merge the workspace entities) <= 1.5x. The index's own
//   cache is more compact (shared entities, packed mentions); reading it alone is printed too.
// - One-file update: re-read and re-index one sidecar (target <= 10 ms); and the first workspace
//   query after it (re-merges the entities that file touches).
// - Peak RSS of the cold and warm children (target <= 200 MB).
// Figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const COUNT = Number(arg('--count', 10_000));
const RUNS = Number(arg('--runs', 5));
const corpusDir = path.join(root, '.bench', `corpus-${COUNT >= 1000 && COUNT % 1000 === 0 ? `${COUNT / 1000}k` : COUNT}`);
const buildDir = path.join(root, '.bench', 'build');
const cacheFile = path.join(root, '.bench', `corpus-${COUNT}.cache.json`);
const floor2File = path.join(root, '.bench', `corpus-${COUNT}.floor2.json`);

function sidecarList() {
  const manifest = JSON.parse(fs.readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8'));
  return manifest.sidecars.map((p) => path.join(corpusDir, p));
}

/** CPU time (user + system) since `start`, in ms: steadier than wall time on a busy machine. */
function cpuMs(start) {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

/**
 * Ticks every 1 ms until the returned function is called; that returns the longest time between
 * two ticks in ms: how long the event loop was blocked at the worst.
 */
function watchEventLoop() {
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return maxGap;
  };
}

function peakRssMB() {
  return process.resourceUsage().maxRSS / 1024;
}

// ---------------------------------------------------------------------------------------------
// Children: one scenario each, printing one JSON line.

async function child(scenario) {
  const paths = sidecarList();
  const load = () => require(path.join(buildDir, 'corpus.cjs'));
  const out = { scenario };
  if (scenario === 'floor1') {
    const jsyaml = require('js-yaml');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let mentions = 0;
    for (const p of paths) mentions += jsyaml.load(fs.readFileSync(p, 'utf8')).mentions.length;
    out.ms = performance.now() - t0;
    out.cpuMs = cpuMs(c0);
    out.mentions = mentions;
  } else if (scenario === 'cold' || scenario === 'prepare') {
    const { CorpusIndex } = load();
    const index = new CorpusIndex(scenario === 'prepare' ? { cachePath: cacheFile } : {});
    const longestGap = watchEventLoop();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const stats = await index.build(paths, { saveCache: false });
    out.ms = performance.now() - t0;
    out.cpuMs = cpuMs(c0);
    out.maxEventLoopGapMs = longestGap();
    out.stats = stats;
    let mentions = 0;
    for (const e of index.entries()) mentions += e.mentionCount;
    out.mentions = mentions;
    const t1 = performance.now();
    const byType = index.entitiesByType();
    out.firstQueryMs = performance.now() - t1;
    out.workspaceEntities = [...byType.values()].reduce((n, l) => n + l.length, 0);
    if (scenario === 'prepare') {
      await index.saveCache(true);
      // FLOOR 2's input: the same entries as plain JSON objects.
      const plain = index.entries().map((e) => ({
        sidecarPath: e.sidecarPath, articlePath: e.articlePath, size: e.size, mtimeMs: e.mtimeMs, articleSize: e.articleSize, articleMtimeMs: e.articleMtimeMs,
        date: e.date, title: e.title, entities: e.entities, mentions: e.mentions(), quoteCount: e.quoteCount, relationCount: e.relationCount,
      }));
      fs.writeFileSync(floor2File, JSON.stringify(plain));
      out.cacheMB = fs.statSync(cacheFile).size / 1e6;
      out.floor2MB = fs.statSync(floor2File).size / 1e6;
    }
  } else if (scenario === 'floor2') {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const data = JSON.parse(fs.readFileSync(floor2File, 'utf8'));
    out.ms = performance.now() - t0;
    out.cpuMs = cpuMs(c0);
    out.entries = data.length;
  } else if (scenario === 'cacheonly') {
    // For reference: only reading and parsing the index's own cache file (JSON lines).
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const bytes = fs.readFileSync(cacheFile);
    let lines = 0;
    for (let pos = 0; pos < bytes.length; lines++) {
      const nl = bytes.indexOf(10, pos);
      JSON.parse(bytes.toString('latin1', pos, nl));
      pos = nl + 1;
    }
    out.ms = performance.now() - t0;
    out.cpuMs = cpuMs(c0);
    out.lines = lines;
  } else if (scenario === 'warm') {
    const { CorpusIndex } = load();
    const longestGap = watchEventLoop();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const index = new CorpusIndex({ cachePath: cacheFile });
    const stats = await index.build(paths, { saveCache: false });
    out.ms = performance.now() - t0;
    out.cpuMs = cpuMs(c0);
    out.maxEventLoopGapMs = longestGap();
    out.stats = stats;
    const t1 = performance.now();
    index.entitiesByType();
    out.firstQueryMs = performance.now() - t1;
  } else if (scenario === 'update') {
    const { CorpusIndex } = load();
    const index = new CorpusIndex({ cachePath: cacheFile });
    await index.build(paths, { saveCache: false });
    index.entitiesByType();
    const updates = [];
    const requeries = [];
    for (let i = 0; i < 25; i++) {
      const p = paths[(i * 397) % paths.length];
      // Rewrite the same bytes: the file changes on disk (mtime), the corpus stays the generator's.
      fs.writeFileSync(p, fs.readFileSync(p));
      const t0 = performance.now();
      await index.update(p);
      updates.push(performance.now() - t0);
      const t1 = performance.now();
      index.entitiesByType();
      requeries.push(performance.now() - t1);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    out.ms = median(updates.slice(5)); // the first few warm up the JIT
    out.maxMs = Math.max(...updates.slice(5));
    out.requeryMs = median(requeries.slice(5));
    out.requeryMaxMs = Math.max(...requeries.slice(5));
  } else if (scenario === 'rates') {
    const sample = paths.slice(0, 400).map((p) => fs.readFileSync(p, 'utf8'));
    const mb = sample.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
    const YAML = require('yaml');
    const jsyaml = require('js-yaml');
    const { parseSidecarFast } = require(path.join(buildDir, 'sidecarFastPath.cjs'));
    const rate = (f, reps) => {
      for (const t of sample.slice(0, 20)) f(t);
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) for (const t of sample) f(t);
      return (mb * reps) / ((performance.now() - t0) / 1000);
    };
    out.yamlMBs = rate((t) => YAML.parse(t), 1);
    out.jsyamlMBs = rate((t) => jsyaml.load(t), 3);
    out.fastPathMBs = rate((t) => parseSidecarFast(t), 10);
  }
  out.peakRssMB = peakRssMB();
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Parent

function runChild(scenario) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', scenario, '--count', String(COUNT)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench child ${scenario} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const f0 = (x) => x.toFixed(0);
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

async function parent() {
  const started = performance.now();
  const { ensureCorpus } = await import('./_generateCorpus.mjs');
  const t0 = performance.now();
  const { generated } = ensureCorpus(corpusDir, { count: COUNT, log: (m) => console.log(m) });
  if (generated) console.log(`generated in ${f1((performance.now() - t0) / 1000)} s`);

  const esbuild = await import('esbuild');
  fs.mkdirSync(buildDir, { recursive: true });
  await esbuild.build({
    entryPoints: { corpus: 'src/core/corpus.ts', sidecarFastPath: 'src/core/sidecarFastPath.ts' },
    outdir: buildDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: root,
  });

  // Page cache: every scenario reads files that were read just before.
  const paths = sidecarList();
  let sidecarBytes = 0;
  for (const p of paths) {
    sidecarBytes += fs.readFileSync(p).length;
    try {
      fs.readFileSync(`${p.slice(0, -'.ann.yaml'.length)}.txt`);
    } catch {
      // an article may be missing
    }
  }
  const { discoverSidecars } = await import('../src/core/corpus.ts');
  const d0 = performance.now();
  const found = await discoverSidecars([corpusDir]);
  const discoverMs = performance.now() - d0;

  const prepared = runChild('prepare');
  const rates = runChild('rates');
  const floor1 = [];
  const cold = [];
  const floor2 = [];
  const warm = [];
  for (let i = 0; i < RUNS; i++) {
    floor1.push(runChild('floor1'));
    cold.push(runChild('cold'));
    floor2.push(runChild('floor2'));
    warm.push(runChild('warm'));
  }
  const cacheOnly = [];
  for (let i = 0; i < RUNS; i++) cacheOnly.push(runChild('cacheonly'));
  const update = runChild('update');

  const m = (runs, k = 'ms') => median(runs.map((r) => r[k]));
  const coldMs = m(cold);
  const floor1Ms = m(floor1);
  const warmMs = m(warm);
  const floor2Ms = m(floor2);
  const ok = (v, target) => (v <= target ? 'ok' : 'MISSED');
  console.log(`corpus: ${paths.length} articles, ${f1(sidecarBytes / 1e6)} MB of sidecars, ${prepared.mentions} mentions, ${prepared.workspaceEntities} workspace entities; ${RUNS} runs per scenario (medians)`);
  console.log(`parsers: yaml ${f1(rates.yamlMBs)} MB/s, js-yaml ${f1(rates.jsyamlMBs)} MB/s, sidecar fast path ${f1(rates.fastPathMBs)} MB/s`);
  console.log(`discovery (recursive readdir, ${found.length} sidecars): ${f0(discoverMs)} ms`);
  console.log('');
  console.log(`cold index (no cache)        ${f0(coldMs).padStart(6)} ms   floor 1 (read + js-yaml) ${f0(floor1Ms).padStart(6)} ms   ratio ${f2(coldMs / floor1Ms)}x  (target <= 1.0x: ${ok(coldMs / floor1Ms, 1.0)})`);
  console.log(`  CPU time: ${f0(m(cold, 'cpuMs'))} ms vs ${f0(m(floor1, 'cpuMs'))} ms, ratio ${f2(m(cold, 'cpuMs') / m(floor1, 'cpuMs'))}x`);
  console.log(`  parsed ${cold[0].stats.parsed} (fast path ${cold[0].stats.fastPath}, yaml ${cold[0].stats.fallback}); longest event-loop stall ${f1(median(cold.map((r) => r.maxEventLoopGapMs)))} ms; first workspace query (merge) ${f0(m(cold, 'firstQueryMs'))} ms`);
  console.log(`warm index (cache, no change) ${f0(warmMs).padStart(5)} ms   floor 2 (read + JSON.parse) ${f0(floor2Ms).padStart(4)} ms   ratio ${f2(warmMs / floor2Ms)}x  (target <= 1.5x: ${ok(warmMs / floor2Ms, 1.5)})`);
  console.log(`  CPU time: ${f0(m(warm, 'cpuMs'))} ms vs ${f0(m(floor2, 'cpuMs'))} ms, ratio ${f2(m(warm, 'cpuMs') / m(floor2, 'cpuMs'))}x`);
  console.log(`  parsed ${warm[0].stats.parsed}, from cache ${warm[0].stats.fromCache}; cache ${f1(prepared.cacheMB)} MB, floor 2 JSON ${f1(prepared.floor2MB)} MB; longest event-loop stall ${f1(median(warm.map((r) => r.maxEventLoopGapMs)))} ms; first workspace query ${f0(m(warm, 'firstQueryMs'))} ms`);
  console.log(`  for reference: read + JSON.parse of the compact cache file alone ${f0(m(cacheOnly))} ms (the rest: stat every sidecar and article, rebuild entries, merge entities)`);
  console.log(`one-file update               ${f2(update.ms).padStart(5)} ms   (max ${f2(update.maxMs)} ms; target <= 10 ms: ${ok(update.ms, 10)}); next workspace query ${f1(update.requeryMs)} ms (max ${f1(update.requeryMaxMs)})`);
  const coldRss = median(cold.map((r) => r.peakRssMB));
  const warmRss = median(warm.map((r) => r.peakRssMB));
  console.log(`peak RSS: cold ${f0(coldRss)} MB, warm ${f0(warmRss)} MB (target <= 200 MB: ${ok(Math.max(coldRss, warmRss), 200)}); floor 1 ${f0(median(floor1.map((r) => r.peakRssMB)))} MB, floor 2 ${f0(median(floor2.map((r) => r.peakRssMB)))} MB`);
  console.log(`bench time ${f0((performance.now() - started) / 1000)} s`);
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await parent();
