// Entry of `migration-chain`: parse the arguments, run one command, turn any failure into one
// `error:` line plus a `hint:` and an exit code (src/cli/exit-codes.ts). Commands are required on
// first use so that starting the process costs only what the chosen command needs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { CancelledError, ChainError, MigrationChainError, SqlError, secretFormsOf } from './core';
import { parseCommandLine, type CommandName } from './args';
import { createContext, type Command } from './context';
import { ExitCode, exitCodeForError } from './exit-codes';
import { commandHelp, generalHelp } from './help';
import { Output, type CliIo } from './output';
import { displayPath, renderDiagnostic } from './print';
import { processIo } from './terminal';

/* eslint-disable @typescript-eslint/no-require-imports -- each command module is required on first use (start-up time) */
const commands: Record<CommandName, () => Command> = {
  history: () => (require('./commands/history') as typeof import('./commands/history')).history,
  current: () => (require('./commands/current') as typeof import('./commands/current')).current,
  heads: () => (require('./commands/heads') as typeof import('./commands/heads')).heads,
  check: () => (require('./commands/check') as typeof import('./commands/check')).check,
  status: () => (require('./commands/status') as typeof import('./commands/status')).status,
  verify: () => (require('./commands/verify') as typeof import('./commands/verify')).verify,
  upgrade: () => (require('./commands/upgrade') as typeof import('./commands/upgrade')).upgrade,
  downgrade: () => (require('./commands/downgrade') as typeof import('./commands/downgrade')).downgrade,
  stamp: () => (require('./commands/stamp') as typeof import('./commands/stamp')).stamp,
  reset: () => (require('./commands/reset') as typeof import('./commands/reset')).reset,
  revision: () => (require('./commands/revision') as typeof import('./commands/revision')).revision,
  merge: () => (require('./commands/merge') as typeof import('./commands/merge')).merge,
  repair: () => (require('./commands/repair') as typeof import('./commands/repair')).repair,
  reparent: () => (require('./commands/reparent') as typeof import('./commands/reparent')).reparent,
  test: () => (require('./commands/test') as typeof import('./commands/test')).test,
  lint: () => (require('./commands/lint') as typeof import('./commands/lint')).lint,
  env: () => (require('./commands/env') as typeof import('./commands/env')).env,
  unlock: () => (require('./commands/unlock') as typeof import('./commands/unlock')).unlock,
  graph: () => (require('./commands/graph') as typeof import('./commands/graph')).graph,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** Commands that change or query the database for long enough that Ctrl-C must roll back cleanly. */
const cancellable: ReadonlySet<CommandName> = new Set(['upgrade', 'downgrade', 'stamp', 'reset', 'verify', 'test', 'env']);

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const output = new Output(io);
  // Masked before parsing, so that even a usage error echoing an argument cannot print them.
  output.addSecrets(secretFormsOf(io.env.DATABASE_URL, io.env));
  for (const url of urlArguments(argv)) output.addSecrets(secretFormsOf(url));
  let debug = argv.includes('--debug');
  try {
    const args = parseCommandLine(argv);
    debug = args.options.debug;
    if (args.options.version && !args.command) {
      output.result(readVersion());
      return ExitCode.ok;
    }
    if (!args.command) {
      output.result(generalHelp());
      return ExitCode.ok;
    }
    if (args.options.help) {
      output.result(commandHelp(args.command));
      return ExitCode.ok;
    }
    const logger = output.logger(debug);
    const controller = new AbortController();
    const stopListening = cancellable.has(args.command) ? cancelOnInterrupt(controller, output) : () => {};
    try {
      return await commands[args.command]()(createContext(args, io, output, logger, controller.signal));
    } catch (err) {
      // Whatever the engine threw while being aborted, the user asked to stop: report that.
      if (controller.signal.aborted && !(err instanceof CancelledError)) {
        if (debug) output.note(`debug: error while cancelling: ${describeUnknown(err)}`);
        throw new CancelledError();
      }
      throw err;
    } finally {
      stopListening();
    }
  } catch (err) {
    return reportError(err, output, io.cwd, debug);
  }
}

/** Prints `error: …` / `hint: …` (and the stack only with --debug); returns the exit code. */
export function reportError(err: unknown, output: Output, cwd: string, debug: boolean): number {
  if (err instanceof ChainError) {
    for (const d of err.diagnostics) output.note(renderDiagnostic(d, cwd));
    const n = err.diagnostics.length;
    output.note(`error: ${n} problem${n === 1 ? '' : 's'} in the migration files.`);
  } else if (err instanceof MigrationChainError) {
    output.note(`error: ${indentContinuation(err.message)}`);
    if (err instanceof SqlError) {
      if (err.location && !err.message.includes(`${err.location.file}`)) {
        output.note(`  at ${displayPath(err.location.file, cwd)}:${err.location.line} (revision ${err.revision})`);
      }
      if (err.pg.detail && !err.message.includes(err.pg.detail)) output.note(`detail: ${err.pg.detail}`);
    }
  } else {
    output.note(`error: ${indentContinuation(describeUnknown(err))}`);
  }
  const hint = err instanceof MigrationChainError
    ? err.hint
    : 'This is unexpected; run again with --debug for the stack trace and report it.';
  if (hint) output.note(`hint: ${hint}`);
  if (debug) {
    let cause: unknown = err;
    for (let depth = 0; cause && depth < 5; depth++) {
      output.note(cause instanceof Error ? (cause.stack ?? String(cause)) : typeof cause === 'string' ? cause : inspect(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
      if (cause) output.note('caused by:');
    }
  }
  return err instanceof MigrationChainError ? exitCodeForError(err.code) : ExitCode.failure;
}

function indentContinuation(message: string): string {
  return message.replace(/\n/g, '\n  ');
}

function describeUnknown(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}

/** First Ctrl-C aborts the run (the engine cancels the statement and rolls back); a second exits at once. */
function cancelOnInterrupt(controller: AbortController, output: Output): () => void {
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.cancelled);
    output.note('Cancelling: the running statement is cancelled and its migration rolled back (Ctrl-C again to exit at once).');
    controller.abort(new CancelledError());
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

function urlArguments(argv: readonly string[]): string[] {
  const urls: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--url' && i + 1 < argv.length) urls.push(argv[i + 1]);
    else if (arg.startsWith('--url=')) urls.push(arg.slice('--url='.length));
  });
  return urls;
}

/** The version from package.json, found upwards from this file (dist/cli.js and out/src/cli/main.js alike). */
function readVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'migration-chain' && pkg.version) return pkg.version;
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Runs the command line of this process and exits with its code (the launcher, dist/cli.js, calls this). */
export function runCommandLine(): void {
  // `migration-chain history | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(ExitCode.ok);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // An engine that left a pool or a timer behind must not keep the process alive.
    process.stdout.write('', () => process.exit(code));
  });
}

if (require.main === module) runCommandLine();
