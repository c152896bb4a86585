/**
 * Cold start: a fresh Node process imports the package, compiles and
 * instantiates the kernels and runs a first small simulate. Each phase is
 * timed inside the child; the wall time from spawn to exit and that of an
 * empty Node process are measured from outside. Median of several processes.
 */
import { formatTime, median, type Budget, type FamilyResult } from './lib/harness.js';
import { runChild, runNode } from './lib/processes.js';

interface Phases {
  boot: number;
  import: number;
  instantiate: number;
  simulate: number;
  total: number;
}

export async function run(_budget: Budget, quick: boolean): Promise<FamilyResult> {
  const processes = quick ? 3 : 15;
  const phases: Phases[] = [];
  const walls: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < processes; i++) {
    const child = runChild<Phases>('cold-start');
    phases.push(child.value);
    walls.push(child.wallMs);
    empty.push(runNode(['-e', '0']).wallMs);
  }
  const firstResult = median(phases.map((p) => p.total));
  const rows: [string, number[]][] = [
    ['Node start to the first line of the benchmark script', phases.map((p) => p.boot)],
    ["import 'lazy-regime' (dist/, kernels embedded as base64)", phases.map((p) => p.import)],
    ['createEngine(): decode, compile and instantiate the kernels',
      phases.map((p) => p.instantiate)],
    ['first simulate: n = 16, d = 4, M = 32, 10 RK4 steps, 16 test points',
      phases.map((p) => p.simulate)],
    ['**import to first result** (the cold start)', phases.map((p) => p.total)],
    ['spawn to exit of that process, wall', walls],
    ['an empty Node process (node -e 0), spawn to exit', empty],
  ];
  return {
    family: 'startup',
    tables: [],
    sections: [[
      `### Cold start in a fresh Node process (median of ${processes} processes)`,
      '',
      '| phase | median | fastest |',
      '| --- | ---: | ---: |',
      ...rows.map(([label, ms]) =>
        `| ${label} | ${formatTime(median(ms))} | ${formatTime(Math.min(...ms))} |`),
      '',
      'The fastest process shows the cost without contention; the median is the figure the ' +
        'target reads.',
    ].join('\n')],
    figures: {
      coldStartMs: firstResult,
      coldStartWallMs: median(walls),
      emptyNodeWallMs: median(empty),
      coldStartFastestMs: Math.min(...phases.map((p) => p.total)),
      nodeBootMs: median(phases.map((p) => p.boot)),
    },
  };
}
