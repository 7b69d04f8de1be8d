import { strict as assert } from 'node:assert';
import { adviseHeads } from '../../../src/core/advice/heads';
import { RevisionGraph } from '../../../src/core/chain/graph';
import type { RiskyStatement } from '../../../src/core/sql/risky';
import { confirmSimple } from '../../../src/cli/confirm';
import type { RunPlan, RunPlanStep } from '../../../src/cli/core';
import { hasRisks, renderDowngradePlan, renderHeadAdvice, renderRiskPreview, upgradeRisks } from '../../../src/cli/print-integrity';
import { migration } from '../extension/fixtures';

const graph = () => new RevisionGraph([migration('base'), migration('a1', ['base']), migration('a2', ['a1']), migration('b1', ['base'])]);
const step = (revision: string, transactional = true, hasDowngrade = true): RunPlanStep =>
  ({ revision, message: `step ${revision}`, file: `/srv/app/migrations/${revision}.sql`, transactional, hasDowngrade });
const drop: RiskyStatement = {
  kind: 'destructive', code: 'drop-column', serverDependent: false, section: 'upgrade', statement: 'ALTER TABLE jobs DROP COLUMN note',
  file: '/srv/app/migrations/b.sql', line: 9, message: 'ALTER TABLE … DROP COLUMN deletes the column and its data',
};

describe('cli integrity renderings', () => {
  it('advises re-parenting with the exact command when no database applied either branch', () => {
    const lines = renderHeadAdvice(adviseHeads(graph(), graph().appliedSet(['base'])), '/srv/app');
    assert.match(lines[0], /^heads a2 and b1: re-parenting is safe\. The connected database applied neither branch/);
    assert.equal(lines[1], '  migration-chain reparent b1 --onto a2   (rewrites down_revision at migrations/b1_step.sql:2)');
  });

  it('requires a merge once the database applied one branch', () => {
    const lines = renderHeadAdvice(adviseHeads(graph(), graph().appliedSet(['a1'])));
    assert.match(lines[0], /^heads a2 and b1: a merge revision is required\. The connected database applied a1 from a2's branch/);
    assert.equal(lines[1], '  migration-chain merge -m "merge a2 and b1"');
  });

  it('lists destructive upgrade statements with file:line and migrations that may partially apply', () => {
    const downgradeOnly = { ...drop, section: 'downgrade' as const };
    const risks = upgradeRisks([step('a'), step('b', false)], (s) => (s.revision === 'b' ? [drop, downgradeOnly] : []));
    assert.ok(hasRisks(risks));
    assert.deepEqual(renderRiskPreview(risks, '/srv/app'), [
      'Destructive statements:',
      '  migrations/b.sql:9  ALTER TABLE jobs DROP COLUMN note  (b: ALTER TABLE … DROP COLUMN deletes the column and its data)',
      'Not transactional (may partially apply: a failure leaves the statements before it applied):',
      '  b  step b  (migrations/b.sql)',
    ]);
    assert.ok(!hasRisks(upgradeRisks([step('a')], () => [])));
  });

  it('lists a downgrade newest first and marks revisions without a downgrade section', () => {
    const plan: RunPlan = {
      target: { host: 'localhost', port: 5432, database: 'app', user: 'dev', isLocal: true, display: 'postgresql://dev:****@localhost:5432/app' },
      from: ['c'], to: ['a'], steps: [step('c', true, false), step('b')], irreversible: ['c'],
    };
    assert.deepEqual(renderDowngradePlan(plan, '/srv/app'), [
      'Downgrade postgresql://dev:****@localhost:5432/app from c to a undoes (newest first):',
      '  c  step c  (migrations/c.sql)  [no downgrade section]',
      '  b  step b  (migrations/b.sql)',
    ]);
  });

  it('simple confirmations: --yes or a terminal answer; a typed name when asked for; refuse without a terminal', async () => {
    const never = async () => assert.fail('nothing should be asked');
    await confirmSimple({ operation: 'rewrite x', yes: true, stdinIsTTY: false }, never);
    await assert.rejects(confirmSimple({ operation: 'rewrite x', yes: false, stdinIsTTY: false }, never), /stdin is not a terminal/);
    await confirmSimple({ operation: 'rewrite x', yes: false, stdinIsTTY: true }, async () => 'y');
    await assert.rejects(confirmSimple({ operation: 'rewrite x', yes: false, stdinIsTTY: true }, async () => ''), /Not confirmed/);
    await assert.rejects(confirmSimple({ operation: 'upgrade app', yes: true, stdinIsTTY: true, typeName: 'app' }, async () => 'y'), /does not match "app"/);
    await confirmSimple({ operation: 'upgrade app', yes: false, stdinIsTTY: true, typeName: 'app' }, async () => 'app');
  });
});
