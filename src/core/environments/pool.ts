// Runs one task per item with at most `concurrency` at once overall and at most `perKey` at once per
// key (a database server: a fleet must not take every connection slot of one host). `shouldStart` is
// asked before each start, so a failure policy or a cancel stops new work while running work ends.
export interface PoolOptions<T> {
  concurrency: number;
  perKey?: number;
  key: (item: T) => string;
  shouldStart?: () => boolean;
}

/** Resolves when every started task has settled; items never started are returned in `notStarted`. */
export async function runPool<T>(items: readonly T[], options: PoolOptions<T>, task: (item: T) => Promise<void>): Promise<{ notStarted: T[] }> {
  const waiting = [...items];
  const running = new Map<string, number>();
  let active = 0;
  let stopped = false;
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (!stopped && options.shouldStart && !options.shouldStart()) stopped = true;
      while (!stopped && active < options.concurrency) {
        const index = waiting.findIndex((item) => (running.get(options.key(item)) ?? 0) < (options.perKey ?? Infinity));
        if (index === -1) break;
        const [item] = waiting.splice(index, 1);
        const key = options.key(item);
        running.set(key, (running.get(key) ?? 0) + 1);
        active++;
        void Promise.resolve().then(() => task(item)).then(() => finish(key), (err: unknown) => { stopped = true; reject(err instanceof Error ? err : new Error(String(err))); });
        if (options.shouldStart && !options.shouldStart()) stopped = true;
      }
      if (active === 0) resolve({ notStarted: waiting });
    };
    const finish = (key: string) => {
      active--;
      running.set(key, (running.get(key) ?? 1) - 1);
      pump();
    };
    pump();
  });
}
