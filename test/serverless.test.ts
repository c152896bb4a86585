/**
 * The serverless examples (examples/serverless/): the fetch handler and the
 * Node handler, called in-process, answer from one core: 200 with the
 * result, 400 with the message (and field) for a bad spec or bad JSON, 413
 * before any work for a run over the budget, 405 for other methods. The
 * esbuild bundle of the fetch handler is one file that answers in a fresh
 * node process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleFetchHandler } from '../examples/serverless/bundle.mjs';
import {
  BUDGET_ENV, DEFAULT_BUDGET, resolveBudget, type Budget,
} from '../examples/serverless/core.js';
import { createFetchHandler } from '../examples/serverless/fetch.js';
import { createNodeHandler, type NodeEvent } from '../examples/serverless/node.js';
import { simulate, workEstimate, type Spec } from '../src/index.js';

const SMALL: Spec = {
  data: { n: 8, d: 3, seed: 5 }, test: { n: 8 }, model: { width: 16, alpha: 2 },
  flow: { steps: 20, record: 3 },
};

/** Both handlers, reduced to (status, headers, parsed body). */
function handlers(budget: Partial<Budget> = {}) {
  const fetchHandler = createFetchHandler(budget);
  const nodeHandler = createNodeHandler(budget);
  return {
    async fetch(body: string, method = 'POST') {
      const response = await fetchHandler(new Request('http://127.0.0.1/simulate', {
        method, body: method === 'GET' ? undefined : body,
      }));
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        allow: response.headers.get('allow'),
        body: await response.json() as Record<string, unknown>,
      };
    },
    async node(body: string, method = 'POST', extra: Partial<NodeEvent> = {}) {
      const result = await nodeHandler({ body, httpMethod: method, ...extra });
      return {
        status: result.statusCode,
        type: result.headers['content-type'],
        allow: result.headers.allow ?? null,
        body: JSON.parse(result.body) as Record<string, unknown>,
      };
    },
  };
}

/** A result without its wall-clock figure. */
function timeless(result: Record<string, unknown>): unknown {
  const { seconds: _seconds, ...meta } = result.meta as Record<string, unknown>;
  return { ...result, meta };
}

describe('the serverless handlers', () => {
  const both = handlers();
  const forms = ['fetch', 'node'] as const;

  it('answer a JSON spec with 200 and the JSON result that simulate gives', async () => {
    const expected = JSON.parse(JSON.stringify(await simulate(SMALL)));
    for (const form of forms) {
      const answer = await both[form](JSON.stringify(SMALL));
      expect(answer.status, form).toBe(200);
      expect(answer.type, form).toBe('application/json; charset=utf-8');
      expect(timeless(answer.body), form).toEqual(timeless(expected));
    }
  });

  it('answer an invalid spec with 400, the SpecError message and its field', async () => {
    for (const form of forms) {
      const answer = await both[form](JSON.stringify({ model: { width: 3 } }));
      expect(answer.status, form).toBe(400);
      expect(answer.body, form).toEqual({
        error: 'spec.model.width must be even for the symmetric initialisation; got 3 ' +
          '(or give the signs spec.model.a explicitly)',
        field: 'spec.model.width',
      });
    }
  });

  it('answer malformed JSON with 400 and says the body is not JSON', async () => {
    for (const form of forms) {
      const answer = await both[form]('{"data": ');
      expect(answer.status, form).toBe(400);
      expect(answer.body.error, form).toMatch(/^the request body is not valid JSON: ./);
      expect(answer.body.field, form).toBeUndefined();
    }
  });

  it('refuse with 413 a spec over the flop budget, before any work starts', async () => {
    // A billion RK4 steps: had any work started, this test would not finish.
    const huge: Spec = { data: { n: 64, d: 8 }, flow: { steps: 1e9 } };
    const { flops } = workEstimate(huge);
    for (const form of forms) {
      const answer = await both[form](JSON.stringify(huge));
      expect(answer.status, form).toBe(413);
      expect(answer.body, form).toEqual({
        error: `the run would take about ${flops.toPrecision(3)} flops; this server's budget ` +
          'is 1.00e+10 (fewer steps, a smaller width or fewer points would fit)',
        flops,
        maxFlops: 1e10,
      });
    }
  });

  it('refuse with 413 a spec over the memory budget or a body over the length budget', async () => {
    const { bytes } = workEstimate(SMALL);
    const tight = handlers({ maxBytes: bytes - 1, maxBodyLength: 300 });
    for (const form of forms) {
      const answer = await tight[form](JSON.stringify(SMALL));
      expect(answer.status, form).toBe(413);
      expect(answer.body, form).toEqual({
        error: `the run would need about ${bytes} bytes of memory; this server's budget is ` +
          `${bytes - 1}`,
        bytes,
        maxBytes: bytes - 1,
      });
      const long = JSON.stringify({ ...SMALL, padding: ' '.repeat(400) });
      const refused = await tight[form](long);
      expect(refused.status, form).toBe(413);
      expect(refused.body.error, form).toBe(
        `the request body has ${long.length} characters; this server accepts at most 300`,
      );
    }
  });

  it('answer a step above the stable limit with 400 naming spec.flow.dt', async () => {
    const diverging = { ...SMALL, flow: { steps: 20, record: 3, dt: 1e6 } };
    for (const form of forms) {
      const answer = await both[form](JSON.stringify(diverging));
      expect(answer.status, form).toBe(400);
      expect(answer.body.field, form).toBe('spec.flow.dt');
      expect(answer.body.error, form).toMatch(
        /^spec\.flow\.dt = 1000000 is at or above the stable limit of rk4 on the linearised flow/,
      );
    }
  });

  it('answer other methods with 405 and Allow: POST', async () => {
    for (const form of forms) {
      const answer = await both[form]('', 'GET');
      expect(answer.status, form).toBe(405);
      expect(answer.allow, form).toBe('POST');
      expect(answer.body, form).toEqual({
        error: 'use POST with a JSON spec as the body; got GET',
      });
    }
  });

  it('reads a base64 body in the Node form', async () => {
    const body = btoa(JSON.stringify(SMALL));
    const answer = await both.node(body, 'POST', { isBase64Encoded: true });
    expect(answer.status).toBe(200);
    expect((answer.body.risk as number[]).length).toBe(3);
  });
});

describe('the serverless budget', () => {
  it('takes each limit from the options, else the environment, else the default', () => {
    expect(resolveBudget({}, {})).toEqual(DEFAULT_BUDGET);
    expect(resolveBudget({ maxFlops: 5 }, {
      [BUDGET_ENV.maxFlops]: '7', [BUDGET_ENV.maxBytes]: '1e6',
    })).toEqual({ ...DEFAULT_BUDGET, maxFlops: 5, maxBytes: 1e6 });
  });

  it('rejects a limit that is not a number > 0, naming where it came from', () => {
    expect(() => resolveBudget({}, { LAZY_REGIME_MAX_FLOPS: 'lots' })).toThrow(
      'LAZY_REGIME_MAX_FLOPS ("lots") must be a number > 0; got NaN',
    );
    expect(() => resolveBudget({ maxBytes: -1 }, {})).toThrow(
      'options.maxBytes must be a number > 0; got -1',
    );
  });
});

describe('the bundled fetch handler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lazy-regime-serverless-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is one file that answers a request in a fresh node process', async () => {
    const bundle = await bundleFetchHandler(join(dir, 'fetch.mjs'));
    expect(readdirSync(dir)).toEqual(['fetch.mjs']);
    const script = `
      const { default: app } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const request = new Request('http://127.0.0.1/', {
        method: 'POST', body: ${JSON.stringify(JSON.stringify(SMALL))},
      });
      const response = await app.fetch(request);
      const body = await response.json();
      process.stdout.write(JSON.stringify({ status: response.status, risk: body.risk }));
    `;
    const { stdout } = await promisify(execFile)(
      'node', ['--input-type=module', '-e', script], { cwd: dir },
    );
    const expected = await simulate(SMALL);
    expect(JSON.parse(stdout)).toEqual({ status: 200, risk: expected.risk });
  });
});
