/**
 * Writes the measured part of bench/RESULTS.md from the last run
 * (build/bench/last-run.json): everything between the two marker lines is
 * replaced, the hand-written analysis around them is kept.
 *
 *   npm run bench:report
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownRun, type RunRecord } from './lib/render.js';

const RESULTS = fileURLToPath(new URL('../../bench/RESULTS.md', import.meta.url));
const LAST_RUN = fileURLToPath(new URL('./last-run.json', import.meta.url));
const BEGIN = '<!-- measured: begin (written by npm run bench:report) -->';
const END = '<!-- measured: end -->';

const run = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as RunRecord;
const text = readFileSync(RESULTS, 'utf8');
const begin = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (begin < 0 || end < begin) {
  process.stderr.write(`${RESULTS} lacks the marker lines\n${BEGIN}\n${END}\n`);
  process.exit(1);
}
const measured = `${BEGIN}\n\n${markdownRun(run)}\n\n${END}`;
writeFileSync(RESULTS, text.slice(0, begin) + measured + text.slice(end + END.length));
process.stdout.write(`wrote the measured part of ${RESULTS} from ${LAST_RUN}\n`);
