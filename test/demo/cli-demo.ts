// `npm run demo:cli`: the command line end to end on a throwaway PostgreSQL. Starts the embedded
// server, runs the real `migration-chain` (the compiled entry point, as a child process) to reset a
// database with migrations/, prints its history and verify report, and stops the server, also on
// Ctrl-C. The connection string goes to the children through DATABASE_URL, so the commands shown
// are the ones a person would type and no password is ever printed.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startPostgres, type PgServer } from '../support/embedded-postgres';

const root = path.resolve(__dirname, '..', '..', '..');
const cliMain = path.join(root, 'out', 'src', 'cli', 'main.js');

function runCli(args: string[], databaseUrl: string): Promise<number> {
  process.stdout.write(`\n$ migration-chain ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      // The demo has no terminal to confirm in; reset gets --yes like a script would.
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function demo(): Promise<number> {
  const started = Date.now();
  process.stdout.write('Starting a throwaway PostgreSQL server...\n');
  let server: PgServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= server ? server.stop() : Promise.resolve());
  process.once('SIGINT', () => {
    process.stdout.write('\nInterrupted: stopping the server.\n');
    void stop().finally(() => process.exit(130));
  });
  try {
    server = await startPostgres();
    const url = await server.createDatabase('demo');
    process.stdout.write(`PostgreSQL on 127.0.0.1:${server.port} in ${Date.now() - started} ms; DATABASE_URL points at a fresh database.\n`);
    for (const args of [['reset', '--yes'], ['history', '--verbose'], ['history'], ['verify']]) {
      const code = await runCli(args, url);
      if (code !== 0) {
        process.stderr.write(`\nmigration-chain ${args[0]} exited with ${code}.\n`);
        return code;
      }
    }
    process.stdout.write(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    return 0;
  } finally {
    await stop();
  }
}

demo().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
