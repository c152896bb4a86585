/**
 * Simulations in parallel on Node worker threads (`lazy-regime/node`). Each
 * thread loads the package's own worker entry (dist/node/worker.js, which
 * compiles the same embedded kernels) and runs one simulation at a time
 * with a fresh kernel instance, so results have the same bits as in this
 * thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  WorkerPool, pooledSweep, type PooledSweepOptions, type RunReply, type SpawnWorker,
} from '../pool.js';
import type { Spec } from '../spec.js';
import { DEFAULT_ALPHAS, type SweepResult } from '../sweep.js';
import { WORKER_URL } from './worker-url.js';

export interface NodePoolOptions {
  /** The most worker threads at once, an integer >= 1; default os.availableParallelism(). */
  workers?: number;
  /**
   * The worker entry to run; default the package's dist/node/worker.js. A
   * bundler that does not copy it (esbuild bundling an app into one file)
   * needs a bundle of `lazy-regime/node/worker` and its path or URL here.
   */
  workerUrl?: URL | string;
}

export interface NodeSweepOptions extends PooledSweepOptions {
  /** As in `createPool`. */
  workerUrl?: URL | string;
}

/** Starts worker threads on `url` for a WorkerPool; idle ones do not hold the process open. */
function spawnThread(url: URL | string): SpawnWorker {
  return (events) => {
    const worker = new Worker(url);
    let stopping = false;
    worker.on('message', (message: RunReply) => events.reply(message));
    worker.on('error', (error) => events.fail(error));
    worker.on('messageerror', (error) => events.fail(error));
    worker.on('exit', (code) => {
      if (!stopping) events.fail(new Error(`a worker thread exited with code ${code}`));
    });
    return {
      post: (request) => worker.postMessage(request),
      terminate: async () => {
        stopping = true;
        await worker.terminate();
      },
      keepAlive: (busy) => (busy ? worker.ref() : worker.unref()),
    };
  };
}

/**
 * A pool of at most `options.workers` Node worker threads (default: the
 * cores available). `pool.run(spec, options)` runs `simulate` on one of
 * them; pass it to `sweep(spec, alphas, { runner: pool.run })`. Call
 * `pool.close()` when done: it stops the threads, and `pool.liveWorkers` is
 * 0 once it resolves. Each busy thread holds one run's kernel memory
 * (`workEstimate(spec).bytes`). Throws SpecError for a bad `workers`.
 */
export function createPool(options: NodePoolOptions = {}): WorkerPool {
  const size = options.workers ?? availableParallelism();
  return new WorkerPool(spawnThread(options.workerUrl ?? WORKER_URL), size);
}

/**
 * `sweep(spec, alphas, options)` on Node worker threads: at most
 * `options.workers` (default: the cores available, and never more than the
 * alphas) run the alphas at once, and the threads are stopped when the sweep
 * ends or fails. `workers: 1` runs in this thread, as `sweep` does. The
 * result has the same bits as `sweep`'s; an error is the one `sweep` would
 * throw, with the same class, field and message.
 */
export function parallelSweep(
  spec: Spec, alphas: readonly number[] = DEFAULT_ALPHAS, options: NodeSweepOptions = {},
): Promise<SweepResult> {
  const { workerUrl, ...rest } = options;
  return pooledSweep(
    spawnThread(workerUrl ?? WORKER_URL), availableParallelism(), spec, alphas, rest,
  );
}

export { WorkerPool };
export type { Runner, PooledSweepOptions } from '../pool.js';
