// The pure parts of "never the wrong database": SQLAlchemy driver URLs, the guard's report lines,
// the refusal's text, the fix hint by env.py style, and the channels the URL travels in.
import { strict as assert } from 'node:assert';
import { describeTarget, parseDatabaseUrl, splitPassword } from '../../src/core/db/client';
import { urlForDatabase } from '../../src/core/db/scratch-database';
import { isPostgresUrl, urlScheme, withoutDriver, withSchemeOf } from '../../src/core/db/sqlalchemy-url';
import { describeReached, WrongDatabaseError } from '../../src/core/errors';
import { GUARD_PREFIX, parseGuardLine, wrongDatabaseHint } from '../../src/core/alembic/run/connect-guard';
import { urlChannels, xUrlArguments } from '../../src/core/alembic/run/url-channels';

describe('SQLAlchemy driver URLs', () => {
  for (const scheme of ['postgresql+asyncpg', 'postgresql+psycopg', 'postgresql+psycopg2', 'postgres+psycopg2', 'POSTGRESQL+ASYNCPG']) {
    it(`${scheme}:// is accepted and read like postgresql://`, () => {
      const url = `${scheme}://app:s3cret@db.example:6543/shop?sslmode=disable`;
      assert.equal(isPostgresUrl(url), true);
      const t = parseDatabaseUrl(url);
      assert.deepEqual([t.host, t.port, t.database, t.user], ['db.example', 6543, 'shop', 'app']);
      assert.ok(!t.display.includes('s3cret'));
      assert.equal(withoutDriver(url), url.replace(/\+\w+:/, ':'));
    });
  }
  it('other schemes are still refused with an example', () => {
    assert.equal(isPostgresUrl('mysql+pymysql://u@h/db'), false);
    assert.throws(() => parseDatabaseUrl('mysql://u@h/db'), /must start with postgres:\/\/ or postgresql:\/\//);
  });
  it('the driver is kept by a scratch URL derived from the target, and by withSchemeOf', () => {
    const url = 'postgresql+asyncpg://app:pw@localhost:5432/app';
    assert.equal(urlForDatabase(url, 'app_mc_drift_1'), 'postgresql+asyncpg://app:pw@localhost:5432/app_mc_drift_1');
    assert.equal(withSchemeOf('postgres://u@h/d', url), 'postgresql+asyncpg://u@h/d');
    assert.deepEqual(urlScheme(url), { dialect: 'postgresql', driver: 'asyncpg' });
  });
  it('splitPassword drops the password (pg_dump gets the driverless URL)', () => {
    assert.deepEqual(splitPassword('postgresql+psycopg://u:p%40ss@h:5432/d'), { url: 'postgresql://u@h:5432/d', password: 'p@ss' });
  });
});

describe('the URL channels of an Alembic run', () => {
  it('the variable keeps the URL as given; POSTGRES_* carry its parts; PGPASSWORD the password', () => {
    const url = 'postgresql+asyncpg://app:p%40ss@db:6543/shop';
    assert.deepEqual(urlChannels(url, 'APP_DB'), {
      APP_DB: url, POSTGRES_SERVER: 'db', POSTGRES_HOST: 'db', POSTGRES_PORT: '6543', POSTGRES_USER: 'app', POSTGRES_DB: 'shop',
      POSTGRES_PASSWORD: 'p@ss', PGPASSWORD: 'p@ss',
    });
  });
  it('a Unix socket folder is not passed as POSTGRES_SERVER', () => {
    const env = urlChannels('postgresql://app@%2Fvar%2Frun%2Fpostgresql/shop', 'DATABASE_URL');
    assert.equal(env.POSTGRES_SERVER, undefined);
    assert.equal(env.PGPASSWORD, undefined);
  });
  it('-x dbname carries the URL without its password, driver kept', () => {
    assert.deepEqual(xUrlArguments('postgresql+asyncpg://app:secret@db:5432/shop'), ['-x', 'dbname=postgresql+asyncpg://app@db:5432/shop']);
  });
});

describe('the connection guard\'s report lines and refusal', () => {
  it('parses armed / proven / refused lines and ignores any other line', () => {
    assert.deepEqual(parseGuardLine(`${GUARD_PREFIX}{"kind":"armed"}`), { kind: 'armed' });
    assert.deepEqual(parseGuardLine(`${GUARD_PREFIX}{"kind":"refused","database":"app","host":"10.0.0.5","port":5432,"user":"app","asked":{"host":"db","port":"5432","password":"x"}}`),
      { kind: 'refused', reached: { database: 'app', host: '10.0.0.5', port: 5432, user: 'app', asked: { host: 'db', port: '5432' } } });
    assert.equal(parseGuardLine('INFO  [alembic.runtime.migration] Running upgrade'), undefined);
    assert.equal(parseGuardLine(`${GUARD_PREFIX}not json`), undefined);
    assert.equal(parseGuardLine(`${GUARD_PREFIX}{"kind":"other"}`), undefined);
  });
  it('the refusal names host, port, database and user of the database reached, and the one we named', () => {
    const err = new WrongDatabaseError(describeTarget(parseDatabaseUrl('postgresql://app:pw@localhost:5432/app_test')),
      { database: 'app', port: 5432, user: 'app', asked: { host: 'localhost' } }, 'alembic upgrade heads', 'fix it');
    assert.match(err.message, /^env\.py connected to app@localhost:5432\/app \(host localhost, port 5432, database app, user app\), not to the database Migration Chain named, app@localhost:5432\/app_test\. alembic upgrade heads was stopped/);
    assert.equal(err.code, 'connection');
    assert.equal(describeReached({ asked: {} }), '?@local socket:?/?');
  });
  it('the hint follows env.py\'s style and links the snippets', () => {
    assert.match(wrongDatabaseHint('from app.core.config import settings\nurl = str(settings.SQLALCHEMY_DATABASE_URI)', 'DATABASE_URL'), /pydantic-settings style.*POSTGRES_SERVER/s);
    assert.match(wrongDatabaseHint('url = os.environ["APP_DB"]', 'DATABASE_URL'), /os\.environ\["APP_DB"\].*migrationChain\.envVariable to APP_DB/);
    assert.match(wrongDatabaseHint('url = config.get_main_option("sqlalchemy.url")', 'DATABASE_URL'), /set_main_option\("sqlalchemy\.url"/);
    assert.match(wrongDatabaseHint('x = context.get_x_argument(as_dictionary=True)', 'DATABASE_URL'), /-x dbname=URL/);
    assert.match(wrongDatabaseHint(undefined, 'DATABASE_URL'), /os\.environ\["DATABASE_URL"\].*docs\/alembic-env-py\.md$/s);
  });
});
