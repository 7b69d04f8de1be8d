// A code-server (VS Code server + browser workbench, installed by test/host/setup.sh) with the
// packaged .vsix installed the way a user installs it: `--install-extension <vsix>` into its own
// extensions folder. Used by the UI tests and by the editor demo. Every byte it writes stays in one
// run folder, removed by stop(); the server runs in its own process group because its children
// (extension host, file watcher, pty host) outlive it.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freePort } from '../support/free-port';

const REPO = path.resolve(__dirname, '..', '..', '..');

interface HostModule {
  isInstalled(): boolean;
  HOST_DIR: string;
  NODE24: string;
  CODE_SERVER: string;
  PLAYWRIGHT_CORE: string;
  CHROME: string;
}

/** The paths test/host/ knows (one definition of where setup.sh installs things). */
export const host = require(path.join(REPO, 'test', 'host', 'run-in-host.cjs')) as HostModule;

/** Installs code-server, Node 24, playwright-core and Chromium on first use (a no-op when present). */
export function ensureHostInstalled(): void {
  if (host.isInstalled()) return;
  const r = spawnSync('bash', [path.join(REPO, 'test', 'host', 'setup.sh')], { stdio: 'inherit' });
  if (r.status !== 0 || !host.isInstalled()) {
    throw new Error(`test/host/setup.sh did not install code-server into ${host.HOST_DIR} (exit ${r.status ?? r.signal})`);
  }
}

export interface CodeServerOptions {
  /** The packaged extension to install. */
  vsix: string;
  /** Folder under which the run folder is made. */
  runsDir: string;
  /** false: `--disable-workspace-trust` (every folder trusted); true: VS Code's normal trust prompt. */
  workspaceTrust: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Fixed port; default a free one. */
  port?: number;
}

export interface CodeServer {
  url: string;
  /** `http://127.0.0.1:PORT/?folder=…` or `?workspace=…` for a .code-workspace file. */
  urlFor(target: string): string;
  /** Everything the server printed (for failure reports). */
  log(): string;
  stop(): Promise<void>;
}

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'editor.minimap.enabled': false,
};

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  ensureHostInstalled();
  fs.mkdirSync(o.runsDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(o.runsDir, 'code-server-'));
  const userData = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const xdg = path.join(runDir, 'xdg');
  for (const d of [path.join(userData, 'User'), extensionsDir, xdg]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...o.settings }, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg, TMPDIR: runDir };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir];

  const install = spawnSync(host.NODE24, [host.CODE_SERVER, ...common, '--install-extension', o.vsix], { env, encoding: 'utf8' });
  const installed = fs.readdirSync(extensionsDir).filter((d) => d.startsWith('migration-chain.'));
  if (install.status !== 0 || installed.length === 0) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw new Error(`code-server --install-extension ${o.vsix} failed (exit ${install.status}):\n${install.stdout}${install.stderr}`);
  }

  const port = o.port ?? await freePort();
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [host.CODE_SERVER, '--config', config, ...common, '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override'];
  if (!o.workspaceTrust) args.push('--disable-workspace-trust');
  const server = spawn(host.NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output: string[] = [];
  server.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  server.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = stopper(server, runDir);
  try {
    await waitHealthy(url, server, () => output.join(''));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    urlFor: (target) => `${url}/?${target.endsWith('.code-workspace') ? 'workspace' : 'folder'}=${encodeURIComponent(target)}`,
    log: () => output.join(''),
    stop,
  };
}

function stopper(server: ChildProcess, runDir: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= (async () => {
      const exited = new Promise<void>((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) resolve();
        else server.once('exit', () => resolve());
      });
      signalGroup(server, 'SIGTERM');
      await Promise.race([exited, sleep(2000)]);
      signalGroup(server, 'SIGKILL');
      // The group's last members (file watcher) may still hold files open for a moment.
      for (let i = 0; i < 20 && groupAlive(server); i++) await sleep(100);
      fs.rmSync(runDir, { recursive: true, force: true });
    })();
    return done;
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is already gone
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitHealthy(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`code-server exited during start-up:\n${log()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`code-server did not answer ${url}/healthz within 90 s:\n${log()}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
