// Times the kernels of one compiled module (default build/release.wasm) on the shapes the
// package uses: gemm, one RK4 step of the flow (network and linearisation) and the NTK Gram,
// and on request one RK4 step with a trained second layer ('trained', a module that has
// flowInitTrained). Prints medians and minima.
// Usage: node scripts/time-kernels.mjs [file.wasm] [gemm|step|ntk|trained ...]
import { readFileSync } from 'node:fs';

const [file = 'build/release.wasm', ...parts] = process.argv.slice(2);
const wanted = parts.length ? new Set(parts) : new Set(['gemm', 'step', 'ntk']);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {
  env: { abort: () => { throw new Error('abort'); } },
});
const k = instance.exports;

function alloc(count) {
  return k.alloc(Math.max(1, count) * 8) >>> 0;
}
function view(ptr, count) {
  return new Float64Array(k.memory.buffer, ptr, count);
}
function fill(ptr, count, seed, f = Math.sin) {
  const v = view(ptr, count);
  for (let i = 0; i < count; i++) v[i] = f(1.7 * i + seed);
  return ptr;
}

/**
 * Median and minimum of `reps` timings (ms) of body(), after one warm-up, running for at
 * least `minMs`. On a shared machine the minimum is the steadier figure.
 */
function timings(body, reps = 9, minMs = 200) {
  body();
  const times = [];
  const start = performance.now();
  while (times.length < reps || (performance.now() - start < minMs && times.length < 200)) {
    const t = performance.now();
    body();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], best: times[0] };
}

function show(label, t, flops = 0) {
  const rate = (ms) => (flops ? `, ${(flops / ms / 1e6).toFixed(1)} GFLOP/s` : '');
  console.log(`${label}: median ${t.median.toFixed(3)} ms${rate(t.median)}; ` +
    `best ${t.best.toFixed(3)} ms${rate(t.best)}`);
}

function timeGemm(m, n, kk, transA, transB) {
  const a = fill(alloc(m * kk), m * kk, 1);
  const b = fill(alloc(kk * n), kk * n, 2);
  const c = alloc(m * n);
  const lda = transA ? m : kk;
  const ldb = transB ? kk : n;
  const t = timings(() => k.gemm(transA, transB, m, n, kk, 1, a, lda, b, ldb, 0, c, n));
  k.free(a); k.free(b); k.free(c);
  const op = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
  show(`gemm ${op} ${m}x${kk} * ${kk}x${n}`, t, 2 * m * n * kk);
}

/** A flow on sphere-like inputs with a symmetric W0 (tanh), as simulate() sets it up. */
function makeFlow(n, d, M, kind = 1) {
  const x = fill(alloc(n * d), n * d, 3);
  const xv = view(x, n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += xv[i * d + j] ** 2;
    for (let j = 0; j < d; j++) xv[i * d + j] /= Math.sqrt(s);
  }
  const y = fill(alloc(n), n, 4);
  const a = alloc(M);
  const av = view(a, M);
  for (let j = 0; j < M; j++) av[j] = j < M / 2 ? 1 : -1;
  const w0 = alloc(M * d);
  const wv = view(w0, M * d);
  for (let i = 0; i < (M / 2) * d; i++) wv[i] = 1.3 * Math.sin(2.3 * i + 0.5) * Math.sqrt(2);
  wv.copyWithin((M / 2) * d, 0, (M / 2) * d);
  const w = alloc(M * d);
  const v = alloc(M * d);
  const k0 = alloc(n * n);
  const flow = k.alloc(k.flowBytes()) >>> 0;
  const work = k.alloc(Number(k.flowWorkBytes(n, d, M, 0, 0))) >>> 0;
  k.flowInit(flow, n, d, M, kind, 4 / Math.sqrt(M), x, y, a, w0, w, v, k0, 0, 0, 0, work);
  return { flow, x, y, a, w0 };
}

/** As makeFlow, with the second layer trained: theta0 = (W0, a0) in one buffer. */
function makeTrainedFlow(n, d, M, kind = 1) {
  const { x, y, a, w0 } = makeFlow(n, d, M, kind);
  const md = M * d;
  const theta0 = alloc(md + M);
  view(theta0, md + M).set(view(w0, md));
  view(theta0, md + M).set(view(a, M), md);
  const theta = alloc(md + M);
  const v = alloc(md + M);
  const k0 = alloc(n * n);
  const flow = k.alloc(k.flowBytes()) >>> 0;
  const work = k.alloc(Number(k.flowWorkBytes(n, d, M, 0, 1))) >>> 0;
  k.flowInitTrained(
    flow, n, d, M, kind, 4 / Math.sqrt(M), x, y, theta0, theta, v, k0, 0, 0, 0, work,
  );
  return flow;
}

function timeTrainedStep(n, d, M) {
  const flow = makeTrainedFlow(n, d, M);
  const t = timings(() => k.flowRk4(flow, 1e-3, 1), 9, 500);
  show(`rk4 step tanh, trained a, n=${n} d=${d} M=${M}`, t);
}

function timeStep(n, d, M) {
  const { flow } = makeFlow(n, d, M);
  show(`rk4 step tanh n=${n} d=${d} M=${M}`, timings(() => k.flowRk4(flow, 1e-3, 1), 9, 500));
}

function timeNtk(n, d, M) {
  const x = fill(alloc(n * d), n * d, 5);
  const s = fill(alloc(n * M), n * M, 6, (t) => 1 - Math.sin(t) ** 2);
  const out = alloc(n * n);
  const t = timings(() => k.ntkGram(x, n, d, s, M, 0.1, out), 5, 500);
  show(`ntkGram n=${n} d=${d} M=${M} (n^2 (M + d) flops)`, t, n * n * (M + d));
}

if (wanted.has('gemm')) {
  for (const s of [256, 512, 1024]) timeGemm(s, s, s, 0, 0);
  timeGemm(512, 4096, 32, 0, 0);
  timeGemm(1000, 2000, 20, 0, 1);
  timeGemm(2000, 20, 1000, 1, 0);
  timeGemm(256, 256, 256, 1, 1);
}
if (wanted.has('step')) {
  timeStep(64, 5, 100);
  timeStep(200, 10, 1000);
  timeStep(1000, 20, 2000);
}
if (wanted.has('ntk')) timeNtk(1000, 20, 2000);
if (wanted.has('trained')) {
  timeTrainedStep(64, 5, 100);
  timeTrainedStep(200, 10, 1000);
  timeTrainedStep(1000, 20, 2000);
}
