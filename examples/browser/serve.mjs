// `npm run example:browser`: builds the page into examples/browser/dist and
// serves it on http://127.0.0.1:PORT (PORT from the environment, default 5173)
// until interrupted.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../../scripts/static-server.mjs';
import { buildBrowserExample } from './build.mjs';

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'dist');
const port = Number(process.env.PORT ?? 5173);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  const got = process.env.PORT;
  console.error(`example:browser: PORT must be an integer in [0, 65535]; got '${got}'`);
  process.exit(2);
}
await buildBrowserExample(outDir);
let server;
try {
  server = await serveStatic(outDir, { port });
} catch (error) {
  const why = error.code === 'EADDRINUSE'
    ? `port ${port} is in use; set PORT to another`
    : error.message;
  console.error(`example:browser: cannot serve: ${why}`);
  process.exit(1);
}
console.log(`lazy-regime example: open ${server.url} (Ctrl-C stops the server)`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
