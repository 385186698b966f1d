/**
 * A learning-rate schedule as a session's configuration (and so a saved run) carries it; the
 * schedule itself is src/learn/lr-schedule.ts. Here so the run file's validator can keep it.
 */

export interface LearningRateSchedule {
  /** The peak rate, reached after the warm-up. */
  peak: number;
  /** Steps of linear warm-up from peak / warmupSteps. */
  warmupSteps: number;
  /** The rate decays as peak·sqrt(decaySteps / (decaySteps + step)). */
  decaySteps: number;
  /** The constant rate these steps had without a schedule (the supervised baseline keeps it). */
  constantRate: number;
}

/** What is wrong with a schedule from elsewhere (a kept session), or null when it is usable. */
export function learningRateScheduleProblem(s: unknown): string | null {
  if (s === null) return null;
  const o = (typeof s === 'object' ? s : {}) as Record<string, unknown>;
  for (const k of ['peak', 'warmupSteps', 'decaySteps', 'constantRate'])
    if (!(typeof o[k] === 'number' && Number.isFinite(o[k]) && o[k] > 0))
      return `learningRateSchedule.${k} must be a positive number, got ${String(o[k])}`;
  return null;
}
