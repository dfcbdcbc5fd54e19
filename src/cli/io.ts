/**
 * The CLI's two output streams (DESIGN.md): results on stdout, diagnostics on stderr — except
 * `validate`, whose problems are its result. A progress bar, when one is drawn, is erased before
 * any diagnostic so the two never share a line.
 */
import type { Progress } from './progress';

export interface Verb {
  name: string;
  /** One line for the main `--help`. */
  summary: string;
  /** `--help` of the verb. */
  help(): string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

export class Io {
  progress: Progress | undefined;

  constructor(
    readonly stdout: NodeJS.WritableStream = process.stdout,
    readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Writes results; waits when the reader of a pipe is behind. */
  async out(text: string): Promise<void> {
    if (text.length === 0) return;
    if (!this.stdout.write(text)) await new Promise<void>((resolve) => this.stdout.once('drain', () => resolve()));
  }

  /** One diagnostic line on stderr. */
  err(line: string): void {
    this.progress?.clear();
    this.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
  }
}

/** `n thing` / `n things`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : pluralForm}`;
}
