/**
 * The web-standard handler, `fetch(request) -> Response`, as Cloudflare
 * Workers, Deno Deploy, Bun, Vercel's edge functions and Node's own
 * `Request`/`Response` use it: POST a JSON spec, get the JSON result.
 * Uses no Node built-ins; esbuild bundles it into one file
 * (`npm run measure:serverless`).
 */
import { resolveBudget, runSpecRequest, type Budget } from './core.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A fetch handler with `budget` (fields not given come from the environment
 * variables BUDGET_ENV names, then DEFAULT_BUDGET; see core.ts). Answers
 * POST only (405 otherwise, with an Allow header).
 */
export function createFetchHandler(budget: Partial<Budget> = {}) {
  const limits = resolveBudget(budget);
  return async function handleFetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return Response.json(
        { error: `use POST with a JSON spec as the body; got ${request.method}` },
        { status: 405, headers: { allow: 'POST', 'content-type': JSON_TYPE } },
      );
    }
    const { status, body } = await runSpecRequest(await request.text(), limits);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE } });
  };
}

/** The module form most fetch runtimes load: `export default { fetch }`. */
export default { fetch: createFetchHandler() };
