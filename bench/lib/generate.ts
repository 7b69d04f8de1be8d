// Writes the same revision history in two formats: this project's native `.sql` files and an
// equivalent Alembic project (alembic.ini + env.py + versions/*.py using op.execute), so that both
// tools run identical SQL against identical version rows.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedRevision {
  revision: string;
  /** [] for a base, two entries for a merge. */
  parents: string[];
  message: string;
  upgradeSql: string;
  downgradeSql: string;
}

/** Deterministic 12-hex ids, so two generated folders of the same shape share revision ids. */
export function revisionId(index: number, salt = 'bench'): string {
  return createHash('sha1').update(`${salt}:${index}`).digest('hex').slice(0, 12);
}

function trivial(index: number, revision: string, parents: string[]): GeneratedRevision {
  return {
    revision,
    parents,
    message: `create t_${index}`,
    upgradeSql: `CREATE TABLE t_${index} (id int);`,
    downgradeSql: `DROP TABLE t_${index};`,
  };
}

/** N trivial revisions in one line: t_1 … t_N. */
export function linearChain(count: number, salt = 'linear'): GeneratedRevision[] {
  const out: GeneratedRevision[] = [];
  for (let i = 1; i <= count; i++) out.push(trivial(i, revisionId(i, salt), i === 1 ? [] : [out[i - 2].revision]));
  return out;
}

/**
 * `count` trivial revisions on a main line that, every `period` revisions, forks into two short
 * branches of `branchLength` revisions each and merges them back (a diamond), the shape a team's
 * history takes when two people add migrations at once and someone runs `alembic merge`.
 */
export function historyWithMerges(count: number, period = 25, branchLength = 3, salt = 'merged'): GeneratedRevision[] {
  const out: GeneratedRevision[] = [];
  const add = (parents: string[]) => {
    const index = out.length + 1;
    const rev = trivial(index, revisionId(index, salt), parents);
    out.push(rev);
    return rev.revision;
  };
  let tip = add([]);
  while (out.length < count) {
    const room = count - out.length;
    if (out.length % period === 0 && room >= 2 * branchLength + 1) {
      const ends = [0, 1].map(() => {
        let end = tip;
        for (let i = 0; i < branchLength; i++) end = add([end]);
        return end;
      });
      tip = add(ends);
      out[out.length - 1].message = `merge ${ends.join(' and ')}`;
    } else {
      tip = add([tip]);
    }
  }
  return out;
}

function freshDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function slug(message: string): string {
  return message.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 40);
}

/** The native `.sql` format (README "Migration files"); a merge lists its parents comma-separated. */
export function nativeSql(rev: GeneratedRevision): string {
  return [
    `-- revision: ${rev.revision}`,
    `-- down_revision: ${rev.parents.join(', ')}`,
    `-- message: ${rev.message}`,
    '',
    '-- migrate:upgrade',
    rev.upgradeSql,
    '',
    '-- migrate:downgrade',
    rev.downgradeSql,
    '',
  ].join('\n');
}

export function writeNativeChain(dir: string, revisions: readonly GeneratedRevision[]): string {
  freshDir(dir);
  for (const rev of revisions) writeFileSync(join(dir, `${rev.revision}_${slug(rev.message)}.sql`), nativeSql(rev));
  return dir;
}

/** A Python string literal: JSON's escapes are all valid Python escapes. */
const py = (text: string) => JSON.stringify(text);

function pyDownRevision(parents: readonly string[]): string {
  if (parents.length === 0) return 'None';
  if (parents.length === 1) return py(parents[0]);
  return `(${parents.map(py).join(', ')})`;
}

/** What `alembic revision` writes from the generic template's script.py.mako, with op.execute bodies. */
export function alembicRevisionFile(rev: GeneratedRevision): string {
  return `"""${rev.message}

Revision ID: ${rev.revision}
Revises: ${rev.parents.join(', ')}
Create Date: 2025-01-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = ${py(rev.revision)}
down_revision = ${pyDownRevision(rev.parents)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(${py(rev.upgradeSql)})


def downgrade() -> None:
    op.execute(${py(rev.downgradeSql)})
`;
}

// The generic template's alembic.ini, logging sections included (a real project has them and
// Alembic pays for them on every command).
const ALEMBIC_INI = `[alembic]
script_location = .
prepend_sys_path = .

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
`;

// The generic template's env.py, reading DATABASE_URL, with one transaction per migration like ours.
const ENV_PY = `import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def database_url():
    url = os.environ["DATABASE_URL"]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def run_migrations_offline():
    context.configure(url=database_url(), target_metadata=None, literal_binds=True,
                      transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = create_engine(database_url(), poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=None,
                          transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

const SCRIPT_MAKO = `"""\${message}

Revision ID: \${up_revision}
Revises: \${down_revision | comma,n}
Create Date: \${create_date}

"""
from alembic import op
import sqlalchemy as sa
\${imports if imports else ""}

revision = \${repr(up_revision)}
down_revision = \${repr(down_revision)}
branch_labels = \${repr(branch_labels)}
depends_on = \${repr(depends_on)}


def upgrade() -> None:
    \${upgrades if upgrades else "pass"}


def downgrade() -> None:
    \${downgrades if downgrades else "pass"}
`;

/** An Alembic project in `root` (run `alembic` with cwd = root); returns its versions folder. */
export function writeAlembicProject(root: string, revisions: readonly GeneratedRevision[]): string {
  freshDir(root);
  writeFileSync(join(root, 'alembic.ini'), ALEMBIC_INI);
  writeFileSync(join(root, 'env.py'), ENV_PY);
  writeFileSync(join(root, 'script.py.mako'), SCRIPT_MAKO);
  const versions = join(root, 'versions');
  mkdirSync(versions);
  for (const rev of revisions) writeFileSync(join(versions, `${rev.revision}_${slug(rev.message)}.py`), alembicRevisionFile(rev));
  return versions;
}
