// Small pieces several commands share.
import { MigrationChainError, type Chain, type ChainStatus, type RunResult, formatMs } from '../core';
import type { CommandContext } from '../context';

/** Problems in the files are reported by `check`; read commands mention them on stderr and go on. */
export function warnAboutChain(ctx: CommandContext, chain: Chain): void {
  const errors = chain.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors) ctx.logger.warn(`${errors} error${errors === 1 ? '' : 's'} in the migration files; run \`migration-chain check\` for the list.`);
}

export function warnAboutUnknown(ctx: CommandContext, status: ChainStatus): void {
  for (const u of status.unknown) {
    ctx.logger.warn(`the database records revision ${u.revision}, which no migration file defines${u.nearest.length ? ` (nearest: ${u.nearest.join(', ')})` : ''}.`);
  }
}

/**
 * The database's status when a URL is configured. A database that cannot be reached only costs the
 * `(current)` marks: the command is about the files, so it warns and goes on.
 */
export async function readStatusIfConfigured(ctx: CommandContext, chain: Chain): Promise<ChainStatus | undefined> {
  const url = ctx.optionalDatabaseUrl();
  if (!url) return undefined;
  try {
    return await ctx.core().getStatus(chain, { url: url.url });
  } catch (err) {
    if (err instanceof MigrationChainError && err.code === 'connection') {
      ctx.logger.warn(`not showing the current revision: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

export function formatRevisions(revisions: readonly string[]): string {
  return revisions.length ? revisions.join(', ') : '<base>';
}

/**
 * What every run passes to the engine besides its URL: narration, Ctrl-C, the lock settings, and the
 * direct URL (not for a fleet, whose environments name their own `directUrl`).
 */
export function runOptions(ctx: CommandContext, withDirectUrl = true) {
  const direct = withDirectUrl ? ctx.directUrl() : undefined;
  return {
    ...(direct ? { directUrl: direct.url } : {}),
    logger: ctx.logger, signal: ctx.signal, lockTimeoutMs: ctx.options.lockTimeoutMs, applicationName: 'migration-chain cli',
    ...(ctx.options.leaseMs !== undefined ? { leaseMs: ctx.options.leaseMs } : {}),
    ...(ctx.options.statementLockTimeoutMs !== undefined ? { statementLockTimeoutMs: ctx.options.statementLockTimeoutMs } : {}),
  };
}

export function summariseRun(verb: 'Upgraded' | 'Downgraded', result: RunResult): string {
  if (!result.applied.length) return `Nothing to do: the database is at ${formatRevisions(result.to)}.`;
  const n = result.applied.length;
  return `${verb} ${formatRevisions(result.from)} -> ${formatRevisions(result.to)}: ${n} migration${n === 1 ? '' : 's'} in ${formatMs(result.durationMs)}.`;
}
