// `npm run measure:serverless`: bundles the fetch handler into one file and
// reports its size (bytes, and gzip level 9) and its cold start: a fresh
// `node` process imports the bundle and handles one small request; the time
// runs from spawning the process to reading the response on its stdout
// (the median of RUNS runs, default 7, after one unmeasured run that warms
// the file cache: fresh processes, not a cold disk). The child also reports its own
// clock at the response (performance.now(), counted from its start), and
// the time of its import and of its request. Writes out/serverless/fetch.mjs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { bundleFetchHandler } from './bundle.mjs';

const RUNS = Number(process.env.RUNS ?? 7);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC = {
  data: { n: 16, d: 4, seed: 1 }, model: { width: 32, alpha: 4 },
  flow: { steps: 50, record: 3 },
};

const outfile = await bundleFetchHandler(join(repo, 'out', 'serverless', 'fetch.mjs'));
const code = readFileSync(outfile);
const gzipped = gzipSync(code, { level: 9 }).length;

const child = `
  const started = performance.now();
  const { default: app } = await import(${JSON.stringify(pathToFileURL(outfile).href)});
  const imported = performance.now();
  const response = await app.fetch(new Request('http://127.0.0.1/', {
    method: 'POST', body: ${JSON.stringify(JSON.stringify(SPEC))},
  }));
  const body = await response.json();
  const answered = performance.now();
  if (response.status !== 200 || body.risk.length !== 3) process.exit(1);
  process.stdout.write(JSON.stringify({
    sinceStart: answered, importMs: imported - started, requestMs: answered - imported,
  }) + '\\n');
`;

/** A bare node process that only prints its clock: the floor under any cold start. */
const bare = "process.stdout.write(JSON.stringify({ sinceStart: performance.now() }) + '\\n')";

/** One cold start: spawn to the response line, with the child's own figures. */
function coldStart(script = child) {
  return new Promise((resolve, reject) => {
    const spawned = performance.now();
    const proc = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    let answeredAt = 0;
    proc.stdout.on('data', (chunk) => {
      output += chunk;
      if (!answeredAt && output.includes('\n')) answeredAt = performance.now();
    });
    proc.on('error', reject);
    proc.on('close', (status) => {
      if (status !== 0 || !answeredAt) reject(new Error(`the child exited with ${status}`));
      else resolve({ spawnToResponse: answeredAt - spawned, ...JSON.parse(output) });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

await coldStart();
const runs = [];
const bareRuns = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(await coldStart());
  bareRuns.push(await coldStart(bare));
}
const ms = (key, from = runs) => median(from.map((run) => run[key])).toFixed(1);

const date = new Date().toISOString().slice(0, 10);
console.log(`fetch handler bundle: ${outfile}`);
console.log(`size: ${code.length} bytes, ${gzipped} bytes gzip (level 9)`);
console.log(`cold start, median of ${RUNS} fresh node processes (after one unmeasured run):`);
console.log(`  spawn to response:              ${ms('spawnToResponse')} ms`);
console.log(`  child's clock at the response:  ${ms('sinceStart')} ms`);
console.log(`    of which importing the bundle: ${ms('importMs')} ms`);
console.log(`    of which the request:          ${ms('requestMs')} ms`);
console.log(`  for comparison, a bare node process printing one line: ` +
  `${ms('spawnToResponse', bareRuns)} ms`);
console.log(`measured ${date} with node ${process.version} on ${cpus()[0].model}, ` +
  `${cpus().length} cores, by \`npm run measure:serverless\``);
