#!/usr/bin/env node
/** The `lazy-regime` executable; see `node/cli.ts`. */
import { main } from './node/cli.js';

// A reader that stops early (`lazy-regime sweep | head`) closes the pipe: not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
