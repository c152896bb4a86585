/**
 * The one function both serverless handlers share: a JSON spec in, a JSON
 * result out, with the status code. Admission happens before any work: a
 * body over the size budget, a spec whose estimated flops or memory exceed
 * the budget (`workEstimate` from the library) is refused with 413; bad JSON
 * or an invalid spec gets 400 with the message (and the field).
 */
import {
  FlowDivergedError, SizeError, SpecError, simulate, workEstimate, type Spec, type WorkEstimate,
} from 'lazy-regime';

/** What one request may cost this server. */
export interface Budget {
  /** Largest estimated flop count of a run (`workEstimate(spec).flops`). */
  maxFlops: number;
  /** Largest estimated WebAssembly memory of a run, in bytes (`workEstimate(spec).bytes`). */
  maxBytes: number;
  /** Longest request body, in bytes (UTF-8), checked before the body is read where possible. */
  maxBodyLength: number;
}

/**
 * Defaults: 1e10 flops (about 2 s of one core at 5 GFlop/s), 256 MiB of
 * kernel memory, 8 million characters of request body.
 */
export const DEFAULT_BUDGET: Budget = {
  maxFlops: 1e10,
  maxBytes: 256 * 2 ** 20,
  maxBodyLength: 8_000_000,
};

/** The environment variables that set the budget, by budget field. */
export const BUDGET_ENV: Record<keyof Budget, string> = {
  maxFlops: 'LAZY_REGIME_MAX_FLOPS',
  maxBytes: 'LAZY_REGIME_MAX_BYTES',
  maxBodyLength: 'LAZY_REGIME_MAX_BODY_LENGTH',
};

/** The environment where the runtime has one (`process.env`), else nothing. */
function runtimeEnv(): Record<string, string | undefined> {
  const host = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return host.process?.env ?? {};
}

/**
 * The budget: each field from `options`, else from its environment variable
 * (BUDGET_ENV), else DEFAULT_BUDGET. Throws RangeError naming the option or
 * variable when a value is not a number > 0.
 */
export function resolveBudget(
  options: Partial<Budget> = {}, env: Record<string, string | undefined> = runtimeEnv(),
): Budget {
  const known = Object.keys(DEFAULT_BUDGET);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(`options.${key} is not a budget field; expected ${known.join(', ')}`);
    }
  }
  const budget = { ...DEFAULT_BUDGET };
  for (const key of Object.keys(DEFAULT_BUDGET) as (keyof Budget)[]) {
    const given = options[key];
    const fromEnv = env[BUDGET_ENV[key]];
    const [value, source] = given !== undefined
      ? [given, `options.${key}`]
      : fromEnv !== undefined && fromEnv !== ''
        ? [Number(fromEnv), `${BUDGET_ENV[key]} (${JSON.stringify(fromEnv)})`]
        : [DEFAULT_BUDGET[key], 'the default'];
    if (typeof value !== 'number' || !(value > 0)) {
      throw new RangeError(`${source} must be a number > 0; got ${String(value)}`);
    }
    budget[key] = value;
  }
  return budget;
}

/** A handler's answer before it is dressed as a Response or a Node result. */
export interface CoreResponse {
  status: number;
  body: unknown;
}

const fail = (status: number, error: string, extra: object = {}): CoreResponse =>
  ({ status, body: { error, ...extra } });

/** The 413 answer for a body of `bytes` bytes over the budget. */
export function bodyTooLarge(bytes: number, budget: Budget): CoreResponse {
  return fail(413, `the request body has ${bytes} bytes; this server accepts at most ` +
    `${budget.maxBodyLength}`);
}

/**
 * Runs the spec in `bodyText` within `budget`. Statuses: 200 with the
 * simulation result; 400 for malformed JSON, an invalid spec (`error` and
 * `field`) or a step that makes the flow diverge (field spec.flow.dt); 413
 * for a body, flop estimate or memory estimate over the budget, or a spec
 * too large for WebAssembly memory at all, refused before any simulation
 * work; 500 for anything else.
 */
export async function runSpecRequest(bodyText: string, budget: Budget): Promise<CoreResponse> {
  const bytes = new TextEncoder().encode(bodyText).length;
  if (bytes > budget.maxBodyLength) return bodyTooLarge(bytes, budget);
  let spec: Spec;
  try {
    spec = JSON.parse(bodyText) as Spec;
  } catch (error) {
    return fail(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
  let work: WorkEstimate;
  try {
    work = workEstimate(spec);
  } catch (error) {
    if (error instanceof SizeError) return fail(413, error.message, { field: error.field });
    if (error instanceof SpecError) return fail(400, error.message, { field: error.field });
    throw error;
  }
  if (work.flops > budget.maxFlops) {
    return fail(413, `the run would take about ${work.flops.toPrecision(3)} flops; ` +
      `this server's budget is ${budget.maxFlops.toPrecision(3)} (fewer steps, a smaller ` +
      'width or fewer points would fit)', { flops: work.flops, maxFlops: budget.maxFlops });
  }
  if (work.bytes > budget.maxBytes) {
    return fail(413, `the run would need about ${work.bytes} bytes of memory; ` +
      `this server's budget is ${budget.maxBytes}`,
    { bytes: work.bytes, maxBytes: budget.maxBytes });
  }
  try {
    return { status: 200, body: await simulate(spec) };
  } catch (error) {
    if (error instanceof SpecError) return fail(400, error.message, { field: error.field });
    if (error instanceof FlowDivergedError) {
      return fail(400, error.message, { field: 'spec.flow.dt' });
    }
    return fail(500, `the simulation failed: ${(error as Error).message}`);
  }
}
