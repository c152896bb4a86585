/**
 * The engine's memory (src/wasm.ts over assembly/memory.ts): every wrapper function and
 * GradientFlow.dispose give back what they allocate, also when they throw, so repeated
 * runs on one engine neither grow its linear memory (Engine.memoryBytes) nor move a
 * large probe allocation.
 */
import { describe, expect, it } from 'vitest';
import {
  FlowDivergedError, GradientFlow, SpecError, createEngine, forward, initNetwork, jacobian, jvp,
  ntk, riskGradient, sphereData, vjp, type Engine,
} from '../src/index.js';

/** One full use of the engine: data, network, every derivative, a flow, and two throws. */
function cycle(engine: Engine, seed: number): void {
  const { train } = sphereData(engine, { n: 12, d: 4, seed, target: 'teacher' });
  const net = initNetwork(engine, { width: 16, activation: 'tanh', seed }, 4);
  forward(engine, net, train.X);
  jacobian(engine, net, train.X);
  ntk(engine, net, train.X);
  jvp(engine, net, train.X, net.W);
  vjp(engine, net, train.X, train.y);
  riskGradient(engine, net, train.X, train.y);
  expect(() => riskGradient(engine, net, train.X, train.y.subarray(1))).toThrow(SpecError);
  const flow = new GradientFlow(engine, net, train, train);
  try {
    flow.advance('rk4', flow.defaultDt(), 5);
    flow.measure();
    flow.linearDisplacement();
    expect(() => flow.advance('euler', 10 * flow.stableDt('euler'), 10_000))
      .toThrow(FlowDivergedError);
  } finally {
    flow.dispose();
  }
}

/** Where a block of `count` doubles lands now (freed again at once). */
function probe(engine: Engine, count: number): number {
  const ptr = engine.alloc(count);
  engine.free(ptr);
  return ptr;
}

describe('engine memory', () => {
  it('stays the same size over repeated runs that allocate, compute and dispose', async () => {
    const engine = await createEngine();
    cycle(engine, 0); // let the allocator reach its working set
    const bytes = engine.memoryBytes;
    const large = 64 * 1024; // 512 KiB: more than any leak-free gap below the heap top
    const where = probe(engine, large);
    for (let seed = 1; seed <= 40; seed++) cycle(engine, seed);
    expect(engine.memoryBytes).toBe(bytes);
    expect(probe(engine, large)).toBe(where);
  });

  it('reuses the block a freed allocation returned', async () => {
    const engine = await createEngine();
    const first = engine.alloc(1000);
    engine.free(first);
    expect(engine.alloc(1000)).toBe(first);
  });

  it('frees every block of a scope when its body throws', async () => {
    const engine = await createEngine();
    const where = probe(engine, 4096);
    expect(() => engine.scope((mem) => {
      mem.alloc(4096);
      mem.alloc(100);
      throw new Error('inside the scope');
    })).toThrow('inside the scope');
    expect(probe(engine, 4096)).toBe(where);
  });
});
