import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { presentEnvironment } from '../../../src/extension/environments/environments-model';
import {
  activate, databasePassword, databaseUrl, emptyDatabase, folder, modalText, run, SEED_HEAD, silenceNotifications, stubInput, stubModal, useTestDatabase, versionNums,
} from './helpers';

describe('Environments view and fleet upgrade', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const file = () => path.join(folder().uri.fsPath, 'migration-chain.environments.json');

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  beforeEach(async () => {
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
  });
  afterEach(() => {
    sandbox.restore();
    fs.rmSync(file(), { force: true });
    fs.rmSync(path.join(folder().uri.fsPath, '.migration-chain'), { recursive: true, force: true });
  });

  it('without an environments file shows the implicit environment: the folder\'s database and its pending count', async () => {
    await ctx.environments.refresh();
    const entry = ctx.environments.entry('default');
    assert.ok(entry?.status, `default environment read: ${entry?.error}`);
    assert.strictEqual(presentEnvironment(entry).description, 'at base · 4 pending');
  });

  it('a protected environment from the file: the wrong typed name runs nothing, the right one upgrades it', async () => {
    fs.writeFileSync(file(), JSON.stringify({ environments: { staging: { url: { from: 'env', variable: 'MC_TEST_DATABASE_URL' }, protected: true } } }));
    await ctx.environments.refresh();
    assert.strictEqual(ctx.environments.entry('staging')?.status?.targets[0].pending, 4);

    const modal = stubModal(sandbox, 'Upgrade');
    const input = stubInput(sandbox, 'prod');
    assert.strictEqual((await run('migrationChain.environments.upgrade', { environment: 'staging' })).status, 'aborted');
    assert.ok(input.calledOnce, 'the environment name was asked for');
    assert.deepStrictEqual(await versionNums(), []);
    assert.match(modalText(modal), /Upgrade staging to head\?/);

    input.resolves('staging');
    const outcome = await run('migrationChain.environments.upgrade', { environment: 'staging' });
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.status === 'done' ? outcome.message ?? '' : '', /staging: 1 of 1 target at head/);
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
    assert.strictEqual(presentEnvironment(ctx.environments.entry('staging')!).description.startsWith(`at ${SEED_HEAD} · 0 pending`), true);
    const records = fs.readdirSync(path.join(folder().uri.fsPath, '.migration-chain', 'runs'));
    assert.strictEqual(records.length, 1, 'one run record: the declined upgrade never started');
    for (const r of records) assert.ok(!fs.readFileSync(path.join(folder().uri.fsPath, '.migration-chain', 'runs', r), 'utf8').includes(databasePassword()));
  });

  it('an upgrade from the chain\'s own commands re-reads the view that shows the same database', async () => {
    await ctx.environments.ensureRead();
    await ctx.environments.refresh();
    assert.strictEqual(presentEnvironment(ctx.environments.entry('default')!).description, 'at base · 4 pending');
    stubModal(sandbox, 'Upgrade');
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.ok(presentEnvironment(ctx.environments.entry('default')!).description.startsWith(`at ${SEED_HEAD} · 0 pending`),
      presentEnvironment(ctx.environments.entry('default')!).description);
  });

  it('Set Database URL re-reads the view at once: a wrong password, then the right URL, each shown without a Refresh', async () => {
    await ctx.environments.ensureRead();
    await ctx.environments.refresh();
    assert.strictEqual(presentEnvironment(ctx.environments.entry('default')!).description, 'at base · 4 pending');
    const wrong = new URL(databaseUrl());
    wrong.password = 'Wr0ngPa55word';
    try {
      stubInput(sandbox, wrong.toString());
      assert.strictEqual((await run('migrationChain.setDatabaseUrl')).status, 'done');
      // No refresh here: the command itself re-read the view.
      assert.match(presentEnvironment(ctx.environments.entry('default')!).description, /^unreachable: .*(password|authentication)/i);
    } finally {
      sandbox.restore();
      silenceNotifications(sandbox);
      stubInput(sandbox, databaseUrl());
      assert.strictEqual((await run('migrationChain.setDatabaseUrl')).status, 'done');
    }
    assert.strictEqual(presentEnvironment(ctx.environments.entry('default')!).description, 'at base · 4 pending');
  });

  it('Set Database URL masks the box and shows the typed URL under it with only the password masked', async () => {
    const input = stubInput(sandbox, databaseUrl());
    assert.strictEqual((await run('migrationChain.setDatabaseUrl')).status, 'done');
    const options = input.firstCall.args[0] as vscode.InputBoxOptions;
    assert.strictEqual(options.password, true, 'the typed text itself is masked');
    const typed = 'postgresql://app:Typ0edSecret@db.example.com:6543/orders';
    const shown = await options.validateInput!(typed) as vscode.InputBoxValidationMessage;
    assert.strictEqual(shown.severity, vscode.InputBoxValidationSeverity.Info, 'a valid URL is accepted');
    assert.strictEqual(shown.message, 'postgresql://app:****@db.example.com:6543/orders — user app, host db.example.com, port 6543, database orders');
    const bad = await options.validateInput!('mysql://app:Typ0edSecret@db/app') as vscode.InputBoxValidationMessage;
    assert.strictEqual(bad.severity, vscode.InputBoxValidationSeverity.Error);
    assert.ok(!bad.message.includes('Typ0edSecret'));
  });

  it('an edit of the environments file is picked up without a Refresh', async () => {
    await ctx.environments.ensureRead();
    fs.writeFileSync(file(), JSON.stringify({ environments: { watched: { url: { from: 'env', variable: 'MC_TEST_DATABASE_URL' } } } }));
    const deadline = Date.now() + 15_000;
    while (!ctx.environments.entry('watched')?.status && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.strictEqual(ctx.environments.entry('watched')?.status?.targets[0].pending, 4, 'the file watcher re-read the environments');
  });

  it('a broken environments file is reported with the file and the JSON path', async () => {
    fs.writeFileSync(file(), JSON.stringify({ environments: { x: { url: { from: 'vault', variable: 'A' } } } }));
    await ctx.environments.refresh();
    assert.match(ctx.environments.problem() ?? '', /migration-chain\.environments\.json: \$\.environments\.x\.url\.from: must be/);
  });
});
