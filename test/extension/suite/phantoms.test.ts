// Revisions from another git branch ("phantoms") in the real extension host, with real git and the
// real server: the workspace becomes a git repository, main's build is taken, a feature branch's
// revision is applied with the Upgrade command, then `git checkout main` takes its file away. The
// notice must name the revision, and its action must undo it with the downgrade the audit log kept,
// leaving the database's catalog equal to main's build. sinon answers only the notification and the
// modal (vscode.window glue); git, the files, the database and the commands are real.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { readSchema, type SchemaSnapshot } from '../../../src/core/schema/snapshot';
import { diffSchemas } from '../../../src/core/schema/diff';
import { activate, databaseName, databaseUrl, emptyDatabase, folder, run, SEED_HEAD, silenceNotifications, stubModal, useTestDatabase, versionNums, waitFor } from './helpers';

const FEATURE_REVISION = 'f1000000000a';
const FEATURE_FILE = 'f1_add_phone_and_tags.sql';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
}

async function catalog(): Promise<SchemaSnapshot> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try { return await readSchema(client, 'public', { exclude: ['alembic_version', 'migration_chain_log'] }); } finally { await client.end(); }
}

describe('revisions from another branch: the phantom notice after a real git checkout', () => {
  let ctx: Context;
  let root: string;
  const sandbox = sinon.createSandbox();

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    root = folder().uri.fsPath;
  });
  afterEach(async () => {
    sandbox.restore();
    fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    fs.rmSync(path.join(root, 'migrations', FEATURE_FILE), { force: true });
    await emptyDatabase(ctx);
  });

  it('names the branch\'s revision; its action undoes it with the kept downgrade and the database equals main\'s build', async () => {
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'main');

    // main's build, by the same command.
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    const mainBuild = await catalog();

    git(root, 'checkout', '-q', '-b', 'feature');
    fs.writeFileSync(path.join(root, 'migrations', FEATURE_FILE), [
      `-- revision: ${FEATURE_REVISION}`, `-- down_revision: ${SEED_HEAD}`, '-- message: add phone and tags', '',
      '-- migrate:upgrade', 'ALTER TABLE prospects ADD COLUMN phone text;', 'CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);', '',
      '-- migrate:downgrade', 'DROP TABLE tags;', 'ALTER TABLE prospects DROP COLUMN phone;', '',
    ].join('\n'));
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'feature');
    await ctx.chains.refresh();
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    assert.deepStrictEqual(await versionNums(), [FEATURE_REVISION]);
    assert.notDeepStrictEqual(diffSchemas(mainBuild, await catalog()), [], 'the branch changed the schema');
    sandbox.restore();

    // The glue only: the notification is answered with its action, the modal with its button.
    silenceNotifications(sandbox);
    const notices: string[] = [];
    const modals: string[] = [];
    sandbox.stub(vscode.window, 'showWarningMessage').callsFake((async (message: string, ...rest: unknown[]) => {
      const options = rest[0] as { modal?: boolean; detail?: string } | undefined;
      if (typeof options === 'object' && options?.modal) { modals.push(`${message}\n${options.detail ?? ''}`); return 'Undo Revisions'; }
      notices.push(message);
      return rest.includes('Undo Them…') ? 'Undo Them…' : undefined;
    }) as never);

    git(root, 'checkout', '-q', 'main');
    assert.ok(!fs.existsSync(path.join(root, 'migrations', FEATURE_FILE)), 'the checkout took the file away');
    await ctx.chains.refresh();

    const notice = await waitFor('the phantom notice', () => notices.find((m) => m.includes('from another branch')), 20_000);
    assert.strictEqual(notice, `1 revision from another branch is applied here (${databaseName()}): ${FEATURE_REVISION}. Undo them with the downgrade kept when they were applied?`);
    await waitFor('the undo', async () => ((await versionNums()).join() === SEED_HEAD ? true : undefined), 30_000);
    assert.strictEqual(modals.length, 1, 'the undo asked once, behind the modal');
    assert.match(modals[0], new RegExp(`Undo 1 revision from another branch on ${databaseName()}\\?[\\s\\S]*${FEATURE_REVISION}`));
    assert.deepStrictEqual(diffSchemas(mainBuild, await catalog()), [], 'the database equals main\'s build');
  });
});
