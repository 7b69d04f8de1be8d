// SCRAM-SHA-256 makes the client run PBKDF2 (4096 rounds by default) for every connection. A fleet
// opens a connection per member with one role's password, and the server keeps one salt per role,
// so every one of those derivations gives the same key: on a 2-core machine 100 of them cost about
// a quarter of `env status`. The driver's derivation is wrapped once to remember its result per
// (password, salt, iterations), keyed by a hash and kept only in this process's memory.
import { createHash } from 'crypto';

type DeriveKey = (password: string, salt: Uint8Array, iterations: number) => Promise<ArrayBuffer>;

const MAX_ENTRIES = 64;
let installed = false;

export function cacheScramKeys(): void {
  if (installed) return;
  installed = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- pg is required on first use, never at module load (layering test)
  const utils = require('pg/lib/crypto/utils') as { deriveKey?: DeriveKey };
  const derive = utils.deriveKey;
  // Another driver version without this seam simply keeps deriving each time.
  if (typeof derive !== 'function') return;
  const cache = new Map<string, Promise<ArrayBuffer>>();
  utils.deriveKey = (password, salt, iterations) => {
    const key = createHash('sha256').update(password).update('\0').update(salt).update(`\0${iterations}`).digest('base64');
    let derived = cache.get(key);
    if (!derived) {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      derived = derive(password, salt, iterations);
      // A failed derivation is not remembered.
      derived.catch(() => cache.delete(key));
      cache.set(key, derived);
    }
    return derived;
  };
}
