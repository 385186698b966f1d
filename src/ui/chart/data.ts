/** The accuracy chart's and heatmap's data, from RoundMetrics. Pure TS, no DOM. */
import type { Accuracies, RoundMetrics } from '../../core/metrics';

export type Series = 'model' | 'amplified' | 'supervised';

export const SERIES_LABEL: Readonly<Record<Series, string>> = {
  model: 'Model X',
  amplified: 'Amplified Amp(X)',
  supervised: 'Supervised',
};

/** 0.8234 → "82.3%"; null or not a number → "—". */
export function formatPct(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : `${(value * 100).toFixed(1)}%`;
}

export function seriesValue(r: RoundMetrics, s: Series): number | null {
  if (s === 'model') return r.modelAccuracy;
  if (s === 'amplified') return r.amplifiedAccuracy;
  return r.supervisedAccuracy;
}

export interface TableRow {
  round: string;
  model: string;
  amplified: string;
  supervised: string;
}

/** One row per round, in round order: the accessible table's cells. */
export function tableRows(rounds: readonly RoundMetrics[]): TableRow[] {
  return [...rounds]
    .sort((a, b) => a.round - b.round)
    .map((r) => ({
      round: String(r.round),
      model: formatPct(r.modelAccuracy),
      amplified: formatPct(r.amplifiedAccuracy),
      supervised: formatPct(r.supervisedAccuracy),
    }));
}

export interface Point {
  round: number;
  value: number;
}

/** A line's points in round order; rounds where the value is missing are left out. */
export function seriesPoints(rounds: readonly RoundMetrics[], s: Series): Point[] {
  return [...rounds]
    .sort((a, b) => a.round - b.round)
    .flatMap((r) => {
      const v = seriesValue(r, s);
      return v === null || !Number.isFinite(v) ? [] : [{ round: r.round, value: v }];
    });
}

/** The x domain: the rounds shown, at least one unit wide. */
export function roundDomain(rounds: readonly RoundMetrics[]): [number, number] {
  if (rounds.length === 0) return [0, 1];
  const xs = rounds.map((r) => r.round);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/** Integer round ticks, at most `max` of them. */
export function roundTicks(domain: readonly [number, number], max: number): number[] {
  const lo = Math.ceil(domain[0]);
  const hi = Math.floor(domain[1]);
  const span = hi - lo;
  if (span < 0) return [];
  const step = Math.max(1, Math.ceil((span + 1) / Math.max(1, max)));
  const out: number[] = [];
  for (let r = lo; r <= hi; r += step) out.push(r);
  return out;
}

/** A short text of the latest round, for the chart's accessible name. */
export function latestSummary(rounds: readonly RoundMetrics[], showSupervised: boolean): string {
  const last = [...rounds].sort((a, b) => a.round - b.round).at(-1);
  if (!last) return 'No rounds yet.';
  let s = `Round ${last.round}: Model X ${formatPct(last.modelAccuracy)}, Amplified Amp(X) ${formatPct(last.amplifiedAccuracy)}`;
  if (showSupervised) s += `, Supervised ${formatPct(last.supervisedAccuracy)}`;
  return `${s}.`;
}

/** Depth classes present in any round, in numeric order ("1", "2", …). */
export function depthKeys(rounds: readonly RoundMetrics[]): string[] {
  const keys = new Set<string>();
  for (const r of rounds) for (const k of Object.keys(r.byDepth)) keys.add(k);
  return [...keys].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

export interface HeatCell {
  round: number;
  depth: string;
  value: number | null;
}

function pick(a: Accuracies | undefined, which: Series): number | null {
  if (!a) return null;
  const v = a[which];
  return v === null || !Number.isFinite(v) ? null : v;
}

/** One cell per (round, depth), value null where not measured. */
export function heatCells(rounds: readonly RoundMetrics[], which: Series): HeatCell[] {
  const depths = depthKeys(rounds);
  return [...rounds]
    .sort((a, b) => a.round - b.round)
    .flatMap((r) => depths.map((d) => ({ round: r.round, depth: d, value: pick(r.byDepth[d], which) })));
}

/** Whether any round measured this series per depth (the supervised baseline may be off). */
export function hasSeries(rounds: readonly RoundMetrics[], which: Series): boolean {
  return rounds.some((r) => Object.values(r.byDepth).some((a) => pick(a, which) !== null));
}

/** Per depth, the latest round's accuracy: "depth 1 95.0%, depth 2 40.0%". */
export function depthSummary(rounds: readonly RoundMetrics[], which: Series): string {
  const last = [...rounds].sort((a, b) => a.round - b.round).at(-1);
  if (!last) return 'No rounds yet.';
  const parts = depthKeys([last]).map((d) => `depth ${d} ${formatPct(pick(last.byDepth[d], which))}`);
  return `Round ${last.round}: ${parts.join(', ')}.`;
}
