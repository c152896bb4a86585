/**
 * Matrix products C = A B (A m x k, B k x n, row-major) on square sizes and
 * one tall-skinny shape, in GFLOP/s = 2 m n k / time. Contenders: the
 * package's gemm kernel on buffers allocated once, the plain TypeScript
 * loop, ml-matrix, TensorFlow.js on its WebAssembly backend (f32, one
 * thread) and numpy (f64, one BLAS thread).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { Matrix } from 'ml-matrix';
import { createEngine } from 'lazy-regime';
import * as plain from './plain.js';
import {
  relativeDeviation, timeCase, uniformArray, type Budget, type CaseResult, type FamilyResult,
  type NodeContender,
} from './lib/harness.js';
import { Inputs, numpyContenders, numpyRunners } from './lib/numpy.js';

export const SHAPES: { m: number; k: number; n: number }[] = [
  ...[64, 128, 256, 512, 1024].map((s) => ({ m: s, k: s, n: s })),
  { m: 512, k: 32, n: 4096 },
];

export const PACKAGE = 'lazy-regime gemm';
export const PLAIN = 'plain TS';
export const ML_MATRIX = 'ml-matrix';
export const TFJS = 'tfjs-wasm (f32)';

let tfjsReady: Promise<string> | undefined;

/** The tfjs WebAssembly backend, single-threaded; resolves to a description or throws. */
function tfjs(): Promise<string> {
  tfjsReady ??= (async () => {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    tfWasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return `tfjs-core ${tf.version_core}, backend ${tf.getBackend()} ${tfWasm.version_wasm}, ` +
      `SIMD ${simd ? 'on' : 'off'}, threads ${tfWasm.getThreadsCount()}`;
  })();
  return tfjsReady;
}

export async function run(budget: Budget): Promise<FamilyResult> {
  const engine = await createEngine();
  const k = engine.k;
  const tfjsInfo = await tfjs().catch((error: Error) => `unavailable: ${error.message}`);
  const cases: CaseResult[] = [];
  for (const { m, k: depth, n } of SHAPES) {
    const A = uniformArray(m * depth, 1);
    const B = uniformArray(depth * n, 2);
    const inputs = new Inputs();
    const a = engine.allocFrom(A);
    const b = engine.allocFrom(B);
    const c = engine.alloc(m * n);
    try {
      k.gemm(0, 0, m, n, depth, 1, a, depth, b, n, 0, c, n);
      const reference = engine.read(c, m * n);
      const deviation = new Map<string, number>();

      const C = new Float64Array(m * n);
      plain.gemm(m, n, depth, A, B, C);
      deviation.set(PLAIN, relativeDeviation(C, reference));
      const mA = Matrix.from1DArray(m, depth, A);
      const mB = Matrix.from1DArray(depth, n, B);
      deviation.set(ML_MATRIX, relativeDeviation(mA.mmul(mB).to1DArray(), reference));

      const contenders: NodeContender[] = [
        {
          name: PACKAGE,
          run: () => {
            k.gemm(0, 0, m, n, depth, 1, a, depth, b, n, 0, c, n);
            return new Float64Array(k.memory.buffer, c, 1)[0];
          },
        },
        {
          name: PLAIN,
          run: () => {
            plain.gemm(m, n, depth, A, B, C);
            return C[0];
          },
        },
        { name: ML_MATRIX, run: () => mA.mmul(mB).get(0, 0) },
      ];
      let tA: tf.Tensor2D | undefined;
      let tB: tf.Tensor2D | undefined;
      if (!tfjsInfo.startsWith('unavailable')) {
        tA = tf.tensor2d(Float32Array.from(A), [m, depth]);
        tB = tf.tensor2d(Float32Array.from(B), [depth, n]);
        const product = tf.matMul(tA, tB);
        deviation.set(TFJS, relativeDeviation(product.dataSync(), reference));
        product.dispose();
        contenders.push({
          name: TFJS,
          run: () => {
            const product = tf.matMul(tA!, tB!);
            const first = product.dataSync()[0];
            product.dispose();
            return first;
          },
        });
      }
      const external = numpyContenders(
        { kind: 'matmul', m, n, k: depth, a: inputs.write('a', A), b: inputs.write('b', B),
          out: inputs.path('c') },
        budget,
        (runner) => deviation.set(runner.label, relativeDeviation(inputs.read('c'), reference)),
      );
      const results = await timeCase(budget, contenders, external);
      for (const r of results) r.deviation = deviation.get(r.name);
      cases.push({ params: { m, k: depth, n }, flops: 2 * m * n * depth, results });
      tA?.dispose();
      tB?.dispose();
    } finally {
      engine.free(a);
      engine.free(b);
      engine.free(c);
      inputs.dispose();
    }
  }
  const contenders = [PACKAGE, PLAIN, ML_MATRIX, TFJS, ...numpyRunners().map((r) => r.label)];
  return {
    family: 'matmul',
    tables: [{
      title: 'Matrix product C = A B (A m x k, B k x n)',
      params: ['m', 'k', 'n'],
      contenders,
      cases,
      notes: [
        'Cells: median time per product, GFLOP/s = 2 m n k / time, **×ratio** to the fastest.',
        `${PACKAGE}: the kernel on pointers into one engine, C overwritten (beta = 0).`,
        `${PLAIN}: the kernel's i-p-j loop on Float64Arrays (bench/plain.ts).`,
        `${ML_MATRIX}: Matrix#mmul, which allocates its result on every call.`,
        `${TFJS}: ${tfjsInfo}; f32, so not the same arithmetic; each call also copies ` +
          'the product out with dataSync (m n floats) and disposes it.',
        'numpy: np.matmul(a, b, out=c), f64, one BLAS thread.',
      ],
    }],
    sections: [],
    figures: {},
  };
}
