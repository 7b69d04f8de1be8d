// JUnit XML for CI: one <testsuite> per branch group, one <testcase> per revision. A failed step is
// a <failure> whose text is the schema difference; a skipped revision is <skipped>; a declared
// irreversible revision passes with its reason in <system-out>.
import * as path from 'node:path';
import type { StairwayReport } from './model';

export function renderJUnit(report: StairwayReport, baseDir: string): string {
  const suites = new Map<string, typeof report.results>();
  for (const r of report.results) {
    const list = suites.get(r.branch) ?? [];
    list.push(r);
    suites.set(r.branch, list);
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const count = (o: string) => report.results.filter((r) => r.outcome === o).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="migration-chain stairway" tests="${report.results.length}" failures="${count('failed')}" skipped="${count('skipped')}" time="${seconds(report.durationMs)}">`,
  ];
  for (const [branch, results] of suites) {
    const failures = results.filter((r) => r.outcome === 'failed').length;
    const skipped = results.filter((r) => r.outcome === 'skipped').length;
    out.push(`  <testsuite name="${xml(branch)}" tests="${results.length}" failures="${failures}" skipped="${skipped}" time="${seconds(results.reduce((s, r) => s + r.durationMs, 0))}">`);
    for (const r of results) {
      const file = path.relative(baseDir, r.file) || r.file;
      const open = `    <testcase classname="${xml(branch)}" name="${xml(`${r.revision}${r.message ? ` ${r.message}` : ''}`)}" file="${xml(file)}" time="${seconds(r.durationMs)}"`;
      if (r.outcome === 'passed') {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (r.outcome === 'skipped') out.push(`      <skipped message="${xml(r.note ?? 'skipped')}"/>`);
      if (r.outcome === 'irreversible') out.push(`      <system-out>${xml(r.note ?? '')}</system-out>`);
      for (const f of r.failures) {
        const first = f.findings[0];
        const where = first ? ` at ${path.relative(baseDir, first.location.file) || first.location.file}:${first.location.line}` : '';
        out.push(`      <failure type="${xml(f.step)}" message="${xml(`${f.step}${where}: ${f.findings[0]?.message ?? f.message}`)}">${xml(f.message)}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function xml(text: string): string {
  // Control characters other than tab / newline are not allowed in XML 1.0 at all.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
