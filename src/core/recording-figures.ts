/**
 * The figures a recorded run shows (public/runs/<task>.json): when X reached 95%, what the
 * supervised baseline needed, the depth wave, the last round. The five-task view and the
 * facilitator's sheet quote these, so their numbers are the page's own. Pure TS.
 */
import type { RoundMetrics } from './metrics';
import type { Recording } from './run-format';
import type { TaskId } from './task';

export const TARGET_ACCURACY = 0.95;

/** The first round at which an answerer reached `target`, with the examples (or labels) used by then. */
export interface Reached {
  round: number;
  examples: number;
}

export interface RecordingFigures {
  task: TaskId;
  rounds: number;
  stopped: Recording['stopped'];
  stepsPerRound: number;
  backend: string;
  /** The last round's accuracies. */
  last: { model: number; amplified: number; supervised: number | null };
  /** X (trained only on Amp(X)'s answers) at 95%: its examples so far. */
  model95?: Reached;
  /** The supervised baseline (given the true answers) at 95%: the labels it had used. */
  supervised95?: Reached;
  /** Round 1: how far Amp(X) starts ahead of X (a fraction, e.g. 0.27). */
  firstLead: number;
  /** Per depth class (1 …), the first round X got 90% of that depth right; undefined: never. */
  depthWave: { depth: number; round?: number }[];
}

/** The first round whose value is at least `target`. */
export function firstReaching(
  metrics: readonly RoundMetrics[],
  value: (m: RoundMetrics) => number | null,
  target = TARGET_ACCURACY,
): RoundMetrics | undefined {
  return metrics.find((m) => {
    const v = value(m);
    return v !== null && v >= target;
  });
}

export function recordingFigures(rec: Recording): RecordingFigures {
  const ms = rec.metrics;
  const lastM = ms[ms.length - 1];
  const model95 = firstReaching(ms, (m) => m.modelAccuracy);
  const sup95 = firstReaching(ms, (m) => m.supervisedAccuracy);
  const depths = [...new Set(ms.flatMap((m) => Object.keys(m.byDepth).map(Number)))].sort((a, b) => a - b);
  const first = ms[0];
  return {
    task: rec.task,
    rounds: ms.length,
    stopped: rec.stopped,
    stepsPerRound: rec.settings.stepsPerRound,
    backend: rec.settings.backend,
    last: lastM
      ? {
          model: lastM.modelAccuracy,
          amplified: lastM.amplifiedAccuracy,
          supervised: lastM.supervisedAccuracy,
        }
      : { model: 0, amplified: 0, supervised: null },
    model95: model95 && { round: model95.round, examples: model95.examples },
    supervised95: sup95 && { round: sup95.round, examples: sup95.labels },
    firstLead: first ? first.amplifiedAccuracy - first.modelAccuracy : 0,
    depthWave: depths.map((d) => ({
      depth: d,
      round: firstReaching(ms, (m) => m.byDepth[String(d)]?.model ?? null, 0.9)?.round,
    })),
  };
}

/** The shared x axis of several recordings' charts: round 0 … the longest run. */
export function sharedRounds(recs: readonly Recording[]): number {
  return Math.max(1, ...recs.map((r) => r.metrics.length));
}

/** 64000 → "64k"; 1234567 → "1.2M". */
export function countText(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

/** "X reached 95% at round 21 (134k examples)" / "X did not reach 95% in 34 rounds". */
export function reachedText(who: string, r: Reached | undefined, rounds: number, unit: string): string {
  return r
    ? `${who} reached 95% at round ${r.round} (${countText(r.examples)} ${unit})`
    : `${who} did not reach 95% in ${rounds} rounds`;
}
