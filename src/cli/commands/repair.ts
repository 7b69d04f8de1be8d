import { MigrationChainError } from '../core';
import type { Command } from '../context';
import { confirmDangerous, protectedPatternsFrom } from '../confirm';
import { displayPath } from '../print';

/**
 * `repair REV`: "accept current file". Shows what the audit log recorded and what the file says now,
 * asks (same rules as reset), then records the file's checksum. Nothing is run.
 */
export const repair: Command = async (ctx) => {
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const core = ctx.core();
  const [revision] = chain.graph.resolve(ctx.positionals[0], []).revisions;
  const m = revision ? chain.graph.get(revision) : undefined;
  if (!m) throw new MigrationChainError('usage', `"${ctx.positionals[0]}" does not name one revision.`);
  const status = await core.getStatus(chain, { url: url.url });
  const s = status.revisions.get(m.revision);
  const file = displayPath(m.file, ctx.io.cwd);
  if (!s || s.state === 'pending') {
    throw new MigrationChainError('usage', `${m.revision} is not applied to ${status.target.display}; there is no checksum to accept.`,
      'repair is for applied migrations whose file was edited afterwards.');
  }
  if (s.appliedChecksum === m.checksum) {
    ctx.output.result(`${m.revision} (${file}) already matches its recorded checksum; nothing to do.`);
    return 0;
  }
  ctx.output.note([
    `Accept the current file of ${m.revision} (${file}) as applied to ${status.target.display}:`,
    s.appliedChecksum
      ? `  applied ${s.appliedAt?.toISOString() ?? '(date unknown)'} with checksum ${s.appliedChecksum.slice(0, 12)}; the file's is now ${m.checksum.slice(0, 12)}.`
      : `  applied without a recorded checksum (by Alembic or before the audit log existed); the file's is ${m.checksum.slice(0, 12)}.`,
    '  Nothing is run: the edit is NOT applied to the database. Check first that the database already matches the file.',
  ].join('\n'));
  await confirmDangerous({
    operation: `accept the current file of ${m.revision}`,
    target: status.target,
    yes: ctx.options.yes,
    confirmDatabase: ctx.options.confirmDatabase,
    stdinIsTTY: ctx.io.stdinIsTTY,
    protectedPatterns: protectedPatternsFrom(ctx.io.env),
  }, ctx.io.ask);
  const result = await core.acceptCurrentFile({ chain, url: url.url, revision: m.revision, applicationName: 'migration-chain cli' });
  ctx.output.result(result.changed
    ? `Accepted ${m.revision}: checksum ${result.checksum.slice(0, 12)} recorded for ${file}.`
    : `${m.revision} already matched its recorded checksum; nothing was written.`);
  return 0;
};
