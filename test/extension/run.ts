// `npm run test:extension`: runs test/extension/suite inside a real VS Code extension host through
// @vscode/test-electron's runTests(), against a real PostgreSQL, on a scratch copy of the fixture
// workspace. Which VS Code:
//   VSCODE_EXECUTABLE_PATH=<path>   that executable (a desktop VS Code, or test/host/code)
//   MC_USE_DESKTOP_VSCODE=1         let test-electron download desktop VS Code (needs network; on Linux
//                                   without a display run under `xvfb-run -a`); MC_VSCODE_VERSION picks
//                                   the version (default stable; e.g. 1.90.0, the engines.vscode minimum)
//   otherwise                       test/host/code: code-server + headless Chromium, installed on first use
//                                   by test/host/setup.sh into .vscode-host/ (works offline after that)
// MC_TEST_GREP=<text> runs only matching tests; MC_HOST_DEBUG=1 keeps the scratch dirs.
// A second host opens a copy of examples/alembic-backend/ (the repository root of an Alembic project)
// for suite/alembic-root/, with real Alembic; MC_TEST_WORKSPACES=fixture|alembic-root runs only one.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import { alembicPython } from '../support/alembic';
import { startPostgres } from '../support/embedded-postgres';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SUITE = path.join(__dirname, 'suite', 'index.js');
const FIXTURE_WORKSPACE = path.join(REPO, 'test', 'fixtures', 'workspace');
const SEED_MIGRATIONS = path.join(REPO, 'migrations');
const ALEMBIC_EXAMPLE = path.join(REPO, 'examples', 'alembic-backend');
const SHIM = path.join(REPO, 'test', 'host', 'code');

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

/** A scratch copy, so tests may create, edit and delete migration files freely. */
function makeWorkspace(): string {
  const base = path.join(REPO, '.test-artifacts', 'extension');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'workspace-'));
  fs.cpSync(FIXTURE_WORKSPACE, dir, { recursive: true });
  if (fs.existsSync(SEED_MIGRATIONS) && !fs.existsSync(path.join(dir, 'migrations'))) {
    fs.cpSync(SEED_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  }
  return dir;
}

/**
 * A scratch copy of the example's repository root, its Alembic command set to the python3 that has
 * real Alembic (Debian's python3-alembic; the default lookup may find another python3 first).
 */
function makeAlembicWorkspace(): string {
  const base = path.join(REPO, '.test-artifacts', 'extension');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'alembic-root-'));
  fs.cpSync(ALEMBIC_EXAMPLE, dir, { recursive: true, filter: (src) => !src.includes('__pycache__') });
  fs.mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'migrationChain.alembic.command': `${alembicPython()} -m alembic` }, null, 2));
  return dir;
}

interface Pass {
  name: string;
  make: () => string;
  /** The subfolder of suite/ it runs (see suite/index.ts); none = the fixture workspace's files. */
  suite?: string;
}

const PASSES: Pass[] = [
  { name: 'fixture', make: makeWorkspace },
  { name: 'alembic-root', make: makeAlembicWorkspace, suite: 'alembic-root' },
];

async function main(): Promise<number> {
  const started = Date.now();
  // The extension under test is the bundle that ships (package.json "main": dist/extension.js), with
  // the PostgreSQL parser it requires on the first lint (dist/libpg-query/, built by its own target)
  // and the revision graph webview's script (dist/webview/graph.js).
  run(process.execPath, [path.join(REPO, 'esbuild.mjs'), 'extension', 'pg-parser', 'graph-webview']);
  const vscode = chooseVSCode();
  const only = process.env.MC_TEST_WORKSPACES?.split(',').map((s) => s.trim()).filter(Boolean);
  const pg = await startPostgres();
  let failed = 0;
  const totals = { passed: 0, failed: 0 };
  try {
    for (const pass of PASSES.filter((p) => !only?.length || only.includes(p.name))) {
      const tally = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mc-ext-tally-')), 'tally.jsonl');
      const workspace = pass.make();
      try {
        const databaseUrl = await pg.createDatabase('ext');
        console.log(`[test:extension] VS Code: ${vscode.label}; workspace: ${path.relative(REPO, workspace)}`);
        await runTests({
          ...(vscode.vscodeExecutablePath ? { vscodeExecutablePath: vscode.vscodeExecutablePath } : { version: vscode.version }),
          extensionDevelopmentPath: REPO,
          extensionTestsPath: SUITE,
          launchArgs: [workspace, '--disable-extensions'],
          extensionTestsEnv: { MC_TEST_DATABASE_URL: databaseUrl, MC_TEST_WORKSPACE: workspace, MC_TEST_TALLY_FILE: tally, ...(pass.suite ? { MC_TEST_SUITE: pass.suite } : {}) },
        });
      } catch (err) {
        // runTests rejects with "Test run failed with code N"; the suite has already printed the details.
        console.error(`[test:extension] ${pass.name}: ${err instanceof Error ? err.message : String(err)}`);
        failed++;
      } finally {
        if (process.env.MC_HOST_DEBUG !== '1') fs.rmSync(workspace, { recursive: true, force: true });
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
    console.log(`[test:extension] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('[test:extension] could not run the extension tests:', err);
    process.exit(1);
  },
);
