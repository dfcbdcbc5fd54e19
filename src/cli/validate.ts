/**
 * `seed-annotate validate [--strict] <paths...>`: every sidecar checked against schema 1 and
 * against its article; one problem a line on stdout (`file:line: severity: reason`), nothing
 * written. Exit 1 when there is an error (with `--strict`, a warning such as an orphan, too).
 *
 * Most sidecars are in the canonical layout and anchored to the article as it is: those are read
 * by the fast path and checked on the model (`quickProblems`), which reports exactly what
 * `validateSidecar` would (the same messages, the same lines) or hands the file to it. When the
 * article changed since the sidecar was written (or the sidecar has no sha256), the mentions are
 * re-anchored in memory first (DESIGN.md), and what would be orphaned is reported as a warning.
 */
import { formatProblem } from '../core/validate';
import type { Problem } from '../core/validate';
import { parseVerbArgs, UsageError, verbHelp } from './args';
import type { OptionSpec } from './args';
import { plural } from './io';
import type { Io, Verb } from './io';
import { discover } from './paths';
import { mapInOrder } from './pool';
import { Progress } from './progress';

export { quickProblems, sidecarProblems } from './validateProblems';

const OPTIONS: OptionSpec[] = [{ name: 'strict', help: 'warnings (orphaned mentions, stale sidecars) fail too: exit 1' }];

const HELP = {
  usage: 'seed-annotate validate [--strict] [--suffix SUFFIX] <files or folders...>',
  description: [
    'Checks every sidecar against schema 1 and against its article: YAML syntax, required fields',
    'and types, unknown entities, duplicate ids, offsets past the end, mention text that differs',
    'from the article. When the article changed since the sidecar was written, its mentions are',
    're-anchored in memory first and those that could not be placed are reported as orphans.',
    'Problems go to stdout, one a line: file:line: severity: reason. Nothing is written.',
  ].join('\n'),
  options: OPTIONS,
  examples: [
    'seed-annotate validate seeds/',
    'seed-annotate validate --strict seeds/000_eb28ad2c764fb3cf.ann.yaml',
    'seed-annotate validate --suffix .annotations.yaml corpus/',
  ],
};

export const validateVerb: Verb = {
  name: 'validate',
  summary: 'check sidecars against the schema and their articles (problems on stdout)',
  help: () => verbHelp(HELP),
  async run(argv, io: Io): Promise<number> {
    const { args, suffix } = parseVerbArgs(argv, OPTIONS, 'validate');
    if (args.positionals.length === 0) throw new UsageError('give the sidecars, articles or folders to validate (e.g. seeds/)', 'validate');
    const strict = args.options.has('strict');
    const entries = (await discover(args.positionals, { suffix })).filter((e) => e.sidecarExists);
    let errors = 0;
    let warnings = 0;
    let unreadable = 0;
    const print = async (problems: readonly Problem[]) => {
      for (const p of problems) {
        if (p.severity === 'error') errors++;
        else warnings++;
      }
      if (problems.length > 0) await io.out(problems.map((p) => `${formatProblem(p)}\n`).join(''));
    };
    const progress = (io.progress = new Progress('validate', entries.length));
    let index = 0;
    for await (const unit of mapInOrder('validate', entries, undefined)) {
      if (unit.unreadable) unreadable++;
      await print(unit.problems);
      progress.update(++index);
    }
    progress.clear();
    const failed = errors > 0 || (strict && warnings > 0);
    const counts = errors + warnings === 0 ? 'no problems' : [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
    io.err(`validate: ${plural(entries.length, 'sidecar')} checked: ${counts}${strict && warnings > 0 && errors === 0 ? ' (--strict: warnings fail)' : ''}`);
    if (unreadable > 0) return 2;
    return failed ? 1 : 0;
  },
};
