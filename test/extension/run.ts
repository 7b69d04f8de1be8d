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
import * as fs from 'fs';
import * as path from 'path';
import { alembicPython } from '../support/alembic';
import { REPO, runPasses, type Pass } from './host-passes';

const FIXTURE_WORKSPACE = path.join(REPO, 'test', 'fixtures', 'workspace');
const SEED_MIGRATIONS = path.join(REPO, 'migrations');
const ALEMBIC_EXAMPLE = path.join(REPO, 'examples', 'alembic-backend');

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

const PASSES: Pass[] = [
  { name: 'fixture', make: makeWorkspace },
  { name: 'alembic-root', make: makeAlembicWorkspace, suite: 'alembic-root' },
];

runPasses('test:extension', PASSES).then(
  (code) => process.exit(code),
  (err) => {
    console.error('[test:extension] could not run the extension tests:', err);
    process.exit(1);
  },
);
