// The proof that an Alembic run reached the database we named, before it changes anything.
//
// Many env.py files build their URL from their own settings (pydantic-settings composing
// POSTGRES_*, alembic.ini's sqlalchemy.url, …) and never read the variable we set; Alembic then
// migrates another database while we read, lock and verify ours. So every delegated run carries a
// per-run sentinel: before Alembic may start, a session of ours on the intended database takes a
// session advisory lock on a random key pair (pg_locks is readable by every role, and an advisory
// lock records the database it was taken in). The child Python gets PYTHONPATH with a
// `sitecustomize.py` of ours: when Alembic's `alembic.config` module loads (whatever started it: the
// venv's alembic script, `python -m alembic`, `poetry run alembic`, our early launcher), it registers
// a pool "connect" listener on every SQLAlchemy Engine (the sync engine behind an async one too).
// On each new DBAPI connection the listener asks the server which database it is and whether a lock
// with our key is held in it; if not, it writes one report line and ends the process with os._exit
// at once — before Alembic ran a single statement there. Our own check query is a SELECT, rolled back.
//
// The child's report lines start with GUARD_PREFIX on stderr; process.ts takes them out of the
// output. "armed" says the listener is in place (a command that is not Python, or a Python that
// ignores PYTHONPATH, never arms it: callers then fall back to checking the version table after the
// run and say that the connection could not be checked); "proven" that a connection reached the
// intended database; "refused" names the database it reached instead.
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClientBase } from 'pg';
import type { ReachedDatabase } from '../../errors';

export const GUARD_PREFIX = '@@migration-chain-guard ';
export const GUARD_ENV = 'MIGRATION_CHAIN_GUARD';
/** The child's exit code when the guard stopped it. */
export const GUARD_EXIT_CODE = 86;

/** Where the fixes for each env.py style are written down (shipped in docs/, linked from the README). */
export const ENV_PY_DOCS = 'https://github.com/migration-chain/migration-chain/blob/main/docs/alembic-env-py.md';

/** Two positive int4 values: `pg_advisory_lock(int4, int4)` shows them as classid/objid with objsubid 2. */
export type SentinelKey = readonly [number, number];

export function newSentinelKey(): SentinelKey {
  return [randomInt(1, 2 ** 31 - 1), randomInt(1, 2 ** 31 - 1)];
}

/** Takes the sentinel lock on a session of the intended database; held until released or the session ends. */
export async function holdSentinel(client: Pick<ClientBase, 'query'>, key: SentinelKey): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1::int4, $2::int4)', [key[0], key[1]]);
}

export async function releaseSentinel(client: Pick<ClientBase, 'query'>, key: SentinelKey): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', [key[0], key[1]]).catch(() => undefined);
}

// Runs inside the project's Python. Only the standard library at start-up: sqlalchemy is imported
// once Alembic's config module has loaded (it imports SQLAlchemy itself), so a Python that never
// runs Alembic (`poetry` in `poetry run alembic`) pays one environment lookup. The sitecustomize the
// project's own environment may have is loaded after ours, as Python would have loaded it.
const SITECUSTOMIZE = String.raw`# Written by Migration Chain (src/core/alembic/run/connect-guard.ts). See that file for why.
import os as _mc_os
import sys as _mc_sys

_MC_PREFIX = ${JSON.stringify(GUARD_PREFIX)}


def _mc_report(kind, **fields):
    import json
    fields["kind"] = kind
    try:
        _mc_sys.stdout.flush()
    except Exception:
        pass
    _mc_sys.stderr.write("\n" + _MC_PREFIX + json.dumps(fields, default=str) + "\n")
    _mc_sys.stderr.flush()


def _mc_install(key1, key2):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sql = (
        "SELECT current_database(), host(inet_server_addr()), inet_server_port(), current_user::text, "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND d.datname = current_database() AND l.granted "
        "AND l.classid = %d AND l.objid = %d AND l.objsubid = 2)" % (key1, key2)
    )
    state = {"proven": False}

    def asked(cparams):
        out = {}
        for name in ("host", "port", "database", "dbname", "user"):
            if cparams.get(name) is not None:
                out["database" if name == "dbname" else name] = str(cparams[name])
        return out

    def on_do_connect(dialect, conn_rec, cargs, cparams):
        try:
            conn_rec.info["_mc_asked"] = asked(cparams)
        except Exception:
            pass

    def on_connect(dbapi_connection, conn_rec):
        row = None
        problem = None
        try:
            cur = dbapi_connection.cursor()
            cur.execute(sql)
            row = cur.fetchone()
            try:
                cur.close()
            except Exception:
                pass
        except Exception as exc:
            problem = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        try:
            dbapi_connection.rollback()
        except Exception:
            pass
        reached = {}
        try:
            reached["asked"] = conn_rec.info.get("_mc_asked", {})
        except Exception:
            reached["asked"] = {}
        if row is not None:
            reached.update(database=row[0], host=row[1], port=row[2], user=row[3])
        if row is not None and row[4]:
            if not state["proven"]:
                state["proven"] = True
                _mc_report("proven", **reached)
            return
        if problem:
            reached["problem"] = problem
        _mc_report("refused", **reached)
        _mc_os._exit(${GUARD_EXIT_CODE})

    try:
        event.listen(Engine, "do_connect", on_do_connect)
    except Exception:
        pass
    event.listen(Engine, "connect", on_connect, insert=True)
    _mc_report("armed")


class _MCAfterAlembicConfig(object):
    def __init__(self, key1, key2):
        self.key = (key1, key2)

    def find_spec(self, name, path=None, target=None):
        if name != "alembic.config":
            return None
        _mc_sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        original = spec.loader.exec_module
        key = self.key

        def exec_module(module):
            original(module)
            _mc_install(*key)

        spec.loader.exec_module = exec_module
        return spec


def _mc_start():
    value = _mc_os.environ.get(${JSON.stringify(GUARD_ENV)}, "")
    parts = value.split(":")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        _mc_sys.meta_path.insert(0, _MCAfterAlembicConfig(int(parts[0]), int(parts[1])))


def _mc_chain():
    # The sitecustomize this one shadows (the project's environment may have one).
    import importlib.machinery
    import importlib.util
    here = _mc_os.path.dirname(_mc_os.path.abspath(__file__))
    rest = [p for p in _mc_sys.path if _mc_os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


_mc_start()
try:
    _mc_chain()
except Exception:
    pass
`;

let dir: string | undefined;

/**
 * A private folder (mkdtemp: 0700, random name, so no other local user can put code there) holding
 * our sitecustomize.py; one per process, removed when the process exits.
 */
export function guardSiteDir(): string {
  if (dir && fs.existsSync(path.join(dir, 'sitecustomize.py'))) return dir;
  const created = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-chain-guard-'));
  fs.writeFileSync(path.join(created, 'sitecustomize.py'), SITECUSTOMIZE, { mode: 0o600 });
  dir = created;
  process.once('exit', () => { try { fs.rmSync(created, { recursive: true, force: true }); } catch { /* best effort */ } });
  return created;
}

/** The child's environment additions that arm the guard for `key`. */
export function guardEnv(key: SentinelKey, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const site = guardSiteDir();
  const pythonPath = inherited.PYTHONPATH ? `${site}${path.delimiter}${inherited.PYTHONPATH}` : site;
  return { [GUARD_ENV]: `${key[0]}:${key[1]}`, PYTHONPATH: pythonPath };
}


export type GuardReport =
  | { kind: 'armed' }
  | { kind: 'proven'; reached: ReachedDatabase }
  | { kind: 'refused'; reached: ReachedDatabase };

/** One report line of the child's guard, or undefined for any other line. Fields are checked. */
export function parseGuardLine(line: string): GuardReport | undefined {
  if (!line.startsWith(GUARD_PREFIX)) return undefined;
  let value: unknown;
  try { value = JSON.parse(line.slice(GUARD_PREFIX.length)); } catch { return undefined; }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.kind === 'armed') return { kind: 'armed' };
  if (v.kind !== 'proven' && v.kind !== 'refused') return undefined;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  const askedRaw = v.asked && typeof v.asked === 'object' ? v.asked as Record<string, unknown> : {};
  const asked: ReachedDatabase['asked'] = {};
  for (const k of ['host', 'port', 'database', 'user'] as const) { const s = str(askedRaw[k]); if (s) asked[k] = s; }
  const reached: ReachedDatabase = { asked };
  if (str(v.database)) reached.database = str(v.database);
  if (str(v.host)) reached.host = str(v.host);
  if (typeof v.port === 'number') reached.port = v.port;
  if (str(v.user)) reached.user = str(v.user);
  if (str(v.problem)) reached.problem = str(v.problem);
  return { kind: v.kind, reached };
}




/**
 * The fix for env.py's style, read from its text: which channel it takes its URL from, and the line
 * to add so that the URL we pass wins. Falls back to the general advice when the style is unclear.
 */
export function wrongDatabaseHint(envPyText: string | undefined, envVariable: string): string {
  const t = envPyText ?? '';
  const tips: string[] = [];
  const envNames = [...t.matchAll(/os\.(?:environ(?:\.get)?\s*[[(]|getenv\s*\()\s*["']([A-Za-z_][A-Za-z0-9_]*)["']/g)].map((m) => m[1]);
  const others = [...new Set(envNames.filter((n) => n !== envVariable))];
  if (/pydantic|BaseSettings|\bsettings\.[A-Za-z_]+/.test(t)) {
    tips.push(`env.py takes its URL from the app's settings (pydantic-settings style): an environment variable wins over .env there, so read ${envVariable} first — \`url = os.environ.get("${envVariable}") or str(settings.SQLALCHEMY_DATABASE_URI)\` — or compose from the POSTGRES_SERVER/POSTGRES_PORT/POSTGRES_USER/POSTGRES_PASSWORD/POSTGRES_DB variables Migration Chain also sets.`);
  }
  if (others.length) {
    tips.push(`env.py reads ${others.map((n) => `os.environ["${n}"]`).join(', ')}; Migration Chain sets ${envVariable}: set migrationChain.envVariable to ${others[0]}, or read ${envVariable} in env.py.`);
  }
  if (/get_main_option\(\s*["']sqlalchemy\.url["']/.test(t) && !/set_main_option\(\s*["']sqlalchemy\.url["']/.test(t)) {
    tips.push(`env.py uses sqlalchemy.url from alembic.ini; let the environment override it: \`config.set_main_option("sqlalchemy.url", os.environ.get("${envVariable}", config.get_main_option("sqlalchemy.url")))\` (escape % as %%).`);
  }
  if (/get_x_argument/.test(t)) {
    tips.push('env.py reads -x arguments: Migration Chain passes `-x dbname=URL` (without the password, which is in PGPASSWORD); read that key.');
  }
  if (!tips.length) tips.push(`Make env.py take its URL from os.environ["${envVariable}"] when it is set.`);
  return `${tips.join(' ')} Snippets for each style: ${ENV_PY_DOCS}`;
}
