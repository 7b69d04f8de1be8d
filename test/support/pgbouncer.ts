// Real PgBouncer in front of the test server, for the pooler tests: Debian's `pgbouncer` binary
// (installed on first use by install-pgbouncer.sh), run as the unprivileged user the test server
// runs as (PgBouncer refuses root), on a free loopback port, with a generated ini and userlist.
// Every database of the server is reachable through it under the same name (`* =`). A `sh` watchdog
// with its stdin piped from this process stops PgBouncer when Node dies, however it dies.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from '../reliability/support/cli';
import { firstLine, type PgServer } from './embedded-postgres';
import { freePort } from './free-port';

export type PoolMode = 'transaction' | 'session';

export interface Bouncer {
  mode: PoolMode;
  port: number;
  /** The same database as `directUrl`, through PgBouncer. */
  pooledUrl(directUrl: string): string;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** The pgbouncer binary; installs Debian's package on first use. Fails loudly when it cannot. */
export function pgbouncerBinary(): string {
  const found = () => CANDIDATES.find((p) => fs.existsSync(p));
  let bin = found();
  if (bin) return bin;
  try {
    execFileSync('bash', [path.join(REPO_ROOT, 'test', 'support', 'install-pgbouncer.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 });
  } catch (err) {
    throw new Error(`Real PgBouncer is required by this suite and could not be installed: ${(err as Error).message}`);
  }
  bin = found();
  if (!bin) throw new Error('install-pgbouncer.sh ran, but no pgbouncer binary was found in ' + CANDIDATES.join(', '));
  return bin;
}

interface RunAs { uid: number; gid: number }

function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'mcpg']) {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', name], { stdio: 'pipe' }).toString().trim()),
        gid: Number(execFileSync('id', ['-g', name], { stdio: 'pipe' }).toString().trim()),
      };
    } catch {
      // next
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'mcpg'], { stdio: 'pipe' });
  return unprivilegedUser();
}

export interface BouncerOptions {
  /** default_pool_size: server connections per database and user (default 2). */
  poolSize?: number;
  /** query_wait_timeout: how long a client waits for a server connection before PgBouncer drops it (PgBouncer's default 120 s). */
  queryWaitTimeoutSeconds?: number;
  /** stats_users: may read SHOW POOLS / SHOW DATABASES on the admin console, as a self-hosted operator may allow. */
  statsUsers?: string[];
}

export async function startPgBouncer(server: PgServer, mode: PoolMode, options: BouncerOptions = {}): Promise<Bouncer> {
  const bin = pgbouncerBinary();
  const runAs = unprivilegedUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-pgbouncer-'));
  const port = await freePort();
  const ini = path.join(root, 'pgbouncer.ini');
  const userlist = path.join(root, 'userlist.txt');
  const log = path.join(root, 'pgbouncer.log');
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  fs.writeFileSync(userlist, `${q(server.user)} ${q(server.password)}\n`, { mode: 0o600 });
  fs.writeFileSync(ini, [
    '[databases]',
    `* = host=${server.host} port=${server.port}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${userlist}`,
    `pool_mode = ${mode}`,
    // Small pools, as on hosted poolers: transactions of different clients share server connections.
    `default_pool_size = ${options.poolSize ?? 2}`,
    'max_client_conn = 500',
    'max_db_connections = 20',
    ...(options.queryWaitTimeoutSeconds !== undefined ? [`query_wait_timeout = ${options.queryWaitTimeoutSeconds}`] : []),
    ...(options.statsUsers?.length ? [`stats_users = ${options.statsUsers.join(', ')}`] : []),
    `logfile = ${log}`,
    `pidfile = ${path.join(root, 'pgbouncer.pid')}`,
    'ignore_startup_parameters = extra_float_digits',
    '',
  ].join('\n'));
  if (runAs) for (const f of [root, ini, userlist]) fs.chownSync(f, runAs.uid, runAs.gid);

  const prefix = runAs ? ['setpriv', `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups'] : [];
  const script = ['root="$1"; shift', '"$@" &', 'pb=$!', 'echo "$pb"', 'cat >/dev/null', 'kill -INT "$pb" 2>/dev/null', 'wait "$pb" 2>/dev/null', 'rm -rf "$root"', 'echo stopped'].join('\n');
  const child = spawn('sh', ['-c', script, 'mc-pgbouncer-watchdog', root, ...prefix, bin, '-q', ini], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
  const pid = await firstLine(child, 'the PgBouncer watchdog');
  const pooledUrl = (directUrl: string) => {
    const u = new URL(directUrl);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  };
  const stop = () => stopWatchdog(child);
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const c = new Client({ connectionString: pooledUrl(server.adminUrl) });
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      break;
    } catch (err) {
      if (Date.now() > deadline || !alive(pid)) {
        const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
        await stop();
        throw new Error(`PgBouncer (${mode} mode) did not accept connections on port ${port}: ${(err as Error).message}\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.unref();
  (child.stdin as unknown as net.Socket).unref();
  (child.stdout as unknown as net.Socket).unref();
  return { mode, port, pooledUrl, stop };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


function stopWatchdog(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.ref();
    (child.stdout as unknown as net.Socket).ref();
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('stopped')) resolve();
    });
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}
