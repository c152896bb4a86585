/**
 * The command line: `lazy-regime simulate` runs one spec, `lazy-regime theory`
 * runs one and checks the lazy-regime theorem on it in words, `lazy-regime sweep`
 * runs an alpha sweep and prints the table of final figures with the fitted
 * log-log slopes, `lazy-regime width-sweep` measures how fast the empirical
 * NTK approaches its infinite-width limit. Output files are written whole or
 * not at all.
 */
import {
  accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { simulate, type SimulationResult } from '../simulate.js';
import { explainTheory } from '../theory.js';
import {
  DEFAULT_SPEC, SCALINGS, SpecError, resolveSpec, type Scaling, type Spec,
} from '../spec.js';
import { DEFAULT_ALPHAS, SLOPE_FIGURES, type SweepResult, type SweepRow } from '../sweep.js';
import { DataError, loadDataFile, loadMnist } from './datafile.js';
import { parallelSweep } from './pool.js';
import { packageVersion } from '../wasm.js';
import {
  DEFAULT_WIDTH_SEEDS, DEFAULT_WIDTHS, widthSweep, type WidthSweepOptions, type WidthSweepResult,
} from '../width-sweep.js';
import { DEFAULT_QUADRATURE_ORDER } from '../analytic.js';

const DEFAULT_WIDTHS_TEXT = [DEFAULT_WIDTHS[0], DEFAULT_WIDTHS[1], '...', DEFAULT_WIDTHS.at(-1)]
  .join(',');
const ORDER = DEFAULT_QUADRATURE_ORDER;

const USAGE = `lazy-regime ${packageVersion}: the lazy regime of two-layer networks

Usage:
  lazy-regime simulate SPEC.json [-o RESULT.json]
  lazy-regime theory SPEC.json [-o RESULT.json]
  lazy-regime sweep [options]
  lazy-regime width-sweep [options]
  lazy-regime --help | --version

sweep options:
  --spec FILE          base spec (JSON); default: the built-in sphere spec
  --alphas LIST        comma-separated output scales; default ${DEFAULT_ALPHAS.join(',')}
  --data SOURCE        'sphere' (default), 'mnist', or a .csv/.json file of rows and labels
  --digits A,B         the two MNIST digits, labelled +1 and -1; default 0,1
  --n N                training points (sphere or mnist); mnist default 500
  --test-n N           test points; default 256 (sphere), 500 (mnist)
  --width M            hidden units
  --activation NAME    relu, tanh, erf, softplus, gelu, quadratic, identity
  --scaling NAME       'lazy' (output scale alpha / sqrt(M), default) or 'mean-field' (alpha / M)
  --train-second-layer train the second layer a along with the first-layer weights
  --steps N            integration steps per alpha
  --workers N          worker threads running alphas at once, at most one per alpha;
                       default the cores available (${availableParallelism()} here); 1: no threads
  -o, --out PREFIX     writes PREFIX.json and PREFIX.csv; default out/sweep

width-sweep options (||K_0 - K_inf||_F / ||K_inf||_F against the width M, with
K_inf the analytic NTK with the second layer fixed; the slope is about -1/2):
  --activation NAME    as above; default ${DEFAULT_SPEC.model.activation}
  --n N                points on the sphere; default ${DEFAULT_SPEC.data.n}
  --d D                input dimension; default ${DEFAULT_SPEC.data.d}
  --alpha A            output scale (the ratio does not depend on it); default 1
  --widths LIST        comma-separated even widths; default ${DEFAULT_WIDTHS_TEXT}
  --seeds K            model seeds per width (2, ..., K + 1); default ${DEFAULT_WIDTH_SEEDS}
  --order Q            Gauss-Hermite order where no closed form exists; default ${ORDER}
  -o, --out PREFIX     writes PREFIX.json and PREFIX.csv; default out/width-sweep
`;

/** Sizes for MNIST runs without a spec: 784 inputs make each step cost 784 / d times more. */
const MNIST_WIDTH = 64;
const MNIST_STEPS = 100;

/** A command-line mistake: printed with the usage hint, exit status 2. */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/** An output file that could not be written: reported without a stack trace, exit status 1. */
class OutputError extends Error {}

/**
 * Writes every file through a temporary file and renames them into place
 * only once all are written; if a rename fails, the files already renamed
 * are removed, so a failure leaves no new or half-written output behind.
 */
function writeAll(files: { path: string; text: string }[]): void {
  const temporaries = files.map(({ path }) => `${path}.${process.pid}.tmp`);
  const placed: string[] = [];
  let current = '';
  try {
    files.forEach(({ path, text }, i) => {
      current = path;
      writeFileSync(temporaries[i], text);
    });
    files.forEach(({ path }, i) => {
      current = path;
      renameSync(temporaries[i], path);
      placed.push(path);
    });
  } catch (error) {
    for (const path of placed) rmSync(path, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OutputError(`cannot write '${current}': ${describeWriteError(reason)}`);
  } finally {
    for (const temporary of temporaries) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // Nothing was written there (its folder could not be made): nothing to remove.
      }
    }
  }
}

function describeWriteError(code: string): string {
  const known: Record<string, string> = {
    EISDIR: 'it is a directory',
    EEXIST: 'a file is in the way of its directory',
    ENOTDIR: 'a file is in the way of its directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
  };
  return known[code] ?? code;
}

/**
 * Refuses, before any work, an output path that could not be written: empty,
 * ending in a separator, a directory, the input itself, or under a path whose
 * nearest existing folder is a file or not writable.
 */
function checkOutput(out: string | undefined, flag: string, inputs: string[] = []): void {
  if (out === undefined) return;
  if (out.trim() === '') fail(`${flag} needs a file name; got ''`);
  if (out.endsWith('/') || out.endsWith(sep)) {
    fail(`${flag} '${out}' names a folder; give a file name (or prefix) inside it`);
  }
  for (const input of inputs) {
    if (resolve(out) === resolve(input)) {
      fail(`${flag} '${out}' is the input file ${input}; choose another output`);
    }
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    fail(`${flag} '${out}' is a directory; give a file name`);
  }
  let folder = dirname(resolve(out));
  const missing: string[] = [];
  while (!existsSync(folder)) {
    missing.unshift(folder);
    folder = dirname(folder);
  }
  if (!statSync(folder).isDirectory()) fail(`${flag} '${out}': '${folder}' is not a directory`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    fail(`${flag} '${out}': the folder '${folder}' is not writable`);
  }
  // One level at a time: a recursive mkdir can spin forever under /proc.
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      fail(`${flag} '${out}': cannot create the folder '${dir}' (${reason})`);
    }
  }
}

function readSpec(path: string): Spec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpecError('spec', `cannot read spec file '${path}': ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as Spec;
  } catch (error) {
    throw new SpecError(
      'spec', `spec file '${path}' is not valid JSON: ${(error as Error).message}`,
    );
  }
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    fail(`${flag} must be a positive integer; got '${value}'`);
  }
  return number;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    fail(`${flag} must be a number > 0; got '${value}'`);
  }
  return number;
}

function numberList(value: string, flag: string): number[] {
  const numbers = value.split(',').map((part) => {
    const number = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(number) || number <= 0) {
      fail(`${flag} must be a comma-separated list of numbers > 0; got '${value}'`);
    }
    return number;
  });
  const repeated = numbers.find((number, i) => numbers.indexOf(number) !== i);
  if (repeated !== undefined) fail(`${flag} lists ${repeated} twice; got '${value}'`);
  return numbers;
}

function format(value: number | null): string {
  return value === null ? '-' : value.toExponential(3);
}

const COLUMNS: [keyof SweepRow, string][] = [
  ['alpha', 'alpha'], ['t', 't'], ['risk', 'risk'], ['linearRisk', 'linearRisk'],
  ['weightDistance', 'weightDist'], ['relativeWeightDistance', 'relWeightDist'],
  ['linearGap', 'linearGap'], ['kernelChange', 'kernelChange'], ['testRisk', 'testRisk'],
  ['testGap', 'testGap'],
];

/** The CSV has every figure of a row, the table only those that fit a terminal. */
const CSV_COLUMNS: (keyof SweepRow)[] = [
  ...COLUMNS.map(([key]) => key).filter((key) => key !== 'testGap'), 'linearTestRisk', 'testGap',
];

function table(result: SweepResult): string {
  const header = COLUMNS.map(([, title]) => title.padStart(14)).join('');
  const lines = result.rows.map((row) =>
    COLUMNS.map(([key]) => {
      const value = row[key];
      return (key === 'alpha' ? String(value) : format(value)).padStart(14);
    }).join(''));
  const slopes = SLOPE_FIGURES.map((key) => {
    const slope = result.slopes[key];
    return `${key} ${slope === null ? '-' : slope.toFixed(2)}`;
  }).join(', ');
  return [header, ...lines, '', `log-log slopes against alpha: ${slopes}`].join('\n');
}

function csv(result: SweepResult): string {
  const header = CSV_COLUMNS.join(',');
  const lines = result.rows.map((row) =>
    CSV_COLUMNS.map((key) => (row[key] === null ? '' : String(row[key]))).join(','));
  return [header, ...lines, ''].join('\n');
}

function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`${text}\n`);
}

/**
 * The arguments of a command that runs one spec file with an optional
 * `-o FILE`; null after printing the usage for --help.
 */
function specCommand(command: string, args: string[]): { path: string; out?: string } | null {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return null;
  }
  if (positionals.length !== 1) fail(`${command} takes exactly one spec file`);
  checkOutput(values.out, '-o', positionals);
  return { path: positionals[0], out: values.out };
}

async function runSimulate(args: string[]): Promise<void> {
  const command = specCommand('simulate', args);
  if (command === null) return;
  const result: SimulationResult = await simulate(readSpec(command.path));
  const text = `${JSON.stringify(result, null, 2)}\n`;
  if (command.out !== undefined) {
    writeAll([{ path: command.out, text }]);
    progress(`wrote ${command.out}`);
  } else {
    process.stdout.write(text);
  }
}

async function runTheory(args: string[]): Promise<void> {
  const command = specCommand('theory', args);
  if (command === null) return;
  const spec = readSpec(command.path);
  if (spec && typeof spec === 'object' && (spec as { theory?: unknown }).theory === false) {
    throw new SpecError(
      'spec.theory',
      'spec.theory is false, but the theory command is the theorem check; remove it',
    );
  }
  const result = await simulate(spec);
  const { meta } = result;
  const lines = explainTheory(result.theory!, result);
  process.stdout.write(
    `lazy-regime theory: n = ${meta.n}, d = ${meta.d}, width = ${meta.width}, ` +
      `activation ${meta.activation}, alpha = ${meta.alpha}, data ${meta.data}, ` +
      `t in [0, ${format(result.t[result.t.length - 1])}]\n\n${lines.join('\n')}\n`,
  );
  if (command.out !== undefined) {
    writeAll([{ path: command.out, text: `${JSON.stringify(result, null, 2)}\n` }]);
    process.stdout.write(`\nwrote ${command.out}\n`);
  }
}

/** Two distinct digits 0..9 from '--digits A,B'. */
function digitPair(value: string | undefined): [number, number] {
  const digits = (value ?? '0,1').split(',').map((part) => part.trim());
  const ok = digits.length === 2 && digits.every((digit) => /^[0-9]$/.test(digit)) &&
    digits[0] !== digits[1];
  if (!ok) fail(`--digits must be two different digits 0..9 separated by a comma, such as 0,1; ` +
    `got '${value}'`);
  return [Number(digits[0]), Number(digits[1])];
}

/**
 * The spec a sweep runs, and how to record it in the output: data loaded
 * from MNIST or a file is recorded by its source rather than copied.
 */
interface SweepFlags {
  spec?: string;
  data?: string;
  digits?: string;
  n?: string;
  'test-n'?: string;
  width?: string;
  activation?: string;
  steps?: string;
  scaling?: string;
  'train-second-layer'?: boolean;
}

function sweepSpec(values: SweepFlags): { spec: Spec; recorded: Spec } {
  const base: Spec = values.spec ? readSpec(values.spec) : structuredClone(DEFAULT_SPEC) as Spec;
  const spec: Spec = { ...base, model: { ...base.model }, flow: { ...base.flow } };
  let recorded: Spec = spec;
  const n = positiveInteger(values.n, '--n');
  const testN = positiveInteger(values['test-n'], '--test-n');
  const source = values.data ?? 'sphere';
  if (values.digits !== undefined && source !== 'mnist') fail('--digits applies to --data mnist');
  const given = typeof base.data === 'object' && base.data !== null && 'X' in base.data;
  if (source === 'mnist') {
    const digits = digitPair(values.digits);
    const { train, test } = loadMnist({ digits, n: n ?? 500, testN: testN ?? 500, seed: 1 });
    spec.data = { ...train, name: `mnist digits ${digits.join(',')}` };
    spec.test = test;
    if (!values.spec) {
      spec.model = { ...spec.model, width: MNIST_WIDTH };
      spec.flow = { ...spec.flow, steps: MNIST_STEPS, record: 11 };
    }
    recorded = {
      ...spec,
      data: { source: 'mnist', digits, n: train.y.length, seed: 1 },
      test: { source: 'mnist', n: test.X.length },
    } as unknown as Spec;
  } else if (source !== 'sphere') {
    if (n !== undefined || testN !== undefined) {
      fail('--n and --test-n apply to sphere and mnist data; a data file gives its own rows');
    }
    spec.data = { ...loadDataFile(source), name: source };
    spec.test = { n: 0 };
    recorded = { ...spec, data: { source } } as unknown as Spec;
  } else if (given) {
    if (values.data !== undefined) fail('--data sphere conflicts with the rows the spec gives');
    if (n !== undefined || testN !== undefined) {
      fail('--n and --test-n apply to sphere data; the spec gives its own rows');
    }
  } else if (n !== undefined || testN !== undefined) {
    const data = { ...(base.data ?? DEFAULT_SPEC.data) } as Record<string, unknown>;
    if (n !== undefined) data.n = n;
    spec.data = data as unknown as Spec['data'];
    if (testN !== undefined) spec.test = { ...spec.test, n: testN };
  }
  const width = positiveInteger(values.width, '--width');
  if (width !== undefined) spec.model = { ...spec.model, width };
  if (values.activation !== undefined) {
    spec.model = { ...spec.model, activation: values.activation as never };
  }
  if (values.scaling !== undefined) {
    if (!SCALINGS.includes(values.scaling as Scaling)) {
      fail(
        `--scaling must be one of ${SCALINGS.map((c) => `'${c}'`).join(', ')}; ` +
          `got '${values.scaling}'`,
      );
    }
    spec.model = { ...spec.model, scaling: values.scaling as Scaling };
  }
  if (values['train-second-layer']) spec.model = { ...spec.model, trainSecondLayer: true };
  const steps = positiveInteger(values.steps, '--steps');
  if (steps !== undefined) {
    const record = Math.min(spec.flow?.record ?? DEFAULT_SPEC.flow.record, steps + 1);
    spec.flow = { ...spec.flow, steps, record };
  }
  // The sweep sets alpha itself; a base spec's alpha is not what ran.
  const { alpha: _replaced, ...model } = spec.model ?? {};
  return { spec, recorded: { ...recorded, model, flow: spec.flow } };
}

async function runSweep(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      spec: { type: 'string' }, alphas: { type: 'string' }, data: { type: 'string' },
      digits: { type: 'string' }, n: { type: 'string' }, 'test-n': { type: 'string' },
      width: { type: 'string' }, activation: { type: 'string' }, steps: { type: 'string' },
      scaling: { type: 'string' }, 'train-second-layer': { type: 'boolean' },
      workers: { type: 'string' }, out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length > 0) fail(`sweep takes no positional arguments; got '${positionals[0]}'`);
  const alphas = values.alphas !== undefined
    ? numberList(values.alphas, '--alphas')
    : DEFAULT_ALPHAS;
  const workers = Math.min(
    positiveInteger(values.workers, '--workers') ?? availableParallelism(), alphas.length,
  );
  checkOutput(values.out, '-o');
  const { spec, recorded } = sweepSpec(values);
  await asFlags(() => resolveSpec(spec), {
    'spec.model.width': '--width', 'spec.model.activation': '--activation',
    'spec.model.scaling': '--scaling', 'spec.flow.steps': '--steps', 'spec.data.n': '--n',
    'spec.test.n': '--test-n',
  }, values);
  const prefix = values.out ?? 'out/sweep';
  const inputs = [values.spec, values.data].filter((path): path is string => path !== undefined);
  for (const extension of ['.json', '.csv']) checkOutput(`${prefix}${extension}`, '-o', inputs);
  const started = performance.now();
  const result = await parallelSweep(spec, alphas, {
    workers,
    onRun: (alpha, run) => progress(`alpha ${alpha}: ${run.meta.seconds.toFixed(1)} s`),
  });
  const seconds = (performance.now() - started) / 1000;
  const first = result.runs[0].meta;
  process.stdout.write(
    `lazy-regime sweep: n = ${first.n}, d = ${first.d}, width = ${first.width}, ` +
      `activation ${first.activation}, ${first.scaling} scaling` +
      `${first.trainSecondLayer ? ', second layer trained' : ''}, data ${first.data}, ` +
      `${first.steps} ${first.method} steps per alpha (same alpha^2 t), ` +
      `${seconds.toFixed(1)} s${workers > 1 ? ` on ${workers} worker threads` : ''}` +
      `\n\n${table(result)}\n`,
  );
  writeAll([
    {
      path: `${prefix}.json`,
      text: `${JSON.stringify({ spec: recorded, alphas, ...result }, null, 2)}\n`,
    },
    { path: `${prefix}.csv`, text: csv(result) },
  ]);
  process.stdout.write(`\nwrote ${prefix}.json and ${prefix}.csv\n`);
}

function widthTable(result: WidthSweepResult): string {
  const header = ['width', 'relError', 'spread', 'sqrt(M) err'].map((t) => t.padStart(14)).join('');
  const lines = result.rows.map((row) => [
    String(row.width), format(row.relativeError), format(row.spread),
    (row.relativeError * Math.sqrt(row.width)).toFixed(3),
  ].map((text) => text.padStart(14)).join(''));
  const slope = result.slope === null ? '-' : result.slope.toFixed(3);
  return [header, ...lines, '', `log-log slope against width: ${slope} (about -0.5 expected)`]
    .join('\n');
}

function widthCsv(result: WidthSweepResult): string {
  const seeds = result.meta.seeds.map((seed) => `seed${seed}`);
  const header = ['width', 'relativeError', 'spread', ...seeds].join(',');
  const lines = result.rows.map((row) => [
    row.width, row.relativeError, row.spread ?? '', ...row.errors,
  ].join(','));
  return [header, ...lines, ''].join('\n');
}

async function runWidthSweep(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      activation: { type: 'string' }, n: { type: 'string' }, d: { type: 'string' },
      alpha: { type: 'string' }, widths: { type: 'string' }, seeds: { type: 'string' },
      order: { type: 'string' }, out: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (positionals.length > 0) {
    fail(`width-sweep takes no positional arguments; got '${positionals[0]}'`);
  }
  checkOutput(values.out, '-o');
  const options: WidthSweepOptions = {
    data: {
      n: positiveInteger(values.n, '--n') ?? DEFAULT_SPEC.data.n,
      d: positiveInteger(values.d, '--d') ?? DEFAULT_SPEC.data.d,
      seed: DEFAULT_SPEC.data.seed,
    },
    activation: values.activation as WidthSweepOptions['activation'],
    alpha: positiveNumber(values.alpha, '--alpha'),
    widths: values.widths !== undefined ? numberList(values.widths, '--widths') : undefined,
    seeds: positiveInteger(values.seeds, '--seeds'),
    order: positiveInteger(values.order, '--order'),
    onWidth: (row) => progress(`width ${row.width}: ${format(row.relativeError)}`),
  };
  const prefix = values.out ?? 'out/width-sweep';
  for (const extension of ['.json', '.csv']) checkOutput(`${prefix}${extension}`, '-o');
  const result = await asFlags(() => widthSweep(options), {
    'options.widths': '--widths', 'options.seeds': '--seeds', 'options.order': '--order',
    'options.activation': '--activation', 'options.alpha': '--alpha',
    'options.data.n': '--n', 'options.data.d': '--d',
  }, values);
  const { meta } = result;
  const method = meta.order === null ? 'closed form' : `Gauss-Hermite order ${meta.order}`;
  process.stdout.write(
    `lazy-regime width-sweep: n = ${meta.n}, d = ${meta.d}, activation ${meta.activation}, ` +
      `alpha ${meta.alpha}, ${meta.seeds.length} seeds per width, limit kernel by ${method}, ` +
      `${meta.seconds.toFixed(1)} s\n\n${widthTable(result)}\n`,
  );
  writeAll([
    { path: `${prefix}.json`, text: `${JSON.stringify(result, null, 2)}\n` },
    { path: `${prefix}.csv`, text: widthCsv(result) },
  ]);
  process.stdout.write(`\nwrote ${prefix}.json and ${prefix}.csv\n`);
}

/**
 * Runs `body`, turning a SpecError about a value that came from a flag into
 * a command-line mistake that names the flag (exit status 2). `flags` maps
 * spec or option fields to flags; a flag counts only if it was given.
 */
async function asFlags<T>(
  body: () => T | Promise<T>, flags: Record<string, string>,
  given: Record<string, unknown>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof SpecError) {
      const field = Object.keys(flags).find((key) =>
        error.field === key || error.field.startsWith(`${key}[`) ||
        error.field.startsWith(`${key}.`));
      const flag = field === undefined ? undefined : flags[field];
      if (flag !== undefined && given[flag.slice(2)] !== undefined &&
        error.message.startsWith(error.field)) {
        fail(`${flag}: ${error.message}`);
      }
    }
    throw error;
  }
}

/** Runs the command line; returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      process.stdout.write(`${packageVersion}\n`);
      return 0;
    }
    if (command === 'simulate') await runSimulate(rest);
    else if (command === 'theory') await runTheory(rest);
    else if (command === 'sweep') await runSweep(rest);
    else if (command === 'width-sweep') await runWidthSweep(rest);
    else fail(`unknown command '${command}'; expected simulate, theory, sweep or width-sweep`);
    return 0;
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith(
      'ERR_PARSE_ARGS',
    );
    process.stderr.write(`lazy-regime: ${(error as Error).message}\n`);
    if (usage) process.stderr.write("run 'lazy-regime --help' for usage\n");
    if (!(usage || error instanceof SpecError || error instanceof DataError ||
      error instanceof OutputError || (error as Error).name === 'FlowDivergedError')) {
      process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    }
    return usage ? 2 : 1;
  }
}
