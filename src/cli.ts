#!/usr/bin/env node
/** The `lazy-regime` executable; see `node/cli.ts`. */
import { main } from './node/cli.js';

process.exitCode = await main(process.argv.slice(2));
