// The lock-risk lint in a real extension host: a pending migration's CREATE INDEX shows a Problems
// entry whose code links to the shipped docs page, a CodeLens with the lock summary from the
// connected database, a hover, and a quick fix that rewrites the statement and the header; the
// upgrade modal lists a pending blocking lock on a large table.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, emptyDatabase, folder, modalText, query, run, SEED_HEAD, silenceNotifications, stubModal, useTestDatabase, versionNums, waitFor } from './helpers';

function lintDiagnostics(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Migration Chain lint');
}

describe('lock-risk lint', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  let file: string;

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    sandbox.restore();
    file = path.join(folder().uri.fsPath, 'migrations', 'ffff00000013_index_prospects.sql');
    fs.writeFileSync(file, [
      '-- revision: ffff00000013',
      `-- down_revision: ${SEED_HEAD}`,
      '-- message: index prospects',
      '',
      '-- migrate:upgrade',
      'CREATE INDEX prospects_name_idx ON prospects (name);',
      '',
    ].join('\n'));
  });
  after(async () => {
    sandbox.restore();
    fs.rmSync(file, { force: true });
    await ctx.chains.refresh();
  });

  it('shows the finding, the lens, the hover and a working quick fix', async () => {
    const [d] = await waitFor('a require-concurrent-index diagnostic', () => {
      const list = lintDiagnostics(file).filter((x) => typeof x.code === 'object' && x.code.value === 'require-concurrent-index');
      return list.length ? list : undefined;
    }, 30_000);
    assert.strictEqual(d.range.start.line, 5);
    // The connected database's prospects table is empty: a note, not an error.
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Information);
    const target = (d.code as { target: vscode.Uri }).target;
    assert.ok(fs.existsSync(target.fsPath), `docs page ${target.fsPath}`);

    const document = await vscode.workspace.openTextDocument(file);
    const lenses = await waitFor('the lint CodeLens', async () => {
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      const found = all.filter((l) => /locks prospects SHARE · blocks writes · ~0 rows · scans/.test(l.command?.title ?? ''));
      return found.length ? found : undefined;
    });
    assert.strictEqual(lenses[0].range.start.line, 5);

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(5, 10));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /require-concurrent-index/);
    assert.match(text, /PostgreSQL \d+ \(database\)/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, d.range);
    const fix = actions.find((a) => /CONCURRENTLY/.test(a.title));
    assert.ok(fix?.edit, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const fixed = document.getText();
    assert.match(fixed, /^CREATE INDEX CONCURRENTLY prospects_name_idx ON prospects \(name\);$/m);
    assert.match(fixed, /^-- revision: ffff00000013\n-- transactional: false\n/);
    // Re-linted from the editor's text: the finding is gone.
    await waitFor('the diagnostic to clear after the fix', () => lintDiagnostics(file).length === 0 ? true : undefined, 30_000);
    await document.save();
  });

  it('the upgrade modal lists the pending blocking lock on a large table', async function () {
    this.timeout(120_000);
    const big = path.join(folder().uri.fsPath, 'migrations', 'ffff00000014_index_events.sql');
    const sandbox2 = sinon.createSandbox();
    try {
      // 1.1 million rows and ANALYZE: the catalog's reltuples put the table over the 1M threshold.
      await query('CREATE TABLE big_events AS SELECT g AS id, g::text AS kind FROM generate_series(1, 1100000) g; ANALYZE big_events');
      fs.writeFileSync(big, ['-- revision: ffff00000014', '-- down_revision: ffff00000013', '-- message: index events', '',
        '-- migrate:upgrade', 'CREATE INDEX big_events_kind_idx ON big_events (kind);', ''].join('\n'));
      await ctx.chains.refresh();
      silenceNotifications(sandbox2);
      const modal = stubModal(sandbox2, undefined);
      assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'aborted');
      const text = modalText(modal);
      assert.match(text, /Blocking locks on large tables \(≥ 1M rows or 1 GB\):\n {2}ffff00000014_index_events\.sql:6 {2}locks big_events SHARE · blocks writes · ~1\.1M rows · scans/);
      assert.doesNotMatch(text, /locks prospects/, 'the empty table is not listed');
      assert.deepStrictEqual(await versionNums(), [SEED_HEAD], 'declined: nothing ran');
    } finally {
      sandbox2.restore();
      fs.rmSync(big, { force: true });
      await query('DROP TABLE IF EXISTS big_events');
    }
  });
});
