// The result table: one row per figure, each with its goals evaluated against the measured numbers.
import { formatMs } from '../../src/core/log';
import { median, type Sample } from './measure';

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
  /** ours / baseline; see pairedRatio. */
  ratio?: number;
  /** Shown instead of `ours` for figures that are a check rather than a number. */
  display?: string;
  baseline?: { name: string; value?: number };
  goals: Goal[];
  /** Why a value is missing, or what a reader should know to interpret it. */
  note?: string;
  /** The figure could not be measured because something broke (the reason). */
  failed?: boolean;
}

/**
 * ours / baseline as the median of the per-round ratios: contenders alternate, so the two runs of a
 * round saw the same machine load, and a burst from another process cancels out instead of landing
 * on one side. Falls back to the ratio of the medians when the runs cannot be paired.
 */
export function pairedRatio(ours: Sample | undefined, baseline: Sample | undefined): number | undefined {
  if (!ours || !baseline) return undefined;
  if (ours.runs.length !== baseline.runs.length || ours.runs.length === 0) return ours.median / baseline.median;
  return median(ours.runs.map((o, i) => o / baseline.runs[i]));
}

/** `≤ limit` on our own value. */
export function atMost(limit: number, unit: Unit, value: number | undefined): Goal {
  return { text: `≤ ${formatValue(limit, unit)}`, met: value === undefined ? undefined : value <= limit };
}

/** ours / baseline ≤ maxRatio, e.g. 1.2 ("≤ 1.2x the floor"). */
export function ratioAtMost(maxRatio: number, ratio: number | undefined, label: string): Goal {
  return { text: `≤ ${maxRatio}x ${label}`, met: ratio === undefined ? undefined : ratio <= maxRatio };
}

/** baseline / ours ≥ factor ("≥ 5x faster than alembic"), i.e. ratio ≤ 1/factor. */
export function fasterBy(factor: number, ratio: number | undefined, label: string): Goal {
  return { text: `≥ ${factor}x faster than ${label}`, met: ratio === undefined ? undefined : 1 / ratio >= factor };
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
    const r = f.ratio;
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
