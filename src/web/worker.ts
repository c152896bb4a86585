/**
 * The entry of a Web Worker of `web/pool.ts` (a module worker): answers each
 * RunRequest from the pool with `serveRun` (the run's checkpoints, then its
 * result or error).
 */
import { serveRun, type RunRequest } from '../pool.js';

self.onmessage = (event: MessageEvent<RunRequest>) => {
  void serveRun(event.data, (reply) => postMessage(reply));
};
