/**
 * One classical RK4 step of the network and its linearisation together, as
 * the package integrates them: per stage a fused forward and gradient pass
 * over the rows of X (tanh) and the function-space update r0 - K0 q / n.
 * Contenders: the package's flowRk4 kernel on buffers allocated once, the
 * plain TypeScript transcription and numpy (f64, one BLAS thread). A second
 * table splits the package's step into its kernels, timed one by one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from 'lazy-regime';
import { PlainFlow } from './plain.js';
import {
  formatTime, relativeDeviation, timeCase, type Budget, type CaseResult,
  type FamilyResult,
} from './lib/harness.js';
import { callNumpy, Inputs, numpyContenders, numpyRunners } from './lib/numpy.js';
import { drawProblem, forwardBuffers, RawFlow, TANH, type Problem } from './lib/problem.js';
import { runChild } from './lib/processes.js';

export const GRID: [number, number, number][] = [[64, 5, 100], [200, 10, 1000], [1000, 20, 2000]];

export const PACKAGE = 'lazy-regime flowRk4';
export const PLAIN = 'plain TS';

/** Kernels the wrapper does not declare but the module exports. */
interface ExtraKernels {
  activate(kind: number, z: number, value: number, slope: number, count: number): void;
}

/** |x - ref| / |ref| for the linearised risk, with W's deviation: the larger of the two. */
function stepDeviation(p: Problem, w: ArrayLike<number>, linearRisk: number): number {
  const risk = Math.abs(linearRisk - p.stepLinearRisk) / Math.abs(p.stepLinearRisk);
  return Math.max(relativeDeviation(w, p.stepW), risk);
}

/**
 * Times the kernels one RK4 stage is made of, on the problem's W0: the
 * forward pass (rows of X W^T, tanh and its slope, paired sum), tanh with
 * its slope alone, the gradient Phi^T u, and K0 q. Returns markdown.
 */
async function breakdown(engine: Engine, p: Problem, stepMs: number, budget: Budget) {
  const { n, d, M } = p;
  const k = engine.k;
  const extra = k as unknown as ExtraKernels;
  const { x, w, a, slope, f, work, workBytes } = forwardBuffers(engine, p);
  const u = engine.allocFrom(p.y);
  const g = engine.alloc(M * d);
  const k0 = engine.allocFrom(p.K0);
  const v = engine.alloc(n);
  const kv = engine.alloc(n);
  const z = engine.allocFrom(Float64Array.from({ length: M }, (_, j) => {
    let s = 0;
    for (let c = 0; c < d; c++) s += p.W0[j * d + c] * p.X[c];
    return s;
  }));
  const value = engine.alloc(M);
  const rowSlope = engine.alloc(M);
  const first = (ptr: number) => new Float64Array(k.memory.buffer, ptr, 1)[0];
  try {
    const results = await timeCase(budget, [
      {
        name: 'forward',
        run: () => {
          k.forward(x, n, d, w, M, a, p.scale, TANH, f, slope, work, workBytes);
          return first(f);
        },
      },
      {
        name: 'tanh',
        run: () => {
          for (let i = 0; i < n; i++) extra.activate(TANH, z, value, rowSlope, M);
          return first(value);
        },
      },
      {
        name: 'gradient',
        run: () => {
          k.vjp(x, n, d, slope, M, a, p.scale / n, u, g, work, workBytes);
          return first(g);
        },
      },
      { name: 'linear', run: () => k.lambdaMax(k0, n, 1, 0, v, kv) },
    ]);
    const ms = Object.fromEntries(results.map((r) => [r.name, 4 * r.medianMs!]));
    const parts: [string, number][] = [
      ['rows of X W^T and paired sum (forward pass less tanh)', ms.forward - ms.tanh],
      [`tanh and its slope (${4 * n * M} evaluations)`, ms.tanh],
      ['gradient Phi^T r: n M d multiply-adds (vjp)', ms.gradient],
      ['linear flow K0 q: n^2 multiply-adds', ms.linear],
    ];
    const sum = parts.reduce((s, [, t]) => s + t, 0);
    parts.push(['step less the parts above (RK4 updates, cache effects)', stepMs - sum]);
    const rows = parts.map(([label, t]) =>
      `| ${label} | ${formatTime(t)} | ${((100 * t) / stepMs).toFixed(0)}% |`);
    const tanhNs = (ms.tanh * 1e6) / (4 * n * M);
    const macs = 8 * n * M * d;
    const macRate = (2 * macs) / ((ms.forward - ms.tanh + ms.gradient) * 1e6);
    return {
      markdown: [
        `#### Where the package's step goes at (n, d, M) = (${n}, ${d}, ${M})`,
        '',
        'Each kernel timed alone on the same sizes, times 4 stages; step median ' +
          `${formatTime(stepMs)}.`,
        '',
        '| part of one RK4 step | time | share |',
        '| --- | ---: | ---: |',
        ...rows,
        '',
        `tanh: ${tanhNs.toFixed(1)} ns per evaluation with its slope; the ${macs} ` +
          `multiply-adds of X W^T and Phi^T r run at ${macRate.toFixed(2)} GFLOP/s.`,
      ].join('\n'),
      tanhShare: ms.tanh / stepMs,
    };
  } finally {
    for (const ptr of [x, w, a, slope, f, work, u, g, k0, v, kv, z, value, rowSlope]) {
      engine.free(ptr);
    }
  }
}

/** The text form of the kernels that `npm run build:wasm` leaves next to the binary. */
const WAT = fileURLToPath(new URL('../release.wat', import.meta.url));

/** What each kernel function does in a step, for the profile table. */
const ROLES: Record<string, string> = {
  'assembly/integrators/field': 'per-row loop with paired sum and gradient accumulation inlined',
  '~lib/math/NativeMath.tanh': 'tanh (standard library)',
  '~lib/math/NativeMath.expm1': 'expm1, called by tanh',
  'assembly/activations/activate': 'tanh loop writing tanh and its slope',
  'assembly/network/rowDots': 'one row of X W^T',
  'assembly/integrators/linearResidual': 'K0 q for the linear flow',
  'assembly/integrators/flowRk4': 'RK4 combinations (axpy, addScaled inlined)',
};

/** Names of the wasm functions by index (imports first), read from build/release.wat. */
function wasmFunctionNames(): string[] {
  if (!existsSync(WAT)) return [];
  return readFileSync(WAT, 'utf8').split('\n').flatMap((line) => {
    const match = /^ \((?:import .*?)?\(?func \$(\S+)/.exec(line);
    return match ? [match[1]] : [];
  });
}

/**
 * A sampling CPU profile (node:inspector, 100 µs) of RK4 steps in a fresh
 * process, set-up excluded: self time per kernel function. Returns markdown.
 */
function cpuProfile(n: number, d: number, M: number, stepMs: number, quick: boolean): string {
  const steps = Math.max(2, Math.ceil((quick ? 500 : 3000) / stepMs));
  const { value } = runChild<{ stepMs: number; selfMicros: Record<string, number> }>(
    'profile', { n, d, M, steps },
  );
  const names = wasmFunctionNames();
  const total = Object.values(value.selfMicros).reduce((a, b) => a + b, 0);
  const rows = Object.entries(value.selfMicros)
    .map(([frame, micros]): [string, number] => {
      const index = /^wasm-function\[(\d+)\]$/.exec(frame);
      return [index && names[Number(index[1])] ? names[Number(index[1])] : frame, micros];
    })
    .sort((a, b) => b[1] - a[1])
    .filter(([, micros]) => micros / total >= 0.005)
    .map(([name, micros]) =>
      `| \`${name}\` | ${ROLES[name] ?? ''} | ${((100 * micros) / total).toFixed(1)}% |`);
  return [
    `CPU profile of ${steps} steps in a fresh process (${formatTime(value.stepMs)} per step ` +
      'there), self time per function:',
    '',
    '| function | role | self time |',
    '| --- | --- | ---: |',
    ...rows,
  ].join('\n');
}

/** numpy's step split the same way, per interpreter, from the case's input files. */
function numpyParts(inputs: Inputs, p: Problem, budget: Budget): string {
  const lines = numpyRunners().filter((r) => !r.missing).map((runner) => {
    const reply = callNumpy(runner.command, {
      kind: 'rk4-parts', n: p.n, d: p.d, M: p.M, scale: p.scale, X: inputs.path('X'),
      y: inputs.path('y'), W0: inputs.path('W0'), a: inputs.path('a'), K0: inputs.path('K0'),
      timeMs: budget.timeMs, iterations: budget.iterations,
    });
    if (reply.error) return `- ${runner.label}: ${reply.error}`;
    const parts = Object.entries(reply.value!.parts as Record<string, number>)
      .map(([name, ms]) => `${name} ${formatTime(ms)}`).join(', ');
    return `- ${runner.label}: ${parts}`;
  });
  if (lines.length === 0) return '';
  return ['numpy\'s step, operation by operation (each timed alone, times 4 stages):', '',
    ...lines].join('\n');
}

export async function run(budget: Budget, quick: boolean): Promise<FamilyResult> {
  const cases: CaseResult[] = [];
  const sections: string[] = [];
  const figures: Record<string, number | null> = {};
  for (const [n, d, M] of GRID) {
    const engine = await createEngine();
    const p = drawProblem(engine, n, d, M);
    const flow = new RawFlow(engine, p);
    const inputs = new Inputs();
    try {
      const deviation = new Map<string, number>();
      const plainFlow = new PlainFlow(p.X, p.y, p.W0, p.a, p.K0, n, d, M, p.scale);
      plainFlow.step(p.dt);
      deviation.set(PLAIN, stepDeviation(p, plainFlow.w, plainFlow.linearRisk()));
      const external = numpyContenders(
        {
          kind: 'rk4', n, d, M, scale: p.scale, dt: p.dt,
          X: inputs.write('X', p.X), y: inputs.write('y', p.y), W0: inputs.write('W0', p.W0),
          a: inputs.write('a', p.a), K0: inputs.write('K0', p.K0), out: inputs.path('W1'),
        },
        budget,
        (runner, reply) => deviation.set(
          runner.label, stepDeviation(p, inputs.read('W1'), reply.linearRisk as number),
        ),
      );
      const results = await timeCase(budget, [
        { name: PACKAGE, run: () => flow.step(p.dt) },
        { name: PLAIN, run: () => plainFlow.step(p.dt) },
      ], external);
      for (const r of results) r.deviation = deviation.get(r.name);
      cases.push({ params: { n, d, M }, results });
      const stepMs = results[0].medianMs!;
      const parts = await breakdown(engine, p, stepMs, budget);
      sections.push([
        parts.markdown, cpuProfile(n, d, M, stepMs, quick), numpyParts(inputs, p, budget),
      ].join('\n\n'));
      figures[`tanhShare ${n},${d},${M}`] = parts.tanhShare;
    } finally {
      flow.dispose();
      inputs.dispose();
    }
  }
  const labels = numpyRunners().map((r) => r.label);
  return {
    family: 'rk4',
    tables: [{
      title: 'One RK4 step, network and linearisation together (tanh)',
      params: ['n', 'd', 'M'],
      contenders: [PACKAGE, PLAIN, ...labels],
      cases,
      notes: [
        'Cells: median time per step, **×ratio** to the fastest.',
        'Per step: 4 stages, each 2 n M d multiply-adds, n M tanh and n^2 for K0 q.',
        `Data: sphere, teacher target, seed 1; network alpha = 1, seed 2; dt = 0.25 n / ` +
          'lambda_max(K_0). Every contender starts from the same X, y, W0, a and K0; the ' +
          'deviation compares W and the linearised risk after one step.',
        `numpy: X @ W.T, np.tanh, (r-weighted slopes).T @ X and K0 @ q with preallocated ` +
          'outputs (bench/numpy_bench.py).',
      ],
    }],
    sections,
    figures,
  };
}
