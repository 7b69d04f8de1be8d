// Shared by the extension-host suites: the activated extension's Context, a pg client on the test
// database (to check what really ran), the modal stubs (a sinon sandbox on the real vscode.window,
// restored in teardown), and waiting for the data source to settle.
import * as assert from 'assert';
import { Client } from 'pg';
import * as sinon from 'sinon';
import * as vscode from 'vscode';
import type { Context } from '../../../src/extension/context';
import type { Outcome } from '../../../src/extension/commands/run-command';
import type { FolderSnapshot } from '../../../src/extension/chains/folder-snapshot';

export const EXTENSION_ID = 'migration-chain.migration-chain';
export const SEED_HEAD = '556b79de2825';
export const SEED_REVISIONS = ['556b79de2825', 'add_discovery_query', '4b9608290b5d', '000000000000'];

export function databaseUrl(): string {
  const url = process.env.MC_TEST_DATABASE_URL;
  if (!url) throw new Error('MC_TEST_DATABASE_URL is not set: run the suite through `npm run test:extension`');
  return url;
}

export function databaseName(): string {
  return new URL(databaseUrl()).pathname.slice(1);
}

export function databasePassword(): string {
  return decodeURIComponent(new URL(databaseUrl()).password);
}

export async function activate(): Promise<Context> {
  const extension = vscode.extensions.getExtension<Context>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  const ctx = await extension.activate();
  assert.ok(ctx && ctx.chains, 'activate() returns the extension Context');
  return ctx;
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the fixture workspace is open');
  return f;
}

export async function snapshot(ctx: Context): Promise<FolderSnapshot> {
  await ctx.chains.refresh();
  const s = ctx.chains.snapshot(folder().uri.toString());
  assert.ok(s, 'the workspace folder has a snapshot');
  return s;
}

export async function query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function versionNums(): Promise<string[]> {
  const exists = await query<{ t: string | null }>("SELECT to_regclass('public.alembic_version')::text AS t");
  if (!exists[0].t) return [];
  return (await query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY 1')).map((r) => r.version_num);
}

export async function tables(): Promise<string[]> {
  return (await query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
  )).map((r) => r.table_name);
}

/** Empties the database behind the extension's back, then lets the extension see it. */
export async function emptyDatabase(ctx: Context): Promise<void> {
  await query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
  await ctx.chains.refresh();
}

/** Answers the next modal(s) with `button`; records what they said. */
export function stubModal(sandbox: sinon.SinonSandbox, button: string | undefined): sinon.SinonStub {
  return sandbox.stub(vscode.window, 'showWarningMessage').callsFake((async (_message: string, ...rest: unknown[]) => {
    const options = rest[0];
    const modal = typeof options === 'object' && options !== null && (options as { modal?: boolean }).modal === true;
    return modal ? button : undefined;
  }) as never);
}

/** The text of the modal's message and detail from a showWarningMessage stub's first call. */
export function modalText(stub: sinon.SinonStub): string {
  assert.ok(stub.called, 'a confirmation modal was shown');
  const [message, options] = stub.firstCall.args as [string, { modal?: boolean; detail?: string }];
  assert.strictEqual(options?.modal, true, 'the confirmation is modal');
  return `${message}\n${options.detail ?? ''}`;
}

export function stubInput(sandbox: sinon.SinonSandbox, answer: string | undefined): sinon.SinonStub {
  return sandbox.stub(vscode.window, 'showInputBox').resolves(answer);
}

/** Notifications are fire-and-forget in the extension; stubbing them keeps the test host quiet. */
export function silenceNotifications(sandbox: sinon.SinonSandbox): void {
  sandbox.stub(vscode.window, 'showInformationMessage').resolves(undefined);
  sandbox.stub(vscode.window, 'showErrorMessage').resolves(undefined);
}

export async function run(command: string, ...args: unknown[]): Promise<Outcome> {
  const outcome = await vscode.commands.executeCommand<Outcome>(command, ...args);
  assert.ok(outcome && typeof outcome.status === 'string', `${command} returned an outcome`);
  return outcome;
}

/** Stores the test database's URL through the real Set Database URL command (SecretStorage). */
export async function useTestDatabase(ctx: Context): Promise<void> {
  const sandbox = sinon.createSandbox();
  try {
    silenceNotifications(sandbox);
    stubInput(sandbox, databaseUrl());
    const outcome = await run('migrationChain.setDatabaseUrl');
    assert.strictEqual(outcome.status, 'done', JSON.stringify(outcome));
  } finally {
    sandbox.restore();
  }
  const s = await snapshot(ctx);
  assert.ok(s.status, `the extension reads the status of the test database: ${JSON.stringify(s.disconnected)}`);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, pollMs = 100): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
