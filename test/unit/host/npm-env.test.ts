// The harness installer (test/host/setup.sh) runs an inner `npm install` of code-server. Started from
// `npm run demo` / `npm test`, it inherits the outer npm's configuration as npm_config_* variables,
// which the inner npm reads as its own and hands to install scripts: code-server's postinstall then saw
// "node/v20" in the user agent and refused. setup.sh clears that environment first
// (test/host/npm-env.sh); these tests run a real npm in such an environment.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const NPM_ENV_SH = path.join(ROOT, 'test', 'host', 'npm-env.sh');

/** What `npm run` passes down to a script, with values that cannot be mistaken for npm's own. */
function outerNpmEnv(): NodeJS.ProcessEnv {
  // Whatever npm started this test run (npx, npm test) is left out, so the test sees only these values.
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return {
    ...base,
    npm_config_user_agent: 'npm/0.0.0 node/v0.0.0-outer linux x64 workspaces/false',
    npm_config_local_prefix: '/nonexistent-outer-local-prefix',
    npm_config_prefix: '/nonexistent-outer-prefix',
    npm_config_global_prefix: '/nonexistent-outer-prefix',
    npm_config_nodedir: '/nonexistent-outer-nodedir',
    npm_config_node_gyp: '/nonexistent-outer/node-gyp.js',
    npm_execpath: '/nonexistent-outer/npm-cli.js',
    npm_node_execpath: '/nonexistent-outer/node',
    npm_lifecycle_event: 'demo',
    npm_package_name: 'migration-chain',
    NPM_CONFIG_LOGLEVEL: 'silly',
    npm_config_registry: 'http://127.0.0.1:9/registry-kept/',
    npm_config_cafile: '/etc/ssl/certs/kept.pem',
  };
}

/** Runs `script` in bash in `cwd`, after sourcing npm-env.sh and (when `clean`) calling mc_clean_npm_env. */
function bash(script: string, cwd: string, clean: boolean): string {
  const r = spawnSync('bash', ['-c', `. "$1"; ${clean ? 'mc_clean_npm_env;' : ''} ${script}`, 'bash', NPM_ENV_SH],
    { cwd, env: outerNpmEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, `bash failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * What a script started by an inner npm in `dir` sees: the user agent (code-server's postinstall reads
 * the Node version from it) and the node-gyp headers folder.
 */
function innerNpmView(dir: string, clean: boolean): { agent: string; nodedir: string } {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'probe', private: true,
    scripts: { probe: 'node -e "console.log(process.env.npm_config_user_agent); console.log(process.env.npm_config_nodedir)"' },
  }));
  const [agent, nodedir] = bash('npm run --silent probe', dir, clean).trim().split('\n');
  return { agent, nodedir };
}

describe('harness install: the environment an outer npm run passes down', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-npm-env-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('without clearing it, an inner npm passes on the outer user agent and nodedir (the bug this guards)', () => {
    const { agent, nodedir } = innerNpmView(dir, false);
    assert.match(agent, /node\/v0\.0\.0-outer/);
    assert.equal(nodedir, '/nonexistent-outer-nodedir');
  });

  it('after mc_clean_npm_env, an inner npm names the Node it runs on and none of the outer settings', () => {
    const { agent, nodedir } = innerNpmView(dir, true);
    assert.match(agent, new RegExp(`node/${process.version.replace(/\./g, '\\.')} `));
    assert.notEqual(nodedir, '/nonexistent-outer-nodedir');
  });

  it('keeps only the settings that say how to reach the registry', () => {
    const vars = bash('env', dir, true).split('\n').filter((l) => /^npm_/i.test(l)).sort();
    assert.deepEqual(vars, ['npm_config_cafile=/etc/ssl/certs/kept.pem', 'npm_config_registry=http://127.0.0.1:9/registry-kept/']);
  });
});
