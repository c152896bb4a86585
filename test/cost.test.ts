/**
 * workEstimate (src/cost.ts): the flop and memory figures follow their
 * documented formulas term by term, and an invalid spec is refused as
 * simulate refuses it.
 */
import { describe, expect, it } from 'vitest';
import {
  SpecError, memoryEstimate, resolveSpec, workEstimate, type Spec,
} from '../src/index.js';

/** 9 n^3 when the resolved spec checks the theorem (a spec switch where it exists), else 0. */
/** The theorem check's eigen-decomposition, 9 n^3 (on by default). */
function theoryFlops(spec: Spec, n: number): number {
  return resolveSpec(spec).theory ? 9 * n * n * n : 0;
}

/** The theorem check's Lipschitz estimate per checkpoint: slopes, Gram, power iterations. */
function lipschitzFlops(n: number, d: number, M: number): number {
  return 2 * n * M * d + (n * n * (M + d)) / 2 + 2000 * n * n;
}

const spec: Spec = {
  data: { n: 10, d: 3, seed: 1 },
  test: { n: 7 },
  model: { width: 20 },
  flow: { method: 'rk4', steps: 50, record: 6 },
};

describe('workEstimate', () => {
  it('adds setup, steps times four RK4 stages and the checkpoints, term by term', () => {
    const [n, d, M, nt] = [10, 3, 20, 7];
    const stage = 4 * n * M * d + 2 * n * n;
    const setup = n * n * (M + d) + 2000 * n * n + 2 * (n + nt) * M * d;
    const checkpoint = 4 * n * M * d + 2 * n * n + n * n * (M + d) + 4 * nt * M * d +
      lipschitzFlops(n, d, M);
    const theory = theoryFlops(spec, n);
    const work = workEstimate(spec);
    expect(work).toEqual({
      flops: setup + 50 * 4 * stage + 6 * checkpoint + theory,
      bytes: memoryEstimate(n, d, M, nt, false, true),
      setupFlops: setup,
      stepFlops: 4 * stage,
      checkpointFlops: checkpoint,
      theoryFlops: theory,
      sizes: { n, d, width: M, testN: nt, steps: 50, record: 6 },
    });
  });

  it('counts one stage per Euler step and drops the kernel change when it is off', () => {
    const rk4 = workEstimate(spec);
    const euler = workEstimate({ ...spec, flow: { ...spec.flow, method: 'euler' } });
    expect(euler.stepFlops * 4).toBe(rk4.stepFlops);
    const still = workEstimate({ ...spec, kernelChange: false });
    expect(rk4.checkpointFlops - still.checkpointFlops).toBe(10 * 10 * (20 + 3));
  });

  it('uses the defaults simulate uses: 600 steps, 13 checkpoints, 256 test points', () => {
    const defaults: Spec = { data: { n: 64, d: 8 }, model: { width: 512 } };
    const work = workEstimate(defaults);
    expect(work.sizes).toEqual({ n: 64, d: 8, width: 512, testN: 256, steps: 600, record: 13 });
    expect(work.flops).toBe(
      2_645_139_456 + theoryFlops(defaults, 64) + 13 * lipschitzFlops(64, 8, 512),
    );
  });

  it('sizes given data from its rows', () => {
    const work = workEstimate({
      data: { X: [[1, 0], [0, 1], [1, 1]], y: [1, -1, 0] }, model: { width: 4 },
      flow: { steps: 1, record: 2 },
    });
    expect(work.sizes).toEqual({ n: 3, d: 2, width: 4, testN: 0, steps: 1, record: 2 });
  });

  it('refuses an invalid spec with the SpecError simulate would throw', () => {
    const bad = () => workEstimate({ model: { width: 3 } });
    expect(bad).toThrow(SpecError);
    expect(bad).toThrow(
      'spec.model.width must be even for the symmetric initialisation; got 3 ' +
        '(or give the signs spec.model.a explicitly)',
    );
  });
});
