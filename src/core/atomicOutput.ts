/**
 * Output files and folders that appear whole or not at all (DESIGN.md: "a file or folder given
 * by `--out` is written atomically: no half files on error or Ctrl+C").
 *
 * Everything is written to a hidden temporary file or folder beside the target, then renamed
 * onto it by `commit()`; `abort()` (or a crash, which leaves only the hidden temporary behind)
 * never touches the target. Every output not yet committed is listed in `openOutputs`, so an
 * interrupt handler can remove the temporaries.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Outputs being written; `abortAll` removes their temporaries (Ctrl+C). */
export const openOutputs = new Set<{ abortSync(): void }>();

export function abortAllSync(): void {
  for (const o of [...openOutputs]) o.abortSync();
}

function tempName(target: string, kind: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Why an output target cannot be used, or undefined. */
export async function checkOutputTarget(target: string, kind: 'file' | 'folder'): Promise<string | undefined> {
  const parent = path.dirname(path.resolve(target));
  const pst = await fs.stat(parent).catch(() => undefined);
  if (!pst?.isDirectory()) return `the folder ${parent} does not exist`;
  const st = await fs.stat(target).catch(() => undefined);
  if (st && kind === 'file' && st.isDirectory()) return `${target} is a folder; give a file name`;
  if (st && kind === 'folder' && !st.isDirectory()) return `${target} is a file; give a folder`;
  return undefined;
}

/** A file written through a temporary beside it, in large writes. */
export class AtomicFile {
  readonly temp: string;
  private handle: fs.FileHandle | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  private done = false;
  bytes = 0;

  private constructor(readonly target: string) {
    this.temp = tempName(target, 'tmp');
  }

  static async open(target: string): Promise<AtomicFile> {
    const f = new AtomicFile(path.resolve(target));
    // Listed before the temporary exists, so an interrupt at any moment finds it.
    openOutputs.add(f);
    try {
      f.handle = await fs.open(f.temp, 'wx');
    } catch (err) {
      openOutputs.delete(f);
      throw err;
    }
    return f;
  }

  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0 || !this.handle) return;
    const data = Buffer.from(this.buffer.join(''), 'utf8');
    this.buffer = [];
    this.buffered = 0;
    this.bytes += data.length;
    await this.handle.write(data);
  }

  /** Makes the file appear at its target (replacing what was there). */
  async commit(): Promise<void> {
    await this.flush();
    const h = this.handle as fs.FileHandle;
    await h.sync();
    await h.close();
    this.handle = undefined;
    await fs.rename(this.temp, this.target);
    this.done = true;
    openOutputs.delete(this);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    openOutputs.delete(this);
    await this.handle?.close().catch(() => undefined);
    await fs.rm(this.temp, { force: true }).catch(() => undefined);
  }

  abortSync(): void {
    if (this.done) return;
    this.done = true;
    openOutputs.delete(this);
    try {
      rmSync(this.temp, { force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
}

/**
 * A folder written as a hidden sibling, then renamed into place. An existing target folder is
 * replaced only when everything in it is something this kind of export writes (`replaceable`):
 * a folder of other files (a home folder given by mistake) is never deleted.
 */
export class AtomicFolder {
  readonly temp: string;
  private done = false;
  bytes = 0;
  files = 0;

  private constructor(
    readonly target: string,
    private readonly replaceable: (name: string) => boolean,
    private readonly blocking: boolean,
  ) {
    this.temp = tempName(target, 'tmp');
  }

  /**
   * `blocking`: write each file synchronously, for a process with nothing else to do (the CLI);
   * thousands of small files are written several times faster than through the thread pool.
   */
  static async open(target: string, replaceable: (name: string) => boolean, options: { blocking?: boolean } = {}): Promise<AtomicFolder> {
    const f = new AtomicFolder(path.resolve(target), replaceable, options.blocking === true);
    openOutputs.add(f);
    try {
      await fs.mkdir(f.temp);
    } catch (err) {
      openOutputs.delete(f);
      throw err;
    }
    return f;
  }

  /** Why the existing target may not be replaced, or undefined. */
  static async refuseReplacing(target: string, replaceable: (name: string) => boolean): Promise<string | undefined> {
    const names = await fs.readdir(target).catch(() => [] as string[]);
    const foreign = names.filter((n) => !replaceable(n));
    if (foreign.length === 0) return undefined;
    return `${target} already holds files this export does not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); choose a new or empty folder`;
  }

  /** Writes one file; `name` must be a plain file name (no folders). */
  async writeFile(name: string, content: string): Promise<void> {
    if (name !== path.basename(name) || name === '.' || name === '..' || name === '') throw new Error(`not a plain file name: ${name}`);
    const data = Buffer.from(content, 'utf8');
    if (this.blocking) writeFileSync(path.join(this.temp, name), data, { flag: 'wx' });
    else await fs.writeFile(path.join(this.temp, name), data, { flag: 'wx' });
    this.bytes += data.length;
    this.files++;
  }

  async commit(): Promise<void> {
    const existing = await fs.stat(this.target).catch(() => undefined);
    if (existing) {
      const refusal = await AtomicFolder.refuseReplacing(this.target, this.replaceable);
      if (refusal) throw new Error(refusal);
      const aside = tempName(this.target, 'old');
      await fs.rename(this.target, aside);
      try {
        await fs.rename(this.temp, this.target);
      } catch (err) {
        await fs.rename(aside, this.target).catch(() => undefined);
        throw err;
      }
      await fs.rm(aside, { recursive: true, force: true });
    } else {
      await fs.rename(this.temp, this.target);
    }
    this.done = true;
    openOutputs.delete(this);
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    openOutputs.delete(this);
    await fs.rm(this.temp, { recursive: true, force: true }).catch(() => undefined);
  }

  abortSync(): void {
    if (this.done) return;
    this.done = true;
    openOutputs.delete(this);
    try {
      rmSync(this.temp, { recursive: true, force: true });
    } catch {
      // Nothing more can be done while exiting.
    }
  }
}
