// Measures the accuracy and cost figures the README quotes for the kernels' elementary
// functions, the analytic NTK and the eigensolver: `npm run build &&
// node scripts/measure-figures.mjs`.
// Prints one line per figure with the date and the machine.
import { cpus } from 'node:os';
import {
  ACTIVATIONS, analyticH, analyticNtk, createEngine, sphereInputs, symmetricEigen,
} from '../dist/index.js';

const engine = await createEngine();
const k = engine.k;
const code = (name) => ACTIVATIONS.indexOf(name);

function ulps(a, b) {
  if (Object.is(a, b)) return 0;
  const bits = (x) => {
    const v = new BigInt64Array(new Float64Array([x]).buffer)[0];
    return v < 0n ? -(v & 0x7fffffffffffffffn) : v;
  };
  const d = bits(a) - bits(b);
  return Number(d < 0n ? -d : d);
}

/** count points spread over [-limit, limit], denser near 0 (x = limit s^3, s uniform). */
function points(count, limit) {
  return Float64Array.from({ length: count }, (_, i) => {
    const s = -1 + (2 * i) / (count - 1);
    return limit * s * s * s;
  });
}

const xs = points(1_000_001, 20);
let tanhWorst = 0;
let expWorst = 0;
for (const x of xs) {
  tanhWorst = Math.max(tanhWorst, ulps(k.sigma(code('tanh'), x), Math.tanh(x)));
  expWorst = Math.max(expWorst, ulps(k.exp(x), Math.exp(x)));
}
console.log(`kernels' tanh against V8's Math.tanh on ${xs.length} points in [-20, 20]: ` +
  `at most ${tanhWorst} ulp apart`);
console.log(`kernels' exp against V8's Math.exp on the same points: at most ${expWorst} ulp apart`);

const n = xs.length;
const z = engine.allocFrom(xs);
const value = engine.alloc(n);
const slope = engine.alloc(n);
let started = performance.now();
for (let round = 0; round < 5; round++) k.activate(code('tanh'), z, value, slope, n);
const kernelNs = ((performance.now() - started) * 1e6) / (5 * n);
let sink = 0;
started = performance.now();
for (let round = 0; round < 5; round++) {
  for (let i = 0; i < n; i++) {
    const t = Math.tanh(xs[i]);
    sink += 1 - t * t;
  }
}
const v8Ns = ((performance.now() - started) * 1e6) / (5 * n);
console.log(`tanh with its slope: kernels ${kernelNs.toFixed(1)} ns a value, ` +
  `V8's Math.tanh ${v8Ns.toFixed(1)} ns (sum ${sink.toPrecision(3)})`);

const grid = Array.from({ length: 41 }, (_, i) => -1 + i / 20);
const maxDiff = (a, b) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
for (const activation of ['relu', 'erf']) {
  for (const order of [64, 256]) {
    const closed = analyticH(engine, activation, grid, { part: 'both' });
    const quad = analyticH(
      engine, activation, grid, { part: 'both', method: 'quadrature', order },
    );
    console.log(`${activation}: closed form against quadrature of order ${order}, unit-norm ` +
      `inputs, 41 cosines: ${maxDiff(closed, quad).toExponential(1)}`);
  }
}
for (const activation of ['tanh', 'gelu', 'softplus']) {
  const at64 = analyticH(engine, activation, grid, { part: 'both', order: 64 });
  const at256 = analyticH(engine, activation, grid, { part: 'both', order: 256 });
  console.log(`${activation}: quadrature of order 64 against order 256, unit-norm inputs, ` +
    `41 cosines: ${maxDiff(at64, at256).toExponential(1)}`);
}

for (const norm of [2, 10]) {
  for (const order of [64, 256, 512]) {
    const row = [norm, 0, 0.6 * norm, 0.8 * norm];
    let verdict = 'accepted';
    try {
      analyticNtk(engine, row, 2, { activation: 'tanh', part: 'both', order });
    } catch (error) {
      verdict = `refused (${error.message.split(';')[0]})`;
    }
    console.log(`analyticNtk, tanh, inputs of norm ${norm}, order ${order}: ${verdict}`);
  }
}

const X = sphereInputs(engine, 1000, 8, 1);
for (const [activation, order] of [['relu', 64], ['tanh', 64]]) {
  started = performance.now();
  analyticNtk(engine, X, 8, { activation, part: 'both', order });
  console.log(`analyticNtk, n = 1000, d = 8, ${activation}, both parts` +
    `${activation === 'relu' ? ' (closed form)' : `, order ${order}`}: ` +
    `${((performance.now() - started) / 1000).toFixed(2)} s`);
}
for (const size of [1000, 2000]) {
  const A = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const v = Math.sin(7.1 * i + 3.3 * j + i * j);
      A[i * size + j] = v;
      A[j * size + i] = v;
    }
  }
  started = performance.now();
  symmetricEigen(engine, A);
  console.log(`symmetricEigen, n = ${size}: ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`);
}
console.log(`measured ${new Date().toISOString()} on ${cpus()[0].model}, ${cpus().length} ` +
  `cores, node ${process.version}`);
