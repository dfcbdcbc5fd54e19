// Bundles the extension and the CLI with esbuild (and the integration suite, for the test runner).
//   node scripts/build.mjs            production: minified, no source maps
//   node scripts/build.mjs --dev      development: source maps, not minified
//   node scripts/build.mjs --watch    rebuild on change (implies nothing else; combine with --dev)
//   node scripts/build.mjs --tests    also bundle test/integration into out/test/integration
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';
import { cliOptions, commonOptions } from './bundleOptions.mjs';

const dev = process.argv.includes('--dev');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = commonOptions({ dev });

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  cliOptions({ outfile: 'dist/cli.js', dev }),
];
if (tests) {
  builds.push({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: ['test/integration/index.ts', 'test/integration/*.test.ts'],
    outdir: 'out/test/integration',
    external: ['vscode', 'mocha'],
  });
}

// A production build must not ship a development build's source maps.
if (!watch) fs.rmSync('dist', { recursive: true, force: true });
// Nor may the suite run a test file that no longer exists.
if (tests && !watch) fs.rmSync('out/test/integration', { recursive: true, force: true });

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('[watch] esbuild is watching src/ for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
