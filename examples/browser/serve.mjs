// `npm run example:browser`: builds the page into examples/browser/dist and
// serves it on http://127.0.0.1:PORT (PORT from the environment, default 5173)
// until interrupted.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../../scripts/static-server.mjs';
import { buildBrowserExample } from './build.mjs';

const outDir = join(dirname(fileURLToPath(import.meta.url)), 'dist');
await buildBrowserExample(outDir);
const server = await serveStatic(outDir, { port: Number(process.env.PORT ?? 5173) });
console.log(`lazy-regime example: open ${server.url} (Ctrl-C stops the server)`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
