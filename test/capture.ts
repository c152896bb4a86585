/**
 * Captures what the CLI writes to standard output and error, for the tests
 * that run its `main` in-process.
 */
import { vi } from 'vitest';

/** The text written so far; `reset` empties it, `restore` puts the streams back. */
export interface Captured {
  stdout: string;
  stderr: string;
  reset(): void;
}

/** Replaces process.stdout.write and process.stderr.write with recorders. */
export function captureOutput(): Captured {
  const captured: Captured = {
    stdout: '',
    stderr: '',
    reset() {
      captured.stdout = '';
      captured.stderr = '';
    },
  };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    captured.stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    captured.stderr += String(chunk);
    return true;
  });
  return captured;
}
