/**
 * Loading the WebAssembly kernels and owning their memory.
 *
 * The compiled module is embedded in the package as base64 (no file system,
 * no URL), compiled once per JavaScript realm on first use and cached. Each
 * `Engine` is a fresh instance with its own linear memory: independent runs
 * never share state, and dropping an engine releases all of its memory.
 * Typed-array views are rebuilt from `memory.buffer` on every access, so a
 * memory growth can never leave a stale view behind.
 */
import { PACKAGE_VERSION, WASM_BASE64, WASM_SHA256 } from './generated/wasm.js';

/** Byte offset into an engine's linear memory. */
export type Pointer = number;

/** The kernels' exports, as the wrapper calls them (pointers are byte offsets). */
export interface KernelExports {
  /** The instance's linear memory (typed structurally, so no DOM types are needed). */
  memory: { readonly buffer: ArrayBuffer };
  alloc(bytes: number): Pointer;
  free(ptr: Pointer): void;
  rngSeed(rng: Pointer, seed: number): void;
  rngUniform(rng: Pointer, out: Pointer, count: number): void;
  rngGaussian(rng: Pointer, out: Pointer, count: number): void;
  rngSphere(rng: Pointer, out: Pointer, rows: number, d: number): void;
  erf(x: number): number;
  erfc(x: number): number;
  exp(x: number): number;
  expm1(x: number): number;
  log(x: number): number;
  sigma(kind: number, x: number): number;
  sigmaPrime(kind: number, x: number): number;
  sigmaSecond(kind: number, x: number): number;
  activationMap(kind: number, order: number, z: Pointer, out: Pointer, count: number): void;
  gemm(
    transA: number, transB: number, m: number, n: number, k: number,
    alpha: number, a: Pointer, lda: number, b: Pointer, ldb: number,
    beta: number, c: Pointer, ldc: number,
  ): void;
  dot(x: Pointer, y: Pointer, count: number): number;
  addScaled(x: Pointer, s: number, y: Pointer, out: Pointer, count: number): void;
  /**
   * Bytes of the `work` block forward, forwardHidden, jvp, vjp and slopeChange need; they
   * abort if given less.
   */
  networkWorkBytes(d: number, m: number): number;
  forward(
    x: Pointer, n: number, d: number, w: Pointer, m: number, a: Pointer, scale: number,
    kind: number, f: Pointer, slope: Pointer, work: Pointer, workBytes: number,
  ): void;
  forwardHidden(
    x: Pointer, n: number, d: number, w: Pointer, m: number, a: Pointer, scale: number,
    kind: number, f: Pointer, slope: Pointer, hidden: Pointer, work: Pointer, workBytes: number,
  ): void;
  jvp(
    x: Pointer, n: number, d: number, slope: Pointer, m: number, a: Pointer, scale: number,
    v: Pointer, u: Pointer, work: Pointer, workBytes: number,
  ): void;
  jvpSecondLayer(
    n: number, hidden: Pointer, m: number, scale: number, b: Pointer, u: Pointer,
  ): void;
  vjp(
    x: Pointer, n: number, d: number, slope: Pointer, m: number, a: Pointer, scale: number,
    u: Pointer, g: Pointer, work: Pointer, workBytes: number,
  ): void;
  vjpSecondLayer(
    n: number, hidden: Pointer, m: number, scale: number, u: Pointer, ga: Pointer,
  ): void;
  jacobian(
    x: Pointer, n: number, d: number, slope: Pointer, m: number, a: Pointer, scale: number,
    phi: Pointer,
  ): void;
  jacobianTrained(
    x: Pointer, n: number, d: number, slope: Pointer, hidden: Pointer, m: number, a: Pointer,
    scale: number, phi: Pointer,
  ): void;
  ntkGram(
    x: Pointer, n: number, d: number, slope: Pointer, m: number, scale: number, k: Pointer,
  ): void;
  ntkGramTrained(
    x: Pointer, n: number, d: number, slope: Pointer, hidden: Pointer, m: number, a: Pointer,
    scale: number, k: Pointer,
  ): void;
  lambdaMax(k: Pointer, n: number, maxIters: number, tol: number, v: Pointer, kv: Pointer): number;
  gaussHermite(order: number, nodes: Pointer, weights: Pointer): number;
  analyticWorkCount(n: number, order: number): number;
  analyticPairs(
    kind: number, method: number, order: number, nodes: Pointer, weights: Pointer,
    p: Pointer, q: Pointer, c: Pointer, count: number, ntScale: number, rfScale: number,
    out: Pointer, work: Pointer,
  ): void;
  analyticGram(
    x: Pointer, n: number, d: number, kind: number, method: number, order: number,
    nodes: Pointer, weights: Pointer, ntScale: number, rfScale: number, k: Pointer, work: Pointer,
  ): void;
  slopeChange(
    x: Pointer, n: number, d: number, w0: Pointer, w: Pointer, m: number, kind: number,
    delta: Pointer, work: Pointer, workBytes: number,
  ): void;
  symmetricEigen(a: Pointer, n: number, values: Pointer, vectors: Pointer, work: Pointer): number;
  flowBytes(): number;
  flowWorkBytes(n: number, d: number, m: number, nt: number, trained: number): number;
  flowInit(
    flow: Pointer, n: number, d: number, m: number, kind: number, scale: number,
    x: Pointer, y: Pointer, a: Pointer, w0: Pointer, w: Pointer, v: Pointer, k0: Pointer,
    nt: number, xt: Pointer, yt: Pointer, work: Pointer,
  ): void;
  flowInitTrained(
    flow: Pointer, n: number, d: number, m: number, kind: number, scale: number,
    x: Pointer, y: Pointer, theta0: Pointer, theta: Pointer, v: Pointer, k0: Pointer,
    nt: number, xt: Pointer, yt: Pointer, work: Pointer,
  ): void;
  flowRk4(flow: Pointer, dt: number, steps: number): number;
  flowEuler(flow: Pointer, dt: number, steps: number): number;
  flowLinearDisplacement(flow: Pointer): void;
  flowMetrics(flow: Pointer, out: Pointer, kt: Pointer): void;
  readonly METRIC_COUNT: { readonly value: number };
}

/** SHA-256 of the embedded kernels and the package version, for provenance. */
export const kernelsSha256 = WASM_SHA256;
export const packageVersion = PACKAGE_VERSION;

let compiled: Promise<WebAssembly.Module> | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function compileOnce(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(decodeBase64(WASM_BASE64));
  return compiled;
}

/**
 * One instance of the kernels with helpers for its memory. Allocation is
 * explicit: `alloc` returns a pointer that stays valid until `free`; `scope`
 * frees everything allocated through it when its callback ends, even on a
 * throw.
 */
export class Engine {
  readonly k: KernelExports;

  constructor(exports: KernelExports) {
    this.k = exports;
  }

  /** Allocates room for `count` doubles (at least one) and returns its pointer. */
  alloc(count: number): Pointer {
    const bytes = Math.max(1, count) * 8;
    let ptr: number;
    try {
      ptr = this.k.alloc(bytes) >>> 0;
    } catch {
      throw new RangeError(
        `cannot allocate ${bytes} bytes of WebAssembly memory: one block is limited to ` +
          '1 GiB and the whole memory to 4 GiB',
      );
    }
    if (ptr === 0) throw new RangeError(`WebAssembly memory exhausted allocating ${bytes} bytes`);
    return ptr;
  }

  /** Allocates `count` doubles and copies `values` into them. */
  allocFrom(values: ArrayLike<number>): Pointer {
    const ptr = this.alloc(values.length);
    this.write(ptr, values);
    return ptr;
  }

  free(ptr: Pointer): void {
    if (ptr) this.k.free(ptr);
  }

  /** A view of `count` doubles at `ptr`; valid only until the next call into the kernels. */
  view(ptr: Pointer, count: number): Float64Array {
    return new Float64Array(this.k.memory.buffer, ptr, count);
  }

  write(ptr: Pointer, values: ArrayLike<number>): void {
    this.view(ptr, values.length).set(values);
  }

  /** A copy of `count` doubles at `ptr`, safe to keep. */
  read(ptr: Pointer, count: number): Float64Array {
    return this.view(ptr, count).slice();
  }

  /** Runs `body` with an allocator whose blocks are all freed when it returns or throws. */
  scope<T>(body: (mem: Scope) => T): T {
    const mem = new Scope(this);
    try {
      return body(mem);
    } finally {
      mem.release();
    }
  }

  /** Bytes of linear memory the instance holds now. */
  get memoryBytes(): number {
    return this.k.memory.buffer.byteLength;
  }
}

/** Allocations tied to one `Engine.scope` call. */
export class Scope {
  private readonly owned: Pointer[] = [];

  constructor(readonly engine: Engine) {}

  alloc(count: number): Pointer {
    const ptr = this.engine.alloc(count);
    this.owned.push(ptr);
    return ptr;
  }

  allocFrom(values: ArrayLike<number>): Pointer {
    const ptr = this.alloc(values.length);
    this.engine.write(ptr, values);
    return ptr;
  }

  allocBytes(bytes: number): Pointer {
    return this.alloc(Math.ceil(bytes / 8));
  }

  release(): void {
    while (this.owned.length > 0) this.engine.free(this.owned.pop()!);
  }
}

/**
 * A new, independent instance of the kernels. The first call in a realm
 * compiles the embedded module (a few milliseconds); later calls only
 * instantiate it.
 */
export async function createEngine(): Promise<Engine> {
  const module = await compileOnce();
  let memory: { readonly buffer: ArrayBuffer } | undefined;
  const imports = {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        const text = (ptr: number) => (memory ? readString(memory.buffer, ptr) : '?');
        throw new Error(`abort: ${text(message)} at ${text(file)}:${line}:${column}`);
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as KernelExports;
  memory = exports.memory;
  return new Engine(exports);
}

/**
 * An AssemblyScript string in `buffer`: UTF-16 code units at `ptr`, their
 * byte length in the 32-bit word just before it (the runtime's header).
 */
function readString(buffer: ArrayBuffer, ptr: number): string {
  if (ptr === 0 || ptr < 4 || ptr > buffer.byteLength) return '?';
  const bytes = new Uint32Array(buffer.slice(ptr - 4, ptr))[0];
  const units = new Uint16Array(buffer.slice(ptr, ptr + bytes));
  let text = '';
  for (let i = 0; i < units.length; i++) text += String.fromCharCode(units[i]);
  return text;
}
