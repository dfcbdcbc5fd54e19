/**
 * Crash test of safe persistence: a child process saves a sidecar in a loop and is killed with
 * SIGKILL at random moments; after every kill the sidecar on disk must parse and be exactly one
 * of the versions written (never a torn or half-written file). CRASH_KILLS raises the number of
 * kills (default 120), spread over parallel lanes (one sidecar each).
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { SidecarDocument } from '../../src/core/sidecar';
import { versionOf, versionText } from '../fixtures/crash-versions';

const KILLS = Math.max(100, Number(process.env.CRASH_KILLS) || 120);
const LANES = Math.max(2, Math.min(4, os.availableParallelism()));
const WRITER_SOURCE = path.join(__dirname, '../fixtures/crash-writer.ts');

interface Stats {
  kills: number;
  killsWhileWriting: number;
  leftoverTempFiles: number;
}

/** A writer process, started ahead of time: it loads its modules, then waits for `go`. */
class Writer {
  readonly child: ChildProcessWithoutNullStreams;
  private out = '';
  private err = '';
  private readonly listeners: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(script: string, file: string) {
    this.child = spawn(process.execPath, [script, file]);
    this.child.stdout.on('data', (b: Buffer) => {
      this.out += b.toString();
      for (const l of [...this.listeners]) l();
    });
    this.child.stderr.on('data', (b: Buffer) => (this.err += b.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get stderr(): string {
    return this.err;
  }

  /** Resolves when the output matches; rejects if the process exits first. */
  waitFor(re: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.out);
        if (!m) return false;
        this.listeners.splice(this.listeners.indexOf(check), 1);
        resolve(m);
        return true;
      };
      this.listeners.push(check);
      if (!check()) void this.exited.then(() => reject(new Error(`writer exited before ${re}: ${this.err}`)));
    });
  }

  /**
   * Lets the writer go and kills it `delayMs` after its `saves`-th save (0: after it is ready),
   * so that kills land while it is saving whatever the speed of the machine. Returns the
   * version it started from.
   */
  async run(saves: number, delayMs: number): Promise<number> {
    await this.waitFor(/^loaded\n/m);
    this.child.stdin.write('go\n');
    const ready = await this.waitFor(/^ready (\d+)\n/m);
    if (saves > 0) await this.waitFor(new RegExp(`^(?:saved \\d+\\n){${saves}}`, 'm'));
    await new Promise((r) => setTimeout(r, delayMs));
    this.child.kill('SIGKILL');
    const { code, signal } = await this.exited;
    if (signal !== 'SIGKILL') throw new Error(`writer exited by itself (code ${code}, signal ${signal}): ${this.err}`);
    return Number(ready[1]);
  }
}

async function lane(script: string, dir: string, kills: number, stats: Stats): Promise<void> {
  const file = path.join(dir, 'crash.ann.yaml');
  let last = -1;
  let spare = new Writer(script, file);
  try {
    for (let i = 0; i < kills; i++) {
      const writer = spare;
      spare = new Writer(script, file); // loads its modules while this one runs; touches the file only after `go`
      const started = await writer.run(Math.floor(Math.random() * 5), Math.floor(Math.random() * 12));
      stats.kills++;
      const text = fs.readFileSync(file, 'utf8');
      let k: number | undefined;
      try {
        k = versionOf(SidecarDocument.parse(text).annotations);
      } catch (err) {
        assert.fail(`after kill ${stats.kills} the sidecar does not parse: ${(err as Error).message}`);
      }
      assert.ok(k !== undefined, 'the sidecar on disk has no version');
      assert.equal(text, versionText(k), `after kill ${stats.kills} the sidecar is not exactly version ${k}`);
      assert.ok(k >= started && k >= last, `version went back from ${Math.max(started, last)} to ${k}`);
      if (k > started) stats.killsWhileWriting++;
      last = k;
    }
  } finally {
    spare.child.kill('SIGKILL');
    await spare.exited;
  }
  stats.leftoverTempFiles += fs.readdirSync(dir).filter((n) => n !== 'crash.ann.yaml').length;
}

describe('crash safety', function () {
  this.timeout(180_000);

  let bundleDir: string;
  let script: string;

  before(() => {
    // The writer runs as a bundle: a process starts in tens of ms instead of the ~0.5 s of tsx.
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-crash-writer-'));
    script = path.join(bundleDir, 'crash-writer.cjs');
    buildSync({ entryPoints: [WRITER_SOURCE], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'warning' });
  });

  after(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

  it(`a sidecar saved in a loop and killed with SIGKILL ${KILLS} times is always one whole version`, async () => {
    const dirs = Array.from({ length: LANES }, () => fs.mkdtempSync(path.join(os.tmpdir(), 'seed-crash-')));
    const stats: Stats = { kills: 0, killsWhileWriting: 0, leftoverTempFiles: 0 };
    const t0 = Date.now();
    try {
      await Promise.all(dirs.map((dir, i) => lane(script, dir, Math.floor(KILLS / LANES) + (i < KILLS % LANES ? 1 : 0), stats)));
      let written = 0;
      for (const dir of dirs) written += (versionOf(SidecarDocument.parse(fs.readFileSync(path.join(dir, 'crash.ann.yaml'), 'utf8')).annotations) ?? 0) + 1;
      console.log(
        `      ${stats.kills} kills (${stats.killsWhileWriting} after at least one save of that process), ${written} versions written over ${LANES} files, ` +
          `every file whole after every kill; ${stats.leftoverTempFiles} temp files left by killed writes; ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      assert.ok(stats.kills >= 100);
      assert.ok(stats.killsWhileWriting > stats.kills / 2, 'most kills should land while the writer is saving');
    } finally {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
