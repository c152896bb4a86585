/**
 * The mean-field scaling: output scale alpha / M instead of alpha / sqrt(M). Expected values
 * come from the formula in plain TypeScript and from the width scaling laws of MATH.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine, forward, initNetwork, outputScale, simulate, SpecError, type Engine,
  type Network,
} from '../src/index.js';
import { referenceForward, type ReferenceActivation } from './reference-network.js';
import { expectClose, ROUNDING } from './tolerance.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine();
});

/** Least-squares slope of log y against log x. */
function logLogSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
  const my = ly.reduce((s, v) => s + v, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  lx.forEach((v, i) => {
    sxy += (v - mx) * (ly[i] - my);
    sxx += (v - mx) ** 2;
  });
  return sxy / sxx;
}

describe('mean-field scaling', () => {
  it('puts alpha / M in front of the sum, and forward agrees with the formula', () => {
    const d = 4;
    const X = Float64Array.from({ length: 7 * d }, (_, i) => Math.sin(0.9 * i + 0.3));
    for (const [width, alpha] of [[10, 1], [64, 3.5]] as const) {
      const net = initNetwork(
        engine, { width, alpha, scaling: 'mean-field', activation: 'tanh', seed: 5 }, d,
      );
      net.W = net.W.map((w, i) => w + 0.2 * Math.cos(i));
      expect(net.scaling).toBe('mean-field');
      expectClose(outputScale(net), alpha / width, ROUNDING, 'outputScale');
      const expected = referenceForward({
        width, d, scale: alpha / width, activation: 'tanh' as ReferenceActivation,
        W: net.W, a: net.a, trainSecondLayer: false,
      }, X);
      expectClose(forward(engine, net, X), expected, ROUNDING, 'f');
    }
  });

  it('keeps alpha / sqrt(M) for the lazy scaling and for a network without the field', () => {
    const net = initNetwork(engine, { width: 16, alpha: 2 }, 3);
    expect(net.scaling).toBe('lazy');
    expectClose(outputScale(net), 2 / 4, ROUNDING, 'lazy outputScale');
    const bare: Network = { ...net, scaling: undefined };
    expectClose(outputScale(bare), 2 / 4, ROUNDING, 'outputScale without scaling');
  });

  it('rejects an unknown scaling on a hand-made network, naming the value', () => {
    const net = initNetwork(engine, { width: 4 }, 2);
    const bad = { ...net, scaling: 'ntk' } as unknown as Network;
    expect(() => outputScale(bad)).toThrow(SpecError);
    expect(() => outputScale(bad)).toThrow(
      "net.scaling must be one of 'lazy', 'mean-field'; got 'ntk'",
    );
  });

  it('reports the scaling and the output scale in the result meta', async () => {
    const result = await simulate({
      data: { n: 6, d: 3 }, test: { n: 4 }, model: { width: 12, alpha: 3, scaling: 'mean-field' },
      flow: { steps: 4, record: 2 },
    });
    expect(result.meta.scaling).toBe('mean-field');
    expect(result.meta.trainSecondLayer).toBe(false);
    expectClose(result.meta.outputScale, 3 / 12, ROUNDING, 'meta.outputScale');
  });

  for (const trainSecondLayer of [false, true]) {
    it('moves the weights by a relative amount that does not shrink like M^-1/2, unlike lazy' +
      `${trainSecondLayer ? ' (second layer trained)' : ''}`, async () => {
      const widths = [32, 128, 512];
      const slopes: Record<string, number> = {};
      for (const scaling of ['lazy', 'mean-field'] as const) {
        const moved: number[] = [];
        for (const width of widths) {
          const result = await simulate({
            data: { n: 16, d: 4, seed: 1 }, test: { n: 0 },
            model: { width, alpha: 1, scaling, trainSecondLayer },
            flow: { steps: 100, record: 2 }, kernelChange: false,
          });
          moved.push(result.relativeWeightDistance[1]);
        }
        slopes[scaling] = logLogSlope(widths, moved);
      }
      expect(slopes.lazy).toBeGreaterThan(-0.6);
      expect(slopes.lazy).toBeLessThan(-0.4);
      expect(Math.abs(slopes['mean-field'])).toBeLessThan(0.1);
    });
  }
});
