import { strict as assert } from 'node:assert';
import { pbkdf2Sync } from 'node:crypto';
import { cacheScramKeys } from '../../src/core/db/scram-cache';

describe('SCRAM key cache for fleets', () => {
  it('derives the same key as PBKDF2-SHA-256 once per password, salt and iteration count', async () => {
    cacheScramKeys();
    cacheScramKeys();
    const utils = require('pg/lib/crypto/utils') as { deriveKey: (pw: string, salt: Uint8Array, it: number) => Promise<ArrayBuffer> };
    const salt = Buffer.from('0123456789abcdef');
    const first = utils.deriveKey('pw', salt, 4096);
    assert.equal(utils.deriveKey('pw', Buffer.from(salt), 4096), first, 'the same derivation is reused');
    assert.deepEqual(Buffer.from(await first), pbkdf2Sync('pw', salt, 4096, 32, 'sha256'));
    const other = utils.deriveKey('pw2', salt, 4096);
    assert.notEqual(other, first);
    assert.deepEqual(Buffer.from(await other), pbkdf2Sync('pw2', salt, 4096, 32, 'sha256'));
    assert.notEqual(utils.deriveKey('pw', salt, 8192), first);
  });
});
