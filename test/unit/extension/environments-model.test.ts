import { strict as assert } from 'node:assert';
import type { FleetStatus, TargetStatus } from '../../../src/core/environments';
import {
  ENVIRONMENT_CONTEXT_VALUES, fleetConfirmation, fleetSummary, memberNodes, MEMBER_PAGE, presentEnvironment, presentMember, type EnvironmentEntry,
} from '../../../src/extension/environments/environments-model';

function target(id: string, over: Partial<TargetStatus> = {}): TargetStatus {
  return { id, display: `postgresql://app:****@db:5432/${id}`, reachable: true, heads: ['c3'], atHead: true, pending: 0, edited: [], unknown: [], ...over };
}

function fleet(targets: TargetStatus[]): FleetStatus {
  const behind = targets.filter((t) => t.reachable && !t.error && !t.atHead).map((t) => t.id);
  return {
    environment: 'prod', chainHeads: ['c3'], targets, durationMs: 1,
    summary: {
      total: targets.length, atHead: targets.filter((t) => t.atHead).length, behind,
      unreachable: targets.filter((t) => !t.reachable).map((t) => t.id), failed: [], edited: targets.filter((t) => t.edited.length).map((t) => t.id),
    },
  };
}

describe('Environments view model', () => {
  const members = Array.from({ length: 250 }, (_, i) => target(`tenant_${i + 1}`));
  members[16] = target('tenant_17', { atHead: false, heads: ['c2'], pending: 1 });
  members[87] = target('tenant_88', { atHead: false, heads: ['c1'], pending: 2 });
  members[99] = target('tenant_100', { reachable: false, error: 'Cannot connect to app@db:5432/tenant_100: connection refused.', atHead: false, heads: [] });
  const entry: EnvironmentEntry = { name: 'prod', protected: true, urlSource: 'the environment variable PROD_URL', tenantSet: 'databases matching tenant_*', status: fleet(members), shown: MEMBER_PAGE };

  it('summarises a tenant set in one line naming the members behind and unreachable', () => {
    assert.equal(fleetSummary(entry.status!), '247 at head, 2 behind: tenant_17, tenant_88; 1 unreachable: tenant_100');
    const view = presentEnvironment(entry);
    assert.equal(view.description, fleetSummary(entry.status!));
    assert.equal(view.contextValue, 'environment:protected:fleet');
    assert.ok(ENVIRONMENT_CONTEXT_VALUES.includes(view.contextValue));
    assert.equal(view.icon.id, 'warning');
    assert.ok(view.collapsible);
  });

  it('pages hundreds of members with a "more" node', () => {
    const first = memberNodes(entry);
    assert.equal(first.length, MEMBER_PAGE + 1);
    assert.deepEqual(first[first.length - 1], { kind: 'more', id: 'more:prod', environment: 'prod', remaining: 250 - MEMBER_PAGE });
    const all = memberNodes({ ...entry, shown: 300 });
    assert.equal(all.length, 250);
    assert.ok(all.every((n) => n.kind === 'member'));
  });

  it('shows a member\'s revision, pending count, last upgrade, or why it is unreachable', () => {
    const behind = presentMember(entry, 'tenant_88')!;
    assert.equal(behind.description, 'at c1 · 2 pending');
    assert.equal(behind.icon.id, 'arrow-circle-up');
    const down = presentMember(entry, 'tenant_100')!;
    assert.match(down.description, /^unreachable: Cannot connect/);
    const applied = presentMember({ ...entry, status: fleet([target('t1', { lastApplied: { revision: 'c3', at: new Date('2026-12-01T04:00:00Z'), by: 'deploy', client: 'migration-chain fleet' } })]) }, 't1')!;
    assert.match(applied.tooltip, /last applied c3 on 2026-12-01T04:00:00.000Z by deploy \(migration-chain fleet\)/);
  });

  it('a plain environment shows its one database inline; an unreadable one says why', () => {
    const single: EnvironmentEntry = { name: 'staging', protected: false, urlSource: 'x', status: fleet([target('staging', { edited: ['c2'] })]), shown: MEMBER_PAGE };
    const view = presentEnvironment(single);
    assert.equal(view.description, 'at c3 · 0 pending · 1 edited');
    assert.equal(view.contextValue, 'environment');
    assert.ok(!view.collapsible);
    const broken = presentEnvironment({ ...single, status: undefined, error: 'No database URL for environment "staging".' });
    assert.equal(broken.description, 'unreachable: No database URL for environment "staging".');
  });

  it('the fleet confirmation names the count, the canary, the concurrency and the policy', () => {
    const c = fleetConfirmation('prod', 200, 'tenant_1', 4, 'stop');
    assert.equal(c.message, 'Upgrade 200 targets of prod to head?');
    assert.match(c.detail, /Canary: tenant_1 runs first/);
    assert.match(c.detail, /Concurrency 4/);
    assert.match(c.detail, /On failure: stop starting new targets/);
  });
});
