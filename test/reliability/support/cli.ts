// Runs the real CLI (tsc output) as a child process, the way CI and deploy hooks run it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from the compiled file's location (out/test/reliability/support). */
export const REPO_ROOT = findRepoRoot(__dirname);
export const CLI_MAIN = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is drained. */
  done: Promise<CliResult>;
  /** Resolves on the first stdout/stderr chunk that matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed. stdin is always a pipe, never a TTY. */
  input?: string;
  /** Kills the process (SIGKILL) and fails the result after this long. */
  timeoutMs?: number;
}

/** Starts the CLI with an argument array (never a shell string). */
export function startCli(args: readonly string[], opts: CliOptions = {}): CliRun {
  if (!fs.existsSync(CLI_MAIN)) throw new Error(`CLI not built: ${CLI_MAIN} is missing (run \`npx tsc -p .\`)`);
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { stdout += s; check(); });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; check(); });
  child.stdin!.on('error', () => { /* the CLI may exit before reading stdin */ });
  child.stdin!.end(opts.input ?? '');
  const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
  });
  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000) => new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`)), timeoutMs);
    watchers.push({ pattern, resolve: () => { clearTimeout(t); resolve(); } });
    check();
    void done.then(() => { clearTimeout(t); if (watchers.some((w) => w.pattern === pattern)) reject(new Error(`CLI exited before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`)); });
  });
  return { child, done, waitForOutput };
}

/**
 * The crash suites' kill: after `mark` appears in the output (if given) plus `delayMs`, SIGKILL the
 * process unless it has already exited. Resolves with how it ended (`signal` SIGKILL when killed).
 */
export async function killAfter(run: CliRun, mark: RegExp | undefined, delayMs: number): Promise<CliResult> {
  if (mark) await run.waitForOutput(mark, 60_000).catch(() => { /* exited early: the caller checks the result */ });
  const exitedEarly = await Promise.race([
    run.done.then(() => true),
    new Promise<false>((r) => setTimeout(() => r(false), delayMs)),
  ]);
  if (!exitedEarly) run.child.kill('SIGKILL');
  return run.done;
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, { timeoutMs: 60_000, ...opts }).done;
}

/** For assertion messages: what the CLI printed, indented. */
export function describeRun(args: readonly string[], r: CliResult): string {
  const indent = (s: string) => s.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');
  const shown = args.map((a) => a.replace(/(:\/\/[^:/@]*:)[^@]*@/, '$1****@'));
  return `migration-chain ${shown.join(' ')}\n  exit ${r.code ?? r.signal}\n  stdout:\n${indent(r.stdout)}\n  stderr:\n${indent(r.stderr)}`;
}
