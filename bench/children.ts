/**
 * The fresh Node processes of the process-level benchmarks (cold start,
 * sweep, peak memory). Run as `node children.js MODE 'JSON options'`; prints
 * one JSON object. The package is imported only here, dynamically, so that
 * the cold start times its import.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Milliseconds since this process began (performance's time origin). */
const scriptStart = performance.now();
const [mode, json = '{}'] = process.argv.slice(2);
const options = JSON.parse(json) as Record<string, number>;

/** Peak resident set of this process, in bytes, as getrusage reports it. */
function peakBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Peak resident set of this process image (VmHWM, Linux only; null elsewhere), in bytes. */
function highWaterBytes(): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function coldStart(): Promise<object> {
  const lib = await import('lazy-regime');
  const imported = performance.now();
  await lib.createEngine();
  const instantiated = performance.now();
  const result = await lib.simulate({
    data: { n: 16, d: 4 }, test: { n: 16 }, model: { width: 32 }, flow: { steps: 10, record: 2 },
  });
  const simulated = performance.now();
  return {
    boot: scriptStart,
    import: imported - scriptStart,
    instantiate: instantiated - imported,
    simulate: simulated - instantiated,
    /** From the first line of this script to the first result. */
    total: simulated - scriptStart,
    risk: result.risk[1],
  };
}

async function sweep(): Promise<object> {
  const lib = await import('lazy-regime');
  const spec = options.steps
    ? { ...lib.DEFAULT_SPEC, flow: { ...lib.DEFAULT_SPEC.flow, steps: options.steps } }
    : lib.DEFAULT_SPEC;
  // The workers option exists only where the package offers a worker pool.
  const sweepOptions = (options.workers ? { workers: options.workers } : {}) as
    Parameters<typeof lib.sweep>[2];
  const started = performance.now();
  const result = await lib.sweep(spec, lib.DEFAULT_ALPHAS, sweepOptions);
  const seconds = (performance.now() - started) / 1000;
  const rowsSha256 = createHash('sha256').update(JSON.stringify(result.rows)).digest('hex');
  return { seconds, rowsSha256, peakBytes: peakBytes() };
}

async function memory(): Promise<object> {
  const lib = await import('lazy-regime');
  const { n, d, M, steps } = options;
  const result = await lib.simulate({
    data: { n, d }, model: { width: M }, flow: { steps, record: 2 },
  });
  return { peakBytes: peakBytes(), highWaterBytes: highWaterBytes(), risk: result.risk[1] };
}

async function baseline(): Promise<object> {
  const lib = await import('lazy-regime');
  const engine = await lib.createEngine();
  return { peakBytes: peakBytes(), highWaterBytes: highWaterBytes(), engine: engine.memoryBytes };
}

/**
 * A CPU profile of RK4 steps of the package's flow at (n, d, M), tanh, with
 * the set-up (data, K0, lambda_max) left out of it: the profiler runs only
 * around the steps. Returns self time in microseconds per function name.
 */
async function profile(): Promise<object> {
  const lib = await import('lazy-regime');
  const { n, d, M, steps } = options;
  const engine = await lib.createEngine();
  const { train } = lib.sphereData(engine, { n, d, seed: 1, target: 'teacher' });
  const net = lib.initNetwork(engine, { width: M, alpha: 1, activation: 'tanh', seed: 2 }, d);
  const flow = new lib.GradientFlow(engine, net, train, null, false);
  const dt = flow.defaultDt();
  flow.advance('rk4', dt, 1);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const started = performance.now();
  flow.advance('rk4', dt, steps);
  const stepMs = (performance.now() - started) / steps;
  const { profile: cpu } = await session.post('Profiler.stop');
  session.disconnect();
  const frames = new Map(cpu.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const selfMicros: Record<string, number> = {};
  cpu.samples!.forEach((id, i) => {
    const name = frames.get(id) || '(anonymous)';
    selfMicros[name] = (selfMicros[name] ?? 0) + (cpu.timeDeltas![i] ?? 0);
  });
  return { stepMs, selfMicros };
}

const modes: Record<string, () => Promise<object>> = {
  'cold-start': coldStart, sweep, memory, baseline, profile,
};
if (!(mode in modes)) {
  process.stderr.write(`unknown mode '${mode}'; expected ${Object.keys(modes).join(', ')}\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await modes[mode]())}\n`);
