/**
 * The Node handler, `(event) => { statusCode, headers, body }`, as AWS Lambda
 * behind API Gateway or a function URL, and Netlify functions, call it:
 * `event.body` is the JSON spec as a string (base64 when
 * `event.isBase64Encoded`).
 */
import { resolveBudget, runSpecRequest, type Budget } from './core.js';

/** The parts of the platform's event this handler reads. */
export interface NodeEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  /** API Gateway REST (v1) events. */
  httpMethod?: string;
  /** API Gateway HTTP (v2) events and function URLs. */
  requestContext?: { http?: { method?: string } };
}

export interface NodeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function bodyText(event: NodeEvent): string {
  const body = event.body ?? '';
  if (!event.isBase64Encoded) return body;
  return new TextDecoder().decode(Uint8Array.from(atob(body), (c) => c.charCodeAt(0)));
}

/**
 * A Node handler with `budget` (fields not given come from the environment
 * variables BUDGET_ENV names, then DEFAULT_BUDGET; see core.ts). Events that
 * name a method other than POST get 405.
 */
export function createNodeHandler(budget: Partial<Budget> = {}) {
  const limits = resolveBudget(budget);
  return async function handler(event: NodeEvent): Promise<NodeResult> {
    const method = event.httpMethod ?? event.requestContext?.http?.method ?? 'POST';
    if (method !== 'POST') {
      return {
        statusCode: 405,
        headers: { ...HEADERS, allow: 'POST' },
        body: JSON.stringify({ error: `use POST with a JSON spec as the body; got ${method}` }),
      };
    }
    const { status, body } = await runSpecRequest(bodyText(event), limits);
    return { statusCode: status, headers: HEADERS, body: JSON.stringify(body) };
  };
}

/** The export name AWS Lambda looks for by default. */
export const handler = createNodeHandler();
