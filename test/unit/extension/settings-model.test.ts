import * as assert from 'assert';
import { splitCommand } from '../../../src/core/alembic/python-policy';
import { DEFAULT_SETTINGS, parseSettings } from '../../../src/extension/settings/settings-model';

describe('extension settings', () => {
  it('defaults when nothing is set', () => {
    const { settings, problems } = parseSettings(() => undefined);
    assert.deepStrictEqual(settings, { ...DEFAULT_SETTINGS });
    assert.deepStrictEqual(problems, []);
  });

  it('reads every key with its type', () => {
    const raw: Record<string, unknown> = {
      databaseUrl: ' postgresql://u@h/db ', directUrl: 'postgresql://u@db-direct/db', envFile: 'config/.env.local', envVariable: 'PG_URL', migrationsDir: 'db/migrations',
      lockTimeoutSeconds: 5, lockLeaseSeconds: 10, statementLockTimeoutSeconds: 3, protectedDatabases: ['prod*', ' '], confirmUpgradeOnLocal: false, 'codeLens.enabled': false,
      statusPollSeconds: 60, 'alembic.command': 'poetry run alembic', python: '.venv/bin/python', 'reset.rehearse': false, reapplyOnSave: true,
    };
    const { settings, problems } = parseSettings((k) => raw[k]);
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(settings, {
      databaseUrl: 'postgresql://u@h/db', directUrl: 'postgresql://u@db-direct/db', envFile: 'config/.env.local', envVariable: 'PG_URL', migrationsDir: 'db/migrations',
      lockTimeoutSeconds: 5, lockLeaseSeconds: 10, statementLockTimeoutSeconds: 3, protectedDatabases: ['prod*'], confirmUpgradeOnLocal: false, codeLensEnabled: false,
      statusPollSeconds: 60, alembicCommand: ['poetry', 'run', 'alembic'], python: '.venv/bin/python', resetRehearse: false, reapplyOnSave: true,
    });
  });

  it('rejects bad values with the setting name, falls back, and never echoes the URL', () => {
    const raw: Record<string, unknown> = { envVariable: 'NOT VALID', lockTimeoutSeconds: -1, statusPollSeconds: 1.5, confirmUpgradeOnLocal: 'no', protectedDatabases: 'prod', databaseUrl: 42, directUrl: 7, lockLeaseSeconds: 0 };
    const { settings, problems } = parseSettings((k) => raw[k]);
    assert.strictEqual(settings.envVariable, 'DATABASE_URL');
    assert.strictEqual(settings.lockTimeoutSeconds, 30);
    assert.strictEqual(settings.statusPollSeconds, 0);
    assert.strictEqual(settings.confirmUpgradeOnLocal, true);
    assert.deepStrictEqual(settings.protectedDatabases, []);
    assert.strictEqual(settings.databaseUrl, undefined);
    assert.strictEqual(settings.directUrl, undefined);
    assert.strictEqual(settings.lockLeaseSeconds, 30);
    assert.strictEqual(problems.length, 8);
    for (const key of ['envVariable', 'lockTimeoutSeconds', 'statusPollSeconds', 'confirmUpgradeOnLocal', 'protectedDatabases', 'databaseUrl', 'directUrl', 'lockLeaseSeconds']) {
      assert.ok(problems.some((p) => p.startsWith(`migrationChain.${key} `)), `no problem reported for ${key}`);
    }
  });

  it('splits the Alembic command into argv without a shell', () => {
    assert.deepStrictEqual(splitCommand('alembic'), ['alembic']);
    assert.deepStrictEqual(splitCommand('"/opt/my env/bin/alembic" -c alembic.ini'), ['/opt/my env/bin/alembic', '-c', 'alembic.ini']);
    assert.deepStrictEqual(splitCommand('alembic; rm -rf /'), ['alembic;', 'rm', '-rf', '/'], 'metacharacters stay literal words');
    assert.deepStrictEqual(splitCommand('   '), [], 'blank: find Alembic (venv, python -m alembic, PATH)');
  });
});
