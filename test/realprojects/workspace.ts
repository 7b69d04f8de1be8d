// Working copies and virtual environments of the real projects, under .test-artifacts/realprojects/
// (git-ignored), built by the suite itself on first use and reused after (idempotent: a venv is
// rebuilt only when its spec changed or it is broken). Each project × Alembic flavour has one
// working copy, a git repository like the user's, with the venv where the project keeps it
// (backend/.venv, .venv) so that Migration Chain finds it without configuration. The copy's files
// are laid anew from the fixture before each test; the venv is kept.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../reliability/support/cli';
import { FIXTURES, type AlembicFlavour, type RealProject, type VenvSpec } from './projects';

export const ARTIFACTS = path.join(REPO_ROOT, '.test-artifacts', 'realprojects');
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface Workspace {
  project: RealProject;
  flavour: AlembicFlavour;
  /** The working copy's root (a git repository). */
  root: string;
  /** The folder of alembic.ini. */
  projectDir: string;
  iniFile: string;
  python: string;
  alembicVersion: string;
  /** How long building the venv took in this run (0 when it was reused). */
  installMs: number;
}

export function workRoot(project: RealProject, flavour: AlembicFlavour): string {
  return path.join(ARTIFACTS, `${project.fixture}-${flavour}`);
}

/** Lays the fixture's files anew in the working copy, keeping its venv and .git. */
export function refreshCopy(project: RealProject, flavour: AlembicFlavour): string {
  const root = workRoot(project, flavour);
  fs.mkdirSync(root, { recursive: true });
  const keep = new Set([path.join(root, project.venvDir), path.join(root, '.git')]);
  const clear = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (keep.has(full)) continue;
      if (entry.isDirectory() && [...keep].some((k) => k.startsWith(full + path.sep))) clear(full);
      else fs.rmSync(full, { recursive: true, force: true });
    }
  };
  clear(root);
  fs.cpSync(path.join(FIXTURES, project.fixture), root, { recursive: true });
  if (!fs.existsSync(path.join(root, '.git'))) execFileSync('git', ['init', '-q', root]);
  return root;
}

function dpkgInstalled(pkg: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

/** Installs the Debian packages the venvs need, once, as install-alembic.sh does (waiting for the apt lock). */
export function ensureAptPackages(packages: readonly string[]): void {
  const missing = [...new Set(packages)].filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  const script = `. "${path.join(REPO_ROOT, 'test', 'support', 'apt-wait.sh')}"; SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n";
    apt_run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} || { apt_run $SUDO apt-get update -qq && apt_run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}; }`;
  try {
    execFileSync('bash', ['-c', script], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
  } catch (err) {
    throw new Error(`The real-project suite needs the Debian packages ${missing.join(', ')} and apt-get could not install them: ${(err as Error).message}`);
  }
}

function run(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; log: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(opts.log, 'a');
    fs.writeSync(out, `\n$ ${argv.join(' ')}\n`);
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', out, out] });
    child.on('error', (err) => { fs.closeSync(out); reject(err); });
    child.on('close', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${argv.join(' ')} failed (exit ${code}); its output: ${opts.log}\n${fs.readFileSync(opts.log, 'utf8').split('\n').slice(-25).join('\n')}`));
    });
  });
}

// pip's configured index here is a local mirror; a default index it cannot reach must fail at once,
// not after pip's retries with backoff (2 minutes per package).
const PIP_ENV = { PIP_RETRIES: '0', PIP_TIMEOUT: '15', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };

async function buildVenv(root: string, venv: string, spec: VenvSpec): Promise<void> {
  const log = path.join(ARTIFACTS, `${path.basename(root)}.install.log`);
  fs.writeFileSync(log, '');
  fs.rmSync(venv, { recursive: true, force: true });
  await run([SYSTEM_PYTHON, '-m', 'venv', ...(spec.systemSite ? ['--system-site-packages'] : []), venv], { log });
  const pip = [path.join(venv, 'bin', 'python'), '-m', 'pip', 'install', '--quiet'];
  if (spec.pip.length > 0) await run([...pip, ...spec.pip], { log, env: PIP_ENV });
  if (spec.editable) await run([...pip, '--no-deps', '-e', path.join(root, spec.editable)], { log, env: PIP_ENV });
}

function venvPython(venv: string): string {
  return path.join(venv, 'bin', 'python');
}

function alembicVersionOf(python: string): string | undefined {
  try {
    return execFileSync(python, ['-c', 'import alembic, sqlalchemy; print(alembic.__version__)'], { encoding: 'utf8', cwd: '/', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/** The working copy and its venv, built when missing or when its spec changed. */
export async function prepareWorkspace(project: RealProject, flavour: AlembicFlavour): Promise<Workspace> {
  const spec = project.venv[flavour];
  const root = refreshCopy(project, flavour);
  const venv = path.join(root, project.venvDir);
  const stampFile = path.join(venv, '.mc-realprojects-spec.json');
  const stamp = JSON.stringify(spec);
  let installMs = 0;
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
  if (current !== stamp || !alembicVersionOf(venvPython(venv))) {
    const started = performance.now();
    await buildVenv(root, venv, spec);
    installMs = performance.now() - started;
    fs.writeFileSync(stampFile, stamp);
  }
  const python = venvPython(venv);
  const alembicVersion = alembicVersionOf(python);
  if (!alembicVersion) throw new Error(`${venv} was built but its python cannot import alembic and sqlalchemy`);
  const iniFile = path.join(root, project.ini);
  return { project, flavour, root, projectDir: path.dirname(iniFile), iniFile, python, alembicVersion, installMs };
}

/** Debian's python3-alembic version (the 'debian' flavour must run exactly this one). */
export function debianAlembicVersion(): string {
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'python3-alembic'], { encoding: 'utf8' }).replace(/-[^-]+$/, '');
}

/** Where a developer of the project runs its commands: the folder of alembic.ini, or the root for Flask-Migrate's `flask db`. */
export function projectCwd(ws: Workspace): string {
  return ws.project.ini.startsWith('migrations/') ? ws.root : ws.projectDir;
}

/** The venv's real Alembic (for Flask-Migrate: `flask db`), run where the project's developers run it; returns stdout. */
export function realAlembic(ws: Workspace, args: string[], url?: string): string {
  const argv = [...ws.project.realAlembic(ws.root), ...args];
  const r = spawnSync(ws.python, argv, {
    cwd: projectCwd(ws),
    env: { ...process.env, DATABASE_URL: '', ...ws.project.baseEnv, ...(url ? ws.project.realEnv(url) : {}) },
    encoding: 'utf8', timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`real ${argv.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
