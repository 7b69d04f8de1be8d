// The pre-run flow, built once for every engine: plan → large-table locks → risky statements →
// guarantee and notes. An engine brings its plan and its way of reading statements; a front end
// renders the RunPreview and confirms.
import type { Chain } from '../chain/chain';
import type { OfflineAlembic } from '../alembic/run/offline-sql';
import { silentLogger } from '../log';
import type { RunPlan } from '../run/preview';
import type { RiskyStatement } from '../sql/risky';
import type { PreviewRunOptions, RunGuarantee, RunPreview, RunSettings } from './engine';

export interface StatementReading {
  riskyOf: (step: { revision: string }) => RiskyStatement[];
  notes: string[];
}

export async function buildPreview(o: {
  chain: Chain;
  plan: RunPlan;
  direction: 'up' | 'down';
  settings: RunSettings;
  options: PreviewRunOptions;
  /** How the lint reads `.py` revisions (an Alembic project's offline SQL). */
  lintInput?: () => OfflineAlembic;
  readStatements: () => Promise<StatementReading>;
}): Promise<RunPreview> {
  const { plan } = o;
  const revisions = plan.steps.map((s) => s.revision);
  const largeTableLocks = o.direction === 'up' && revisions.length ? await lintLocks(o.chain, revisions, o.settings, o.lintInput) : [];
  const partial = plan.steps.filter((s) => !s.transactional).map((s) => s.revision);
  const guarantee: RunGuarantee = partial.length ? { kind: 'may-partially-apply', revisions: partial } : { kind: 'per-migration' };
  const largeTableLocksBlock = largeTableLocks.length ? confirmationApi().largeTableLocksBlock(largeTableLocks) : undefined;
  const known = { plan, largeTableLocks, largeTableLocksBlock, guarantee };
  const wanted = typeof o.options.statements === 'function' ? o.options.statements(known) : o.options.statements ?? true;
  const read = wanted && revisions.length ? await o.readStatements() : { riskyOf: () => [], notes: [] };
  return { ...known, riskyOf: read.riskyOf, notes: read.notes };
}

/** The lint's blocking locks on large tables; a lint failure never blocks the run (it is logged). */
async function lintLocks(chain: Chain, revisions: string[], settings: RunSettings, lintInput?: () => OfflineAlembic): Promise<string[]> {
  try {
    return await confirmationApi().largeTableLocks(chain, revisions, settings.url, lintInput);
  } catch (err) {
    (settings.logger ?? silentLogger).warn(`lock check before the upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/** The lint (and its parser) loads only for a run with pending revisions. */
function confirmationApi(): typeof import('../lint/confirmation') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: the parser is heavy
  return require('../lint/confirmation') as typeof import('../lint/confirmation');
}

/** One note for a downgrade's destructive statements (what the undo deletes), first lines only. */
export function dropsNote(heading: string, drops: readonly string[]): string[] {
  if (!drops.length) return [];
  const shown = drops.slice(0, 10).join('\n');
  return [`${heading}\n${shown}${drops.length > 10 ? `\n  … and ${drops.length - 10} more` : ''}`];
}
