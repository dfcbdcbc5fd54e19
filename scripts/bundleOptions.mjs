// The esbuild options of the shipped bundles, in one place: scripts/build.mjs builds dist/ with
// them, and the CLI's tests (test/unit/cli.test.ts) and benchmark (bench/export.mjs) build their
// own copy of dist/cli.js with the same options, so they run what users run.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Options every bundle shares; `dev`: source maps, not minified. */
export function commonOptions({ dev = false } = {}) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: !dev,
    sourcemap: dev ? 'linked' : false,
    logLevel: 'info',
    legalComments: 'none',
  };
}

/** The CLI (src/cli/main.ts) as one executable script at `outfile`. */
export function cliOptions({ outfile, dev = false }) {
  return {
    ...commonOptions({ dev }),
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
    outfile,
    banner: { js: '#!/usr/bin/env node' },
  };
}

/** Builds the CLI with the production options of dist/cli.js to `outfile`, printing nothing. */
export async function buildCli(outfile) {
  await esbuild.build({ ...cliOptions({ outfile }), logLevel: 'silent' });
}
