/** Fresh Node processes for the process-level benchmarks, timed from spawn to exit. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILDREN = fileURLToPath(new URL('../children.js', import.meta.url));

/** Runs `node args...`; returns its standard output and the wall time from spawn to exit. */
export function runNode(args: string[], cwd?: string): { stdout: string; wallMs: number } {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', cwd });
  const wallMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited with ${child.status}: ${child.stderr.trim()}`);
  }
  return { stdout: child.stdout, wallMs };
}

/** Runs bench/children.ts in MODE; returns its JSON reply and the wall time. */
export function runChild<T>(mode: string, options: object = {}): { value: T; wallMs: number } {
  const { stdout, wallMs } = runNode([CHILDREN, mode, JSON.stringify(options)]);
  return { value: JSON.parse(stdout) as T, wallMs };
}
