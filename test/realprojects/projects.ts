// The public Alembic projects of the real-project suite, as copied into test/fixtures/realprojects/
// (each folder has the project's LICENSE and a NOTICE naming its repository and commit). Each entry
// says what the project IS (where alembic.ini, env.py and the venv live, what its env.py reads the
// database from, what it needs installed) and what a developer of that project does to point it at
// a database: the suite uses that to give env.py a database of its own (the "configured" one) and
// checks that Migration Chain never changes it when told to work on another.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../reliability/support/cli';

export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'realprojects');

/** The two Alembic versions every project runs with. */
export type AlembicFlavour = 'debian' | 'latest';
export const FLAVOURS: readonly AlembicFlavour[] = ['debian', 'latest'];

export interface VenvSpec {
  /** Debian packages the venv sees through --system-site-packages (installed with apt-get when missing). */
  apt: string[];
  /** Built with --system-site-packages (Debian's python3 dist-packages visible). */
  systemSite: boolean;
  /** `pip install` arguments (pip's configured index); empty: no pip step. */
  pip: string[];
  /** Also `pip install --no-deps -e <project package dir>`: the project itself, as `uv sync` / `pip install -e .` leave it. */
  editable?: string;
  /** Why this venv looks the way it does (printed in the suite's report). */
  note: string;
}

export interface RealProject {
  name: string;
  /** Folder under test/fixtures/realprojects. */
  fixture: string;
  /** alembic.ini relative to the project root (the repository root of the copy). */
  ini: string;
  /** Where the project keeps its virtual environment, relative to the root (`.venv` found by Migration Chain). */
  venvDir: string;
  /** The revisions from base to head, in order (a linear chain for all three). */
  chain: string[];
  /** Tables in public at head, besides alembic_version (and migration_chain_log if present). */
  headTables: string[];
  /** Per Alembic flavour: how the venv is built. */
  venv: Record<AlembicFlavour, VenvSpec>;
  /**
   * The project's own way of naming its database, rewritten in the copy so that env.py reaches
   * `url` when nobody overrides it (its .env, its config file): the developer's local database.
   */
  configure(root: string, url: string): void;
  /** Variables the project's own commands need (APP_CONFIG_FILE, FLASK_APP, …), whatever the database. */
  baseEnv: Record<string, string>;
  /** argv after the venv's python that runs the project's real Alembic command line (history, heads, current). */
  realAlembic(root: string): string[];
  /** Extra environment for the real command so env.py reaches `url` the project's own way. */
  realEnv(url: string): Record<string, string>;
  /**
   * The fix the project makes so that env.py connects to the database Migration Chain names (DATABASE_URL),
   * applied to the copy's env.py. Undefined: env.py already reads DATABASE_URL.
   */
  fixEnvPy?(root: string): void;
  /** The URL scheme env.py's engine needs (the driver the project installs). */
  driverScheme: string;
}

function rewriteLines(file: string, values: Record<string, string>): void {
  const text = fs.readFileSync(file, 'utf8');
  const seen = new Set<string>();
  const out = text.split('\n').map((line) => {
    const m = /^([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (m && m[1] in values) { seen.add(m[1]); return `${m[1]}=${values[m[1]]}`; }
    return line;
  });
  for (const k of Object.keys(values)) if (!seen.has(k)) out.push(`${k}=${values[k]}`);
  fs.writeFileSync(file, out.join('\n'));
}

function replaceOnce(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}: the fixture changed`);
  fs.writeFileSync(file, text.replace(from, to));
}

function pgParts(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), db: decodeURIComponent(u.pathname.slice(1)) };
}

/** `postgresql+DRIVER://…` for a plain `postgres://…` test URL. */
export function withDriver(url: string, scheme: string): string {
  return url.replace(/^postgres(ql)?:\/\//, `${scheme}://`);
}

export const PROJECTS: readonly RealProject[] = [
  {
    // FastAPI + SQLModel, backend/alembic.ini, backend/app/alembic/env.py; the URL is composed from
    // POSTGRES_* by pydantic-settings (env_file="../.env", the repository root's). DATABASE_URL is ignored.
    name: 'full-stack-fastapi-template',
    fixture: 'fastapi-template',
    ini: 'backend/alembic.ini',
    venvDir: 'backend/.venv',
    chain: ['e2412789c190', '9c0a54914c78', 'd98dd8ec85a3', '1a31ce608336', 'fe56fa70289e'],
    headTables: ['item', 'user'],
    venv: {
      debian: {
        apt: ['python3-alembic', 'python3-venv'], systemSite: true,
        pip: ['sqlmodel', 'pydantic-settings', 'email-validator>=2', 'psycopg[binary]'], editable: 'backend',
        note: 'Debian\'s python3-alembic 1.8.1 (system site-packages); SQLModel pulls SQLAlchemy 2.0 into the venv, which 1.8.1 runs',
      },
      latest: {
        apt: ['python3-venv'], systemSite: false,
        pip: ['alembic', 'sqlmodel', 'pydantic-settings', 'email-validator', 'psycopg[binary]'], editable: 'backend',
        note: 'pip\'s newest Alembic',
      },
    },
    configure(root, url) {
      const p = pgParts(url);
      rewriteLines(path.join(root, '.env'), {
        POSTGRES_SERVER: p.host, POSTGRES_PORT: p.port, POSTGRES_USER: p.user, POSTGRES_PASSWORD: p.password, POSTGRES_DB: p.db,
      });
    },
    baseEnv: {},
    realAlembic: () => ['-m', 'alembic'],
    realEnv(url) {
      const p = pgParts(url);
      return { POSTGRES_SERVER: p.host, POSTGRES_PORT: p.port, POSTGRES_USER: p.user, POSTGRES_PASSWORD: p.password, POSTGRES_DB: p.db };
    },
    fixEnvPy(root) {
      // env.py already imports os; the settings' URL stays the default.
      replaceOnce(path.join(root, 'backend', 'app', 'alembic', 'env.py'),
        'return str(settings.SQLALCHEMY_DATABASE_URI)',
        'return os.environ.get("DATABASE_URL") or str(settings.SQLALCHEMY_DATABASE_URI)');
    },
    driverScheme: 'postgresql+psycopg',
  },
  {
    // Flask + Flask-SQLAlchemy + Flask-Migrate: migrations/alembic.ini has no script_location (Flask-Migrate
    // sets it), env.py takes the URL and metadata from current_app (DATABASE_URL via config.py).
    name: 'microblog (Flask-Migrate)',
    fixture: 'microblog',
    ini: 'migrations/alembic.ini',
    venvDir: '.venv',
    chain: ['e517276bb1c2', '780739b227a7', '37f06a334dbf', 'ae346256b650'],
    headTables: ['followers', 'post', 'user'],
    venv: {
      debian: {
        apt: ['python3-alembic', 'python3-venv', 'python3-flask-migrate', 'python3-flask-login', 'python3-flaskext.wtf', 'python3-email-validator', 'python3-psycopg2', 'libpq5'], systemSite: true,
        // SQLAlchemy 2.1 (pip's today) takes psycopg 3 for postgresql://, as a new user's install does.
        pip: ['sqlalchemy>=2', 'psycopg'],
        note: 'Debian\'s Flask, Flask-Migrate 4.0.4, Flask-SQLAlchemy and Alembic 1.8.1; the models use SQLAlchemy 2.0\'s mapped_column, so SQLAlchemy 2 from pip',
      },
      latest: {
        apt: ['python3-venv', 'python3-flask-migrate', 'libpq5'], systemSite: true,
        pip: ['--ignore-installed', 'alembic', 'sqlalchemy>=2', 'flask', 'flask-sqlalchemy', 'flask-login', 'flask-wtf', 'email-validator', 'psycopg2-binary', 'psycopg'],
        note: 'pip\'s newest Alembic, Flask and Flask-SQLAlchemy; Flask-Migrate is Debian\'s (pip\'s configured index has none)',
      },
    },
    configure() { /* config.py reads DATABASE_URL: the developer's own variable is the one Migration Chain sets */ },
    baseEnv: { FLASK_APP: 'microblog.py' },
    realAlembic: () => ['-m', 'flask', 'db'],
    realEnv: (url) => ({ DATABASE_URL: withDriver(url, 'postgresql') }), // SQLAlchemy refuses postgres://
    driverScheme: 'postgresql',
  },
  {
    // Async FastAPI + SQLAlchemy 2.0 with asyncpg: alembic.ini at the root, env.py runs the app's
    // create_async_engine(settings.DB_URI); DB_URI comes from app/config/$APP_CONFIG_FILE.env.
    name: 'async-fastapi-sqlalchemy',
    fixture: 'async-fastapi-sqlalchemy',
    ini: 'alembic.ini',
    venvDir: '.venv',
    chain: ['a8483365f505', '24104b6e1e0c'],
    headTables: ['notebooks', 'notes'],
    venv: {
      debian: {
        apt: ['python3-alembic', 'python3-venv'], systemSite: true,
        // email-validator>=2: pydantic imports it when it is installed at all, and Debian's 1.3 (visible
        // through the system site-packages once microblog's venv needs it) is too old for pydantic 2.
        pip: ['sqlalchemy[asyncio]>=2', 'asyncpg', 'pydantic-settings', 'fastapi', 'email-validator>=2'],
        note: 'Debian\'s python3-alembic 1.8.1 (system site-packages); SQLAlchemy 2 (the models use DeclarativeBase) and asyncpg from pip',
      },
      latest: {
        apt: ['python3-venv'], systemSite: false,
        pip: ['alembic', 'sqlalchemy[asyncio]>=2', 'asyncpg', 'pydantic-settings', 'fastapi'],
        note: 'pip\'s newest Alembic',
      },
    },
    configure(root, url) {
      rewriteLines(path.join(root, 'app', 'config', 'local.env'), { DB_URI: withDriver(url, 'postgresql+asyncpg') });
    },
    baseEnv: { APP_CONFIG_FILE: 'local' },
    realAlembic: () => ['-m', 'alembic'],
    realEnv: (url) => ({ DB_URI: withDriver(url, 'postgresql+asyncpg') }),
    fixEnvPy(root) {
      const envPy = path.join(root, 'migrations', 'env.py');
      replaceOnce(envPy, 'import asyncio\n', 'import asyncio\nimport os\n');
      replaceOnce(envPy, '    connectable = async_engine\n',
        '    connectable = async_engine\n    if os.environ.get("DATABASE_URL"):\n        from sqlalchemy.ext.asyncio import create_async_engine\n        connectable = create_async_engine(os.environ["DATABASE_URL"])\n');
    },
    driverScheme: 'postgresql+asyncpg',
  },
];
