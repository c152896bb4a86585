/**
 * Runs the benchmark families and prints their tables as markdown:
 *
 *   npm run bench                       every family
 *   npm run bench -- matmul rk4         only these families
 *   npm run bench -- --quick            short timing (also BENCH_QUICK=1)
 *   BENCH_PYTHON=python3,/usr/bin/python3 npm run bench    one numpy column per interpreter
 *
 * The results are saved in build/bench/last-run.json, from which
 * `npm run bench:report` writes the tables into bench/RESULTS.md. A run of
 * some families replaces only theirs there and keeps the others, each with
 * its own date, command and load; `--fresh` starts the file anew.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  consumed, FULL_BUDGET, QUICK_BUDGET, type Budget, type FamilyResult,
} from './lib/harness.js';
import {
  describeMachine, markdownFamily, markdownMachine, type RunRecord,
} from './lib/render.js';
import { evaluateTargets, markdownTargets } from './lib/targets.js';
import * as matmul from './matmul.js';
import * as rk4 from './rk4.js';
import * as ntk from './ntk.js';
import * as startup from './startup.js';
import * as sweep from './sweep.js';
import * as memory from './memory.js';

type Family = (budget: Budget, quick: boolean) => Promise<FamilyResult>;

const FAMILIES: Record<string, Family> = {
  matmul: matmul.run, rk4: rk4.run, ntk: ntk.run, startup: startup.run, sweep: sweep.run,
  memory: memory.run,
};

export const LAST_RUN = fileURLToPath(new URL('./last-run.json', import.meta.url));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
const names = positionals.length > 0 ? positionals : Object.keys(FAMILIES);
const unknown = names.filter((name) => !(name in FAMILIES));
if (values.help || unknown.length > 0) {
  if (unknown.length > 0) process.stderr.write(`unknown family: ${unknown.join(', ')}\n`);
  process.stderr.write(
    `usage: npm run bench -- [--quick] [--fresh] [${Object.keys(FAMILIES).join('|')} ...]\n`,
  );
  process.exit(unknown.length > 0 ? 2 : 0);
}
const quick = values.quick || process.env.BENCH_QUICK === '1';
const budget = quick ? QUICK_BUDGET : FULL_BUDGET;

const command = ['npm run bench --', ...process.argv.slice(2)].join(' ').replace(/ --$/, '') +
  (process.env.BENCH_QUICK === '1' ? ' (BENCH_QUICK=1)' : '') +
  (process.env.BENCH_PYTHON ? ` (BENCH_PYTHON=${process.env.BENCH_PYTHON})` : '');
const machine = describeMachine();
process.stdout.write(`${markdownMachine(machine)}\n\n`);
const measured: FamilyResult[] = [];
for (const name of names) {
  const loadStart = loadavg();
  const date = new Date().toISOString();
  const started = performance.now();
  const result = await FAMILIES[name](budget, quick);
  const seconds = (performance.now() - started) / 1000;
  result.measured = { command, date, quick, budget, loadStart, loadEnd: loadavg(), seconds };
  measured.push(result);
  process.stdout.write(`### Family ${name}\n\n${markdownFamily(result)}\n\n`);
}
process.stdout.write(`### Targets\n\n${markdownTargets(evaluateTargets(measured))}\n\n`);
process.stdout.write(`Sum of the consumed results: ${consumed().toPrecision(6)}.\n`);

// Families measured now replace their earlier results; the others are kept unless --fresh.
let earlier: FamilyResult[] = [];
if (!values.fresh && existsSync(LAST_RUN)) {
  earlier = (JSON.parse(readFileSync(LAST_RUN, 'utf8')) as RunRecord).families ?? [];
}
const order = Object.keys(FAMILIES);
const families = [...earlier.filter((f) => !names.includes(f.family)), ...measured]
  .sort((a, b) => order.indexOf(a.family) - order.indexOf(b.family));
mkdirSync(dirname(LAST_RUN), { recursive: true });
writeFileSync(LAST_RUN, `${JSON.stringify({ machine, families }, null, 2)}\n`);
process.stdout.write(`saved ${LAST_RUN} (${families.map((f) => f.family).join(', ')})\n`);
