/**
 * Messages between the page (main.ts) and its worker (worker.ts): the page
 * sends one spec, the worker answers with every checkpoint as it is reached,
 * then the whole result, or an error.
 */
import type { Activation, Measurement, SimulationResult, Spec } from 'lazy-regime';

export interface RunRequest {
  spec: Spec;
}

export type WorkerReply =
  | { type: 'checkpoint'; index: number; figures: Measurement & { t: number } }
  | { type: 'done'; result: SimulationResult }
  | { type: 'error'; name: string; message: string };

/** The seeded spec the page runs for the chosen alpha, width and activation. */
export function pageSpec(alpha: number, width: number, activation: Activation): Spec {
  return {
    data: { n: 48, d: 6, seed: 1, target: 'teacher' },
    test: { n: 128, seed: 2 },
    model: { width, alpha, activation, seed: 3 },
    flow: { steps: 400, record: 41 },
  };
}
