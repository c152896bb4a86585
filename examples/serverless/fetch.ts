/**
 * The web-standard handler, `fetch(request) -> Response`, as Cloudflare
 * Workers, Deno Deploy, Bun, Vercel's edge functions and Node's own
 * `Request`/`Response` use it: POST a JSON spec, get the JSON result.
 * Uses no Node built-ins; esbuild bundles it into one file
 * (`npm run measure:serverless`).
 */
import { bodyTooLarge, resolveBudget, runSpecRequest, type Budget } from './core.js';

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
    const text = await readLimited(request, limits.maxBodyLength);
    const { status, body } = typeof text === 'number'
      ? bodyTooLarge(text, limits)
      : await runSpecRequest(text, limits);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE } });
  };
}

/**
 * The body as text, or the number of bytes seen once it exceeds `limit`:
 * a declared Content-Length over the limit is refused before reading, and
 * the stream is cancelled as soon as it passes the limit.
 */
async function readLimited(request: Request, limit: number): Promise<string | number> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) return declared;
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      return total;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(bytes);
}

/** The module form most fetch runtimes load: `export default { fetch }`. */
export default { fetch: createFetchHandler() };
