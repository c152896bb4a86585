/**
 * Simulations in parallel on Web Workers (`lazy-regime/web`), for browsers
 * and other runtimes with module workers. Each worker is a module worker on
 * the package's worker entry, written as
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`
 * so that bundlers which understand that form (Vite, webpack 5, Parcel)
 * bundle the entry and point at it; others need the entry bundled
 * separately (`lazy-regime/web/worker`) and its URL in `workerUrl`. No Node
 * built-in is imported here.
 */
import {
  WorkerPool, pooledSweep, type PooledSweepOptions, type RunReply, type SpawnWorker,
} from '../pool.js';
import type { Spec } from '../spec.js';
import { DEFAULT_ALPHAS, type SweepResult } from '../sweep.js';

export interface WebPoolOptions {
  /** The most workers at once, an integer >= 1; default navigator.hardwareConcurrency (or 2). */
  workers?: number;
  /** The worker entry's URL; default the package's own, as the bundler resolved it. */
  workerUrl?: URL | string;
}

export interface WebSweepOptions extends PooledSweepOptions {
  /** As in `createPool`. */
  workerUrl?: URL | string;
}

/** The cores the runtime reports, or 2 when it reports none. */
function hardwareConcurrency(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  return typeof cores === 'number' && Number.isInteger(cores) && cores >= 1 ? cores : 2;
}

/** Starts module workers for a WorkerPool. */
function spawnWorker(url: URL | string | undefined): SpawnWorker {
  return (events) => {
    const worker = url === undefined
      ? new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
      : new Worker(url, { type: 'module' });
    worker.onmessage = (event: MessageEvent<RunReply>) => events.reply(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      const why = event.message || 'it could not be loaded or threw outside a run';
      events.fail(new Error(`a Web Worker failed: ${why}`));
    };
    worker.onmessageerror = () => events.fail(new Error('a Web Worker sent a message that ' +
      'could not be read'));
    return {
      post: (request) => worker.postMessage(request),
      terminate: async () => worker.terminate(),
    };
  };
}

/**
 * A pool of at most `options.workers` Web Workers (default: the cores the
 * runtime reports). `pool.run(spec, options)` runs `simulate` in one of
 * them; pass it to `sweep(spec, alphas, { runner: pool.run })`, and call
 * `pool.close()` when done (it terminates the workers). Throws SpecError
 * for a bad `workers`.
 */
export function createPool(options: WebPoolOptions = {}): WorkerPool {
  const size = options.workers ?? hardwareConcurrency();
  return new WorkerPool(spawnWorker(options.workerUrl), size);
}

/**
 * `sweep(spec, alphas, options)` on Web Workers: at most `options.workers`
 * (default: the cores the runtime reports, never more than the alphas) run
 * the alphas at once, and the workers are terminated when the sweep ends or
 * fails. `workers: 1` runs in this thread, as `sweep` does. The result has
 * the same bits as `sweep`'s, and an error the same class and message.
 */
export function parallelSweep(
  spec: Spec, alphas: readonly number[] = DEFAULT_ALPHAS, options: WebSweepOptions = {},
): Promise<SweepResult> {
  const { workerUrl, ...rest } = options;
  return pooledSweep(spawnWorker(workerUrl), hardwareConcurrency(), spec, alphas, rest);
}

export { WorkerPool };
export type { Runner, PooledSweepOptions } from '../pool.js';
