/**
 * Independent simulations in parallel, in any runtime. This module holds
 * what does not depend on the kind of worker: the `Runner` that `sweep`
 * accepts, the messages between a pool and its workers, errors that cross
 * the thread boundary keeping their class, and `WorkerPool`, which hands
 * runs to workers made by a platform module (`node/pool.ts` for
 * worker_threads, `web/pool.ts` for Web Workers). It imports no Node
 * built-in and names no worker file.
 *
 * Every run makes a fresh kernel instance wherever it runs, and its figures
 * cross the boundary by structured clone, which copies doubles exactly, so a
 * run in a worker returns the same bits as `simulate` in this thread.
 */
import { FlowDivergedError, type Measurement, type Method } from './flow.js';
import { simulate, type SimulateOptions, type SimulationResult } from './simulate.js';
import { SpecError, integer, type Spec } from './spec.js';
import { sweep, type SweepOptions, type SweepResult } from './sweep.js';

/**
 * Runs one simulation somewhere and resolves with its result: `simulate`
 * itself runs it in this thread, a pool's `run` in a worker. It rejects as
 * `simulate` would (SpecError, FlowDivergedError, ...).
 */
export type Runner = (spec: Spec, options?: SimulateOptions) => Promise<SimulationResult>;

/** The pool asks a worker to run one spec; `checkpoints` asks for every checkpoint too. */
export interface RunRequest {
  id: number;
  spec: Spec;
  checkpoints: boolean;
}

/** A worker's answers to one request: checkpoints as they come, then the result or an error. */
export type RunReply =
  | { id: number; type: 'checkpoint'; index: number; figures: Measurement & { t: number } }
  | { id: number; type: 'done'; result: SimulationResult }
  | { id: number; type: 'error'; error: SerializedError };

/** An error as it crosses the thread boundary: its class name, message and fields. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** SpecError's field. */
  field?: string;
  /** FlowDivergedError's step, dt, stable step and method. */
  step?: number;
  dt?: number;
  stableDt?: number;
  method?: Method;
}

/** The built-in error classes that are rebuilt as themselves. */
const BUILT_IN_ERRORS: Record<string, new (message: string) => Error> = {
  Error, RangeError, TypeError, ReferenceError, SyntaxError, EvalError, URIError,
  RuntimeError: WebAssembly.RuntimeError,
};

/** The name, message, stack and class-specific fields of `error` (any thrown value). */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const serialized: SerializedError = {
    name: error.name, message: error.message, stack: error.stack,
  };
  if (error instanceof SpecError) serialized.field = error.field;
  if (error instanceof FlowDivergedError) {
    Object.assign(serialized, {
      step: error.step, dt: error.dt, stableDt: error.stableDt, method: error.method,
    });
  }
  return serialized;
}

/**
 * The error that `serializeError` described, rebuilt in this thread: a
 * SpecError with its field, a FlowDivergedError with its step, dt, stable
 * step and method, a built-in class as itself, anything else as an Error
 * with the original name. The message is the original's, and the stack the
 * worker's (it shows where the error arose).
 */
export function deserializeError(serialized: SerializedError): Error {
  const { name, message } = serialized;
  let error: Error;
  if (name === 'SpecError') {
    error = new SpecError(serialized.field ?? 'spec', message);
  } else if (name === 'FlowDivergedError' && serialized.method !== undefined) {
    const { step, dt, stableDt, method } = serialized;
    error = new FlowDivergedError(step ?? NaN, dt ?? NaN, stableDt ?? NaN, method);
    error.message = message;
  } else {
    error = new (BUILT_IN_ERRORS[name] ?? Error)(message);
    if (error.name !== name) error.name = name;
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

/**
 * The worker's side of the protocol: runs `request.spec` with `simulate`,
 * posting each checkpoint when asked, then the result or the serialized
 * error. Never rejects.
 */
export async function serveRun(
  request: RunRequest, post: (reply: RunReply) => void,
): Promise<void> {
  const { id } = request;
  try {
    const options: SimulateOptions = request.checkpoints
      ? { onCheckpoint: (index, figures) => post({ id, type: 'checkpoint', index, figures }) }
      : {};
    const result = await simulate(request.spec, options);
    post({ id, type: 'done', result });
  } catch (error) {
    post({ id, type: 'error', error: serializeError(error) });
  }
}

/** One worker as the pool drives it; a platform module wraps its own kind of worker in this. */
export interface PoolWorker {
  /** Sends a request (the worker runs one at a time; the pool never sends a second early). */
  post(request: RunRequest): void;
  /** Stops the worker at once, even mid-run; resolves when it has stopped. */
  terminate(): Promise<void>;
  /** Whether the worker may keep its process alive: true while it runs something. */
  keepAlive?(busy: boolean): void;
}

/** What a worker reports to the pool. */
export interface PoolWorkerEvents {
  /** A message from the worker. */
  reply(message: RunReply): void;
  /** The worker failed outside `serveRun` (it did not load, crashed or exited). */
  fail(error: Error): void;
}

/** Starts one worker that answers RunRequests with RunReplies through `events`. */
export type SpawnWorker = (events: PoolWorkerEvents) => PoolWorker;

interface Job {
  id: number;
  spec: Spec;
  options: SimulateOptions;
  resolve(result: SimulationResult): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: PoolWorker;
  job: Job | null;
  /** False once the slot failed or the pool stopped it: it takes no more jobs. */
  usable: boolean;
}

/**
 * At most `size` workers running simulations, one each at a time; further
 * runs wait in order. Workers start when there is work for them and are
 * reused for later runs (every run still gets a fresh kernel instance).
 * `run` is a `Runner`; `close` stops every worker, and must be called when
 * the pool is no longer needed (a Node worker thread that is not running
 * anything does not keep the process alive, but it holds memory).
 */
export class WorkerPool {
  /** The most workers this pool runs at once. */
  readonly size: number;
  private readonly spawn: SpawnWorker;
  private readonly slots = new Set<Slot>();
  /** Workers started and not yet known to have stopped, including failed ones. */
  private readonly live = new Set<PoolWorker>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private stopping: Promise<void> | null = null;

  /** A pool of at most `size` workers (an integer >= 1) started by `spawn`. */
  constructor(spawn: SpawnWorker, size: number) {
    this.size = integer(size, 'options.workers', undefined, 1);
    this.spawn = spawn;
  }

  /** Workers started and not yet stopped; 0 after `close()` has resolved. */
  get liveWorkers(): number {
    return this.live.size;
  }

  /**
   * Runs `spec` on a worker, forwarding each checkpoint to
   * `options.onCheckpoint`; resolves with the result, or rejects with the
   * error `simulate` threw there, rebuilt with its class and message. A
   * worker that fails outside a run rejects its run with that failure; a
   * closed pool rejects every run it has not finished. `spec` is copied
   * (structured clone) when a worker takes the run, so change no spec
   * object that is still waiting in the queue.
   */
  readonly run: Runner = (spec, options = {}) => new Promise((resolve, reject) => {
    if (this.closed) {
      reject(new Error('the worker pool is closed: it runs nothing more'));
      return;
    }
    this.queue.push({ id: this.nextId++, spec, options, resolve, reject });
    this.dispatch();
  });

  /**
   * Stops every worker, running or idle, and rejects the runs not yet
   * finished; resolves when all workers have stopped. Calling it again
   * returns the same promise.
   */
  close(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.closed = true;
    const unfinished = new Error('the worker pool was closed before this run finished');
    for (const job of this.queue.splice(0)) job.reject(unfinished);
    for (const slot of this.slots) {
      slot.usable = false;
      slot.job?.reject(unfinished);
      slot.job = null;
    }
    this.slots.clear();
    this.stopping = Promise.all([...this.live].map((worker) => this.stop(worker)))
      .then(() => undefined);
    return this.stopping;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((candidate) => candidate.job === null);
      if (!slot) {
        if (this.slots.size >= this.size) return;
        try {
          slot = this.start();
        } catch (error) {
          this.queue.shift()!.reject(error);
          continue;
        }
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.keepAlive?.(true);
      slot.worker.post({
        id: job.id, spec: job.spec, checkpoints: job.options.onCheckpoint !== undefined,
      });
    }
  }

  private start(): Slot {
    const events: PoolWorkerEvents = {
      reply: (message) => this.onReply(slot, message),
      fail: (error) => this.onFail(slot, error),
    };
    const slot: Slot = { worker: this.spawn(events), job: null, usable: true };
    this.slots.add(slot);
    this.live.add(slot.worker);
    return slot;
  }

  private onReply(slot: Slot, message: RunReply): void {
    const job = slot.job;
    if (!slot.usable || !job || message.id !== job.id) return;
    if (message.type === 'checkpoint') {
      try {
        job.options.onCheckpoint?.(message.index, message.figures);
      } catch (error) {
        this.retire(slot);
        job.reject(error);
      }
      return;
    }
    slot.job = null;
    slot.worker.keepAlive?.(false);
    if (message.type === 'done') job.resolve(message.result);
    else job.reject(deserializeError(message.error));
    this.dispatch();
  }

  private onFail(slot: Slot, error: Error): void {
    if (!slot.usable) return;
    const job = slot.job;
    this.retire(slot);
    job?.reject(error);
    this.dispatch();
  }

  /** Takes a slot out of service and stops its worker; queued runs go to other workers. */
  private retire(slot: Slot): void {
    slot.usable = false;
    slot.job = null;
    this.slots.delete(slot);
    void this.stop(slot.worker);
  }

  private async stop(worker: PoolWorker): Promise<void> {
    await worker.terminate().catch(() => undefined);
    this.live.delete(worker);
  }
}

/** Options of a sweep on a worker pool: those of `sweep`, and how many workers. */
export interface PooledSweepOptions extends Omit<SweepOptions, 'runner'> {
  /**
   * The most workers at once, an integer >= 1; never more than there are
   * alphas. 1 runs the sweep in this thread, exactly as `sweep` does.
   */
  workers?: number;
}

/**
 * `sweep(spec, alphas, options)` with its runs spread over a pool of
 * workers started by `spawn` (`defaultWorkers` of them unless
 * `options.workers` says otherwise, at most one per alpha), closed when the
 * sweep ends or fails. The result has the same bits as the sequential sweep.
 */
export async function pooledSweep(
  spawn: SpawnWorker, defaultWorkers: number, spec: Spec, alphas: readonly number[],
  options: PooledSweepOptions,
): Promise<SweepResult> {
  const { workers, ...sweepOptions } = options;
  const runs = Array.isArray(alphas) ? alphas.length : 1;
  const size = Math.max(1, Math.min(integer(workers, 'options.workers', defaultWorkers, 1), runs));
  if (size === 1) return sweep(spec, alphas, sweepOptions);
  const pool = new WorkerPool(spawn, size);
  try {
    return await sweep(spec, alphas, { ...sweepOptions, runner: pool.run });
  } finally {
    await pool.close();
  }
}
