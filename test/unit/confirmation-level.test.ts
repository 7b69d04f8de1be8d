// The one "type the database name" rule (core/db/protected.ts confirmationLevel), which the CLI's
// prompt and the editor's modal both apply.
import * as assert from 'node:assert';
import { confirmationLevel } from '../../src/core/db/protected';
import { TARGET } from './extension/fixtures';

describe('confirmationLevel', () => {
  const remote = { ...TARGET, host: 'db.example.com', isLocal: false };

  it('a local, unprotected database needs a yes', () => {
    assert.deepStrictEqual(confirmationLevel(TARGET, []), { typedName: false, protectedBy: undefined, remote: false });
  });

  it('a remote database needs its name typed', () => {
    assert.deepStrictEqual(confirmationLevel(remote, []), { typedName: true, protectedBy: undefined, remote: true });
  });

  it('a protected database needs its name typed, even when local, and names the pattern', () => {
    assert.deepStrictEqual(confirmationLevel(TARGET, ['nomatch', `${TARGET.database.slice(0, 2)}*`]),
      { typedName: true, protectedBy: `${TARGET.database.slice(0, 2)}*`, remote: false });
  });
});
