/**
 * The performance targets, read off a run: each says what it asks, what was
 * measured, and whether it is met. Contender names come from the families.
 */
import type { CaseResult, FamilyResult } from './harness.js';

export interface TargetCheck {
  target: string;
  measured: string;
  /** true met, false not met, null not measured in this run. */
  met: boolean | null;
}

export interface TargetGroup {
  title: string;
  checks: TargetCheck[];
}

const PACKAGE_GEMM = 'lazy-regime gemm';
const PACKAGE_STEP = 'lazy-regime flowRk4';
const PLAIN = 'plain TS';

function medianOf(c: CaseResult, name: string): number | null {
  return c.results.find((r) => r.name === name)?.medianMs ?? null;
}

function numpyNames(c: CaseResult): string[] {
  return c.results.filter((r) => r.name.startsWith('numpy')).map((r) => r.name);
}

function matmulTargets(family: FamilyResult): TargetGroup {
  const checks: TargetCheck[] = [];
  for (const c of family.tables[0].cases) {
    const { m, k, n } = c.params as Record<string, number>;
    const square = m === n && n === k;
    if (square && n < 256) continue;
    const wanted = square ? 0.45 : 0.6;
    for (const numpy of numpyNames(c)) {
      const ours = medianOf(c, PACKAGE_GEMM);
      const theirs = medianOf(c, numpy);
      const shape = square ? `n = ${n}` : `${m} x ${k} times ${k} x ${n}`;
      const target = `gemm at ${shape}: at least ${wanted} of ${numpy}'s GFLOP/s`;
      if (ours === null || theirs === null) {
        checks.push({ target, measured: `${numpy} not run`, met: null });
        continue;
      }
      const share = theirs / ours;
      checks.push({
        target,
        measured: `${share.toFixed(3)} of OpenBLAS (${(share / wanted).toFixed(2)} of the target)`,
        met: share >= wanted,
      });
    }
  }
  return { title: 'f64 matrix product against OpenBLAS (numpy)', checks };
}

function rk4Targets(family: FamilyResult): TargetGroup[] {
  const vsNumpy: TargetCheck[] = [];
  const vsPlain: TargetCheck[] = [];
  const wanted: Record<string, [number, string]> = {
    '64,5,100': [5, 'at least 5x faster than'],
    '200,10,1000': [1, 'faster than'],
    '1000,20,2000': [1, 'no slower than'],
  };
  for (const c of family.tables[0].cases) {
    const { n, d, M } = c.params as Record<string, number>;
    const key = `${n},${d},${M}`;
    const ours = medianOf(c, PACKAGE_STEP);
    if (ours === null) continue;
    const [factor, words] = wanted[key] ?? [1, 'no slower than'];
    for (const numpy of numpyNames(c)) {
      const theirs = medianOf(c, numpy);
      const target = `RK4 step at (${key}): ${words} ${numpy}`;
      if (theirs === null) {
        vsNumpy.push({ target, measured: `${numpy} not run`, met: null });
        continue;
      }
      const speedup = theirs / ours;
      const met = factor === 1 && words === 'faster than' ? speedup > 1 : speedup >= factor;
      vsNumpy.push({ target, measured: `${speedup.toFixed(2)}x as fast`, met });
    }
    const plain = medianOf(c, PLAIN);
    if (plain !== null) {
      const speedup = plain / ours;
      vsPlain.push({
        target: `RK4 step at (${key}): at least 20x faster than the plain TypeScript step`,
        measured: `${speedup.toFixed(2)}x as fast`,
        met: speedup >= 20,
      });
    }
  }
  return [
    { title: 'One RK4 step against numpy', checks: vsNumpy },
    { title: 'One RK4 step against plain TypeScript', checks: vsPlain },
  ];
}

function sweepTargets(family: FamilyResult): TargetGroup {
  const f = family.figures;
  const target = 'default sweep on two workers at least 1.8x faster than on one core';
  if (f.sweepTwoWorkersMs === null) {
    return {
      title: 'Default sweep on two cores',
      checks: [{ target, measured: 'not available: the package has no worker pool', met: null }],
    };
  }
  const speedup = (f.sweepOneCoreMs as number) / (f.sweepTwoWorkersMs as number);
  return {
    title: 'Default sweep on two cores',
    checks: [{ target, measured: `${speedup.toFixed(2)}x`, met: speedup >= 1.8 }],
  };
}

function startupTargets(family: FamilyResult): TargetGroup {
  const ms = family.figures.coldStartMs as number;
  return {
    title: 'Cold start',
    checks: [{
      target: 'import, compile, instantiate and a first small simulate in under 50 ms',
      measured: `${ms.toFixed(1)} ms median, ${(ms / 50).toFixed(2)} of the budget (fastest ` +
        `process ${(family.figures.coldStartFastestMs as number).toFixed(1)} ms; Node's own ` +
        `start, ${(family.figures.nodeBootMs as number).toFixed(1)} ms, comes before it)`,
      met: ms < 50,
    }],
  };
}

/** Every target the run's families can answer. */
export function evaluateTargets(families: FamilyResult[]): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const family of families) {
    if (family.family === 'matmul') groups.push(matmulTargets(family));
    if (family.family === 'rk4') groups.push(...rk4Targets(family));
    if (family.family === 'sweep') groups.push(sweepTargets(family));
    if (family.family === 'startup') groups.push(startupTargets(family));
  }
  return groups;
}

export function markdownTargets(groups: TargetGroup[]): string {
  const lines = ['| target | measured | met |', '| --- | --- | :---: |'];
  for (const g of groups) {
    for (const c of g.checks) {
      const met = c.met === null ? 'n/a' : c.met ? 'yes' : '**no**';
      lines.push(`| ${c.target} | ${c.measured} | ${met} |`);
    }
  }
  return lines.join('\n');
}
