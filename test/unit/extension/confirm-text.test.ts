import * as assert from 'assert';
import type { RiskyStatement } from '../../../src/core/sql/risky';
import { globMatches } from '../../../src/core/db/protected';
import { confirmationLevel } from '../../../src/core/db/protected';
import { downgradeRefusal, releaseLockConfirmation, requiresTypedName, resetConfirmation, runConfirmation, skipsModal, unrehearsedResetConfirmation } from '../../../src/extension/confirm/confirm-text';
import { describeGuarantee, needsSecondConfirmation, type ResetGuarantee } from '../../../src/core/reset/native-reset';
import type { RunPlan } from '../../../src/extension/core';
import { TARGET } from './fixtures';

const REMOTE = { ...TARGET, host: 'db.example.com', isLocal: false, database: 'shop', display: 'postgresql://dev:****@db.example.com:5432/shop' };
const PLAN: RunPlan = {
  target: TARGET,
  from: ['000000000000'],
  to: ['556b79de2825'],
  steps: [
    { revision: '4b9608290b5d', message: 'add settings table', file: '/m/4b.sql', transactional: true, hasDowngrade: true },
    { revision: '556b79de2825', message: 'add discovery_query_id', file: '/m/55.sql', transactional: false, hasDowngrade: true },
  ],
  irreversible: [],
};
const DROP: RiskyStatement = {
  kind: 'destructive', code: 'drop-table', serverDependent: false, section: 'upgrade', statement: 'DROP TABLE legacy', file: '/m/55.sql', line: 7, message: 'drops table legacy and its rows',
};

describe('extension confirmation text', () => {
  it('matches protected globs against the name and host/name', () => {
    assert.ok(globMatches('prod*', 'PRODUCTION'));
    assert.ok(!globMatches('prod', 'production'));
    assert.ok(globMatches('db.?xample.com/*', 'db.example.com/shop'));
    assert.ok(confirmationLevel(REMOTE, ['db.example.com/*']).protectedBy !== undefined);
    assert.ok(confirmationLevel(TARGET, ['prod*']).protectedBy === undefined);
  });

  it('requires the typed name for non-local or protected databases only', () => {
    assert.strictEqual(requiresTypedName(TARGET, { protectedDatabases: [] }), false);
    assert.strictEqual(requiresTypedName(REMOTE, { protectedDatabases: [] }), true);
    assert.strictEqual(requiresTypedName(TARGET, { protectedDatabases: ['app_*'] }), true);
  });

  it('skips the modal only for upgrades of local, unprotected databases when the setting says so', () => {
    const off = { confirmUpgradeOnLocal: false, protectedDatabases: [] };
    assert.strictEqual(skipsModal('up', TARGET, off), true);
    assert.strictEqual(skipsModal('down', TARGET, off), false);
    assert.strictEqual(skipsModal('up', REMOTE, off), false);
    assert.strictEqual(skipsModal('up', TARGET, { ...off, protectedDatabases: ['app_dev'] }), false);
    assert.strictEqual(skipsModal('up', TARGET, { ...off, confirmUpgradeOnLocal: true }), false);
  });

  it('upgrade detail names host, database, user, every revision and the destructive statements', () => {
    const c = runConfirmation('up', PLAN, (s) => (s.revision === '556b79de2825' ? [DROP] : []), { protectedDatabases: [] });
    assert.strictEqual(c.button, 'Upgrade');
    assert.strictEqual(c.message, 'Upgrade app_dev to 556b79de2825?');
    for (const text of ['Host: localhost:5432 (local)', 'Database: app_dev', 'User: dev', '4b9608290b5d  add settings table', '(no transaction)',
      'Destructive statements:', '55.sql:7  DROP TABLE legacy', 'Not transactional — may partially apply']) {
      assert.ok(c.detail.includes(text), `detail lacks ${text}:\n${c.detail}`);
    }
    assert.strictEqual(c.typeName, 'app_dev', 'a migration without a transaction needs the typed name, even on a local database');
    const transactional = { ...PLAN, steps: PLAN.steps.map((s) => ({ ...s, transactional: true })) };
    const plain = runConfirmation('up', transactional, () => [], { protectedDatabases: [] });
    assert.strictEqual(plain.typeName, undefined);
    assert.ok(!plain.detail.includes('Destructive') && !plain.detail.includes('Not transactional'), plain.detail);
    assert.strictEqual(runConfirmation('down', { ...transactional, target: REMOTE, to: [] }, () => [], { protectedDatabases: [] }).typeName, 'shop');
  });

  it('downgrade detail lists the undo order newest first; a refusal names the revisions without a downgrade', () => {
    const down: RunPlan = {
      ...PLAN,
      from: ['556b79de2825'],
      to: ['000000000000'],
      steps: [
        { revision: '556b79de2825', message: 'add discovery_query_id', file: '/m/55.sql', transactional: true, hasDowngrade: false },
        { revision: '4b9608290b5d', message: 'add settings table', file: '/m/4b.sql', transactional: true, hasDowngrade: true },
      ],
      irreversible: ['556b79de2825'],
    };
    const c = runConfirmation('down', down, () => [DROP], { protectedDatabases: [] });
    assert.ok(c.detail.includes('Will undo 2 revisions (newest first):'), c.detail);
    assert.ok(c.detail.indexOf('556b79de2825  add') < c.detail.indexOf('4b9608290b5d  add'), c.detail);
    assert.ok(c.detail.includes('(no downgrade section)'));
    assert.ok(!c.detail.includes('Destructive statements'), 'an upgrade-only DROP is not listed for a downgrade');
    const refusal = downgradeRefusal(down, '000000000000');
    assert.strictEqual(refusal.message, 'Cannot downgrade app_dev to 000000000000: 556b79de2825 (55.sql) has no downgrade section.');
    assert.match(refusal.detail, /556b79de2825 {2}add discovery_query_id {2}✘ no downgrade section\n {2}4b9608290b5d/);
    assert.match(refusal.detail, /Nothing was changed/);
  });

  it('reset detail lists tables with row counts and always has a Reset button', () => {
    const c = resetConfirmation({ target: REMOTE, tables: [{ name: 'jobs', rows: 3 }, { name: 'settings', rows: 1 }] }, ['a', 'b', 'c', 'd'],
      { protectedDatabases: [] }, describeGuarantee({ kind: 'all-or-nothing' }, REMOTE));
    assert.strictEqual(c.button, 'Reset');
    assert.strictEqual(c.typeName, 'shop');
    for (const text of ['2 tables (4 rows)', 'jobs  3 rows', 'settings  1 row', 'applies 4 revisions', 'Host: db.example.com:5432', 'User: dev', 'All-or-nothing: ']) {
      assert.ok(c.detail.includes(text), `detail lacks ${text}:\n${c.detail}`);
    }
    assert.ok(!c.detail.includes('****') && !c.detail.includes('postgresql://'), 'the detail names parts, not the URL');
  });

  it('reset names the guarantee: rehearsed, or not rehearsed and why, with a second question without CREATEDB', () => {
    const rehearsed = describeGuarantee({ kind: 'rehearsed', outsideTransaction: ['b2'] }, REMOTE);
    assert.match(rehearsed, /^Rehearsed on a scratch database: b2 runs outside a transaction/);
    assert.match(rehearsed, /db\.example\.com:5432/);
    const turnedOff = describeGuarantee({ kind: 'unrehearsed', outsideTransaction: ['b2', 'c3'], why: 'turned-off' }, REMOTE);
    assert.match(turnedOff, /^NOT rehearsed: b2, c3 run outside a transaction and the rehearsal is turned off\./);
    const noCreatedb: ResetGuarantee = { kind: 'unrehearsed', outsideTransaction: ['b2'], why: 'no-createdb' };
    assert.match(describeGuarantee(noCreatedb, REMOTE), /dev may not create the scratch database .*no CREATEDB/);
    const others: ResetGuarantee[] = [{ kind: 'all-or-nothing' }, { kind: 'rehearsed', outsideTransaction: ['b2'] }, { ...noCreatedb, why: 'turned-off' }];
    assert.deepStrictEqual([noCreatedb, ...others].map(needsSecondConfirmation), [true, false, false, false]);
    const second = unrehearsedResetConfirmation(REMOTE, describeGuarantee(noCreatedb, REMOTE));
    assert.strictEqual(second.button, 'Reset Without Rehearsal');
    assert.match(second.detail, /NOT rehearsed/);
    assert.strictEqual(second.typeName, undefined);
  });
});

describe('Release Migration Lock confirmation', () => {
  const live = { abandoned: false, facts: ['Lease — live: its lease is still being renewed', '  host: web-1', '  pid: 4242 (the run\'s process)'] };
  const dead = { abandoned: true, facts: ['Session lock — abandoned: idle for 40 s, longer than the 30 s lease', '  host: 10.0.0.7', '  pid: 77 (server process)'] };

  it('only live holders: the list and no button, nothing will change', () => {
    const shown = releaseLockConfirmation(TARGET, [live], { protectedDatabases: [] });
    assert.strictEqual(shown.confirmation, undefined);
    assert.match(shown.message, /held by a live run/);
    assert.match(shown.detail, /host: web-1[\s\S]*pid: 4242[\s\S]*Nothing is provably abandoned/);
  });

  it('abandoned holders: a Release button that names what it clears and what it leaves; typed name when remote or protected', () => {
    const local = releaseLockConfirmation(TARGET, [dead, live], { protectedDatabases: [] });
    assert.strictEqual(local.confirmation?.button, 'Release');
    assert.strictEqual(local.confirmation?.typeName, undefined);
    assert.match(local.detail, /clears the abandoned holder[\s\S]*The 1 live holder is left alone/);
    assert.strictEqual(releaseLockConfirmation(REMOTE, [dead], { protectedDatabases: [] }).confirmation?.typeName, 'shop');
    assert.strictEqual(releaseLockConfirmation(TARGET, [dead], { protectedDatabases: [TARGET.database] }).confirmation?.typeName, TARGET.database);
  });
});
