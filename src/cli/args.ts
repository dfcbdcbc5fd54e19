/**
 * Command-line arguments: each verb declares its options; `parseArgs` reads `--name value`,
 * `--name=value`, flags, and `--` (everything after it is a path, even when it starts with `-`).
 * Anything it does not know is a usage error (exit 2), never silently ignored.
 */
import { DEFAULT_SIDECAR_SUFFIX } from '../core/sidecar';

/** A mistake in the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly verb?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input that cannot be read (a missing path, an I/O error): printed as it is, exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface OptionSpec {
  name: string;
  /** Placeholder of the value (`FORMAT`); absent for a flag. */
  value?: string;
  /** The values allowed, when the set is closed. */
  choices?: readonly string[];
  /** One line for `--help`. */
  help: string;
}

export interface ParsedArgs {
  /** A flag maps to `true`, a valued option to its (last) value. */
  options: Map<string, string | true>;
  positionals: string[];
}

/** The options every verb takes. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { name: 'suffix', value: 'SUFFIX', help: `sidecar suffix: <name>.txt -> <name>SUFFIX (default ${DEFAULT_SIDECAR_SUFFIX})` },
  { name: 'help', help: 'show this help' },
  { name: 'version', help: 'print the version' },
];

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[], verb?: string): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      options.set('help', true);
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`, verb);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option '--${name}'`, verb);
    if (spec.value === undefined) {
      if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`, verb);
      options.set(name, true);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' needs a value (${spec.value})`, verb);
      value = argv[++i];
    }
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`option '--${name}' must be one of ${spec.choices.join(', ')} (not '${value}')`, verb);
    }
    options.set(name, value);
  }
  return { options, positionals };
}

/** The `--suffix` value, checked like the `seedAnnotator.sidecarSuffix` setting. */
export function suffixOption(args: ParsedArgs, verb?: string): string {
  const value = args.options.get('suffix');
  if (value === undefined || value === true) return DEFAULT_SIDECAR_SUFFIX;
  if (!/^\.[^/\\]+$/.test(value)) throw new UsageError(`--suffix must start with a dot and hold no path separator (like ${DEFAULT_SIDECAR_SUFFIX}), not '${value}'`, verb);
  if (value.toLowerCase() === '.txt') throw new UsageError(`--suffix cannot be .txt: that is the articles' own extension`, verb);
  return value;
}

/** A verb's command line: its own options, then the common ones, with `--suffix` checked. */
export function parseVerbArgs(argv: readonly string[], options: readonly OptionSpec[], verb: string): { args: ParsedArgs; suffix: string } {
  const args = parseArgs(argv, [...options, ...COMMON_OPTIONS], verb);
  return { args, suffix: suffixOption(args, verb) };
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Help text of a verb: usage, what it does, options (common ones last), examples. */
export function verbHelp(v: { usage: string; description: string; options: readonly OptionSpec[]; examples: readonly string[] }): string {
  const all = [...v.options, ...COMMON_OPTIONS];
  const left = (o: OptionSpec) => `--${o.name}${o.value ? ` ${o.value}` : ''}`;
  const width = Math.max(...all.map((o) => left(o).length)) + 2;
  const lines = [`Usage: ${v.usage}`, '', v.description, '', 'Options:'];
  for (const o of all) lines.push(`  ${left(o).padEnd(width)}${o.choices ? `${o.choices.join('|')}: ` : ''}${o.help}`);
  lines.push('', 'Examples:');
  for (const e of v.examples) lines.push(`  ${e}`);
  lines.push('', 'Exit codes: 0 success, 1 problems found, 2 usage error or unreadable input.', '');
  return lines.join('\n');
}
