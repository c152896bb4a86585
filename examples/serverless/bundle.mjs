// Bundles the fetch handler (fetch.ts) and everything it imports, the
// WebAssembly kernels included, into one minified ES module file.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Writes the one-file bundle of the fetch handler to `outfile`; resolves to its path. */
export async function bundleFetchHandler(outfile) {
  await build({
    entryPoints: [join(here, 'fetch.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    alias: { 'lazy-regime': join(here, '..', '..', 'src', 'index.ts') },
    logLevel: 'warning',
  });
  return outfile;
}
