/**
 * `seed-annotate`, the headless command line over core (DESIGN.md, "CLI"): validate, stats,
 * reanchor, export, import. This file only dispatches and turns failures into exit codes:
 * 0 success, 1 problems found, 2 usage error or unreadable input. No stack trace reaches a user;
 * Ctrl+C removes the temporaries of outputs not yet committed.
 */
import { isMainThread } from 'node:worker_threads';
import { version } from '../../package.json';
import { abortAllSync } from '../core/atomicOutput';
import { InputError, UsageError } from './args';
import { exportVerb } from './export';
import { importVerb } from './import';
import { Io } from './io';
import type { Verb } from './io';
import { reanchorVerb } from './reanchor';
import { statsVerb } from './stats';
import { validateVerb } from './validate';

const VERBS: readonly Verb[] = [validateVerb, statsVerb, reanchorVerb, exportVerb, importVerb];

const HELP = `seed-annotate ${version} — annotations of seed articles, headless

Usage:
  seed-annotate validate [--strict] <files or folders...>
  seed-annotate stats [--json] <files or folders...>
  seed-annotate reanchor <files or folders...>
  seed-annotate export --format <jsonl|conll|brat|w3c|csv> [--out PATH] <files or folders...>
  seed-annotate import --format <brat|jsonl> [--out DIR] <files or folders...>

Commands:
${VERBS.map((v) => `  ${v.name.padEnd(10)}${v.summary}`).join('\n')}

Options:
  --suffix SUFFIX   sidecar suffix (default .ann.yaml)
  --help            show this help (seed-annotate <command> --help: the command's options and examples)
  --version         print the version

Folders are searched recursively; articles are processed in path order; paths in messages are
relative to the current folder and lines count from 1.
Exit codes: 0 success, 1 problems found, 2 usage error or unreadable input.
`;

export async function main(argv: readonly string[], io = new Io()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version') {
    await io.out(`${version}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const verb = first === 'help' ? VERBS.find((v) => v.name === rest[0]) : undefined;
    await io.out(verb ? verb.help() : HELP);
    return 0;
  }
  const verb = VERBS.find((v) => v.name === first);
  if (!verb) {
    io.err(`seed-annotate: unknown command '${first}' (commands: ${VERBS.map((v) => v.name).join(', ')}; see seed-annotate --help)`);
    return 2;
  }
  const optionsPart = rest.slice(0, rest.includes('--') ? rest.indexOf('--') : undefined);
  if (optionsPart.includes('--help') || optionsPart.includes('-h')) {
    await io.out(verb.help());
    return 0;
  }
  if (optionsPart.includes('--version')) {
    await io.out(`${version}\n`);
    return 0;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    io.progress?.clear();
    if (err instanceof UsageError) {
      io.err(`seed-annotate ${verb.name}: ${err.message}\n(see seed-annotate ${verb.name} --help)`);
      return 2;
    }
    if (err instanceof InputError) {
      io.err(`seed-annotate ${verb.name}: ${err.message}`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    const what = e?.code && e.path ? `${e.code}: ${e.path}` : (e?.message ?? String(err));
    io.err(`seed-annotate ${verb.name}: ${what}`);
    if (process.env.SEED_ANNOTATE_DEBUG) io.err(String(e?.stack ?? ''));
    return 2;
  }
}

function onSignal(signal: NodeJS.Signals, code: number): void {
  process.on(signal, () => {
    abortAllSync();
    process.stderr.write(`\nseed-annotate: interrupted; nothing was left half written\n`);
    process.exit(code);
  });
}

// Run only as the program (the bundle or `node --import tsx src/cli/main.ts`): not when imported
// by tests, nor in the worker threads of pool.ts, which load this same bundle.
if (isMainThread && require.main === module) {
  onSignal('SIGINT', 130);
  onSignal('SIGTERM', 143);
  // A closed pipe (`seed-annotate export ... | head`) is not an error of ours.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`seed-annotate: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
