/**
 * The numpy contender: bench/numpy_bench.py run by one or more Python
 * interpreters, each under one BLAS thread. The interpreters are the
 * comma-separated list in BENCH_PYTHON (default `python3`); one without
 * numpy becomes a skipped contender with the reason, never an error.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExternalContender } from './harness.js';

const SCRIPT = fileURLToPath(new URL('../../../bench/numpy_bench.py', import.meta.url));

/** One BLAS thread, whichever BLAS numpy was built with. */
const ONE_THREAD = {
  OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1',
  BLIS_NUM_THREADS: '1', VECLIB_MAXIMUM_THREADS: '1',
};

export interface NumpyInfo {
  numpy: string;
  python: string;
  /** The BLAS shared objects the process has mapped. */
  libraries: string[];
  /** OpenBLAS's configuration string and the core it chose, when numpy runs OpenBLAS. */
  openblas: string | null;
  core: string | null;
}

export interface NumpyRunner {
  /** The interpreter as given. */
  command: string;
  /** Column name in the tables. */
  label: string;
  info: NumpyInfo | null;
  /** Why this interpreter cannot run the tasks, or null. */
  missing: string | null;
}

/** Runs one task of bench/numpy_bench.py under `command`; returns its reply or what failed. */
export function callNumpy(
  command: string, task: object,
): { value?: Record<string, unknown>; error?: string } {
  const child = spawnSync(command, [SCRIPT], {
    input: JSON.stringify(task),
    env: { ...process.env, ...ONE_THREAD },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error) {
    const code = (child.error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `${command} not found` : child.error.message };
  }
  if (child.status !== 0) {
    const lines = child.stderr.trim().split('\n');
    return { error: `${command} failed: ${lines[lines.length - 1]}` };
  }
  return { value: JSON.parse(child.stdout) as Record<string, unknown> };
}

let runners: NumpyRunner[] | undefined;

/** The interpreters of BENCH_PYTHON, probed once. */
export function numpyRunners(): NumpyRunner[] {
  if (runners) return runners;
  const commands = (process.env.BENCH_PYTHON ?? 'python3').split(',').map((c) => c.trim())
    .filter((c) => c !== '');
  runners = commands.map((command) => {
    const probe = callNumpy(command, { kind: 'info' });
    const info = (probe.value ?? null) as NumpyInfo | null;
    return { command, label: 'numpy', info, missing: probe.error ?? null };
  });
  if (runners.length > 1) {
    for (const r of runners) {
      r.label = r.info ? `numpy ${r.info.numpy} ${r.info.core ?? 'BLAS'}` : `numpy (${r.command})`;
    }
  }
  return runners;
}

/** A folder of raw f64 input files for one case, removed by `dispose`. */
export class Inputs {
  readonly dir = mkdtempSync(join(tmpdir(), 'lazy-regime-bench-'));

  /** Writes the doubles little-endian and returns the file's path. */
  write(name: string, values: Float64Array): string {
    const path = join(this.dir, `${name}.f64`);
    writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return path;
  }

  path(name: string): string {
    return join(this.dir, `${name}.f64`);
  }

  read(name: string): Float64Array {
    const bytes = readFileSync(this.path(name));
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One external contender per interpreter for `task`; each pass reruns the
 * script, so its samples interleave with the Node contenders'. `onFirst`
 * receives the first successful reply (for the output check).
 */
export function numpyContenders(
  task: Record<string, unknown>, timing: { timeMs: number; iterations: number },
  onFirst: (runner: NumpyRunner, reply: Record<string, unknown>) => void,
): ExternalContender[] {
  return numpyRunners().map((runner) => {
    let first = true;
    return {
      name: runner.label,
      samples: () => {
        if (runner.missing) return { skipped: runner.missing };
        const reply = callNumpy(runner.command, { ...task, ...timing });
        if (reply.error) return { skipped: reply.error };
        if (first) {
          onFirst(runner, reply.value!);
          first = false;
        }
        return reply.value!.samples as number[];
      },
    };
  });
}
