/** Calls to H per round against examples per round, from the cumulative counts the rounds report. */
import type { RoundMetrics } from '../core/metrics';

export interface CallsPerRound {
  round: number;
  examples: number;
  calls: number;
}

/**
 * Per evaluated round, the examples and calls to H since the row before it, divided by the rounds
 * in between (rounds left unevaluated have no row of their own).
 */
export function callsPerRound(rounds: readonly RoundMetrics[]): CallsPerRound[] {
  const out: CallsPerRound[] = [];
  let prev = { round: 0, examples: 0, overseerCalls: 0 };
  for (const m of rounds) {
    const span = m.round - prev.round;
    if (span <= 0) continue;
    out.push({
      round: m.round,
      examples: (m.examples - prev.examples) / span,
      calls: (m.overseerCalls - prev.overseerCalls) / span,
    });
    prev = m;
  }
  return out;
}

/** Whether these rounds were trained with H' (only then do they report its agreement). */
export const usesLearnedOverseer = (rounds: readonly RoundMetrics[]): boolean =>
  rounds.some((m) => m.learnedOverseerAgreement !== undefined);
