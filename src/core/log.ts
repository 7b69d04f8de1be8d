// The one progress interface the engine talks to. The CLI implements it on stderr/stdout, the
// extension on its LogOutputChannel, tests on an array. Messages must never contain a password.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /**
   * Set by a front end that renders a run's returned verify report and reset preview itself (the
   * CLI's upgrade and reset print them on stdout): they are then not logged as well, which a
   * terminal showed twice. Absent: `logChecks` logs one line per check (the editor's output channel, fleets).
   */
  readonly rendersVerifyReport?: boolean;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/** Runs one named step and logs it with its duration, the way the seed's reset script narrates. */
export async function timedStep<T>(log: Logger, label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  log.info(`▶ ${label}`);
  try {
    const result = await fn();
    log.info(`✔ ${label} (${formatMs(performance.now() - started)})`);
    return result;
  } catch (err) {
    log.error(`✘ ${label} failed after ${formatMs(performance.now() - started)}`);
    throw err;
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
