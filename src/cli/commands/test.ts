import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StairwayReport, StairwaySelection } from '../core';
import { UsageError } from '../core';
import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath } from '../print';

/**
 * `test`: the stairway test on a scratch database next to the configured one. The result lists
 * every tested revision; failures come with the step, the schema difference and file:line (relative
 * to the working directory, so terminals and CI link them). Exit 9 when a revision fails. An Alembic
 * project's revisions are run by its own Alembic.
 */
export const test: Command = async (ctx) => {
  const core = ctx.core();
  const chain = await ctx.chain({ requireValid: true });
  const url = ctx.databaseUrl();
  const { changedSince, from, to, junit } = ctx.options;
  if (changedSince !== undefined && changedSince.trim() === '') throw new UsageError('--changed-since needs a git ref.', 'Example: --changed-since origin/main');
  const selection: StairwaySelection = { from, to };
  if (changedSince !== undefined) {
    const changed = await core.revisionsChangedSince(chain, changedSince);
    ctx.logger.info(`${changed.revisions.length} revision(s) changed since ${changed.ref}${changed.revisions.length ? `: ${changed.revisions.join(', ')}` : ''}.`);
    selection.revisions = changed.revisions;
  }
  // The chain's engine says how the stairway moves it (an Alembic project: its own Alembic, one process per step).
  const engines = await (await ctx.engine()).stairwayEngines();
  const report = await core.runStairway({ chain, url: url.url, selection, logger: ctx.logger, signal: ctx.signal, engines });
  if (junit !== undefined) {
    const file = path.resolve(ctx.io.cwd, junit);
    try {
      fs.writeFileSync(file, core.renderJUnit(report, ctx.io.cwd));
    } catch (err) {
      throw new core.MigrationChainError('io', `Could not write the JUnit report to ${junit}: ${(err as Error).message}`);
    }
  }
  if (ctx.options.json) ctx.output.json({ ok: core.stairwayPassed(report), ...report });
  else ctx.output.result(renderReport(report, ctx.io.cwd));
  return core.stairwayPassed(report) ? ExitCode.ok : ExitCode.testFailed;
};

function renderReport(report: StairwayReport, cwd: string): string {
  const lines: string[] = [];
  const mark = { passed: '✔', irreversible: '•', failed: '✘', skipped: '○' } as const;
  for (const r of report.results) {
    const note = r.outcome === 'failed' ? ` failed at ${r.failures.map((f) => f.step).join(', ')}` : r.note ? ` ${r.note}` : '';
    lines.push(`${mark[r.outcome]} ${r.revision}${r.message ? ` (${r.message})` : ''}${note}`);
  }
  for (const r of report.results) {
    for (const f of r.failures) {
      let text = f.message;
      for (const finding of f.findings) text = text.split(finding.location.file).join(displayPath(finding.location.file, cwd));
      lines.push('', `${r.revision}, ${f.step}:`, ...text.split('\n').map((l) => (l ? `  ${l}` : l)));
    }
  }
  const count = (o: string) => report.results.filter((r) => r.outcome === o).length;
  lines.push('', `${count('passed')} passed, ${count('failed')} failed, ${count('irreversible')} irreversible (upgrade only), ${count('skipped')} skipped`
    + ` in ${(report.durationMs / 1000).toFixed(2)} s.`);
  if (report.results.length === 0) lines.push('No revision selected: nothing was tested.');
  return lines.join('\n');
}
