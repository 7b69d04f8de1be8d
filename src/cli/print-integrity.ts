// Text renderings for the integrity features: merge advice for several heads, the risk preview of an
// upgrade, the undo list of a downgrade. Pure functions from engine data to lines.
import type { HeadPairAdvice, RiskPreview, RunPlan, RunPlanStep } from './core';
import { displayPath } from './print';

/** One block per pair of heads: the advice, its reason, and the command that carries it out. */
export function renderHeadAdvice(advice: readonly HeadPairAdvice[], cwd?: string): string[] {
  return advice.flatMap((a) => {
    const [x, y] = a.heads;
    if (a.advice === 'reparent-safe' && a.reparent) {
      const r = a.reparent;
      return [
        `heads ${x} and ${y}: re-parenting is safe. ${a.reason}`,
        `  migration-chain reparent ${r.revision} --onto ${r.to}   (rewrites down_revision at ${displayPath(r.file, cwd)}:${r.line})`,
      ];
    }
    return [
      `heads ${x} and ${y}: a merge revision is required. ${a.reason}`,
      `  migration-chain merge -m "merge ${x} and ${y}"`,
    ];
  });
}

// The risk selection lives in the core (the editor's confirmation uses it too).
export { hasRisks, upgradeRisks, type RiskPreview } from './core';

export function renderRiskPreview(p: RiskPreview<RunPlanStep>, cwd?: string): string[] {
  const lines: string[] = [];
  if (p.destructive.length) {
    lines.push('Destructive statements:');
    for (const { step, risk } of p.destructive) {
      lines.push(`  ${displayPath(risk.file, cwd)}:${risk.line}  ${risk.statement}  (${step.revision}: ${risk.message})`);
    }
  }
  if (p.nonTransactional.length) {
    lines.push('Not transactional (may partially apply: a failure leaves the statements before it applied):');
    for (const s of p.nonTransactional) lines.push(`  ${s.revision}  ${s.message}  (${displayPath(s.file, cwd)})`);
  }
  return lines;
}

/** The downgrade preview: revisions to undo, newest first, marking those with no downgrade section. */
export function renderDowngradePlan(plan: RunPlan, cwd?: string): string[] {
  const fmt = (revs: readonly string[]) => (revs.length ? revs.join(', ') : '<base>');
  return [
    `Downgrade ${plan.target.display} from ${fmt(plan.from)} to ${fmt(plan.to)} undoes (newest first):`,
    ...plan.steps.map((s) => `  ${s.revision}  ${s.message}  (${displayPath(s.file, cwd)})${s.hasDowngrade ? '' : '  [no downgrade section]'}`),
  ];
}
