/** Fresh Node processes for the process-level benchmarks, timed from spawn to exit. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILDREN = fileURLToPath(new URL('../children.js', import.meta.url));

/**
 * Runs `node args...`; returns its standard output and the wall time from
 * spawn to exit. With `ownPeak`, Node is started by a shell that forks it
 * from its own small image: Linux keeps a process's peak resident size
 * (maxRSS) across exec, so a child spawned straight from this large process
 * would report this process's size as its own peak.
 */
export function runNode(
  args: string[], ownPeak = false,
): { stdout: string; wallMs: number } {
  const [command, argv] = ownPeak && existsSync('/bin/sh')
    ? ['/bin/sh', ['-c', '"$0" "$@"; exit $?', process.execPath, ...args]]
    : [process.execPath, args];
  const started = performance.now();
  const child = spawnSync(command, argv, { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (child.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited with ${child.status}: ${child.stderr.trim()}`);
  }
  return { stdout: child.stdout, wallMs };
}

/** Runs bench/children.ts in MODE; returns its JSON reply and the wall time. */
export function runChild<T>(
  mode: string, options: object = {}, ownPeak = false,
): { value: T; wallMs: number } {
  const { stdout, wallMs } = runNode([CHILDREN, mode, JSON.stringify(options)], ownPeak);
  return { value: JSON.parse(stdout) as T, wallMs };
}
