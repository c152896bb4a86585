/**
 * The whole default sweep, sweep(DEFAULT_SPEC, DEFAULT_ALPHAS), in a fresh
 * process: one after another on one core, and with two workers when the
 * package offers a worker pool (a `workers` sweep option, or the CLI's
 * `--workers`). Wall time from spawn to exit; median of the rounds, which
 * alternate between the two configurations.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTime, median, type Budget, type FamilyResult } from './lib/harness.js';
import { runChild, runNode } from './lib/processes.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const CLI = join(DIST, 'cli.js');

/** How the package offers two workers, if it does. */
function workerPool(): 'api' | 'cli' | null {
  if (/\bworkers\??\s*:/.test(readFileSync(join(DIST, 'sweep.d.ts'), 'utf8'))) return 'api';
  if (runNode([CLI, '--help']).stdout.includes('--workers')) return 'cli';
  return null;
}

interface SweepRun {
  wallMs: number;
  rowsSha256: string;
}

function oneCore(steps: number | undefined): SweepRun {
  const child = runChild<{ rowsSha256: string }>('sweep', { steps });
  return { wallMs: child.wallMs, rowsSha256: child.value.rowsSha256 };
}

function twoWorkers(pool: 'api' | 'cli', steps: number | undefined): SweepRun {
  if (pool === 'api') {
    const child = runChild<{ rowsSha256: string }>('sweep', { steps, workers: 2 });
    return { wallMs: child.wallMs, rowsSha256: child.value.rowsSha256 };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lazy-regime-sweep-'));
  try {
    const args = [CLI, 'sweep', '--workers', '2', '-o', join(dir, 'sweep')];
    if (steps) args.push('--steps', String(steps));
    const { wallMs } = runNode(args);
    const { rows } = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { rows: unknown };
    return { wallMs, rowsSha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(_budget: Budget, quick: boolean): Promise<FamilyResult> {
  const rounds = quick ? 1 : 3;
  const steps = quick ? 60 : undefined;
  const pool = workerPool();
  const single: SweepRun[] = [];
  const pooled: SweepRun[] = [];
  for (let i = 0; i < rounds; i++) {
    single.push(oneCore(steps));
    if (pool) pooled.push(twoWorkers(pool, steps));
  }
  const oneMs = median(single.map((r) => r.wallMs));
  const twoMs = pool ? median(pooled.map((r) => r.wallMs)) : null;
  const sameRows = pooled.every((r) => r.rowsSha256 === single[0].rowsSha256);
  const spec = `DEFAULT_SPEC (n = 64, d = 8, M = 512, tanh, ${steps ?? 600} RK4 steps, ` +
    '256 test points), alphas 1, 2, 4, ..., 64';
  return {
    family: 'sweep',
    tables: [],
    sections: [[
      `### Whole default sweep in a fresh process (median of ${rounds})`,
      '',
      `Spec: ${spec}.`,
      '',
      '| configuration | wall, spawn to exit | speed-up over one core |',
      '| --- | ---: | ---: |',
      `| one core, alphas one after another | ${formatTime(oneMs)} | 1.00 |`,
      twoMs === null
        ? '| two workers | not available: the package has no workers option nor --workers | - |'
        : `| two workers (${pool === 'api' ? 'sweep option workers: 2' : 'CLI --workers 2'}) | ` +
          `${formatTime(twoMs)} | ${(oneMs / twoMs).toFixed(2)}${sameRows ? '' :
            ' (rows differ from the one-core run)'} |`,
    ].join('\n')],
    figures: {
      sweepSteps: steps ?? 600,
      sweepOneCoreMs: oneMs,
      sweepTwoWorkersMs: twoMs,
      sweepWorkers: pool ?? 'not available',
      sweepSameRows: pool ? String(sameRows) : null,
    },
  };
}
