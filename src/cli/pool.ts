/**
 * Worker threads for the corpus-wide verbs (export, stats, validate): reading, parsing,
 * re-anchoring and (for the formats that allow it) formatting thousands of articles is spread
 * over the machine's cores, while the main thread takes the results in path order and writes
 * them. Output is identical with and without workers: the same handlers run in both cases.
 *
 * The workers run this very file (the bundle, or this module under tsx): when loaded in a worker
 * thread it waits for chunks of items and answers with their results. Small runs (under
 * `SEED_ANNOTATE_POOL_MIN` items, 256 by default) and single-core machines use no worker;
 * `SEED_ANNOTATE_WORKERS=n` sets the number of workers (0: none), `SEED_ANNOTATE_POOL_CHUNK` the
 * number of items a worker takes at a time (32; the tests use small chunks to mix the order).
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadArticle, readFileBlocking } from '../core/articleFiles';
import { exportUnit } from '../core/exportRun';
import type { ExportItem, ExportUnit } from '../core/exportRun';
import type { ExportFormat, ExportOptions } from '../core/formats';
import type { Problem } from '../core/validate';
import type { CorpusEntry } from './paths';
import { statsUnit } from './statsCount';
import type { StatsUnit } from './statsCount';
import { sidecarProblems } from './validateProblems';

export interface ValidateUnit {
  problems: Problem[];
  unreadable: boolean;
}

/** What each handler takes and gives, per item. */
interface Handlers {
  export: { item: ExportItem; params: { format: ExportFormat; options: ExportOptions }; result: ExportUnit };
  stats: { item: CorpusEntry; params: undefined; result: StatsUnit };
  validate: { item: CorpusEntry; params: undefined; result: ValidateUnit };
}
type HandlerName = keyof Handlers;

const HANDLERS: { [K in HandlerName]: (items: Array<Handlers[K]['item']>, params: Handlers[K]['params']) => Promise<Array<Handlers[K]['result']>> } = {
  async export(items, { format, options }) {
    const out: ExportUnit[] = [];
    for (const item of items) out.push(exportUnit(item, await loadArticle(item, { readFile: readFileBlocking }), format, options));
    return out;
  },
  async stats(items) {
    const out: StatsUnit[] = [];
    for (const item of items) out.push(await statsUnit(item));
    return out;
  },
  async validate(items) {
    const out: ValidateUnit[] = [];
    for (const e of items) {
      if (!e.articleExists) {
        const name = e.article.split(/[\\/]/).pop();
        out.push({ problems: [{ file: e.sidecarDisplay, line: 1, severity: 'error', reason: `its article ${name} does not exist beside it` }], unreadable: false });
        continue;
      }
      const load = await loadArticle(e, { noReanchor: true, keepSidecarText: true, readFile: readFileBlocking });
      if (!load.ok) out.push({ problems: load.problems, unreadable: load.reason === 'unreadable' });
      else out.push({ problems: sidecarProblems(e, load), unreadable: false });
    }
    return out;
  },
};

const POOL_FLAG = 'seedAnnotatorPool';

/** Number of workers for a run of `items` items (0: run in this thread). */
export function poolSize(items: number): number {
  const min = Number(process.env.SEED_ANNOTATE_POOL_MIN ?? '256');
  if (items < (Number.isFinite(min) ? min : 256)) return 0;
  const set = process.env.SEED_ANNOTATE_WORKERS;
  if (set !== undefined && set !== '') return Math.max(0, Math.min(16, Math.floor(Number(set)) || 0));
  const cpus = availableParallelism();
  return cpus < 2 ? 0 : Math.min(cpus, 4);
}

interface Reply {
  id: number;
  results?: unknown[];
  error?: string;
}

/**
 * The handler's results for every item, in the items' order, computed in chunks by worker
 * threads (or here). Leaving the loop early stops the workers.
 */
export async function* mapInOrder<K extends HandlerName>(
  handler: K,
  items: ReadonlyArray<Handlers[K]['item']>,
  params: Handlers[K]['params'],
  chunkSize = Number(process.env.SEED_ANNOTATE_POOL_CHUNK) || 32,
): AsyncGenerator<Handlers[K]['result']> {
  const chunks: Array<Array<Handlers[K]['item']>> = [];
  for (let i = 0; i < items.length; i += chunkSize) chunks.push(items.slice(i, i + chunkSize));
  const run = HANDLERS[handler] as (items: Array<Handlers[K]['item']>, params: Handlers[K]['params']) => Promise<Array<Handlers[K]['result']>>;
  const size = Math.min(poolSize(items.length), chunks.length);
  if (size === 0) {
    for (const chunk of chunks) for (const r of await run(chunk, params)) yield r;
    return;
  }

  const results = new Map<number, unknown[]>();
  const idle: Worker[] = [];
  const ahead = size * 4;
  let next = 0;
  let consumed = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const canSend = () => next < chunks.length && next - consumed < ahead;
  const feed = (w: Worker) => {
    if (canSend()) w.postMessage({ id: next, handler, params, items: chunks[next++] });
    else idle.push(w);
  };
  const workers = Array.from({ length: size }, () => {
    const w = new Worker(__filename, { workerData: { [POOL_FLAG]: true } });
    w.on('message', (reply: Reply) => {
      if (reply.error !== undefined) failure ??= new Error(reply.error);
      else results.set(reply.id, reply.results as unknown[]);
      feed(w);
      notify();
    });
    w.on('error', (err) => {
      failure ??= err;
      notify();
    });
    return w;
  });
  try {
    for (const w of workers) feed(w);
    while (consumed < chunks.length) {
      while (!results.has(consumed)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const chunk = results.get(consumed) as Array<Handlers[K]['result']>;
      results.delete(consumed++);
      while (idle.length > 0 && canSend()) feed(idle.pop() as Worker);
      for (const r of chunk) yield r;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// In a worker thread of the pool: answer chunks until terminated.
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[POOL_FLAG] === true && parentPort) {
  const port = parentPort;
  port.on('message', (m: { id: number; handler: HandlerName; params: never; items: never[] }) => {
    (HANDLERS[m.handler] as (items: unknown[], params: unknown) => Promise<unknown[]>)(m.items, m.params).then(
      (results) => port.postMessage({ id: m.id, results }),
      (err: unknown) => port.postMessage({ id: m.id, error: (err as Error)?.message ?? String(err) }),
    );
  });
}
