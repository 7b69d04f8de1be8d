import { MigrationChainError, loadAdviceApi } from '../core';
import type { Command } from '../context';
import { confirmSimple } from '../confirm';
import { displayPath } from '../print';
import { readStatusIfConfigured } from './shared';

/**
 * `reparent REV --onto PARENT`: rewrites REV's down_revision (nothing else in the file) after naming
 * the file and asking. Refused when the result would be a cycle, or when the configured database
 * applied REV (its recorded history would change under it: write a merge instead).
 */
export const reparent: Command = async (ctx) => {
  const chain = await ctx.chain({ requireValid: true });
  const one = (input: string) => {
    const [rev] = chain.graph.resolve(input, []).revisions;
    const m = rev ? chain.graph.get(rev) : undefined;
    if (!m) throw new MigrationChainError('usage', `"${input}" does not name one revision.`);
    return m;
  };
  const m = one(ctx.positionals[0]);
  const parent = one(ctx.options.onto!.trim());
  if (parent.revision === m.revision || chain.graph.ancestors(parent.revision).has(m.revision)) {
    throw new MigrationChainError('usage', `${parent.revision} builds on ${m.revision}: re-parenting onto it would make a cycle.`);
  }
  if (m.downRevisions.length === 1 && m.downRevisions[0] === parent.revision) {
    ctx.output.result(`${m.revision} already has ${parent.revision} as its parent; nothing to do.`);
    return 0;
  }
  const status = await readStatusIfConfigured(ctx, chain);
  const applied = status ? chain.graph.appliedSet(status.heads) : undefined;
  if (status && applied?.has(m.revision)) {
    throw new MigrationChainError('usage',
      `${status.target.display} applied ${m.revision}; re-parenting it would rewrite history that database recorded.`,
      'Write a merge revision instead: migration-chain merge');
  }
  const file = displayPath(m.file, ctx.io.cwd);
  ctx.output.note([
    `Re-parent ${m.revision} onto ${parent.revision}: rewrites the down_revision in ${file}:${m.downRevisionLine}`,
    `  from ${m.downRevisions.join(', ') || '(none: a base)'} to ${parent.revision}. Nothing else in the file changes.`,
    status ? `  ${status.target.display} has not applied ${m.revision}.` : '  No database is configured: this is only safe if no database applied it.',
  ].join('\n'));
  await confirmSimple({ operation: `rewrite the down_revision in ${file}`, yes: ctx.options.yes, stdinIsTTY: ctx.io.stdinIsTTY }, ctx.io.ask);
  const result = await loadAdviceApi().reparent({ file: m.file, newParent: parent.revision });
  ctx.output.result(`Re-parented ${m.revision} onto ${parent.revision}: ${file}:${result.line} now reads ${result.after} (was ${result.before || 'empty'}).`);
  return 0;
};
