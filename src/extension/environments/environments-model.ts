// The Environments view as plain data (no vscode): one node per environment with its revision,
// pending and edited counts, last upgrade and reachability; a tenant set summarised in one line
// and expanded to its members a page at a time.
import type { FleetStatus, TargetStatus } from '../core';

export const MEMBER_PAGE = 100;

export interface EnvironmentEntry {
  name: string;
  protected: boolean;
  /** Where the URL comes from (never the URL). */
  urlSource: string;
  tenantSet?: string;
  status?: FleetStatus;
  /** Why the environment could not be read at all (no URL, server unreachable, bad tenant query). */
  error?: string;
  /** Members shown when expanded (grows by MEMBER_PAGE with "Show more"). */
  shown: number;
}

export type EnvironmentNode =
  | { kind: 'environment'; id: string; environment: string }
  | { kind: 'member'; id: string; environment: string; member: string }
  | { kind: 'more'; id: string; environment: string; remaining: number };

export interface NodeView {
  label: string;
  description: string;
  tooltip: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: boolean;
}

/** Every contextValue the view produces (package.json menus match `viewItem` against these). */
export const ENVIRONMENT_CONTEXT_VALUES: readonly string[] = [
  'environment', 'environment:fleet', 'environment:protected', 'environment:protected:fleet', 'environment-member',
];

export function environmentNode(e: EnvironmentEntry): EnvironmentNode {
  return { kind: 'environment', id: `env:${e.name}`, environment: e.name };
}

/** Members of a tenant set, the first `shown` of them, then a "more" node. */
export function memberNodes(e: EnvironmentEntry): EnvironmentNode[] {
  if (!e.tenantSet || !e.status) return [];
  const targets = e.status.targets;
  const nodes: EnvironmentNode[] = targets.slice(0, e.shown)
    .map((t) => ({ kind: 'member', id: `member:${e.name}:${t.id}`, environment: e.name, member: t.id }));
  if (targets.length > e.shown) nodes.push({ kind: 'more', id: `more:${e.name}`, environment: e.name, remaining: targets.length - e.shown });
  return nodes;
}

export function presentEnvironment(e: EnvironmentEntry): NodeView {
  const base = {
    label: e.name,
    contextValue: `environment${e.protected ? ':protected' : ''}${e.tenantSet ? ':fleet' : ''}`,
    collapsible: !!e.tenantSet && !!e.status && e.status.targets.length > 0,
  };
  const tip = [`**${e.name}**${e.protected ? ' (protected)' : ''}`, `URL from ${e.urlSource}`];
  if (e.tenantSet) tip.push(`Tenants: ${e.tenantSet}`);
  if (e.error) return { ...base, description: `unreachable: ${e.error}`, tooltip: [...tip, e.error].join('\n\n'), icon: { id: 'error', color: 'errorForeground' } };
  if (!e.status) return { ...base, description: 'reading…', tooltip: tip.join('\n\n'), icon: { id: 'loading~spin' } };
  if (!e.tenantSet && e.status.targets.length === 1) {
    const t = e.status.targets[0];
    const view = presentTarget(t);
    return { ...base, description: view.description, tooltip: [...tip, view.tooltip].join('\n\n'), icon: view.icon };
  }
  const summary = fleetSummary(e.status);
  const s = e.status.summary;
  const icon = s.unreachable.length || s.failed.length ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
    : s.behind.length ? { id: 'arrow-circle-up', color: 'charts.yellow' } : { id: 'pass', color: 'testing.iconPassed' };
  return { ...base, description: summary, tooltip: [...tip, summary].join('\n\n'), icon };
}

/** "198 at head, 2 behind: tenant_17, tenant_88; 0 unreachable". */
export function fleetSummary(status: FleetStatus, listed = 5): string {
  const s = status.summary;
  const names = (ids: string[]) => ids.slice(0, listed).join(', ') + (ids.length > listed ? `, … (+${ids.length - listed})` : '');
  return `${s.atHead} at head, ${s.behind.length} behind${s.behind.length ? `: ${names(s.behind)}` : ''}; `
    + `${s.unreachable.length} unreachable${s.unreachable.length ? `: ${names(s.unreachable)}` : ''}`
    + (s.edited.length ? `; edited in ${s.edited.length}` : '');
}

export function presentMember(e: EnvironmentEntry, member: string): NodeView | undefined {
  const t = e.status?.targets.find((x) => x.id === member);
  if (!t) return undefined;
  const view = presentTarget(t);
  return { label: t.id, contextValue: 'environment-member', collapsible: false, ...view };
}

function presentTarget(t: TargetStatus): Pick<NodeView, 'description' | 'tooltip' | 'icon'> {
  if (t.error) {
    return { description: `${t.reachable ? 'unreadable' : 'unreachable'}: ${t.error}`, tooltip: `${t.display}\n\n${t.error}`, icon: { id: 'error', color: 'errorForeground' } };
  }
  const parts = [`at ${t.heads.join(', ') || 'base'}`, `${t.pending} pending`];
  if (t.edited.length) parts.push(`${t.edited.length} edited`);
  if (t.unknown.length) parts.push(`unknown ${t.unknown.join(', ')}`);
  const last = t.lastApplied ? `last applied ${t.lastApplied.revision} on ${t.lastApplied.at.toISOString()} by ${t.lastApplied.by}${t.lastApplied.client ? ` (${t.lastApplied.client})` : ''}` : 'no upgrade in the audit log';
  const icon = t.edited.length || t.unknown.length ? { id: 'warning', color: 'problemsWarningIcon.foreground' }
    : t.atHead ? { id: 'pass', color: 'testing.iconPassed' } : { id: 'arrow-circle-up', color: 'charts.yellow' };
  return { description: parts.join(' · '), tooltip: `${t.display}\n\n${parts.join(' · ')}\n\n${last}`, icon };
}

/** The fleet confirmation's text: how many targets, which canary, the concurrency and the failure policy. */
export function fleetConfirmation(environment: string, count: number, canary: string | undefined, concurrency: number, policy: 'stop' | 'continue'): { message: string; detail: string } {
  if (count <= 1) return { message: `Upgrade ${environment} to head?`, detail: 'Pending migrations are applied, each in its own transaction.' };
  return {
    message: `Upgrade ${count} targets of ${environment} to head?`,
    detail: `Canary: ${canary ?? 'none'} runs first; the rest start only if it succeeds. Concurrency ${concurrency}. `
      + `On failure: ${policy === 'stop' ? 'stop starting new targets' : 'continue and report'}. Cancel stops starting targets and rolls back running migrations.`,
  };
}
