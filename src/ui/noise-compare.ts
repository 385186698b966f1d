/**
 * A noisy overseer's run against a clean run of the same settings, round by round (pure), and the
 * clean runs this page trained, kept in memory so that turning noise on can be compared with them.
 */
import type { RoundMetrics } from '../core/metrics';
import { configKeyOf, type RunSettings } from '../core/run-format';

export interface NoiseRow {
  round: number;
  examples: number;
  x: number;
  amp: number;
  /** The clean run's X and Amp(X) at the same round; undefined past its last round. */
  cleanX?: number;
  cleanAmp?: number;
}

/** One row per noisy round, with the clean run's round of the same number beside it. */
export function noiseRows(
  noisy: readonly RoundMetrics[],
  clean: readonly RoundMetrics[] | undefined,
): NoiseRow[] {
  const byRound = new Map((clean ?? []).map((m) => [m.round, m]));
  return noisy.map((m) => {
    const c = byRound.get(m.round);
    return {
      round: m.round,
      examples: m.examples,
      x: m.modelAccuracy,
      amp: m.amplifiedAccuracy,
      ...(c ? { cleanX: c.modelAccuracy, cleanAmp: c.amplifiedAccuracy } : {}),
    };
  });
}

/** The clean run's round to set against a noisy round: the same round, else its last one before. */
export function cleanAt(clean: readonly RoundMetrics[] | undefined, round: number): RoundMetrics | undefined {
  let best: RoundMetrics | undefined;
  for (const m of clean ?? []) if (m.round <= round && (!best || m.round > best.round)) best = m;
  return best;
}

/** The key of the clean run that a run's settings would be compared with. */
export const cleanKey = (s: RunSettings): string => configKeyOf({ ...s, overseerNoise: undefined });

const kept = new Map<string, RoundMetrics[]>();

/** Keeps a clean run's rounds (the latest for its settings); a noisy run is not kept. */
export function keepCleanRun(s: RunSettings, rounds: readonly RoundMetrics[]): void {
  if (s.overseerNoise || rounds.length === 0) return;
  kept.set(
    cleanKey(s),
    rounds.map((m) => ({ ...m })),
  );
}

/** The kept clean run for these settings (noise aside), if this page trained one. */
export const keptCleanRun = (s: RunSettings): RoundMetrics[] | undefined => kept.get(cleanKey(s));
