// The terminal side of the CLI: results on stdout, progress and errors on stderr, both through one
// filter that masks every known secret.
import type { Logger } from './core';

export interface Writable {
  write(data: string | Uint8Array): unknown;
  /** Set on a terminal (process.stdout); binary output refuses one. */
  isTTY?: boolean;
}

/** Everything a command touches outside the engine; tests pass fakes. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Asks on the terminal and resolves with the answer (rejects with CancelledError on Ctrl-C). */
  ask: (question: string) => Promise<string>;
}

export const mask = '****';

export class Output {
  private secrets: string[] = [];

  constructor(private readonly io: CliIo) {}

  addSecrets(secrets: readonly string[]): void {
    this.secrets = [...new Set([...this.secrets, ...secrets])].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(mask);
    return result;
  }

  /** A result line (or block) on stdout. */
  result(text: string): void {
    this.io.stdout.write(this.redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  /** A binary result (an image) on stdout; the command has refused a terminal (`stdoutIsTerminal`). */
  binary(bytes: Uint8Array): void {
    this.io.stdout.write(bytes);
  }

  get stdoutIsTerminal(): boolean {
    return this.io.stdout.isTTY === true;
  }

  json(value: unknown): void {
    this.result(JSON.stringify(value, jsonReplacer, 2));
  }

  /** Progress, warnings and errors on stderr. */
  note(text: string): void {
    this.io.stderr.write(this.redact(text.endsWith('\n') ? text : `${text}\n`));
  }

  logger(debug: boolean): Logger {
    return {
      info: (message) => this.note(message),
      warn: (message) => this.note(`warning: ${message}`),
      error: (message) => this.note(message),
      debug: (message) => {
        if (debug) this.note(`debug: ${message}`);
      },
    };
  }
}

/** JSON for engine results: Maps become objects, Sets arrays (Dates already serialise as ISO). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (typeof value === 'bigint') return value.toString();
  return value;
}
