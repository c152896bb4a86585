/**
 * Simulations on worker threads: a pooled sweep gives the sequential
 * sweep's bits in the order of the alphas, an error inside a worker comes
 * back with its class, field and message, failed or closed pools stop
 * their workers, and the CLI's --workers flag is checked and used.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureOutput, type Captured } from './capture.js';
import {
  FlowDivergedError, SpecError, WorkerPool, deserializeError, serializeError, simulate, sweep,
  type Spec, type SweepResult,
} from '../src/index.js';
import { main } from '../src/node/cli.js';
import { createPool, parallelSweep } from '../src/node/pool.js';
import { numberEntries } from './digest.js';

const SPEC: Spec = {
  data: { n: 8, d: 3, seed: 5 },
  test: { n: 16 },
  model: { width: 16, activation: 'tanh' },
  flow: { steps: 20, record: 3 },
};
const ALPHAS = [1, 4, 16];

/** Every number of a sweep result by its bits, each run's wall-clock seconds left out. */
function bits(result: SweepResult): string[] {
  return numberEntries(result, ALPHAS.map((_, i) => `runs[${i}].meta.seconds`));
}

/** The error a promise rejects with (failing the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );
}

let sequential: SweepResult;
let dir: string;

beforeAll(async () => {
  sequential = await sweep(SPEC, ALPHAS);
  dir = mkdtempSync(join(tmpdir(), 'lazy-regime-pool-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a sweep on a pool of two worker threads', () => {
  it('gives the sequential sweep bit for bit, rows in alpha order, and stops its workers',
    async () => {
      const pool = createPool({ workers: 2 });
      const finished: number[] = [];
      let checkpoints = 0;
      try {
        const pooled = await sweep(SPEC, ALPHAS, {
          runner: pool.run,
          onRun: (alpha) => finished.push(alpha),
          onCheckpoint: () => void checkpoints++,
        });
        expect(pool.liveWorkers).toBe(2);
        expect(pooled.rows.map((row) => row.alpha)).toEqual(ALPHAS);
        expect(bits(pooled)).toEqual(bits(sequential));
        expect(bits(pooled).length).toBeGreaterThan(100);
      } finally {
        await pool.close();
      }
      expect(finished).toEqual(ALPHAS);
      expect(checkpoints).toBe(ALPHAS.length * 3);
      expect(pool.liveWorkers).toBe(0);
    });

  it('parallelSweep starts at most one worker per alpha and gives the same bits', async () => {
    const pooled = await parallelSweep(SPEC, ALPHAS, { workers: 8 });
    expect(bits(pooled)).toEqual(bits(sequential));
  });

  it('surfaces a SpecError from inside a worker with its field and the sequential message',
    async () => {
      const bad = { ...SPEC, model: { ...SPEC.model, activation: 'sigmoid' } } as unknown as Spec;
      const expected = await rejection(sweep(bad, ALPHAS));
      const pool = createPool({ workers: 2 });
      let error: Error;
      try {
        error = await rejection(sweep(bad, ALPHAS, { runner: pool.run }));
      } finally {
        await pool.close();
      }
      expect(error).toBeInstanceOf(SpecError);
      expect(error.name).toBe('SpecError');
      expect((error as SpecError).field).toBe('spec.model.activation');
      expect(error.message).toBe(expected.message);
      expect(error.message).toMatch(/^at alpha = 1: spec\.model\.activation must be one of /);
      expect(pool.liveWorkers).toBe(0);
    });

  it('reports the first failing alpha in order, as the sequential sweep does', async () => {
    const spec: Spec = { ...SPEC, flow: { ...SPEC.flow, dt: 1e6 } };
    const expected = await rejection(sweep(spec, [2, 1]));
    const error = await rejection(parallelSweep(spec, [2, 1], { workers: 2 }));
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toBe(expected.message);
    expect(error.message).toMatch(/^at alpha = 2 \(spec\.flow\.dt = 1000000 scaled/);
  });
});

describe('errors across the thread boundary', () => {
  it('keep the class, fields and message of FlowDivergedError and of built-in errors', () => {
    const diverged = new FlowDivergedError(17, 0.5, 0.25, 'euler');
    const back = deserializeError(structuredClone(serializeError(diverged)));
    expect(back).toBeInstanceOf(FlowDivergedError);
    expect(back).toMatchObject({
      name: 'FlowDivergedError', message: diverged.message, step: 17, dt: 0.5, stableDt: 0.25,
      method: 'euler',
    });
    const range = deserializeError(structuredClone(serializeError(new RangeError('too big'))));
    expect(range).toBeInstanceOf(RangeError);
    expect(range.message).toBe('too big');
    const odd = deserializeError(structuredClone(serializeError('a string')));
    expect([odd.name, odd.message]).toEqual(['Error', 'a string']);
  });
});

describe('the worker pool', () => {
  it('rejects the run of a worker that fails to load and stops it', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('this worker cannot start');\n");
    const pool = createPool({ workers: 1, workerUrl: pathToFileURL(broken) });
    const error = await rejection(pool.run(SPEC));
    expect(error.message).toBe('this worker cannot start');
    await pool.close();
    expect(pool.liveWorkers).toBe(0);
  });

  it('rejects runs once closed, and the runs it had not finished', async () => {
    const pool = createPool({ workers: 1 });
    const running = rejection(pool.run(SPEC));
    const queued = rejection(pool.run(SPEC));
    await pool.close();
    expect((await running).message).toBe(
      'the worker pool was closed before this run finished',
    );
    expect((await queued).message).toBe(
      'the worker pool was closed before this run finished',
    );
    expect((await rejection(pool.run(SPEC))).message).toBe(
      'the worker pool is closed: it runs nothing more',
    );
    expect(pool.liveWorkers).toBe(0);
  });

  it('refuses a size that is not a positive integer, naming options.workers', () => {
    expect(() => createPool({ workers: 0 })).toThrow(
      new SpecError('options.workers', 'options.workers must be an integer >= 1; got 0'),
    );
    expect(() => new WorkerPool(() => expect.fail('no worker expected'), 1.5)).toThrow(
      'options.workers must be an integer >= 1; got 1.5',
    );
  });

  it('runs one simulation with the bits of simulate in this thread', async () => {
    const pool = createPool({ workers: 1 });
    try {
      const [here, there] = await Promise.all([simulate(SPEC), pool.run(SPEC)]);
      expect(numberEntries(there)).toEqual(numberEntries(here));
    } finally {
      await pool.close();
    }
  });
});

describe('lazy-regime sweep --workers', () => {
  let io: Captured;

  beforeAll(() => {
    io = captureOutput();
  });

  afterEach(() => {
    io?.reset();
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  it('refuses a count that is not a positive integer, with exit status 2', async () => {
    for (const value of ['0', '-1', '1.5', 'two', '']) {
      io.stderr = '';
      expect(await main(['sweep', `--workers=${value}`])).toBe(2);
      expect(io.stderr).toContain(`--workers must be a positive integer; got '${value}'`);
      expect(io.stderr).toContain("run 'lazy-regime --help' for usage");
    }
  });

  it('writes the same figures with 2 worker threads as with 1', async () => {
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify(SPEC));
    const read = (prefix: string) => {
      const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
      return { json: numberEntries(json, ALPHAS.map((_, i) => `runs[${i}].meta.seconds`)),
        csv: readFileSync(`${prefix}.csv`, 'utf8') };
    };
    const args = ['sweep', '--spec', spec, '--alphas', ALPHAS.join(',')];
    expect(await main([...args, '--workers', '1', '-o', join(dir, 'one')])).toBe(0);
    expect(io.stdout).not.toContain('worker threads');
    expect(await main([...args, '--workers', '2', '-o', join(dir, 'two')])).toBe(0);
    expect(io.stdout).toContain(' on 2 worker threads');
    expect(read(join(dir, 'two'))).toEqual(read(join(dir, 'one')));
  });
});
