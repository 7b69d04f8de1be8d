import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import { Client } from 'pg';
import type { Context } from '../../../src/extension/context';
import {
  activate, databaseName, databasePassword, databaseUrl, emptyDatabase, folder, modalText, query, run, SEED_HEAD, SEED_REVISIONS, silenceNotifications, stubModal,
  useTestDatabase, waitFor,
} from './helpers';

/** The test database's URL with another database name. */
function urlOf(database: string): string {
  const u = new URL(databaseUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function headsOf(database: string): Promise<string[]> {
  const client = new Client({ connectionString: urlOf(database) });
  await client.connect();
  try {
    const t = await client.query<{ t: string | null }>("SELECT to_regclass('public.alembic_version')::text AS t");
    if (!t.rows[0].t) return [];
    return (await client.query<{ v: string }>('SELECT version_num AS v FROM alembic_version ORDER BY 1')).rows.map((r) => r.v);
  } finally {
    await client.end();
  }
}

describe('Environments matrix, parity and a fleet run (extension host)', () => {
  let ctx: Context;
  const sandbox = sinon.createSandbox();
  const file = () => path.join(folder().uri.fsPath, 'migration-chain.environments.json');
  const prod = `${databaseName()}_mx_prod`;
  const tenants = [1, 2, 3].map((i) => `${databaseName()}_mx_t${i}`);

  before(async () => {
    ctx = await activate();
    await useTestDatabase(ctx);
    for (const db of [prod, ...tenants]) await query(`DROP DATABASE IF EXISTS "${db}"`).then(() => query(`CREATE DATABASE "${db}"`));
    process.env.MC_MX_PROD_URL = urlOf(prod);
    process.env.MC_MX_SERVER_URL = databaseUrl();
  });
  after(async () => {
    delete process.env.MC_MX_PROD_URL;
    delete process.env.MC_MX_SERVER_URL;
    for (const db of [prod, ...tenants]) await query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  });
  beforeEach(async () => {
    await emptyDatabase(ctx);
    for (const db of [prod, ...tenants]) {
      const c = new Client({ connectionString: urlOf(db) });
      await c.connect();
      await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
      await c.end();
    }
    silenceNotifications(sandbox);
    fs.writeFileSync(file(), JSON.stringify({
      environments: {
        staging: { url: { from: 'env', variable: 'MC_TEST_DATABASE_URL' } },
        prod: { url: { from: 'env', variable: 'MC_MX_PROD_URL' }, protected: true },
        tenants: { url: { from: 'env', variable: 'MC_MX_SERVER_URL' }, tenants: { databases: { pattern: `${databaseName()}_mx_t*` } }, canary: tenants[0], concurrency: 2 },
      },
    }));
  });
  afterEach(async () => {
    sandbox.restore();
    ctx.matrixPanel()?.dispose();
    fs.rmSync(file(), { force: true });
    fs.rmSync(path.join(folder().uri.fsPath, '.migration-chain'), { recursive: true, force: true });
    await ctx.environments.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the matrix shows each revision per environment and opens a row\'s migration file', async () => {
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    const outcome = await run('migrationChain.environments.showMatrix');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    const panel = ctx.matrixPanel();
    assert.ok(panel, 'the matrix panel is open');
    await waitFor('every environment read', () => ctx.environments.all().every((e) => e.status || e.error) || undefined);
    const m = panel.matrix;
    assert.deepStrictEqual(m.columns.map((c) => c.title), ['staging', 'prod', 'tenants (3 tenants)']);
    assert.deepStrictEqual(m.rows.map((r) => r.revision), SEED_REVISIONS);
    for (const row of m.rows) {
      assert.deepStrictEqual(row.cells.map((c) => c.text), ['applied', 'pending', '3 pending'], row.revision);
    }
    assert.match(panel.panel.webview.html, /<tr tabindex="0" data-revision="556b79de2825"/);

    await panel.handle({ type: 'open', revision: SEED_REVISIONS[2] });
    const editor = await waitFor('the migration file opened', () => vscode.window.visibleTextEditors.find((e) => e.document.uri.fsPath.includes(SEED_REVISIONS[2])));
    const m2 = ctx.chains.snapshots()[0].chain!.graph.get(SEED_REVISIONS[2])!;
    assert.strictEqual(editor.document.uri.fsPath, m2.file);
    assert.strictEqual(editor.selection.active.line, m2.revisionLine - 1);

    // The CodeLens and hover say the same from the cached statuses.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(m2.file), 10);
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(titles.includes('staging ✓ · prod ○ · tenants ○'), JSON.stringify(titles));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', vscode.Uri.file(m2.file), new vscode.Position(m2.revisionLine - 1, 2));
    const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hoverText, /\*\*Environments:\*\* staging ✓ · prod ○ · tenants ○/);
    assert.match(hoverText, /○ tenants: 3 pending/);
  });

  it('parity: a report linking each difference to the migration that creates it', async () => {
    stubModal(sandbox, 'Upgrade');
    assert.strictEqual((await run('migrationChain.upgradeHead')).status, 'done');
    const outcome = await run('migrationChain.environments.compare', { a: 'staging', b: 'prod' });
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(outcome.status === 'done' ? outcome.message ?? '' : '', /^staging and prod: \d+ schema differences; see the parity report\.$/);
    const doc = vscode.window.activeTextEditor?.document;
    assert.strictEqual(doc?.languageId, 'markdown');
    const text = doc.getText();
    assert.match(text, /^# Schema parity: staging vs prod/);
    assert.match(text, /\*\*prod\*\*: `postgresql:\/\/[^`]*\*\*\*\*[^`]*`, schema `public`, at base/);
    assert.match(text, /### table `prospects`: only in staging/);
    const link = /### table `prospects`: only in staging[\s\S]*?Created by `(\w+)`: \[([^\]]+):(\d+)\]\(file:\/\/[^)]+#L\d+\)/.exec(text);
    assert.ok(link, text);
    const creator = ctx.chains.snapshots()[0].chain!.graph.get(link[1])!;
    assert.match(fs.readFileSync(creator.file, 'utf8').split('\n')[Number(link[3]) - 1], /CREATE TABLE\s+(IF NOT EXISTS\s+)?"?prospects/i);
    assert.ok(!text.includes(databasePassword()), 'no password in the report');
  });

  it('a fleet run behind a stubbed confirmation: canary, count, concurrency, policy; every tenant at head', async () => {
    const modal = stubModal(sandbox, 'Upgrade');
    const outcome = await run('migrationChain.environments.upgrade', { environment: 'tenants' });
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
    assert.match(modalText(modal), new RegExp(`Upgrade 3 targets of tenants to head\\?\\nCanary: ${tenants[0]} runs first; the rest start only if it succeeds\\. Concurrency 2\\. On failure: stop starting new targets\\.`));
    assert.match(outcome.status === 'done' ? outcome.message ?? '' : '', /tenants: 3 of 3 targets at head/);
    for (const db of tenants) assert.deepStrictEqual(await headsOf(db), [SEED_HEAD], db);
    assert.deepStrictEqual(await headsOf(prod), [], 'another environment is untouched');
    const entry = ctx.environments.entry('tenants');
    assert.strictEqual(entry?.status?.summary.atHead, 3);
    // The canary finished before any other tenant started (the audit log's first row per database).
    const firstAt = async (db: string) => {
      const c = new Client({ connectionString: urlOf(db) });
      await c.connect();
      try { return (await c.query<{ t: Date }>('SELECT min(applied_at) AS t FROM migration_chain_log')).rows[0].t; } finally { await c.end(); }
    };
    const lastCanary = await (async () => {
      const c = new Client({ connectionString: urlOf(tenants[0]) });
      await c.connect();
      try { return (await c.query<{ t: Date }>('SELECT max(applied_at) AS t FROM migration_chain_log')).rows[0].t; } finally { await c.end(); }
    })();
    for (const db of tenants.slice(1)) assert.ok((await firstAt(db)).getTime() >= lastCanary.getTime(), `${db} started after the canary finished`);

    // Declining the confirmation runs nothing.
    sandbox.restore();
    silenceNotifications(sandbox);
    stubModal(sandbox, undefined);
    const declined = await run('migrationChain.environments.upgrade', { environment: 'prod' });
    assert.strictEqual(declined.status, 'aborted');
    assert.deepStrictEqual(await headsOf(prod), []);
  });
});
