// What "one clear message" means for a failed CLI run, shared by the fault and secrets tests.
import * as assert from 'node:assert/strict';
import { describeRun, type CliResult } from './cli';

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** Every form in which `secret` could appear in output (raw, URL-encoded, JSON-escaped). */
export function secretForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])];
}

export function assertNoSecret(text: string, secret: string, where: string): void {
  for (const form of secretForms(secret)) {
    assert.ok(!text.includes(form), `${where} contains the password`);
  }
}

/**
 * The run failed with a non-zero exit (not a signal), printed exactly one error message on stderr
 * (a line starting with "error"), no stack trace, and no password.
 */
export function assertOneCleanFailure(args: readonly string[], r: CliResult, secret: string): string {
  const shown = describeRun(args, r);
  assert.equal(r.signal, null, `killed by a signal instead of exiting\n${shown}`);
  assert.notEqual(r.code, 0, `expected a failure\n${shown}`);
  assertNoSecret(r.stdout + r.stderr, secret, `the output of migration-chain ${args[0]}`);
  assert.doesNotMatch(r.stdout + r.stderr, STACK_FRAME, `a stack trace was printed\n${shown}`);
  const errorLines = r.stderr.split('\n').filter((l) => /^\s*(✘\s*)?error\b/i.test(l));
  assert.equal(errorLines.length, 1, `expected exactly one error message\n${shown}`);
  return errorLines[0];
}
