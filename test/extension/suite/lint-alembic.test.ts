// The lock-risk lint of Alembic `.py` revisions in a real extension host, through the project's own
// Alembic in offline mode (Debian's python3-alembic): a non-concurrent op.create_index on an existing
// table shows its Problems entry on `def upgrade`, a `# migration-chain: allow` suppression is
// honoured and an unknown rule id in one is flagged; after an edit is saved, the entry follows
// the moved function; a revision that needs a connection is reported as not linted. In Restricted
// Mode no Alembic runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import { activate, emptyDatabase, folder, query, useTestDatabase, waitFor } from './helpers';

const PROJECT = 'alembic-lint';
const REPO = path.resolve(__dirname, '..', '..', '..', '..');

function lintDiagnostics(file: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(file)).filter((d) => d.source === 'Migration Chain lint');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

describe('lock-risk lint of Alembic revisions', () => {
  let ctx: Context;
  let accounts: string;
  let notes: string;
  const sandbox = sinon.createSandbox();
  /** The extension's log while the suite runs: a timeout says what the lint did meanwhile. */
  const logged: string[] = [];
  const wait = <T>(what: string, probe: () => T | undefined) =>
    waitFor(what, probe, 45_000).catch((err: Error) => { throw new Error(`${err.message}\nlog:\n${logged.join('\n')}`); });

  before(async function () {
    this.timeout(120_000);
    ctx = await activate();
    for (const level of ['info', 'warn', 'debug'] as const) {
      sandbox.stub(ctx.log, level).callsFake((message: string) => { logged.push(`${level}: ${ctx.log.redact(message)}`); });
    }
    await useTestDatabase(ctx);
    await emptyDatabase(ctx);
    await query('CREATE TABLE accounts (id int, email text); CREATE TABLE notes (id int, body text)');
    // The project (test/fixtures/alembic-lint) is copied in for this suite only: every alembic.ini
    // under a folder is a chain of its own, and the other suites expect the folder's one chain.
    // Pointing migrationsDir at it makes it the folder's only chain while this suite runs.
    const dir = path.join(folder().uri.fsPath, PROJECT);
    // Copied in Restricted Mode, so that no trusted refresh starts Alembic before the first test looks.
    const restricted = sinon.createSandbox();
    try {
      restricted.replaceGetter(vscode.workspace, 'isTrusted', () => false);
      fs.cpSync(path.join(REPO, 'test', 'fixtures', PROJECT), dir, { recursive: true });
      await vscode.workspace.getConfiguration('migrationChain').update('migrationsDir', `${PROJECT}/alembic/versions`, vscode.ConfigurationTarget.Workspace);
      await ctx.chains.refresh();
    } finally {
      restricted.restore();
    }
    accounts = path.join(dir, 'alembic', 'versions', 'a1a1a1a1a1a1_index_accounts.py');
    notes = path.join(dir, 'alembic', 'versions', 'b2b2b2b2b2b2_index_notes.py');
  });
  after(async function () {
    this.timeout(60_000);
    sandbox.restore();
    await vscode.workspace.getConfiguration('migrationChain').update('migrationsDir', undefined, vscode.ConfigurationTarget.Workspace);
    await query('DROP TABLE IF EXISTS accounts, notes');
    fs.rmSync(path.join(folder().uri.fsPath, PROJECT), { recursive: true, force: true });
    await ctx.chains.refresh();
  });

  it('in Restricted Mode runs no Alembic (it would execute the project\'s Python)', async function () {
    this.timeout(60_000);
    const restricted = sinon.createSandbox();
    try {
      restricted.replaceGetter(vscode.workspace, 'isTrusted', () => false);
      await vscode.workspace.getConfiguration('migrationChain').update('migrationsDir', `${PROJECT}/alembic/versions`, vscode.ConfigurationTarget.Workspace);
      await ctx.chains.refresh();
      assert.ok(ctx.chains.snapshot(folder().uri.toString())?.alembicProject, 'the folder runs through the Alembic project');
      // Well past the settle time after a save, when a trusted folder would have started Alembic.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.deepStrictEqual(logged.filter((l) => /▶|offline SQL/.test(l)), [], 'no Alembic process');
      assert.deepStrictEqual(lintDiagnostics(accounts), []);
    } finally {
      restricted.restore();
    }
  });

  it('shows the finding on def upgrade, honours suppressions, flags unknown rules, and follows a saved edit', async function () {
    this.timeout(150_000);
    await ctx.chains.refresh(); // trusted again
    const snapshot = ctx.chains.snapshot(folder().uri.toString());
    assert.ok(snapshot?.alembicProject, 'the folder runs through the Alembic project');
    const [d] = await wait('a require-concurrent-index diagnostic on the .py revision', () => {
      const list = lintDiagnostics(accounts).filter((x) => codeOf(x) === 'require-concurrent-index');
      return list.length ? list : undefined;
    });
    assert.strictEqual(d.range.start.line, 9, 'placed on `def upgrade` (line 10)');
    assert.match(d.message, /accounts/);
    const accountsDoc = await vscode.workspace.openTextDocument(accounts);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', accountsDoc.uri);
    const lockLens = lenses.find((l) => /locks accounts SHARE · blocks writes/.test(l.command?.title ?? ''));
    assert.ok(lockLens, `a lock-risk lens on the .py revision: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.strictEqual(lockLens.range.start.line, 9);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', accountsDoc.uri, new vscode.Position(9, 5));
    assert.match(hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n'), /require-concurrent-index/);

    const noteProblems = await wait('the unknown rule in the second revision', () => {
      const list = lintDiagnostics(notes);
      return list.some((x) => codeOf(x) === 'unknown-lint-rule') ? list : undefined;
    });
    const unknown = noteProblems.find((x) => codeOf(x) === 'unknown-lint-rule')!;
    assert.strictEqual(unknown.range.start.line, 12);
    assert.match(unknown.message, /no-such-rule/);
    assert.deepStrictEqual(noteProblems.filter((x) => codeOf(x) === 'require-concurrent-index'), [], 'the suppression with a reason is honoured');

    // The third revision inspects the database: Alembic cannot print it offline, and the editor says so.
    const [skipped] = lintDiagnostics(path.join(path.dirname(accounts), 'c3c3c3c3c3c3_inspects.py'));
    assert.ok(skipped, 'the revision Alembic could not print has an entry');
    assert.strictEqual(codeOf(skipped), 'not-linted');
    assert.strictEqual(skipped.severity, vscode.DiagnosticSeverity.Information);
    assert.strictEqual(skipped.range.start.line, 10, 'on its def upgrade');
    assert.match(skipped.message, /cannot run in Alembic's offline mode .*MockConnection/);

    // Two lines above `def upgrade`, saved (the file watcher re-reads the chain): Alembic runs again and the entry moves with the function.
    const document = await vscode.workspace.openTextDocument(accounts);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(8, 0), 'TABLE = "accounts"\n\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await document.save();
    await wait('the diagnostic to follow def upgrade to line 12', () =>
      lintDiagnostics(accounts).some((x) => codeOf(x) === 'require-concurrent-index' && x.range.start.line === 11) ? true : undefined);
  });
});
