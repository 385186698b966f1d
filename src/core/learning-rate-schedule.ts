/**
 * A learning-rate schedule as a session's configuration (and so a saved run) carries it; the
 * schedule itself is src/learn/lr-schedule.ts. Here so the run file's validator can keep it.
 */

export interface LearningRateSchedule {
  /** The peak rate, reached after the warm-up. */
  peak: number;
  /** Updates of linear warm-up from peak / warmupSteps (the clock counts updates, not steps). */
  warmupSteps: number;
  /** The rate decays as peak·sqrt(decaySteps / (decaySteps + update)). */
  decaySteps: number;
  /** The constant rate these steps had without a schedule (the supervised baseline keeps it). */
  constantRate: number;
  /**
   * Optimiser updates per training step, each on the step's same questions (default 1); the
   * schedule's clock counts updates.
   */
  updatesPerStep?: number;
}

/** The most updates per step a schedule may ask for. */
export const MAX_UPDATES_PER_STEP = 8;

/** What is wrong with a schedule from elsewhere (a kept session), or null when it is usable. */
export function learningRateScheduleProblem(s: unknown): string | null {
  if (s === null) return null;
  const o = (typeof s === 'object' ? s : {}) as Record<string, unknown>;
  for (const k of ['peak', 'warmupSteps', 'decaySteps', 'constantRate'])
    if (!(typeof o[k] === 'number' && Number.isFinite(o[k]) && o[k] > 0))
      return `learningRateSchedule.${k} must be a positive number, got ${String(o[k])}`;
  const u = o.updatesPerStep;
  if (
    u !== undefined &&
    !(Number.isInteger(u) && (u as number) >= 1 && (u as number) <= MAX_UPDATES_PER_STEP)
  )
    return `learningRateSchedule.updatesPerStep must be a whole number from 1 to ${MAX_UPDATES_PER_STEP}, got ${String(u)}`;
  return null;
}
