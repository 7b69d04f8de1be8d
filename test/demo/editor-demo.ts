// `npm run demo`: the extension on the sample project, in an editor, against a throwaway PostgreSQL.
// Builds the .vsix (`npm run package`), starts the embedded PostgreSQL the tests use, writes the
// sample project (the repository's migrations/ plus a .env naming the new database) into a temp
// folder, then opens it:
//   - in desktop VS Code when a `code` command is on PATH (`code --install-extension`, `code <folder>`);
//   - otherwise in the browser workbench of the test harness (code-server from .vscode-host/, set up
//     on first use by test/host/setup.sh) on 127.0.0.1, printing the URL to open.
// Ctrl-C stops everything it started and deletes the temp folder and the database's data directory.
// `npm run demo -- --check` (CI runs it) does the same in the browser workbench, then checks in
// headless Chromium that the workbench answers and the Migration Chain view lists the sample chain,
// stops and cleans up; it exits 1 with what it expected to see when a step fails.
// Env: MC_DEMO_BROWSER=1 uses the browser workbench even when `code` exists; MC_DEMO_PORT picks its port.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startPostgres } from '../support/embedded-postgres';
import { freePort } from '../support/free-port';
import { startCodeServer } from '../ui/code-server';
import { checkWorkbench } from './demo-check';
import { writeSampleProject } from '../ui/sample-project';
import { buildVsix } from '../ui/vsix';

const say = (message: string) => console.log(`[demo] ${message}`);

/** The absolute path of `command` on PATH, or undefined. */
function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function maskPassword(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '****';
  return u.toString();
}

const CHECK = process.argv.includes('--check');

async function main(): Promise<void> {
  const started = Date.now();
  const cleanups: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stop = async (why: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping what the demo started…`);
    for (const fn of cleanups.reverse()) {
      await Promise.resolve().then(fn).catch((e: unknown) => console.error('[demo] clean-up:', e));
    }
    say('stopped; nothing left behind.');
    process.exit(exitCode);
  };
  // `on`, not `once`: a terminal's Ctrl-C reaches both npm and this process, and npm forwards it again;
  // a second signal must not kill the process halfway through its clean-up.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void stop(sig));

  try {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-demo-'));
    cleanups.push(() => fs.rmSync(temp, { recursive: true, force: true }));

    say('building the extension package (npm run package)…');
    const vsix = await buildVsix(path.join(temp, 'package'));

    say('starting a throwaway PostgreSQL…');
    const pg = await startPostgres();
    cleanups.push(() => pg.stop());
    const databaseUrl = await pg.createDatabase('demo');
    const project = writeSampleProject(path.join(temp, 'sample-project'), databaseUrl);
    say(`sample project: ${project} (migrations/ and .env with DATABASE_URL=${maskPassword(databaseUrl)})`);

    const code = CHECK || process.env.MC_DEMO_BROWSER === '1' ? undefined : onPath('code');
    if (code) {
      const install = spawnSync(code, ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
      if (install.status !== 0) throw new Error(`code --install-extension failed (exit ${install.status ?? install.signal})`);
      const open = spawnSync(code, ['--new-window', project], { stdio: 'inherit' });
      if (open.status !== 0) throw new Error(`code ${project} failed (exit ${open.status ?? open.signal})`);
      say('opened the sample project in VS Code (the extension stays installed; remove it with');
      say('  `code --uninstall-extension migration-chain.migration-chain`).');
    } else {
      say('no `code` command on PATH: starting the browser workbench (code-server) instead…');
      const port = Number(process.env.MC_DEMO_PORT) || await freePort();
      const server = await startCodeServer({
        vsix, runsDir: path.join(temp, 'code-server'), workspaceTrust: false, port,
        settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden' },
      });
      cleanups.push(() => server.stop());
      say('open this URL in a browser on this machine (it listens on 127.0.0.1 only; from elsewhere');
      say(`forward the port first, e.g. \`ssh -L ${port}:127.0.0.1:${port} <this host>\`):`);
      console.log(`\n    ${server.urlFor(project)}\n`);
      if (CHECK) {
        say('checking the workbench in headless Chromium…');
        const rows = await checkWorkbench(server.urlFor(project), path.basename(project), path.join(temp, 'chromium'));
        say(`check passed in ${((Date.now() - started) / 1000).toFixed(1)} s: the Migration Chain view lists the sample chain:`);
        for (const row of rows) say(`  ${row}`);
        await stop('check done');
        return;
      }
    }
    say('Try: the Migration Chain icon in the activity bar, "Migration Chain: Reset Database" from the');
    say('command palette (F1), the CodeLens at the top of each file in migrations/.');
    say(code
      ? 'Press Ctrl-C to stop PostgreSQL and delete the sample project (close its VS Code window too).'
      : 'Press Ctrl-C to stop code-server and PostgreSQL and delete the sample project.');
    setInterval(() => undefined, 1 << 30); // stay up until a signal
  } catch (err) {
    console.error('[demo] failed:', err instanceof Error ? err.message : err);
    await stop('error', 1);
  }
}

void main();
