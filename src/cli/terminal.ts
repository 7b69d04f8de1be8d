// The real process behind CliIo. Questions go to stderr so that stdout stays a clean result.
import { CancelledError } from './core';
import type { CliIo } from './output';

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    ask,
  };
}

async function ask(question: string): Promise<string> {
  // Loaded on demand: only reset and downgrade in a terminal ever ask.
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      // In raw mode readline sees Ctrl-C itself instead of the process getting SIGINT.
      rl.on('SIGINT', () => {
        process.stderr.write('\n');
        reject(new CancelledError());
      });
      // End of input (Ctrl-D) is an empty answer: not confirmed.
      rl.on('close', () => resolve(''));
      rl.question(question, resolve);
    });
  } finally {
    rl.close();
  }
}
