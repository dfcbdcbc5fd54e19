// Types of scripts/bundleOptions.mjs, for the TypeScript tests that import it.
import type { BuildOptions } from 'esbuild';

export function commonOptions(options?: { dev?: boolean }): BuildOptions;
export function cliOptions(options: { outfile: string; dev?: boolean }): BuildOptions;
export function buildCli(outfile: string): Promise<void>;
