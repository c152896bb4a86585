import { describe, expect, it } from 'vitest';
import { resolveSpec, simulate, SpecError, initNetwork, createEngine } from '../src/index.js';

const small = { data: { n: 4, d: 3 }, model: { width: 8 }, flow: { steps: 4, record: 2 } };

function messageOf(spec: unknown): string {
  try {
    resolveSpec(spec);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as Error).message;
  }
  throw new Error('expected resolveSpec to throw');
}

describe('spec validation', () => {
  it('fills every default for an empty spec', () => {
    const spec = resolveSpec({});
    expect(spec.data).toMatchObject({ kind: 'sphere', n: 64, d: 8, seed: 1, noise: 0 });
    expect(spec.model).toMatchObject({ width: 512, alpha: 1, activation: 'tanh', seed: 2 });
    expect(spec.flow).toEqual({ method: 'rk4', dt: null, steps: 600, record: 13 });
    expect(spec.test).toEqual({ kind: 'sphere', n: 256, seed: 2 });
  });

  it('rejects an odd width with symmetric initialisation, naming the value', () => {
    expect(messageOf({ ...small, model: { width: 7 } })).toBe(
      'spec.model.width must be even for the symmetric initialisation; got 7 ' +
        '(or give the signs spec.model.a explicitly)',
    );
  });

  it('accepts an odd width when the signs are given', () => {
    const spec = resolveSpec({ ...small, model: { width: 3, a: [1, -1, 1] } });
    expect(spec.model.width).toBe(3);
  });

  it('rejects W0 rows whose length differs from the dimension of X', () => {
    const X = [[1, 0], [0, 1]];
    expect(messageOf({ data: { X, y: [1, -1] }, model: { W0: [[1, 2, 3], [1, 2, 3]] } })).toBe(
      'spec.model.W0[0] has 3 values; expected 2 (the input dimension d of the data)',
    );
  });

  it('rejects non-finite numbers in X, y and alpha', () => {
    expect(messageOf({ data: { X: [[1, NaN]], y: [1] } })).toBe(
      'spec.data.X[0][1] must be a finite number; got NaN',
    );
    expect(messageOf({ data: { X: [[1, 2]], y: [Infinity] } })).toBe(
      'spec.data.y[0] must be a finite number; got Infinity',
    );
    expect(messageOf({ ...small, model: { width: 8, alpha: Infinity } })).toBe(
      'spec.model.alpha must be a finite number > 0; got Infinity',
    );
  });

  it('rejects an unknown activation, listing the known ones', () => {
    expect(messageOf({ ...small, model: { width: 8, activation: 'sigmoid' } })).toBe(
      "spec.model.activation must be one of 'relu', 'tanh', 'erf', 'softplus', 'gelu', " +
        "'quadratic', 'identity'; got 'sigmoid'",
    );
  });

  it('rejects zero, negative and fractional sizes', () => {
    expect(messageOf({ data: { n: 0, d: 3 } })).toBe(
      'spec.data.n must be an integer in [1, 16777216]; got 0',
    );
    expect(messageOf({ data: { n: 4, d: -2 } })).toBe(
      'spec.data.d must be an integer in [1, 16777216]; got -2',
    );
    expect(messageOf({ ...small, model: { width: 0 } })).toBe(
      'spec.model.width must be an integer in [1, 16777216]; got 0',
    );
    expect(messageOf({ ...small, flow: { steps: 2.5 } })).toBe(
      'spec.flow.steps must be an integer in [1, 1000000000]; got 2.5',
    );
    expect(messageOf({ ...small, flow: { dt: -1 } })).toBe(
      'spec.flow.dt must be a finite number > 0; got -1',
    );
  });

  it('rejects a record count larger than the steps allow', () => {
    expect(messageOf({ ...small, flow: { steps: 4, record: 6 } })).toBe(
      'spec.flow.record must be an integer in [2, 5]; got 6',
    );
  });

  it('rejects ragged rows and a label count that differs from the row count', () => {
    expect(messageOf({ data: { X: [[1, 2], [3]], y: [1, 2] } })).toBe(
      'spec.data.X[1] must be an array of 2 numbers like spec.data.X[0]; got an array of length 1',
    );
    expect(messageOf({ data: { X: [[1, 2], [3, 4]], y: [1] } })).toBe(
      'spec.data.y has 1 values; expected 2 (one label per row of spec.data.X)',
    );
  });

  it('rejects signs other than +1 and -1', () => {
    expect(messageOf({ ...small, model: { width: 2, a: [1, 0.5] } })).toBe(
      'spec.model.a[1] must be +1 or -1; got 0.5',
    );
  });

  it('rejects unknown fields, so typos do not pass silently', () => {
    expect(messageOf({ ...small, model: { widht: 8 } })).toBe(
      'spec.model.widht is not a known field; expected one of width, alpha, activation, seed, ' +
        'W0, a, scaling, trainSecondLayer',
    );
  });

  it('rejects test rows of the wrong dimension', () => {
    expect(messageOf({ ...small, test: { X: [[1, 2]] } })).toBe(
      'spec.test.X[0] has 2 values; expected 3 (the input dimension d)',
    );
  });

  it('refuses up front a run that cannot fit in WebAssembly memory', () => {
    const message = messageOf({ data: { n: 100000, d: 10 }, model: { width: 4096 } });
    expect(message).toMatch(/^the run needs about \d+\.\d GiB of WebAssembly memory /);
    expect(message).toMatch(/\(n = 100000, d = 10, width = 4096, test n = 256\); the limit is 3.5/);
  });

  it('makes simulate reject with the same message', async () => {
    await expect(simulate({ ...small, model: { width: 5 } })).rejects.toThrow(
      'spec.model.width must be even for the symmetric initialisation; got 5',
    );
  });

  it('makes initNetwork reject an odd width too', async () => {
    const engine = await createEngine();
    expect(() => initNetwork(engine, { width: 9 }, 3)).toThrow(
      'spec.model.width must be even for the symmetric initialisation; got 9',
    );
  });
});

describe('spec validation of the regime options', () => {
  it('defaults to the lazy scaling with a fixed second layer', () => {
    const { model } = resolveSpec(small);
    expect(model.scaling).toBe('lazy');
    expect(model.trainSecondLayer).toBe(false);
  });

  it('accepts the mean-field scaling and a trained second layer', () => {
    const { model } = resolveSpec({
      ...small, model: { width: 8, scaling: 'mean-field', trainSecondLayer: true },
    });
    expect(model.scaling).toBe('mean-field');
    expect(model.trainSecondLayer).toBe(true);
  });

  it('rejects an unknown scaling, listing the known ones', () => {
    expect(messageOf({ ...small, model: { width: 8, scaling: 'mean field' } })).toBe(
      "spec.model.scaling must be one of 'lazy', 'mean-field'; got 'mean field'",
    );
    expect(messageOf({ ...small, model: { width: 8, scaling: 2 } })).toBe(
      "spec.model.scaling must be one of 'lazy', 'mean-field'; got 2",
    );
  });

  it('rejects a trainSecondLayer that is not a boolean', () => {
    expect(messageOf({ ...small, model: { width: 8, trainSecondLayer: 'yes' } })).toBe(
      "spec.model.trainSecondLayer must be true or false; got 'yes'",
    );
    expect(messageOf({ ...small, model: { width: 8, trainSecondLayer: 1 } })).toBe(
      'spec.model.trainSecondLayer must be true or false; got 1',
    );
  });

  it('accepts any finite initial a when the second layer is trained', () => {
    const { model } = resolveSpec({
      ...small, model: { width: 3, a: [0.5, -2, 0], trainSecondLayer: true },
    });
    expect(Array.from(model.a!)).toEqual([0.5, -2, 0]);
  });

  it('still requires signs when the second layer is fixed', () => {
    expect(messageOf({ ...small, model: { width: 2, a: [1, 0.5], trainSecondLayer: false } }))
      .toBe('spec.model.a[1] must be +1 or -1; got 0.5');
  });

  it('rejects a trained initial a that is not finite or has the wrong length', () => {
    expect(messageOf({
      ...small, model: { width: 2, a: [1, NaN], trainSecondLayer: true },
    })).toBe('spec.model.a[1] must be a finite number; got NaN');
    expect(messageOf({
      ...small, model: { width: 4, a: [1, 2, 3], trainSecondLayer: true },
    })).toBe('spec.model.a has 3 values; expected 4 (one value per hidden unit)');
  });

  it('makes simulate reject a bad scaling with the same message', async () => {
    await expect(simulate({ ...small, model: { width: 8, scaling: 'ntk' as never } }))
      .rejects.toThrow("spec.model.scaling must be one of 'lazy', 'mean-field'; got 'ntk'");
  });
});

