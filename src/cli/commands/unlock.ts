import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { ExitCode } from '../exit-codes';
import type { HeldLock } from '../core';

/**
 * `unlock`: names every holder of the migration lock (session or lease) and whether its run is
 * provably gone; clears those that are, after the confirmation reset uses (a protected or remote
 * database needs its name). A live holder is left alone: exit 8, nothing changed. The editor's
 * Release Migration Lock makes the same two core calls (inspectLock, clearAbandonedLock).
 */
export const unlock: Command = async (ctx) => {
  const url = ctx.runDatabaseUrl();
  const direct = ctx.directUrl();
  const core = ctx.core();
  const options = {
    url: url.url, ...(direct ? { directUrl: direct.url } : {}), applicationName: 'migration-chain unlock',
    ...(ctx.options.leaseMs !== undefined ? { leaseMs: ctx.options.leaseMs } : {}),
  };
  const inspection = await core.inspectLock(options);
  const where = inspection.target.display;
  const line = (h: HeldLock) => `  ${core.describeHeldLock(h)}`;
  if (ctx.options.json) ctx.output.result(JSON.stringify(inspection.holders, null, 2));
  if (!inspection.holders.length) {
    if (!ctx.options.json) ctx.output.result(`No migration lock is held on ${where}.`);
    return ExitCode.ok;
  }
  ctx.output.note([`The migration lock on ${where} is held by:`, ...inspection.holders.map(line)].join('\n'));
  const abandoned = inspection.holders.filter((h) => h.abandoned);
  if (!abandoned.length) {
    ctx.output.note('Nothing is provably abandoned; nothing was changed. Wait for the run to finish (or stop it), then try again.');
    return ExitCode.notConfirmed;
  }
  await confirmDangerous({
    operation: `clear ${abandoned.length} abandoned migration lock${abandoned.length === 1 ? '' : 's'} (ending idle sessions that hold it)`,
    target: inspection.target,
    yes: ctx.options.yes,
    confirmDatabase: ctx.options.confirmDatabase,
    stdinIsTTY: ctx.io.stdinIsTTY,
    protectedPatterns: protectedPatternsFrom(ctx.io.env),
  }, ctx.io.ask);
  const cleared = await core.clearAbandonedLock(options, inspection);
  if (!ctx.options.json) {
    ctx.output.result(cleared.length
      ? `Cleared ${cleared.length} abandoned migration lock${cleared.length === 1 ? '' : 's'} on ${where}:\n${cleared.map(line).join('\n')}`
      : `Nothing cleared on ${where}: the holder${abandoned.length === 1 ? '' : 's'} came back or let go in the meantime.`);
  }
  return cleared.length === abandoned.length && abandoned.length === inspection.holders.length ? ExitCode.ok : ExitCode.notConfirmed;
};
