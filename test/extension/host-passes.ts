// Runs extension-host passes: each pass opens one workspace in a real VS Code extension host
// (test/host/code: code-server + headless Chromium, or a desktop VS Code, see run.ts) against its own
// database on one test PostgreSQL server, runs a suite folder of test/extension/suite inside it, and
// adds up what the passes report. `npm run test:extension` (run.ts) and the real-project suite's
// editor part (test/realprojects/editor-run.ts) both run through here.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { startPostgres, type PgServer } from '../support/embedded-postgres';

export const REPO = path.resolve(__dirname, '..', '..', '..');
const SUITE = path.join(__dirname, 'suite', 'index.js');
const SHIM = path.join(REPO, 'test', 'host', 'code');

export interface Pass {
  name: string;
  /** The workspace folder to open (a scratch copy); given the server so it can make databases of its own. */
  make: (pg: PgServer) => string | Promise<string>;
  /** The subfolder of suite/ it runs (see suite/index.ts); none = the fixture workspace's files. */
  suite?: string;
  /** More variables for the suite (extensionTestsEnv), given the pass's database URL. */
  env?: (databaseUrl: string, pg: PgServer) => Record<string, string> | Promise<Record<string, string>>;
  /** Deletes the workspace afterwards (default true; MC_HOST_DEBUG=1 keeps it). */
  removeAfter?: boolean;
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function chooseVSCode(): { vscodeExecutablePath?: string; version?: string; label: string } {
  if (process.env.VSCODE_EXECUTABLE_PATH) {
    return { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH, label: process.env.VSCODE_EXECUTABLE_PATH };
  }
  if (process.env.MC_USE_DESKTOP_VSCODE === '1') {
    const version = process.env.MC_VSCODE_VERSION || 'stable';
    return { version, label: `desktop VS Code ${version} downloaded by @vscode/test-electron` };
  }
  const host = require(path.join(REPO, 'test', 'host', 'run-in-host.cjs')) as { isInstalled(): boolean };
  if (!host.isInstalled()) run('bash', [path.join(REPO, 'test', 'host', 'setup.sh')]);
  return { vscodeExecutablePath: SHIM, label: 'code-server extension host (test/host/code)' };
}

/** Runs the passes (MC_TEST_WORKSPACES=a,b picks some by name); the exit code: 0 when every pass reported and nothing failed. */
export async function runPasses(tag: string, passes: readonly Pass[]): Promise<number> {
  const started = Date.now();
  // The extension under test is the bundle that ships (package.json "main": dist/extension.js), with
  // the PostgreSQL parser it requires on the first lint (dist/libpg-query/, built by its own target).
  // The revision graph webview's script (dist/webview/graph.js) ships beside the extension bundle.
  run(process.execPath, [path.join(REPO, 'esbuild.mjs'), 'extension', 'pg-parser', 'graph-webview']);
  const vscode = chooseVSCode();
  const only = process.env.MC_TEST_WORKSPACES?.split(',').map((s) => s.trim()).filter(Boolean);
  const pg = await startPostgres();
  let failed = 0;
  const totals = { passed: 0, failed: 0 };
  try {
    for (const pass of passes.filter((p) => !only?.length || only.includes(p.name))) {
      const tally = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-ext-tally-')), 'tally.jsonl');
      let workspace: string | undefined;
      try {
        workspace = await pass.make(pg);
        const databaseUrl = await pg.createDatabase('ext');
        console.log(`[${tag}] ${pass.name}: VS Code: ${vscode.label}; workspace: ${path.relative(REPO, workspace)}`);
        await runTests({
          ...(vscode.vscodeExecutablePath ? { vscodeExecutablePath: vscode.vscodeExecutablePath } : { version: vscode.version }),
          extensionDevelopmentPath: REPO,
          extensionTestsPath: SUITE,
          launchArgs: [workspace, '--disable-extensions'],
          extensionTestsEnv: {
            MC_TEST_DATABASE_URL: databaseUrl, MC_TEST_WORKSPACE: workspace, MC_TEST_TALLY_FILE: tally,
            ...(pass.suite ? { MC_TEST_SUITE: pass.suite } : {}),
            ...(pass.env ? await pass.env(databaseUrl, pg) : {}),
          },
        });
      } catch (err) {
        // runTests rejects with "Test run failed with code N"; the suite has already printed the details.
        console.error(`[${tag}] ${pass.name}: ${err instanceof Error ? err.message : String(err)}`);
        failed++;
      } finally {
        if (workspace && pass.removeAfter !== false && process.env.MC_HOST_DEBUG !== '1') fs.rmSync(workspace, { recursive: true, force: true });
        // A pass that reported nothing ran nothing it could vouch for: one failure.
        const lines = fs.existsSync(tally) ? fs.readFileSync(tally, 'utf8').split('\n').filter(Boolean) : [];
        if (!lines.length) totals.failed++;
        for (const line of lines) {
          const r = JSON.parse(line) as { passed: number; failed: number };
          totals.passed += r.passed;
          totals.failed += r.failed;
        }
        fs.rmSync(path.dirname(tally), { recursive: true, force: true });
      }
    }
    // The last summary line is the whole suite's (npm test reads the last one).
    console.log(`${totals.passed} passed, ${totals.failed} failed`);
    return failed || totals.failed ? 1 : 0;
  } finally {
    await pg.stop();
    console.log(`[${tag}] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
