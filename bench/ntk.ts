/**
 * The empirical NTK Gram matrix K = scale^2 (S S^T) o (X X^T), S = tanh'(X W^T),
 * from X and W: the package's forward (for S) and ntkGram kernels on buffers
 * allocated once, the plain TypeScript loops and numpy (S @ S.T, one thread).
 */
import { createEngine } from 'lazy-regime';
import * as plain from './plain.js';
import {
  relativeDeviation, timeCase, type Budget, type CaseResult, type FamilyResult,
} from './lib/harness.js';
import { Inputs, numpyContenders, numpyRunners } from './lib/numpy.js';
import { drawProblem, forwardBuffers, TANH } from './lib/problem.js';

export const GRID: [number, number, number][] = [[1000, 20, 2000]];

export const PACKAGE = 'lazy-regime forward + ntkGram';
export const PLAIN = 'plain TS';

export async function run(budget: Budget): Promise<FamilyResult> {
  const cases: CaseResult[] = [];
  for (const [n, d, M] of GRID) {
    const engine = await createEngine();
    const k = engine.k;
    const p = drawProblem(engine, n, d, M);
    const inputs = new Inputs();
    const { x, w, a, slope, f, work, workBytes } = forwardBuffers(engine, p);
    const gram = engine.alloc(n * n);
    try {
      const compute = () => {
        k.forward(x, n, d, w, M, a, p.scale, TANH, f, slope, work, workBytes);
        k.ntkGram(x, n, d, slope, M, p.scale, gram);
        return new Float64Array(k.memory.buffer, gram, 1)[0];
      };
      compute();
      const reference = engine.read(gram, n * n);
      const deviation = new Map<string, number>();
      const K = new Float64Array(n * n);
      const plainSlope = new Float64Array(n * M);
      plain.ntkGram(p.X, n, d, p.W0, M, p.scale, K, plainSlope);
      deviation.set(PLAIN, relativeDeviation(K, reference));
      const external = numpyContenders(
        {
          kind: 'ntk', n, d, M, scale: p.scale, X: inputs.write('X', p.X),
          W: inputs.write('W', p.W0), out: inputs.path('K'),
        },
        budget,
        (runner) => deviation.set(runner.label, relativeDeviation(inputs.read('K'), reference)),
      );
      const results = await timeCase(budget, [
        { name: PACKAGE, run: compute },
        {
          name: PLAIN,
          run: () => {
            plain.ntkGram(p.X, n, d, p.W0, M, p.scale, K, plainSlope);
            return K[0];
          },
        },
      ], external);
      for (const r of results) r.deviation = deviation.get(r.name);
      cases.push({ params: { n, d, M }, results });
    } finally {
      for (const ptr of [x, w, a, slope, f, work, gram]) engine.free(ptr);
      inputs.dispose();
    }
  }
  return {
    family: 'ntk',
    tables: [{
      title: 'Empirical NTK Gram matrix through the Hadamard identity (tanh)',
      params: ['n', 'd', 'M'],
      contenders: [PACKAGE, PLAIN, ...numpyRunners().map((r) => r.label)],
      cases,
      notes: [
        'Cells: median time for K from X and W (slopes included), **×ratio** to the fastest.',
        'The package and the plain loops compute the upper triangle, n^2 (M + d) / 2 ' +
          'multiply-adds, and mirror it; numpy computes S @ S.T (a symmetric rank-k update ' +
          'in OpenBLAS) and X @ X.T in full.',
      ],
    }],
    sections: [],
    figures: {},
  };
}
