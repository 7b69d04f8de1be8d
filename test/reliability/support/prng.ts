// A seeded PRNG so that a failing trial can be replayed: every suite prints its seed, and
// RELIABILITY_SEED=<n> reruns exactly the same kill moments and orderings.

export interface Prng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
}

/** mulberry32: tiny, fast, and good enough to spread kill moments; not for cryptography. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** The seed for this run: RELIABILITY_SEED if set, otherwise a fresh one (printed by the caller). */
export function seedFromEnv(): number {
  const raw = process.env.RELIABILITY_SEED;
  if (raw === undefined || raw === '') return (Date.now() ^ (process.pid << 16)) >>> 0;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`RELIABILITY_SEED must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return seed >>> 0;
}

/** A positive integer from the environment (trial counts scale between `npm test` and `npm run soak`). */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}
