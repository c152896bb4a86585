/**
 * The entry of a Node worker thread of `node/pool.ts`: answers each
 * RunRequest from the pool with `serveRun` (the run's checkpoints, then its
 * result or error). Compiled to dist/node/worker.js next to pool.js.
 */
import { parentPort } from 'node:worker_threads';
import { serveRun, type RunRequest } from '../pool.js';

const port = parentPort;
if (port === null) throw new Error('lazy-regime/node/worker runs only as a worker thread');
port.on('message', (request: RunRequest) => {
  void serveRun(request, (reply) => port.postMessage(reply));
});
