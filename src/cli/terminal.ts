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
  // Loaded on demand (only a confirmation in a terminal asks) with require, never import(): the
  // launcher compiles the bundle with vm.Script, where Node 20 has no dynamic-import callback once
  // the code cache is used ("A dynamic import callback was not specified").
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: a dynamic import() fails under the code-cached launcher
  const readline = require('node:readline') as typeof import('node:readline');
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
