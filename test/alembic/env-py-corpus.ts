// The env.py corpus of the wrong-database suite: one small Alembic project (two revisions) per way
// real projects take their database URL. Each style says whether it honours a channel Migration
// Chain passes (then every run must work on the database we named) or takes its URL elsewhere (then
// every run must be refused before anything changes, naming the database env.py reached).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface EnvPyStyle {
  id: string;
  title: string;
  /** Which Python: Debian's (Alembic 1.8.1, psycopg2) or the venv (newest Alembic, asyncpg, pydantic-settings). */
  python: 'debian' | 'venv';
  honours: boolean;
  /** The scheme of the URL we pass (the async style gets its driver). */
  scheme?: string;
  versionTableSchema?: string;
  /** Python expression (env.py has `os`, `config`, `context`, REAL_URL and the preamble in scope) giving the URL. */
  url: string;
  /** Python lines before the URL (a settings class). */
  preamble?: string;
  /** Files beside alembic.ini (e.g. `.env`), given the "real" database's URL and parts. */
  files?: (real: RealDb) => Record<string, string>;
  /** The ini's sqlalchemy.url (default a placeholder env.py must not use). */
  iniUrl?: (real: RealDb) => string;
  async?: boolean;
}

export interface RealDb { url: string; host: string; port: number; user: string; password: string; database: string }

const PYDANTIC_SETTINGS = `
from pydantic_settings import BaseSettings, SettingsConfigDict
from urllib.parse import quote_plus
`;

export const STYLES: EnvPyStyle[] = [
  { id: 'a-env-var', title: 'reads DATABASE_URL', python: 'debian', honours: true, url: 'os.environ["DATABASE_URL"]' },
  {
    id: 'b-pydantic-dotenv', title: 'pydantic-settings with a .env (SQLALCHEMY_DATABASE_URI)', python: 'venv', honours: false,
    preamble: `${PYDANTIC_SETTINGS}
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    SQLALCHEMY_DATABASE_URI: str
`,
    url: 'Settings().SQLALCHEMY_DATABASE_URI',
    files: (real) => ({ '.env': `SQLALCHEMY_DATABASE_URI=${real.url}\n` }),
  },
  {
    id: 'c-postgres-parts', title: 'composes POSTGRES_* (pydantic-settings, .env)', python: 'venv', honours: true,
    preamble: `${PYDANTIC_SETTINGS}
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    POSTGRES_SERVER: str
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str
    POSTGRES_PASSWORD: str = ""
    POSTGRES_DB: str = ""
    def uri(self):
        return "postgresql+psycopg2://%s:%s@%s:%d/%s" % (self.POSTGRES_USER, quote_plus(self.POSTGRES_PASSWORD), self.POSTGRES_SERVER, self.POSTGRES_PORT, self.POSTGRES_DB)
`,
    url: 'Settings().uri()',
    files: (real) => ({ '.env': `POSTGRES_SERVER=${real.host}\nPOSTGRES_PORT=${real.port}\nPOSTGRES_USER=${real.user}\nPOSTGRES_PASSWORD=${real.password}\nPOSTGRES_DB=${real.database}\n` }),
  },
  {
    id: 'd-alembic-ini', title: 'alembic.ini sqlalchemy.url', python: 'debian', honours: false,
    url: 'config.get_main_option("sqlalchemy.url")', iniUrl: (real) => real.url.replace(/%/g, '%%'),
  },
  { id: 'e-x-argument', title: '-x dbname=', python: 'debian', honours: true, url: 'context.get_x_argument(as_dictionary=True).get("dbname") or REAL_URL' },
  { id: 'f-async-asyncpg', title: 'async engine, asyncpg, DATABASE_URL', python: 'venv', honours: true, async: true, scheme: 'postgresql+asyncpg', url: 'os.environ["DATABASE_URL"]' },
  { id: 'f2-async-hardcoded', title: 'async engine, asyncpg, its own URL', python: 'venv', honours: false, async: true, url: 'REAL_URL.replace("postgresql://", "postgresql+asyncpg://")' },
  { id: 'g-version-schema', title: 'version_table_schema="meta", DATABASE_URL', python: 'debian', honours: true, versionTableSchema: 'meta', url: 'os.environ["DATABASE_URL"]' },
];

export const REVISIONS = ['a1', 'b2'];

const REVISION_A1 = `"""items

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("items", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))


def downgrade():
    op.drop_table("items")
`;

const REVISION_B2 = `"""items.note

Revision ID: b2
Revises: a1
"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("items", sa.Column("note", sa.Text))


def downgrade():
    op.drop_column("items", "note")
`;

function envPy(style: EnvPyStyle, real: RealDb): string {
  const schema = style.versionTableSchema ? JSON.stringify(style.versionTableSchema) : 'None';
  const prepare = (indent: number) => (style.versionTableSchema ? `${' '.repeat(indent)}context.execute("CREATE SCHEMA IF NOT EXISTS ${style.versionTableSchema}")\n` : '');
  const online = style.async ? `
import asyncio
from sqlalchemy.ext.asyncio import create_async_engine


def do_run(connection):
    context.configure(connection=connection, version_table_schema=VERSION_SCHEMA)
    with context.begin_transaction():
${prepare(8)}        context.run_migrations()


async def run_async():
    engine = create_async_engine(URL, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(do_run)
    await engine.dispose()


def run_migrations_online():
    asyncio.run(run_async())
` : `

def run_migrations_online():
    engine = create_engine(URL, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, version_table_schema=VERSION_SCHEMA)
        with context.begin_transaction():
${prepare(12)}            context.run_migrations()
`;
  return `# env.py corpus style ${style.id}: ${style.title}
import os
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
REAL_URL = ${JSON.stringify(real.url)}
VERSION_SCHEMA = ${schema}
${style.preamble ?? ''}
URL = ${style.url}


def run_migrations_offline():
    context.configure(url=URL, literal_binds=True, version_table_schema=VERSION_SCHEMA)
    with context.begin_transaction():
        context.run_migrations()
${online}

if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;
}

/** Writes the style's project into a fresh temporary folder; returns the alembic.ini path. */
export function writeProject(style: EnvPyStyle, real: RealDb): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mc-envpy-${style.id}-`));
  const scripts = path.join(dir, 'migrations');
  fs.mkdirSync(path.join(scripts, 'versions'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'alembic.ini'), `[alembic]\nscript_location = migrations\nsqlalchemy.url = ${style.iniUrl ? style.iniUrl(real) : 'driver://not-used'}\n`);
  fs.writeFileSync(path.join(scripts, 'env.py'), envPy(style, real));
  fs.writeFileSync(path.join(scripts, 'versions', 'a1_items.py'), REVISION_A1);
  fs.writeFileSync(path.join(scripts, 'versions', 'b2_items_note.py'), REVISION_B2);
  for (const [name, text] of Object.entries(style.files?.(real) ?? {})) fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, 'alembic.ini');
}
