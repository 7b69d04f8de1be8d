// The Set Database URL box: the message under the (fully masked) box shows the typed URL with only
// its password masked, so the user, host, port and database can be checked before the URL is stored.
import * as assert from 'assert';
import { parseDatabaseUrl } from '../../../src/core/db/client';
import { maskUrlPassword, urlInputFeedback } from '../../../src/extension/connection/url-input';

describe('Set Database URL: the password alone is masked', () => {
  it('masks the userinfo password and keeps the user, host, port, database, driver and options as typed', () => {
    assert.strictEqual(maskUrlPassword('postgresql://app:s3cret@db.example.com:6543/orders?sslmode=require'),
      'postgresql://app:****@db.example.com:6543/orders?sslmode=require');
    assert.strictEqual(maskUrlPassword('postgresql+asyncpg://app:s3cret@db.example.com/app'), 'postgresql+asyncpg://app:****@db.example.com/app');
    assert.strictEqual(maskUrlPassword('postgres://app@localhost/app'), 'postgres://app@localhost/app', 'no password: nothing to mask');
    assert.strictEqual(maskUrlPassword('postgres://localhost:5432/app'), 'postgres://localhost:5432/app');
  });

  it('a password holding unencoded @, / or ? stays masked whole; an encoded one too; password= options are masked', () => {
    for (const [url, shown] of [
      ['postgresql://app:p@ss/w?rd@db:5432/app', 'postgresql://app:****@db:5432/app'],
      ['postgresql://app:p%40ss%3Aword@db/app', 'postgresql://app:****@db/app'],
      ['postgresql://app@db/app?password=s3cret&sslmode=require', 'postgresql://app@db/app?password=****&sslmode=require'],
      ['postgresql://app:${POSTGRES_PASSWORD}@db/app', 'postgresql://app:****@db/app'],
    ]) {
      const masked = maskUrlPassword(url);
      assert.strictEqual(masked, shown, url);
      for (const secret of ['p@ss', 's3cret', 'p%40ss', 'POSTGRES_PASSWORD']) assert.ok(!masked.includes(secret), `${secret} in ${masked}`);
    }
  });

  it('the message under the box: the masked URL and what it names, or the parse error', () => {
    assert.deepStrictEqual(urlInputFeedback(' postgresql://app:s3cret@db.example.com/orders ', parseDatabaseUrl), {
      severity: 'info',
      message: 'postgresql://app:****@db.example.com/orders — user app, host db.example.com, port 5432, database orders',
    });
    assert.deepStrictEqual(urlInputFeedback('  ', parseDatabaseUrl), { severity: 'error', message: 'Enter a URL' });
    const bad = urlInputFeedback('mysql://app:s3cret@db/app', parseDatabaseUrl);
    assert.strictEqual(bad.severity, 'error');
    assert.match(bad.message, /must start with postgres:\/\//);
    assert.ok(!bad.message.includes('s3cret'));
  });
});
