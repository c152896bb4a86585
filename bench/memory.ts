/**
 * Peak resident memory (process.resourceUsage().maxRSS) of a fresh Node
 * process running a (n, d, M) = (1000, 20, 2000) simulate of a few steps,
 * next to one that only imports the package and creates an engine.
 */
import { createEngine } from 'lazy-regime';
import { median, type Budget, type FamilyResult } from './lib/harness.js';
import { runChild } from './lib/processes.js';

export const SIZE = { n: 1000, d: 20, M: 2000, steps: 4 };
const TEST_N = 256;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

interface Peak {
  peakBytes: number;
  highWaterBytes: number | null;
}

export async function run(_budget: Budget, quick: boolean): Promise<FamilyResult> {
  const processes = quick ? 1 : 3;
  const baseline: Peak[] = [];
  const simulate: Peak[] = [];
  for (let i = 0; i < processes; i++) {
    baseline.push(runChild<Peak>('baseline', {}, true).value);
    simulate.push(runChild<Peak>('memory', SIZE, true).value);
  }
  const maxRss = (peaks: Peak[]) => median(peaks.map((p) => p.peakBytes));
  const highWater = (peaks: Peak[]) => {
    const values = peaks.flatMap((p) => (p.highWaterBytes === null ? [] : [p.highWaterBytes]));
    return values.length > 0 ? mib(median(values)) : '-';
  };
  const { n, d, M, steps } = SIZE;
  const engine = await createEngine();
  const work = engine.k.flowWorkBytes(n, d, M, TEST_N, 0);
  const buffers = 8 * (n * d + n + 3 * M * d + M + 2 * n * n + TEST_N * (d + 1)) + work;
  const peak = maxRss(simulate);
  return {
    family: 'memory',
    tables: [],
    sections: [[
      `### Peak resident memory of a fresh process (median of ${processes})`,
      '',
      '| process | maxRSS | VmHWM |',
      '| --- | ---: | ---: |',
      `| import the package and create an engine | ${mib(maxRss(baseline))} | ` +
        `${highWater(baseline)} |`,
      `| simulate (n, d, M) = (${n}, ${d}, ${M}), ${steps} RK4 steps, ${TEST_N} test points, ` +
        `kernel change measured | ${mib(peak)} | ${highWater(simulate)} |`,
      '',
      'maxRSS is process.resourceUsage().maxRSS; VmHWM, from /proc/self/status, is the ' +
        'same peak for the process image alone. Linux keeps maxRSS across exec, so the ' +
        'children are started by a shell that forks them from its own small image (spawned ' +
        'straight from the benchmark process they reported its size instead).',
      '',
      `The flow's own buffers at this size (X, y, W0, W, V, a, K0, K_t, test set and the ` +
        `work block of flowWorkBytes) come to ${mib(buffers)}; wasm memory grows in 64 KiB ` +
        'pages and never shrinks while the engine lives.',
    ].join('\n')],
    figures: {
      peakRssBytes: peak, baselineRssBytes: maxRss(baseline), flowBufferBytes: buffers,
    },
  };
}
