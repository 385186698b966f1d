/**
 * When a session evaluates on the held-out set. 'every-round': after every round. 'auto': after
 * the first round, then only once amplification has trained at least EVAL_RATIO times as long as
 * the last evaluation took, so evaluation costs at most about 1/(1+EVAL_RATIO) of the thread's
 * time when rounds are short.
 */

/** With evaluation 'auto': amplification trains at least this many times as long as an evaluation takes. */
export const EVAL_RATIO = 4;

/**
 * Evaluation 'auto': is an evaluation due, `trainedSeconds` of amplification after the last one,
 * which took `lastEvalSeconds`?
 */
export function evaluationDue(trainedSeconds: number, lastEvalSeconds: number): boolean {
  return trainedSeconds >= EVAL_RATIO * lastEvalSeconds;
}

export class EvaluationPolicy {
  /** Rounds finished without evaluation since the last evaluated one. */
  private skipped = 0;
  /** Amplification's seconds at the last evaluation, and how long that evaluation took. */
  private lastEvalAt = 0;
  private lastEvalCost = 0;

  constructor(private readonly mode: 'every-round' | 'auto' | undefined) {}

  /**
   * For the round that just ended, `trainedSeconds` of amplification in: evaluate it? Always when
   * `forced`, and for the first round.
   */
  due(trainedSeconds: number, options: { forced: boolean; first: boolean }): boolean {
    if (options.forced || this.mode !== 'auto' || options.first) return true;
    return evaluationDue(trainedSeconds - this.lastEvalAt, this.lastEvalCost);
  }

  /** The round ended without an evaluation. */
  skip(): void {
    this.skipped++;
  }

  /**
   * An evaluation at a round's end, `trainedSeconds` of amplification in, that took `cost`
   * seconds. Returns the rounds skipped before it.
   */
  evaluated(trainedSeconds: number, cost: number): number {
    this.lastEvalAt = trainedSeconds;
    this.lastEvalCost = cost;
    return this.takeSkipped(this.skipped);
  }

  /**
   * An evaluation of the last finished round after the run stopped without one (that round was
   * counted as skipped). Its cost does not move the policy: it was not a round's end.
   */
  evaluatedLate(trainedSeconds: number): number {
    this.lastEvalAt = trainedSeconds;
    return this.takeSkipped(Math.max(0, this.skipped - 1));
  }

  private takeSkipped(count: number): number {
    this.skipped = 0;
    return count;
  }
}
