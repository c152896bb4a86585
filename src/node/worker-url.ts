/** Where the compiled worker entry lives: next to this module, dist/node/worker.js. */
export const WORKER_URL = new URL('./worker.js', import.meta.url);
