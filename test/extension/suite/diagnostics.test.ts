import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, emptyDatabase, folder, run, SEED_HEAD, silenceNotifications, stubModal, useTestDatabase, versionNums, waitFor } from './helpers';

function diagnosticsOf(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Migration Chain');
}

describe('diagnostics', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const created: string[] = [];
  const migrationsDir = () => path.join(folder().uri.fsPath, 'migrations');

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
  });
  afterEach(async () => {
    sandbox.restore();
    for (const f of created.splice(0)) fs.rmSync(f, { force: true });
    await ctx.chains.refresh();
  });

  it('marks a missing parent on its down_revision line and clears it when the file is deleted', async () => {
    const file = path.join(migrationsDir(), 'ffff00000001_orphan.sql');
    fs.writeFileSync(file, '-- revision: ffff00000001\n-- down_revision: 0000deadbeef\n-- message: orphan\n\n-- migrate:upgrade\nSELECT 1;\n');
    created.push(file);
    // The FileSystemWatcher, not a manual refresh, must notice the new file.
    const [d] = await waitFor('a missing-parent diagnostic', () => {
      const list = diagnosticsOf(file).filter((x) => x.code === 'missing-parent');
      return list.length ? list : undefined;
    });
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /0000deadbeef/);
    assert.ok(d.range.start.line === 0 || d.range.start.line === 1, `anchored on the header, got line ${d.range.start.line + 1}`);

    fs.rmSync(file);
    await waitFor('the diagnostic to disappear', () => diagnosticsOf(file).length === 0);
  });

  it('puts a failing statement of an upgrade on its line', async () => {
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');

    const file = path.join(migrationsDir(), 'ffff00000002_broken_sql.sql');
    fs.writeFileSync(file, [
      '-- revision: ffff00000002',
      `-- down_revision: ${SEED_HEAD}`,
      '-- message: broken sql',
      '',
      '-- migrate:upgrade',
      'CREATE TABLE ok_table (id int);',
      'SELECT no_such_column FROM jobs;',
      '',
      '-- migrate:downgrade',
      'DROP TABLE ok_table;',
      '',
    ].join('\n'));
    created.push(file);
    await ctx.chains.refresh();
    const outcome = await run('migrationChain.upgradeHead');
    assert.strictEqual(outcome.status, 'failed', JSON.stringify(outcome));
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD], 'the failed migration left nothing behind');
    const [d] = diagnosticsOf(file);
    assert.ok(d, 'a diagnostic on the failing file');
    assert.strictEqual(d.range.start.line, 6, 'on the line of the failing statement');
    assert.match(d.message, /no_such_column/);
  });
});
