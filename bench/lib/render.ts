/** A run as markdown: the machine, every family's tables and sections, the targets. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { markdownTable, type Budget, type FamilyResult } from './harness.js';
import { numpyRunners, type NumpyRunner } from './numpy.js';
import { evaluateTargets, markdownTargets } from './targets.js';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  /** 1, 5 and 15 minute load averages at the start and at the end of the run. */
  loadStart: number[];
  loadEnd: number[];
  numpy: { command: string; label: string; description: string }[];
}

export interface RunRecord {
  command: string;
  date: string;
  quick: boolean;
  budget: Budget;
  machine: Machine;
  families: FamilyResult[];
  /** Sum of every contender's returned value: proof that results were consumed. */
  consumed: number;
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
    loadStart: loadavg(),
    loadEnd: [],
    numpy: numpyRunners().map((r) => ({
      command: r.command, label: r.label, description: describeNumpy(r),
    })),
  };
}

const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' / ');

export function markdownMachine(run: RunRecord): string {
  const m = run.machine;
  const b = run.budget;
  return [
    `- Command: \`${run.command}\``,
    `- Date: ${run.date}`,
    `- Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node}`,
    ...m.numpy.map((n) => `- ${n.label} (\`${n.command}\`): ${n.description}`),
    `- Load average (1 / 5 / 15 min): ${load(m.loadStart)} at the start` +
      (m.loadEnd.length > 0 ? `, ${load(m.loadEnd)} at the end` : '') +
      ', on a machine shared with other builds',
    `- Timing: ${b.passes} pass(es) per case; per contender and pass at least ` +
      `${b.iterations} samples and ${b.timeMs} ms after ${b.warmupIterations} warm-up call(s); ` +
      'figures are medians of all samples' + (run.quick ? ' (quick mode: rough figures)' : ''),
  ].join('\n');
}

export function markdownFamily(family: FamilyResult): string {
  return [...family.tables.map(markdownTable), ...family.sections].join('\n\n');
}

export function markdownRun(run: RunRecord): string {
  return [
    markdownMachine(run),
    ...run.families.map(markdownFamily),
    '### Targets',
    markdownTargets(evaluateTargets(run.families)),
  ].join('\n\n');
}
