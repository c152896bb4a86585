/** A run as markdown: the machine, every family's tables and sections, the targets. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { markdownTable, type FamilyResult, type Measured } from './harness.js';
import { numpyRunners, type NumpyRunner } from './numpy.js';
import { evaluateTargets, markdownTargets } from './targets.js';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  numpy: { command: string; label: string; description: string }[];
}

/**
 * The saved results: the machine as the latest run saw it, and each family
 * as last measured (a run of some families keeps the others' results).
 */
export interface RunRecord {
  machine: Machine;
  families: FamilyResult[];
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // Not Linux: fall back on what Node reports.
  }
  return cpus()[0]?.model ?? 'unknown';
}

function describeNumpy(r: NumpyRunner): string {
  if (r.missing) return `skipped: ${r.missing}`;
  const info = r.info!;
  const blas = info.openblas
    ? `${info.openblas}; core in use ${info.core}`
    : `BLAS ${info.libraries.join(', ') || 'unknown'}`;
  return `numpy ${info.numpy} on Python ${info.python}, ${blas}`;
}

export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    numpy: numpyRunners().map((r) => ({
      command: r.command, label: r.label, description: describeNumpy(r),
    })),
  };
}

const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');

export function markdownMachine(machine: Machine): string {
  return [
    `- Machine: ${machine.cpu}, ${machine.cores} cores, shared with other builds; ` +
      `Node ${machine.node}`,
    ...machine.numpy.map((n) => `- ${n.label} (\`${n.command}\`): ${n.description}`),
  ].join('\n');
}

/** When, by which command and under what load a family was measured, and how it was timed. */
export function markdownMeasured(m: Measured): string {
  const b = m.budget;
  return `Measured ${m.date} by \`${m.command}\` in ${m.seconds.toFixed(0)} s; load average ` +
    `(1 / 5 / 15 min) ${load(m.loadStart)} at the start, ${load(m.loadEnd)} at the end. ` +
    `Timing: ${b.passes} pass(es) per case, each contender at least ${b.iterations} samples ` +
    `and ${b.timeMs} ms per pass (as many as fit, at least one, for slower calls) after ` +
    `${b.warmupIterations} warm-up call(s); medians of all samples` +
    (m.quick ? ' (quick mode: rough figures).' : '.');
}

export function markdownFamily(family: FamilyResult): string {
  return [
    ...(family.measured ? [`_${markdownMeasured(family.measured)}_`] : []),
    ...family.tables.map(markdownTable),
    ...family.sections,
  ].join('\n\n');
}

export function markdownRun(run: RunRecord): string {
  return [
    markdownMachine(run.machine),
    ...run.families.map(markdownFamily),
    '### Targets',
    markdownTargets(evaluateTargets(run.families)),
  ].join('\n\n');
}
