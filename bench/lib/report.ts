// The result table: one row per figure, each with its goals evaluated against the measured numbers.
import { formatMs } from '../../src/core/log';

export type Unit = 'ms' | 'bytes';

export interface Goal {
  text: string;
  /** undefined: could not be evaluated (e.g. the baseline is missing). */
  met: boolean | undefined;
}

export interface Figure {
  group: number;
  name: string;
  unit: Unit;
  ours?: number;
  /** Shown instead of `ours` for figures that are a check rather than a number. */
  display?: string;
  baseline?: { name: string; value?: number };
  goals: Goal[];
  /** Why a value is missing, or what a reader should know to interpret it. */
  note?: string;
  /** The figure could not be measured because something broke (the reason). */
  failed?: boolean;
}

export function ratio(f: Figure): number | undefined {
  const b = f.baseline?.value;
  return f.ours !== undefined && b !== undefined && b > 0 ? f.ours / b : undefined;
}

/** `≤ limit` on our own value. */
export function atMost(limit: number, unit: Unit, value: number | undefined): Goal {
  return { text: `≤ ${formatValue(limit, unit)}`, met: value === undefined ? undefined : value <= limit };
}

/** ours / baseline ≤ maxRatio, e.g. 1.2 ("≤ 1.2x the floor"). */
export function ratioAtMost(maxRatio: number, ours: number | undefined, baseline: number | undefined, label: string): Goal {
  const met = ours === undefined || baseline === undefined ? undefined : ours / baseline <= maxRatio;
  return { text: `≤ ${maxRatio}x ${label}`, met };
}

/** baseline / ours ≥ factor ("≥ 5x faster than alembic"). */
export function fasterBy(factor: number, ours: number | undefined, baseline: number | undefined, label: string): Goal {
  const met = ours === undefined || baseline === undefined ? undefined : baseline / ours >= factor;
  return { text: `≥ ${factor}x faster than ${label}`, met };
}

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined) return '—';
  // Decimal units: the goal is "1 MB" = 10^6 bytes.
  if (unit === 'bytes') return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : `${(value / 1e3).toFixed(1)} kB`;
  if (Number.isInteger(value) && value < 1000) return `${value} ms`;
  return value < 10 ? `${value.toFixed(2)} ms` : formatMs(value);
}

export function verdict(f: Figure): string {
  if (f.failed) return 'FAILED';
  if (f.goals.length === 0) return 'info';
  if (f.goals.some((g) => g.met === false)) return 'MISSED';
  if (f.goals.some((g) => g.met === undefined)) return f.ours === undefined && f.display === undefined ? 'NOT MEASURED' : 'PARTLY MEASURED';
  return 'MET';
}

export function renderTable(figures: readonly Figure[]): string {
  const header = ['#', 'figure', 'ours (median)', 'baseline (median)', 'ratio', 'goal', 'result'];
  const rows = figures.map((f) => {
    const r = ratio(f);
    const baseline = f.baseline ? `${formatValue(f.baseline.value, f.unit)} ${f.baseline.name}` : '';
    return [
      String(f.group),
      f.name,
      f.display ?? formatValue(f.ours, f.unit),
      baseline,
      r === undefined ? '' : `${r.toFixed(2)}x`,
      f.goals.map((g) => g.text).join('; '),
      verdict(f),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.group} ${f.name}: ${f.note}`);
  if (notes.length) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}
