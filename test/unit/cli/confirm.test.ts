import { strict as assert } from 'node:assert';
import { confirmDangerous, decideConfirmation, protectedPatternsFrom, type ConfirmationRequest } from '../../../src/cli/confirm';
import { protectedPattern } from '../../../src/core/db/protected';
import type { DatabaseTarget } from '../../../src/cli/core';
import { ConfirmationError } from '../../../src/core/errors';

const local: DatabaseTarget = { host: 'localhost', port: 5432, database: 'app_dev', user: 'me', isLocal: true, display: 'postgres://me:****@localhost:5432/app_dev' };
const remote: DatabaseTarget = { host: 'db.example.com', port: 5432, database: 'app', user: 'me', isLocal: false, display: 'postgres://me:****@db.example.com:5432/app' };

function req(overrides: Partial<ConfirmationRequest>): ConfirmationRequest {
  return { operation: 'reset', target: local, yes: false, stdinIsTTY: false, protectedPatterns: [], ...overrides };
}

describe('cli confirmation rules', () => {
  it('refuses without --yes when stdin is not a terminal', () => {
    const d = decideConfirmation(req({}));
    assert.equal(d.kind, 'refuse');
    assert.match(d.kind === 'refuse' ? d.message : '', /stdin is not a terminal/);
    assert.match(d.kind === 'refuse' ? d.hint : '', /--yes/);
    assert.deepEqual(decideConfirmation(req({ yes: true })), { kind: 'proceed' });
  });

  it('a non-local host needs a matching --confirm-database, also with --yes', () => {
    const refused = decideConfirmation(req({ target: remote, yes: true }));
    assert.equal(refused.kind, 'refuse');
    assert.match(refused.kind === 'refuse' ? refused.message + refused.hint : '', /not a local host.*--confirm-database app/s);
    assert.deepEqual(decideConfirmation(req({ target: remote, yes: true, confirmDatabase: 'app' })), { kind: 'proceed' });
    const wrong = decideConfirmation(req({ target: remote, yes: true, confirmDatabase: 'app_dev' }));
    assert.equal(wrong.kind, 'refuse');
    assert.match(wrong.kind === 'refuse' ? wrong.message : '', /does not match the target database "app"/);
  });

  it('a protected database needs its name even with --yes, local or not', () => {
    const patterns = protectedPatternsFrom({ MIGRATION_CHAIN_PROTECTED: ' *prod*, billing ' });
    assert.deepEqual(patterns, ['*prod*', 'billing']);
    const prod = { ...local, database: 'shop_PROD' };
    assert.equal(protectedPattern(prod, patterns), '*prod*');
    assert.equal(protectedPattern({ ...local, database: 'billing_copy' }, patterns), undefined);
    assert.equal(protectedPattern({ ...remote, host: 'prod-db.internal' }, patterns), '*prod*');
    const refused = decideConfirmation(req({ target: prod, yes: true, protectedPatterns: patterns }));
    assert.equal(refused.kind, 'refuse');
    assert.match(refused.kind === 'refuse' ? refused.message : '', /protected pattern "\*prod\*"/);
    assert.equal(decideConfirmation(req({ target: prod, yes: true, stdinIsTTY: true, protectedPatterns: patterns })).kind, 'ask-name');
    assert.equal(decideConfirmation(req({ target: prod, yes: true, confirmDatabase: 'shop_PROD', protectedPatterns: patterns })).kind, 'proceed');
  });

  it('in a terminal asks y/N for a local database and the typed name otherwise', () => {
    assert.equal(decideConfirmation(req({ stdinIsTTY: true })).kind, 'ask-yes-no');
    assert.equal(decideConfirmation(req({ stdinIsTTY: true, yes: true })).kind, 'proceed');
    assert.equal(decideConfirmation(req({ stdinIsTTY: true, target: remote })).kind, 'ask-name');
    assert.equal(decideConfirmation(req({ stdinIsTTY: true, target: remote, confirmDatabase: 'app' })).kind, 'ask-yes-no');
  });

  it('confirmDangerous asks the right question and throws ConfirmationError on a wrong answer', async () => {
    const questions: string[] = [];
    const answering = (answer: string) => async (q: string) => { questions.push(q); return answer; };
    await confirmDangerous(req({ stdinIsTTY: true, target: remote }), answering('app'));
    assert.match(questions[0], /Type the database name to confirm reset \(app\)/);
    await assert.rejects(confirmDangerous(req({ stdinIsTTY: true, target: remote }), answering('ap')), ConfirmationError);
    await confirmDangerous(req({ stdinIsTTY: true }), answering('y'));
    assert.match(questions[2], /\[y\/N\]/);
    await assert.rejects(confirmDangerous(req({ stdinIsTTY: true }), answering('')), /Not confirmed/);
    await assert.rejects(confirmDangerous(req({}), answering('y')), (err: unknown) => err instanceof ConfirmationError && err.code === 'confirmation');
    assert.equal(questions.length, 4, 'a refusal never asks');
  });
});

describe('protected patterns (one rule for the CLI and the editor)', () => {
  it('match the database name, the host, or host/database', () => {
    const target = { host: 'db.example.com', port: 5432, database: 'shop', user: 'app', isLocal: false, display: 'postgresql://app:****@db.example.com:5432/shop' };
    assert.equal(protectedPattern(target, ['sh?p']), 'sh?p');
    assert.equal(protectedPattern(target, ['*.example.com']), '*.example.com');
    assert.equal(protectedPattern(target, ['db.example.com/*']), 'db.example.com/*');
    assert.equal(protectedPattern(target, ['shop.*', 'other']), undefined);
  });
});
