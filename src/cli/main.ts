import { version } from '../../package.json';

const HELP = `seed-annotate ${version} — annotations of seed articles, headless

Usage:
  seed-annotate validate [--strict] <files or folders...>
  seed-annotate stats [--json] <files or folders...>
  seed-annotate reanchor <files or folders...>
  seed-annotate export --format <jsonl|conll|brat|w3c|csv> [--out PATH] <files or folders...>
  seed-annotate import --format <brat|jsonl> [--out DIR] <files or folders...>

Options:
  --suffix SUFFIX   sidecar suffix (default .ann.yaml)
  --help            show this help
  --version         print the version

Exit codes: 0 success, 1 problems found, 2 usage error or unreadable input.
`;

export function main(argv: string[]): number {
  if (argv.includes('--version')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  process.stderr.write(`seed-annotate: unknown command '${argv[0]}' (see --help)\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
