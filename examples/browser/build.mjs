// Builds the interactive page with esbuild: main.ts (with uPlot and its CSS)
// and worker.ts as ES modules, next to index.html and style.css. The package
// is taken from this repository's sources; in your own project `lazy-regime`
// resolves from node_modules and needs no alias.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Writes the page into `outDir` (index.html, main.js, main.css, worker.js, style.css). */
export async function buildBrowserExample(outDir) {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(here, 'main.ts'), join(here, 'worker.ts')],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    alias: { 'lazy-regime': join(here, '..', '..', 'src', 'index.ts') },
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'style.css']) {
    copyFileSync(join(here, file), join(outDir, file));
  }
  return outDir;
}
