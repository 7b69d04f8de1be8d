import * as assert from 'assert';
import * as sinon from 'sinon';
import type { Context } from '../../../src/extension/context';
import { activate, databasePassword, databaseUrl, emptyDatabase, run, silenceNotifications, stubInput, stubModal, useTestDatabase } from './helpers';

const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace'] as const;

describe('output channel', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const written: string[] = [];

  before(async () => {
    ctx = await activate();
  });
  beforeEach(async () => {
    await useTestDatabase(ctx);
    written.length = 0;
    const channel = ctx.log.channel as unknown as Record<string, (...a: unknown[]) => void>;
    for (const m of METHODS) {
      if (typeof channel[m] !== 'function') continue;
      const original = channel[m].bind(channel);
      sandbox.stub(channel, m).callsFake((...args: unknown[]) => {
        written.push(args.map(String).join(' '));
        return original(...args);
      });
    }
    silenceNotifications(sandbox);
  });
  afterEach(() => sandbox.restore());
  after(() => useTestDatabase(ctx));

  it('never contains the password of the database it works on', async () => {
    const password = databasePassword();
    assert.ok(password.length >= 4, 'the test database URL has a password to leak');
    await emptyDatabase(ctx);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    assert.strictEqual((await run('migrationChain.verify')).status, 'done');
    assert.ok(written.length > 5, `the run was narrated (${written.length} lines)`);
    assert.ok(written.some((l) => l.includes('****')), 'the URL is shown masked');
    const leaks = written.filter((l) => l.includes(password));
    assert.deepStrictEqual(leaks, []);
  });

  it('never contains a wrong password from a failed connection', async () => {
    const bogus = 'Wr0ngPa55word';
    const url = new URL(databaseUrl());
    url.password = bogus;
    stubInput(sandbox, url.toString());
    assert.strictEqual((await run('migrationChain.setDatabaseUrl')).status, 'done');
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'failed', 'a wrong password cannot connect');
    assert.ok(!outcome.message.includes(bogus));
    assert.ok(written.some((l) => /password|authentication/i.test(l)), `the failure is logged: ${written.join('\n')}`);
    assert.deepStrictEqual(written.filter((l) => l.includes(bogus)), []);
  });
});
