/**
 * The page's worker: runs simulate() off the main thread and posts every
 * checkpoint as it is reached, so the plots grow while the page stays
 * responsive. One request at a time; the page starts a new worker per run.
 */
import { simulate } from 'lazy-regime';
import type { RunRequest, WorkerReply } from './protocol.js';

const reply = (message: WorkerReply) => postMessage(message);

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  try {
    const result = await simulate(event.data.spec, {
      onCheckpoint: (index, figures) => reply({ type: 'checkpoint', index, figures }),
    });
    reply({ type: 'done', result });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    reply({ type: 'error', name, message });
  }
};
