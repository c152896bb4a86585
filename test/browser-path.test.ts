import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module specifier that `file` imports, followed through relative imports. */
function importGraph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)]
    .map(([, specifier]) => specifier);
  seen.set(file, specifiers);
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) {
      importGraph(join(dirname(file), specifier.replace(/\.js$/, '.ts')), seen);
    }
  }
  return seen;
}

/** The Node built-ins that `entry` reaches through its imports, as "file imports module". */
function nodeImports(entry: string): { offending: string[]; files: number } {
  const graph = importGraph(join(src, entry));
  const offending = [...graph].flatMap(([file, specifiers]) =>
    specifiers
      .filter((s) => s.startsWith('node:') || ['fs', 'path', 'url', 'os'].includes(s))
      .map((s) => `${file.slice(src.length + 1)} imports ${s}`));
  return { offending, files: graph.size };
}

describe('the browser path', () => {
  it('imports no Node built-in module from the package entry point', () => {
    const { offending, files } = nodeImports('index.ts');
    expect(offending).toEqual([]);
    expect(files).toBeGreaterThan(5);
  });

  it('imports no Node built-in module from the Web Worker pool or its worker entry', () => {
    for (const entry of ['web/pool.ts', 'web/worker.ts']) {
      const { offending, files } = nodeImports(entry);
      expect(offending, entry).toEqual([]);
      expect(files, entry).toBeGreaterThan(5);
    }
  });

  it('loads the kernels from embedded bytes, not from a file or URL', () => {
    const loader = readFileSync(join(src, 'wasm.ts'), 'utf8');
    expect(loader).not.toMatch(/readFile|fetch\(|import\.meta\.url/);
  });
});
