import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, type Captured } from './capture.js';
import { main } from '../src/node/cli.js';

let dir: string;
let io: Captured;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lazy-regime-cli-'));
  io = captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const smallSpec = {
  data: { n: 8, d: 3, seed: 5 },
  test: { n: 16 },
  model: { width: 16, alpha: 2 },
  flow: { steps: 20, record: 3 },
};

function writeSpec(spec: unknown, name = 'spec.json'): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return path;
}

describe('lazy-regime theory', () => {
  it('states the condition, the rate and both bounds in words and writes the result', async () => {
    const out = join(dir, 'theory.json');
    expect(await main(['theory', writeSpec(smallSpec), '-o', out])).toBe(0);
    for (const phrase of [
      'condition (*) L ||r_0|| < sigma_min^2 / 4:', "rate: the theorem's lambda_0",
      'risk bound R(theta_0) exp(-lambda_0 t):', 'against the bound 2 ||r_0|| / sigma_min',
    ]) {
      expect(io.stdout).toContain(phrase);
    }
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.theory.riskBound).toHaveLength(3);
    expect(typeof result.theory.sigmaMin).toBe('number');
  });

  it('refuses a spec that turns the theorem check off', async () => {
    expect(await main(['theory', writeSpec({ ...smallSpec, theory: false })])).toBe(1);
    expect(io.stderr).toContain(
      'spec.theory is false, but the theory command is the theorem check; remove it',
    );
  });
});

describe('lazy-regime simulate', () => {
  it('writes the result as JSON with one value per checkpoint', async () => {
    const out = join(dir, 'result.json');
    expect(await main(['simulate', writeSpec(smallSpec), '-o', out])).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.t).toHaveLength(3);
    expect(result.meta).toMatchObject({ n: 8, d: 3, width: 16, alpha: 2, steps: 20 });
  });

  it('prints the result to stdout without -o', async () => {
    expect(await main(['simulate', writeSpec(smallSpec)])).toBe(0);
    expect(JSON.parse(io.stdout).risk).toHaveLength(3);
  });

  it('names the field and value of a bad spec, exits 1 and writes no file', async () => {
    const out = join(dir, 'result.json');
    const spec = writeSpec({ ...smallSpec, model: { width: 7 } });
    expect(await main(['simulate', spec, '-o', out])).toBe(1);
    expect(io.stderr).toContain(
      'lazy-regime: spec.model.width must be even for the symmetric initialisation; got 7',
    );
    expect(readdirSync(dir)).toEqual(['spec.json']);
  });

  it('reports a spec file that does not parse', async () => {
    const spec = writeSpec('{"data": {"n": 4,', 'broken.json');
    expect(await main(['simulate', spec])).toBe(1);
    expect(io.stderr).toMatch(/^lazy-regime: spec file '.*broken\.json' is not valid JSON: /);
  });

  it('reports a missing spec file', async () => {
    expect(await main(['simulate', join(dir, 'nope.json')])).toBe(1);
    expect(io.stderr).toMatch(/^lazy-regime: cannot read spec file '.*nope\.json': ENOENT/);
  });

  it('refuses a step above the stable limit before running, naming dt and the limit',
    async () => {
      const out = join(dir, 'result.json');
      const spec = writeSpec({ ...smallSpec, flow: { dt: 1e6, steps: 50, record: 2 } });
      expect(await main(['simulate', spec, '-o', out])).toBe(1);
      expect(io.stderr).toMatch(
        /spec\.flow\.dt = 1000000 is at or above the stable limit of rk4 on the linearised flow, /,
      );
      expect(io.stderr).toMatch(/2\.785 n \/ lambda_max\(K_0\) = [\d.e+-]+; use a smaller step/);
      expect(io.stderr).not.toContain('    at ');
      expect(existsSync(out)).toBe(false);
    });

  it('refuses an output path it could not write before running, without a stack trace',
    async () => {
      const spec = writeSpec(smallSpec);
      expect(await main(['simulate', spec, '-o', dir])).toBe(2);
      expect(io.stderr).toContain(`-o '${dir}' is a directory; give a file name`);
      expect(await main(['simulate', spec, '-o', join(spec, 'x.json')])).toBe(2);
      expect(io.stderr).toContain(`: '${spec}' is not a directory`);
      expect(await main(['simulate', spec, '-o', '/proc/lazy-regime-test/x.json'])).toBe(2);
      expect(io.stderr).toContain("cannot create the folder '/proc/lazy-regime-test'");
      expect(await main(['simulate', spec, '-o', `${dir}/`])).toBe(2);
      expect(io.stderr).toContain('names a folder; give a file name (or prefix) inside it');
      expect(io.stderr).not.toContain('    at ');
    });

  it('refuses an empty output name and overwriting the spec', async () => {
    const spec = writeSpec(smallSpec);
    expect(await main(['simulate', spec, '-o', ''])).toBe(2);
    expect(io.stderr).toContain("-o needs a file name; got ''");
    expect(await main(['simulate', spec, '-o', spec])).toBe(2);
    expect(io.stderr).toContain('is the input file');
  });
});

describe('lazy-regime sweep', () => {
  it('prints the table and the slopes and writes JSON and CSV', async () => {
    const prefix = join(dir, 'sweep');
    const code = await main([
      'sweep', '--spec', writeSpec(smallSpec), '--alphas', '2,8', '-o', prefix,
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('log-log slopes against alpha: weightDistance');
    const csv = readFileSync(`${prefix}.csv`, 'utf8').trim().split('\n');
    expect(csv[0].split(',')).toContain('weightDistance');
    expect(csv).toHaveLength(3);
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(json.alphas).toEqual([2, 8]);
    expect(json.rows.map((row: { alpha: number }) => row.alpha)).toEqual([2, 8]);
  });

  it('trains on a CSV file of rows and labels', async () => {
    const rows = ['x1,x2,label', '1,0,1', '0,1,-1', '0.6,0.8,1', '0.8,-0.6,-1'];
    const data = writeSpec(rows.join('\n'), 'rows.csv');
    const prefix = join(dir, 'sweep');
    const code = await main([
      'sweep', '--data', data, '--alphas', '1,4', '--width', '8', '--steps', '10', '-o', prefix,
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('n = 4, d = 2, width = 8');
  });

  it('trains on real MNIST digits, labelled +1 and -1', async () => {
    const prefix = join(dir, 'sweep');
    const code = await main([
      'sweep', '--data', 'mnist', '--digits', '3,8', '--n', '20', '--test-n', '10',
      '--width', '8', '--steps', '5', '--alphas', '1,2', '-o', prefix,
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('n = 20, d = 784, width = 8');
    expect(io.stdout).toContain('data mnist digits 3,8');
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(json.spec.data).toEqual({ source: 'mnist', digits: [3, 8], n: 20, seed: 1 });
    expect(json.runs[0].meta.testN).toBe(10);
    expect(json.runs[0].meta.data).toBe('mnist digits 3,8');
  });

  it('checks both output files before running', async () => {
    const prefix = join(dir, 'sweep');
    mkdirSync(`${prefix}.csv`);
    const code = await main(['sweep', '--steps', '2', '--alphas', '1,2', '-o', prefix]);
    expect(code).toBe(2);
    expect(io.stderr).toContain(`-o '${prefix}.csv' is a directory; give a file name`);
    expect(readdirSync(dir)).toEqual(['sweep.csv']);
  });

  it('prints its usage for --help', async () => {
    expect(await main(['sweep', '--help'])).toBe(0);
    expect(io.stdout).toContain('sweep options:');
  });

  it('refuses flags that would be ignored', async () => {
    const file = writeSpec('1,2,1\n3,4,-1\n', 'rows.csv');
    expect(await main(['sweep', '--data', file, '--n', '2'])).toBe(2);
    expect(io.stderr).toContain('--n and --test-n apply to sphere and mnist data');
    expect(await main(['sweep', '--digits', '0,1'])).toBe(2);
    expect(io.stderr).toContain('--digits applies to --data mnist');
    expect(await main(['sweep', '--data', 'mnist', '--digits', '3,3'])).toBe(2);
    expect(io.stderr).toContain("--digits must be two different digits 0..9 separated by a comma");
    expect(await main(['sweep', '--alphas', '1,2,1'])).toBe(2);
    expect(io.stderr).toContain("--alphas lists 1 twice; got '1,2,1'");
    expect(await main(['sweep', '--alphas', ''])).toBe(2);
    expect(io.stderr).toContain("--alphas must be a comma-separated list of numbers > 0; got ''");
  });

  it('names the alpha and the scaling when a given step is too large', async () => {
    const spec = writeSpec({ ...smallSpec, flow: { dt: 1e6, steps: 5, record: 2 } });
    expect(await main(['sweep', '--spec', spec, '--alphas', '2', '-o', join(dir, 's')])).toBe(1);
    expect(io.stderr).toContain(
      'at alpha = 2 (spec.flow.dt = 1000000 scaled by 1 / alpha^2): spec.flow.dt = 250000 is at',
    );
  });

  it('rejects a bad alpha list with exit status 2 and writes nothing', async () => {
    const prefix = join(dir, 'sweep');
    expect(await main(['sweep', '--alphas', '1,-2', '-o', prefix])).toBe(2);
    expect(io.stderr).toContain(
      "--alphas must be a comma-separated list of numbers > 0; got '1,-2'",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects an unknown activation as a command-line mistake naming the flag', async () => {
    const code = await main(['sweep', '--activation', 'sigmoid', '--steps', '2']);
    expect(code).toBe(2);
    expect(io.stderr).toContain(
      "--activation: spec.model.activation must be one of 'relu', 'tanh'",
    );
    expect(io.stderr).toContain("got 'sigmoid'");
  });

  it('runs a mean-field sweep with a trained second layer and says so', async () => {
    const prefix = join(dir, 'sweep');
    const code = await main([
      'sweep', '--spec', writeSpec(smallSpec), '--alphas', '1,2', '--scaling', 'mean-field',
      '--train-second-layer', '-o', prefix,
    ]);
    expect(code).toBe(0);
    expect(io.stdout).toContain('mean-field scaling, second layer trained');
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(json.spec.model).toMatchObject({ scaling: 'mean-field', trainSecondLayer: true });
    expect(json.runs[0].meta).toMatchObject({ scaling: 'mean-field', trainSecondLayer: true });
  });

  it('rejects an unknown scaling with exit status 2 and writes nothing', async () => {
    const prefix = join(dir, 'sweep');
    expect(await main(['sweep', '--scaling', 'mf', '-o', prefix])).toBe(2);
    expect(io.stderr).toContain("--scaling must be one of 'lazy', 'mean-field'; got 'mf'");
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a data file that does not parse, naming the place', async () => {
    const data = writeSpec('1,2,1\n3,abc,-1\n', 'bad.csv');
    expect(await main(['sweep', '--data', data, '-o', join(dir, 'sweep')])).toBe(1);
    expect(io.stderr).toMatch(/bad\.csv', line 2, column 2: expected a finite number, got 'abc'/);
    expect(readdirSync(dir).sort()).toEqual(['bad.csv']);
  });

  it('rejects an unknown command and an unknown option', async () => {
    expect(await main(['train'])).toBe(2);
    expect(io.stderr).toContain(
      "unknown command 'train'; expected simulate, theory, sweep or width-sweep",
    );
    io.stderr = '';
    expect(await main(['sweep', '--fast'])).toBe(2);
    expect(io.stderr).toContain("Unknown option '--fast'");
  });
});
