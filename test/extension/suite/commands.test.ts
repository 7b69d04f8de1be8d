import * as assert from 'assert';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import {
  activate, databaseName, emptyDatabase, modalText, query, run, SEED_HEAD, silenceNotifications, stubInput, stubModal, tables,
  useTestDatabase, versionNums,
} from './helpers';

// alembic_version and the audit table migration_chain_log are the engine's bookkeeping.
const SEED_TABLES = ['alembic_version', 'discovery_queries', 'email_logs', 'jobs', 'migration_chain_log', 'prospects', 'settings'];

describe('upgrade, reset and verify commands', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  beforeEach(async () => {
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
  });
  afterEach(async () => {
    sandbox.restore();
    await vscode.workspace.getConfiguration('migrationChain').update('protectedDatabases', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('declined upgrade runs nothing', async () => {
    const modal = stubModal(sandbox, undefined);
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'aborted');
    assert.ok(modal.calledOnce);
    assert.deepStrictEqual(await versionNums(), []);
    assert.deepStrictEqual(await tables(), []);
  });

  it('upgrade asks with host, database, user and the revisions, then migrates', async () => {
    const modal = stubModal(sandbox, 'Upgrade');
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    const text = modalText(modal);
    for (const part of [`Database: ${databaseName()}`, 'Host: ', 'User: ', '000000000000', 'add_discovery_query', SEED_HEAD, 'Will apply 4 revisions']) {
      assert.ok(text.includes(part), `modal lacks "${part}":\n${text}`);
    }
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
    assert.deepStrictEqual(await tables(), SEED_TABLES);
  });

  it('Upgrade to Here from a CodeLens argument stops at that revision', async () => {
    stubModal(sandbox, 'Upgrade');
    const folderUri = vscode.workspace.workspaceFolders![0].uri.toString();
    const outcome = await run('migrationChain.upgradeToHere', { folderUri, revision: '4b9608290b5d' });
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.deepStrictEqual(await versionNums(), ['4b9608290b5d']);
    assert.deepStrictEqual(await tables(), ['alembic_version', 'email_logs', 'jobs', 'migration_chain_log', 'prospects', 'settings']);
  });

  it('a protected database needs its name typed: a wrong name runs nothing, the right one migrates', async () => {
    await vscode.workspace.getConfiguration('migrationChain').update('protectedDatabases', [databaseName()], vscode.ConfigurationTarget.Workspace);
    stubModal(sandbox, 'Upgrade');
    const input = stubInput(sandbox, 'not-the-name');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'aborted');
    assert.ok(input.calledOnce, 'the database name was asked for');
    assert.deepStrictEqual(await versionNums(), []);

    input.resolves(databaseName());
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
  });

  it('reset shows tables with row counts, drops the data and upgrades to head; declined keeps it', async () => {
    stubModal(sandbox, 'Upgrade');
    await run('migrationChain.upgradeHead');
    await query("INSERT INTO jobs (type) VALUES ('send_email')");
    sandbox.restore();
    silenceNotifications(sandbox);

    const declined = stubModal(sandbox, undefined);
    assert.strictEqual((await run('migrationChain.reset')).status, 'aborted');
    assert.match(modalText(declined), /jobs\s+1 row\b/);
    assert.match(modalText(declined), /All-or-nothing: the drop, every migration and verify run in one transaction/);
    assert.strictEqual((await query<{ n: string }>('SELECT count(*) AS n FROM jobs'))[0].n, '1');
    sandbox.restore();
    silenceNotifications(sandbox);

    stubModal(sandbox, 'Reset');
    const outcome = await run('migrationChain.reset');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /verify passed \(all-or-nothing\)/);
    assert.strictEqual((await query<{ n: string }>('SELECT count(*) AS n FROM jobs'))[0].n, '0');
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
  });

  it('verify passes on an upgraded database and fails on an empty one', async () => {
    assert.strictEqual((await run('migrationChain.verify')).status, 'failed', 'pending revisions fail verify');
    stubModal(sandbox, 'Upgrade');
    await run('migrationChain.upgradeHead');
    const outcome = await run('migrationChain.verify');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.message ?? '', /checks passed/);
  });
});
