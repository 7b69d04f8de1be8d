// Re-apply on save in the real workbench: the setting turned on by its command (the status bar item
// appears), the seed head's file edited and saved through a TextDocument: the database gets the new
// column; a broken statement gets a diagnostic on its line and leaves the database at the parent
// revision, and the fixed file's next save upgrades it again; a save of a revision others build on
// runs nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { ReapplyResult } from '../../../src/extension/core';
import { activate, emptyDatabase, folder, query, run, SEED_HEAD, silenceNotifications, stubModal, useTestDatabase, versionNums, waitFor } from './helpers';

const HEAD_FILE = '556b79de2825_add_discovery_query_id_to_prospects.sql';
const PARENT = 'add_discovery_query';

async function columns(table: string): Promise<string[]> {
  return (await query<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY 1", [table])).map((r) => r.column_name);
}

/** Replaces the document's text and saves it, as a person would. */
async function saveWith(file: string, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(file);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
  assert.ok(await doc.save(), 'the document saves');
}

describe('re-apply on save', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const migrations = () => path.join(folder().uri.fsPath, 'migrations');
  const headFile = () => path.join(migrations(), HEAD_FILE);
  const originals = new Map<string, string>();
  /** The next result after `before` (the save event arrives on its own). */
  const nextResult = async (before: ReapplyResult | undefined): Promise<ReapplyResult> => {
    await waitFor('a re-apply result', () => (ctx.reapply.last !== before ? ctx.reapply.last : undefined));
    await ctx.reapply.idle();
    return ctx.reapply.last!;
  };

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
    silenceNotifications(sandbox);
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    sandbox.restore();
    for (const f of [HEAD_FILE, '4b9608290b5d_add_settings_table.sql']) originals.set(f, fs.readFileSync(path.join(migrations(), f), 'utf8'));
  });

  after(async () => {
    for (const [f, text] of originals) fs.writeFileSync(path.join(migrations(), f), text);
    await vscode.workspace.getConfiguration('migrationChain').update('reapplyOnSave', undefined, vscode.ConfigurationTarget.Workspace);
    await ctx.reapply.idle();
    await ctx.chains.refresh();
  });

  afterEach(() => sandbox.restore());

  it('is off by default; the command turns it on and the status bar shows the mode', async () => {
    assert.strictEqual(ctx.reapplyStatus.shown(), undefined, 'no item while off');
    silenceNotifications(sandbox);
    assert.strictEqual((await run('migrationChain.toggleReapplyOnSave')).status, 'done');
    const shown = await waitFor('the status bar item', () => ctx.reapplyStatus.shown());
    assert.match(shown.text, /Re-apply on save/);
    assert.strictEqual(ctx.settings.for(folder()).reapplyOnSave, true);
  });

  it('saving the head\'s file with a new column re-applies it: the database has the column', async () => {
    silenceNotifications(sandbox);
    const before = ctx.reapply.last;
    const text = originals.get(HEAD_FILE)!.replace('-- migrate:downgrade', '-- migrate:downgrade\nALTER TABLE prospects DROP COLUMN IF EXISTS phone;')
      .replace('CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id);',
        'CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id);\nALTER TABLE prospects ADD COLUMN phone text;');
    const started = Date.now();
    await saveWith(headFile(), text);
    await waitFor('a re-apply result', () => (ctx.reapply.last !== before ? ctx.reapply.last : undefined), 10_000, 10);
    console.log(`      re-apply on save: save to result ${Date.now() - started} ms`);
    const r = await nextResult(before);
    assert.strictEqual(r.outcome, 'applied', JSON.stringify(r));
    assert.ok((await columns('prospects')).includes('phone'), 'the new column is in the database');
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
  });

  it('a broken statement: a diagnostic on its line, the database at the parent; the fixed file\'s save upgrades it again', async () => {
    silenceNotifications(sandbox);
    const base = originals.get(HEAD_FILE)!;
    const broken = base.replace('CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id);',
      'CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id);\nALTER TABLE prospects ADD COLUMN fax text REFERENCES no_such_table (id);');
    const line = broken.split('\n').findIndex((l) => l.includes('no_such_table'));
    let before = ctx.reapply.last;
    await saveWith(headFile(), broken);
    const r = await nextResult(before);
    assert.ok(r.outcome === 'failed', JSON.stringify(r));
    assert.strictEqual(r.state, 'at-parent');
    const [d] = await waitFor('a diagnostic on the failing line', () => {
      const list = vscode.languages.getDiagnostics(vscode.Uri.file(headFile())).filter((x) => x.source === 'Migration Chain' && /no_such_table/.test(x.message));
      return list.length ? list : undefined;
    });
    assert.strictEqual(d.range.start.line, line, 'on the line of the failing statement');
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
    // Consistent: the failed upgrade rolled back whole, the database is at the parent revision.
    assert.deepStrictEqual(await versionNums(), [PARENT]);
    const cols = await columns('prospects');
    assert.ok(!cols.includes('fax') && !cols.includes('discovery_query_id') && !cols.includes('phone'), cols.join(', '));

    before = ctx.reapply.last;
    await saveWith(headFile(), base);
    const fixed = await nextResult(before);
    assert.ok(fixed.outcome === 'applied' && fixed.downgradedWith === 'none', JSON.stringify(fixed));
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
    await waitFor('the diagnostic to clear', () => vscode.languages.getDiagnostics(vscode.Uri.file(headFile())).every((x) => !/no_such_table/.test(x.message)));
  });

  it('saving a revision others build on runs nothing', async () => {
    silenceNotifications(sandbox);
    const logRows = async () => (await query<{ n: string }>('SELECT count(*) AS n FROM migration_chain_log'))[0].n;
    const rows = await logRows();
    const before = ctx.reapply.last;
    const file = path.join(migrations(), '4b9608290b5d_add_settings_table.sql');
    await saveWith(file, `${originals.get('4b9608290b5d_add_settings_table.sql')!}\n`);
    const r = await nextResult(before);
    assert.ok(r.outcome === 'refused' && r.code === 'not-head', JSON.stringify(r));
    assert.strictEqual(await logRows(), rows, 'nothing ran');
    assert.deepStrictEqual(await versionNums(), [SEED_HEAD]);
  });
});
