// `env list | status [ENV] | diff A B | upgrade ENV`: the environments of ./migration-chain.environments.json
// (or the implicit `default`), their status side by side, the parity of two, and fleet upgrades.
import { ConfirmationError, MigrationChainError, formatMs, secretFormsOf, type Environment, type EnvironmentsConfig, type FleetRunResult, type FleetStatus, type FleetTarget, type TargetStatus, loadEnvironmentsApi } from '../core';
import { UsageError } from '../core';
import { confirmSimple } from '../confirm';
import type { Command, CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { runOptions, warnAboutChain } from './shared';

type EnvApi = ReturnType<typeof loadEnvironmentsApi>;

function envApi(): EnvApi {
  return loadEnvironmentsApi();
}

const actions = ['list', 'status', 'diff', 'upgrade'] as const;

export const env: Command = async (ctx) => {
  const [action, a, b] = ctx.positionals;
  const api = envApi();
  const config = api.loadEnvironments(ctx.io.cwd);
  switch (action) {
    case 'list': return list(ctx, api, config);
    case 'status': return status(ctx, api, config, a);
    case 'diff':
      if (a === undefined || b === undefined) throw new UsageError('`env diff` needs two environments: env diff A B.');
      return diff(ctx, api, config, a, b);
    case 'upgrade':
      if (a === undefined) throw new UsageError('`env upgrade` needs an environment: env upgrade ENV.');
      return upgrade(ctx, api, config, a);
    default:
      throw new UsageError(`Unknown env action "${action}".`, `Use one of: ${actions.join(', ')}.`);
  }
};

function list(ctx: CommandContext, api: EnvApi, config: EnvironmentsConfig): number {
  const rows = config.environments.map((e) => ({
    name: e.name,
    url: api.describeUrlSource(e.url),
    protected: e.protected,
    tenants: e.tenants ? describeTenants(e) : undefined,
    canary: e.canary,
    description: e.description,
  }));
  if (ctx.options.json) {
    ctx.output.json({ file: config.file ?? null, environments: rows });
    return ExitCode.ok;
  }
  if (!config.file) ctx.output.note(`No ${api.ENVIRONMENTS_FILE}: one implicit environment.`);
  for (const r of rows) {
    ctx.output.result(`${r.name}${r.protected ? ' (protected)' : ''}: URL from ${r.url}${r.tenants ? `; tenants: ${r.tenants}` : ''}${r.description ? ` — ${r.description}` : ''}`);
  }
  return ExitCode.ok;
}

function describeTenants(e: Environment): string {
  const t = e.tenants!;
  if (t.kind === 'schemas') return `schemas matching ${t.pattern}`;
  return t.pattern !== undefined ? `databases matching ${t.pattern}` : 'databases returned by a query';
}

/** The environment's URL (registered with the output filter first) and its targets. */
export async function targetsOf(ctx: CommandContext, api: EnvApi, environment: Environment, forRun = false): Promise<FleetTarget[]> {
  // A run goes through the environment's directUrl when it has one (the URL may be a pooler's).
  const url = await (forRun ? api.resolveEnvironmentRunUrl : api.resolveEnvironmentUrl)(environment, {
    root: ctx.io.cwd,
    env: ctx.io.env,
    defaultUrl: () => ctx.optionalDatabaseUrl()?.url,
  });
  ctx.output.addSecrets(secretFormsOf(url));
  return api.expandTargets(environment, url);
}

async function status(ctx: CommandContext, api: EnvApi, config: EnvironmentsConfig, only: string | undefined): Promise<number> {
  const chain = await ctx.chain();
  warnAboutChain(ctx, chain);
  const environments = only === undefined ? config.environments : [api.findEnvironment(config, only)];
  const results: (FleetStatus | { environment: string; error: string })[] = [];
  for (const e of environments) {
    try {
      const targets = await targetsOf(ctx, api, e);
      results.push(await api.fleetStatus({
        environment: e.name, chain, targets, concurrency: ctx.options.concurrency, signal: ctx.signal,
        perServerConcurrency: e.perServerConcurrency ?? config.perServerConcurrency,
      }));
    } catch (err) {
      if (!(err instanceof MigrationChainError) || err.code === 'cancelled') throw err;
      results.push({ environment: e.name, error: err.message });
    }
  }
  if (ctx.options.json) ctx.output.json({ chainHeads: [...chain.graph.heads].sort(), environments: results });
  else for (const r of results) ctx.output.result(renderStatus(r, ctx.options.verbose).join('\n'));
  const unreachable = results.some((r) => 'error' in r || r.summary.unreachable.length > 0);
  return unreachable ? ExitCode.connection : ExitCode.ok;
}

const LISTED = 20;

function renderStatus(r: FleetStatus | { environment: string; error: string }, verbose: boolean): string[] {
  if ('error' in r) return [`${r.environment}: unreachable: ${r.error}`];
  const names = (ids: string[]) => ids.slice(0, LISTED).join(', ') + (ids.length > LISTED ? `, … (${ids.length - LISTED} more)` : '');
  if (r.targets.length === 1 && r.targets[0].id === r.environment) return [`${r.environment}: ${describeTarget(r.targets[0])}`];
  const s = r.summary;
  const lines = [`${r.environment}: ${s.total} target${s.total === 1 ? '' : 's'}, ${s.atHead} at head, ${s.behind.length} behind${s.behind.length ? `: ${names(s.behind)}` : ''}; `
    + `${s.unreachable.length} unreachable${s.unreachable.length ? `: ${names(s.unreachable)}` : ''}`
    + `${s.failed.length ? `; ${s.failed.length} unreadable: ${names(s.failed)}` : ''}${s.edited.length ? `; edited after apply in ${names(s.edited)}` : ''} (${formatMs(r.durationMs)})`];
  for (const t of r.targets) {
    if (verbose || !t.atHead) lines.push(`  ${t.id}: ${describeTarget(t)}`);
  }
  return lines;
}

function describeTarget(t: TargetStatus): string {
  if (t.error) return `${t.reachable ? 'unreadable' : 'unreachable'}: ${t.error}`;
  const parts = [
    `at ${t.heads.join(', ') || 'base'}${t.atHead ? ' (head)' : ''}`,
    `${t.pending} pending`,
    `${t.edited.length} edited${t.edited.length ? ` (${t.edited.join(', ')})` : ''}`,
  ];
  if (t.unknown.length) parts.push(`unknown revision ${t.unknown.join(', ')}`);
  if (t.lastApplied) parts.push(`last applied ${t.lastApplied.revision} ${t.lastApplied.at.toISOString()} by ${t.lastApplied.by}${t.lastApplied.client ? ` (${t.lastApplied.client})` : ''}`);
  return parts.join(' · ');
}

async function diff(ctx: CommandContext, api: EnvApi, config: EnvironmentsConfig, a: string, b: string): Promise<number> {
  const chain = await ctx.chain();
  const [left, right] = [await oneTarget(ctx, api, config, a), await oneTarget(ctx, api, config, b)];
  const report = await api.compareEnvironments(chain, left, right);
  if (ctx.options.json) ctx.output.json(report);
  else ctx.output.result(api.formatParity(report));
  return report.entries.length === 0 ? ExitCode.ok : ExitCode.verifyFailed;
}

/** `ENV` (a plain environment) or `ENV:MEMBER` (one tenant of a set). */
async function oneTarget(ctx: CommandContext, api: EnvApi, config: EnvironmentsConfig, spec: string): Promise<FleetTarget> {
  const colon = spec.indexOf(':');
  const name = colon === -1 ? spec : spec.slice(0, colon);
  const member = colon === -1 ? undefined : spec.slice(colon + 1);
  const targets = await targetsOf(ctx, api, api.findEnvironment(config, name));
  if (member === undefined) {
    if (targets.length !== 1) throw new UsageError(`Environment "${name}" has ${targets.length} members; pick one as ${name}:MEMBER.`);
    return targets[0];
  }
  const found = targets.find((t) => t.id === member);
  if (!found) throw new UsageError(`Environment "${name}" has no member "${member}".`);
  return found;
}

async function upgrade(ctx: CommandContext, api: EnvApi, config: EnvironmentsConfig, name: string): Promise<number> {
  const chain = await ctx.chain({ requireValid: true });
  const environment = api.findEnvironment(config, name);
  const targets = await targetsOf(ctx, api, environment, true);
  const resume = ctx.options.resume ? api.latestUnfinishedRun(ctx.io.cwd, environment.name) : undefined;
  if (ctx.options.resume && !resume) ctx.output.note(`No unfinished run of ${environment.name} to resume; starting a new run.`);
  if (resume) ctx.output.note(`Resuming run ${resume.id}: ${resume.targets.filter((t) => t.state !== 'done').length} of ${resume.targets.length} target(s) not finished.`);
  const concurrency = ctx.options.concurrency ?? environment.concurrency ?? config.concurrency;
  const canary = targets.length > 1 ? ctx.options.canary ?? environment.canary ?? targets[0].id : undefined;
  const policy = ctx.options.continueOnError ? 'continue' : 'stop';
  await confirmFleet(ctx, environment, targets.length, canary, concurrency, policy);

  const result = await api.upgradeFleet({
    root: ctx.io.cwd,
    environment,
    chain,
    targets,
    alembic: await (await ctx.engine()).fleetAlembic(),
    concurrency,
    perServerConcurrency: environment.perServerConcurrency ?? config.perServerConcurrency,
    canary: canary ?? false,
    onFailure: ctx.options.continueOnError ? 'continue' : resume ? undefined : 'stop',
    resume,
    ...runOptions(ctx),
    applicationName: 'migration-chain fleet',
  });
  report(ctx, api, result);
  if (result.cancelled) return ExitCode.cancelled;
  return result.record.state === 'completed' ? ExitCode.ok : ExitCode.fleetFailed;
}

async function confirmFleet(
  ctx: CommandContext, environment: Environment, count: number, canary: string | undefined, concurrency: number, policy: string,
): Promise<void> {
  const what = count > 1
    ? `upgrade ${count} targets of ${environment.name} (canary ${canary}, concurrency ${concurrency}, on failure: ${policy})`
    : `upgrade ${environment.name}`;
  if (environment.protected) {
    if (ctx.options.confirmDatabase === environment.name) return;
    if (ctx.options.confirmDatabase !== undefined) {
      throw new ConfirmationError(`--confirm-database "${ctx.options.confirmDatabase}" does not match the environment "${environment.name}"; nothing was changed.`);
    }
    if (!ctx.io.stdinIsTTY) {
      throw new ConfirmationError(`Refusing to ${what}: the environment is protected.`, `Pass --confirm-database ${environment.name}.`);
    }
    ctx.output.note(`${environment.name} is protected.`);
    await confirmSimple({ operation: what, yes: false, stdinIsTTY: true, typeName: environment.name }, ctx.io.ask);
    return;
  }
  // A fleet in a terminal is confirmed once; scripts (no terminal) go ahead, as `upgrade` does.
  if (count > 1 && ctx.io.stdinIsTTY) await confirmSimple({ operation: what, yes: ctx.options.yes, stdinIsTTY: true }, ctx.io.ask);
}

function report(ctx: CommandContext, api: EnvApi, result: FleetRunResult): void {
  const { record } = result;
  if (ctx.options.json) {
    ctx.output.json({ ...record, recordFile: api.runRecordPath(ctx.io.cwd, record.id) });
    return;
  }
  const count = (state: string) => record.targets.filter((t) => t.state === state).length;
  const upgraded = record.targets.filter((t) => t.state === 'done' && t.applied?.length).length;
  const lines = [
    `${record.environment}: ${count('done')} of ${record.targets.length} at ${record.target} (${upgraded} upgraded), `
      + `${count('failed')} failed, ${count('skipped')} not started, ${count('cancelled') + count('pending')} cancelled or left pending.`,
  ];
  for (const t of record.targets.filter((x) => x.state === 'failed' || x.state === 'skipped')) lines.push(`  ${t.state === 'failed' ? 'FAILED' : 'skipped'} ${t.id}: ${t.error ?? ''}`);
  if (record.state !== 'completed') lines.push(`Run record: ${api.runRecordPath(ctx.io.cwd, record.id)}; \`migration-chain env upgrade ${record.environment} --resume\` continues it.`);
  ctx.output.result(lines.join('\n'));
}
