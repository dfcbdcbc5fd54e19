// The CLI on a 10,000-article corpus: `export` in every format, `stats` and `validate`, each as
// a ratio to a floor process measured in the same run (issues 4 and 6):
//
//   export   floor: read every article and sidecar, parse the sidecars with js-yaml, write the
//            same number of output bytes (in as many files as the export writes). Target <= 1.5x.
//   stats,   floor: read every article and sidecar, parse the sidecars with js-yaml. Target
//   validate <= 1.5x.
//
//   node --import tsx bench/export.mjs [--count N] [--runs N]
//
// Both sides are child processes started the same way (node startup counts for both); the CLI
// is the bundle built here with the options of dist/cli.js (scripts/bundleOptions.mjs); each
// figure is the median of --runs runs (default 3), floor and CLI alternating. "Cold" means no
// cache of ours: the corpus index's cache is not used by the CLI; the OS file cache is warm for
// both sides alike.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../scripts/bundleOptions.mjs';
import { ensureCorpus } from './_generateCorpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const COUNT = arg('count', 10_000);
const RUNS = arg('runs', 3);
const TARGET = 1.5;

const work = path.join(root, '.bench');
const corpusDir = path.join(work, COUNT === 10_000 ? 'corpus-10k' : `corpus-${COUNT}`);
const outDir = path.join(work, 'export-out');
fs.mkdirSync(work, { recursive: true });

const { articles, sidecars } = ensureCorpus(corpusDir, { count: COUNT, log: (m) => console.log(m) });
const cli = path.join(work, 'cli.js');
await buildCli(cli);

// The floor, as a script of its own: the list of files comes in a JSON file (no folder walk).
const floorScript = path.join(work, 'export-floor.cjs');
const jsYaml = JSON.stringify(path.join(root, 'node_modules', 'js-yaml'));
fs.writeFileSync(
  floorScript,
  `'use strict';
const fs = require('fs');
const path = require('path');
const yaml = require(${jsYaml});
const [listFile, outTarget, bytesArg, filesArg] = process.argv.slice(2);
const { articles, sidecars } = JSON.parse(fs.readFileSync(listFile, 'utf8'));
let n = 0;
for (let i = 0; i < articles.length; i++) {
  n += fs.readFileSync(articles[i], 'utf8').length;
  const doc = yaml.load(fs.readFileSync(sidecars[i], 'utf8'));
  n += doc.mentions.length;
}
const bytes = Number(bytesArg || 0);
const files = Number(filesArg || 0);
if (outTarget && files > 0) {
  const per = Math.floor(bytes / files);
  const chunk = Buffer.alloc(Math.min(per, 1 << 20) || 1, 120);
  const write = (file, size) => {
    const fd = fs.openSync(file, 'w');
    for (let left = size; left > 0; left -= chunk.length) fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
    fs.closeSync(fd);
  };
  if (files === 1) write(outTarget, bytes);
  else {
    fs.mkdirSync(outTarget, { recursive: true });
    for (let f = 0; f < files; f++) write(path.join(outTarget, 'f' + f), f === files - 1 ? bytes - per * (files - 1) : per);
  }
}
process.stdout.write(String(n) + '\\n');
`,
);
const listFile = path.join(work, 'export-floor-list.json');
fs.writeFileSync(listFile, JSON.stringify({ articles, sidecars }));

/** CPU time (user + system, ms) of this process's waited-for children, from /proc (Linux); NaN elsewhere. */
function childrenCpuMs() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are 14 and 15 after the command name; clock ticks of 10 ms.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

function timed(args, { expectCode = 0 } = {}) {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = childrenCpuMs() - cpu0;
  if (r.status !== expectCode) {
    console.error(`command failed (${r.status}): node ${args.join(' ')}\n${(r.stderr || '').slice(0, 2000)}`);
    process.exit(1);
  }
  return { ms, cpu, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sizeOf(target) {
  const st = fs.statSync(target);
  if (!st.isDirectory()) return { bytes: st.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const f of fs.readdirSync(target)) {
    bytes += fs.statSync(path.join(target, f)).size;
    files++;
  }
  return { bytes, files };
}

function compare(label, subjectArgs, floorArgs, { expectCode = 0, prepare = () => {} } = {}) {
  const subject = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    prepare();
    floor.push(timed(floorArgs()));
    prepare();
    subject.push(timed(subjectArgs, { expectCode }));
  }
  const s = median(subject.map((x) => x.ms));
  const f = median(floor.map((x) => x.ms));
  const sc = median(subject.map((x) => x.cpu));
  const fc = median(floor.map((x) => x.cpu));
  const ratio = s / f;
  const cpuRatio = sc / fc;
  console.log(
    `${label.padEnd(16)} wall ${s.toFixed(0).padStart(6)} ms / floor ${f.toFixed(0).padStart(6)} ms = ${ratio.toFixed(2)}x   cpu ${sc.toFixed(0).padStart(6)} ms / floor ${fc.toFixed(0).padStart(6)} ms = ${cpuRatio.toFixed(2)}x   ${ratio <= TARGET ? 'ok' : `OVER the ${TARGET}x target`}`,
  );
  return { label, ms: s, floorMs: f, ratio, cpuRatio };
}

const corpusRel = path.relative(work, path.join(corpusDir, 'seeds'));
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
const corpusBytes = [...articles, ...sidecars].reduce((n, f) => n + fs.statSync(f).size, 0);
console.log(`corpus: ${articles.length} articles + sidecars, ${mb(corpusBytes)} (${corpusDir}); ${RUNS} runs each, median\n`);

const results = [];
for (const format of ['jsonl', 'conll', 'brat', 'w3c', 'csv']) {
  const target = path.join(outDir, format === 'brat' ? 'brat' : `out.${format}`);
  const floorTarget = path.join(outDir, `floor-${format}`);
  // Both sides write into a place that does not exist yet (removing the last run's output is not timed).
  const clean = () => {
    fs.rmSync(floorTarget, { recursive: true, force: true });
    fs.rmSync(target, { recursive: true, force: true });
  };
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // One run first, to learn the output size the floor must write.
  timed([cli, 'export', '--format', format, '--out', target, corpusRel]);
  const { bytes, files } = sizeOf(target);
  const r = compare(`export ${format}`, [cli, 'export', '--format', format, '--out', target, corpusRel], () => [floorScript, listFile, floorTarget, String(bytes), String(files)], { prepare: clean });
  console.log(`${''.padEnd(16)} output ${mb(bytes)} in ${files} file${files === 1 ? '' : 's'}`);
  results.push(r);
}
fs.rmSync(outDir, { recursive: true, force: true });

console.log('');
const floorRead = () => [floorScript, listFile];
results.push(compare('stats', [cli, 'stats', '--json', corpusRel], floorRead));
// The generated corpus holds orphaned mentions (warnings): validate exits 0.
results.push(compare('validate', [cli, 'validate', corpusRel], floorRead));

const worst = results.reduce((a, b) => (b.ratio > a.ratio ? b : a));
console.log(`\nworst ratio: ${worst.label} ${worst.ratio.toFixed(2)}x (target <= ${TARGET}x)`);
