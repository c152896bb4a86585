/**
 * Timing and reporting shared by every benchmark family.
 *
 * Each grid point (a "case") times all of its contenders on the same inputs,
 * in passes: every pass runs each Node contender through tinybench and then
 * the numpy contenders (timed by Python's own clock), so a burst of load on
 * the shared machine hits every contender alike. The figure reported is the
 * median of all samples of all passes; ratios are to the fastest median.
 */
import { Bench } from 'tinybench';

/** How long to time each contender, from the command line and environment. */
export interface Budget {
  /** Passes over the contenders of a case; samples of all passes are pooled. */
  passes: number;
  /** Time per contender and pass, in ms (tinybench keeps going until this and `iterations`). */
  timeMs: number;
  /** Least samples per contender and pass. */
  iterations: number;
  warmupMs: number;
  warmupIterations: number;
}

/** Six short passes: on a shared machine a burst of load then falls on every contender alike. */
export const FULL_BUDGET: Budget = {
  passes: 6, timeMs: 300, iterations: 3, warmupMs: 50, warmupIterations: 1,
};
export const QUICK_BUDGET: Budget = {
  passes: 1, timeMs: 100, iterations: 2, warmupMs: 0, warmupIterations: 1,
};

/** A way to compute the case's result, timed call by call. Returns a number to consume. */
export interface NodeContender {
  name: string;
  run: () => number;
}

/** A contender timed outside Node (numpy); returns its per-call samples in ms, or why not. */
export interface ExternalContender {
  name: string;
  samples: () => number[] | { skipped: string };
}

export interface ContenderResult {
  name: string;
  /** Median time per call in ms, null when the contender did not run. */
  medianMs: number | null;
  samples: number;
  /** Why the contender did not run. */
  skipped?: string;
  /** Largest relative difference of its output from the reference contender's. */
  deviation?: number;
}

/** One grid point: its named parameters and every contender's figures. */
export interface CaseResult {
  params: Record<string, number | string>;
  /** Floating-point operations of one call, for GFLOP/s columns. */
  flops?: number;
  results: ContenderResult[];
}

/** One table of a family: a title, the parameter names, and the cases. */
export interface TableResult {
  title: string;
  params: string[];
  /** Column order of the contenders. */
  contenders: string[];
  cases: CaseResult[];
  notes: string[];
}

/** When and how a family was measured (filled in by bench/run.ts). */
export interface Measured {
  command: string;
  date: string;
  quick: boolean;
  budget: Budget;
  /** 1, 5 and 15 minute load averages when the family started and ended. */
  loadStart: number[];
  loadEnd: number[];
  seconds: number;
}

export interface FamilyResult {
  family: string;
  measured?: Measured;
  tables: TableResult[];
  /** Markdown for figures that are not contender tables (phases, breakdowns). */
  sections: string[];
  /** Named figures that the report's targets read; null where not measured. */
  figures: Record<string, number | string | null>;
}

let sink = 0;

/** Everything the contenders returned, summed: printed so that no result is dead code. */
export function consumed(): number {
  return sink;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times the contenders of one case. External contenders run after the Node
 * ones in every pass. Returns results in the order given (Node, then external).
 */
export async function timeCase(
  budget: Budget, nodeContenders: NodeContender[], external: ExternalContender[] = [],
): Promise<ContenderResult[]> {
  const pooled = new Map<string, number[]>();
  const skipped = new Map<string, string>();
  for (const c of [...nodeContenders, ...external]) pooled.set(c.name, []);
  // One untimed call each: it warms the JIT and tells how many samples the budget affords.
  const estimate = new Map<string, number>();
  for (const c of nodeContenders) {
    const started = performance.now();
    sink += c.run();
    estimate.set(c.name, performance.now() - started);
  }
  for (let pass = 0; pass < budget.passes; pass++) {
    // Appended one by one: a fast kernel leaves more samples than a spread can pass.
    for (const c of nodeContenders) {
      const list = pooled.get(c.name)!;
      for (const s of await sample(budget, c, estimate.get(c.name)!)) list.push(s);
    }
    for (const c of external) {
      if (skipped.has(c.name)) continue;
      const samples = c.samples();
      if (!Array.isArray(samples)) {
        skipped.set(c.name, samples.skipped);
        continue;
      }
      const list = pooled.get(c.name)!;
      for (const s of samples) list.push(s);
    }
  }
  return [...pooled].map(([name, samples]) => {
    if (skipped.has(name) || samples.length === 0) {
      return { name, medianMs: null, samples: 0, skipped: skipped.get(name) ?? 'no samples' };
    }
    return { name, medianMs: median(samples), samples: samples.length };
  });
}

/**
 * One pass of one contender through tinybench. A contender too slow for
 * `iterations` calls in the time budget gets as many as fit, at least one,
 * and no further warm-up (a call that long needs none); its median then
 * rests on one sample or more from every pass.
 */
async function sample(budget: Budget, c: NodeContender, estimateMs: number): Promise<number[]> {
  const slow = estimateMs * budget.iterations > budget.timeMs;
  const bench = new Bench({
    time: slow ? 0 : budget.timeMs,
    iterations: slow ? Math.max(1, Math.floor(budget.timeMs / estimateMs)) : budget.iterations,
    warmup: !slow && budget.warmupIterations > 0,
    warmupTime: budget.warmupMs,
    warmupIterations: budget.warmupIterations,
    retainSamples: true,
    throws: true,
  });
  bench.add(c.name, () => {
    sink += c.run();
  });
  await bench.run();
  const result = bench.tasks[0].result;
  if (!('latency' in result) || result.latency.samples === undefined) {
    throw new Error(`tinybench kept no samples for '${c.name}' (state ${result.state})`);
  }
  return result.latency.samples;
}

/** Largest |x - ref| over the largest |ref|: a scale-aware relative difference. */
export function relativeDeviation(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (x.length !== ref.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** A seeded stream of uniform numbers in [-1, 1) (xorshift32), for inputs of matrix products. */
export function uniformArray(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** A time in ms with a sensible unit. */
export function formatTime(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

function fastest(results: ContenderResult[]): number | null {
  const times = results.flatMap((r) => (r.medianMs === null ? [] : [r.medianMs]));
  return times.length === 0 ? null : Math.min(...times);
}

/** Ratio of a contender's median to the fastest contender's (1 for the fastest). */
export function ratioToFastest(c: CaseResult, name: string): number | null {
  const best = fastest(c.results);
  const mine = c.results.find((r) => r.name === name)?.medianMs ?? null;
  return best === null || mine === null ? null : mine / best;
}

/** A table as markdown: a cell per contender with median, GFLOP/s when known, and ratio. */
export function markdownTable(table: TableResult): string {
  const header = [...table.params, ...table.contenders];
  const lines = [
    `### ${table.title}`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < table.params.length ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const c of table.cases) {
    const cells = table.params.map((p) => String(c.params[p]));
    for (const name of table.contenders) {
      const r = c.results.find((x) => x.name === name);
      if (r === undefined || r.medianMs === null) {
        cells.push(r?.skipped ? `skipped: ${r.skipped}` : '-');
        continue;
      }
      const parts = [formatTime(r.medianMs)];
      if (c.flops !== undefined) parts.push(`${(c.flops / r.medianMs / 1e6).toFixed(2)} GFLOP/s`);
      parts.push(`**×${ratioToFastest(c, name)!.toFixed(2)}**`);
      cells.push(parts.join(', '));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const worst = new Map<string, number>();
  for (const c of table.cases) {
    for (const r of c.results) {
      if (r.deviation === undefined) continue;
      worst.set(r.name, Math.max(worst.get(r.name) ?? 0, r.deviation));
    }
  }
  if (worst.size > 0) {
    const list = [...worst].map(([name, dev]) => `${name} ${dev.toExponential(1)}`).join('; ');
    lines.push('', `Largest relative deviation from the reference output over the rows: ${list}.`);
  }
  if (table.notes.length > 0) lines.push('', ...table.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}
