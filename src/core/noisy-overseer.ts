/**
 * A noisy overseer: H whose combination step, with probability p, gives a wrong but well-typed
 * answer (another name, value, length, boolean or none of the task) instead of the right one.
 * Only H's own combination is corrupted; lookups stay true, and so does any run that is not
 * given this wrapper (HCH, the full recursion the page draws, the ground truth).
 */
import { UNKNOWN, type Answer } from './answer';
import type { Rng } from './rng';
import type { Decomposition, OverseerTask, Params } from './task';

/** The largest noise allowed: past one wrong answer in two, H says more wrong than right. */
export const MAX_OVERSEER_NOISE = 0.5;

/** Why `p` is not a noise rate, or undefined when it is one (0 … MAX_OVERSEER_NOISE). */
export function overseerNoiseProblem(p: unknown): string | undefined {
  if (typeof p === 'number' && Number.isFinite(p) && p >= 0 && p <= MAX_OVERSEER_NOISE) return undefined;
  return `overseer noise must be a number from 0 to ${MAX_OVERSEER_NOISE}, got ${String(p)}`;
}

/** How often the noisy H combined (with a well-typed answer) and how often it lied. */
export interface NoiseCount {
  combinations: number;
  corrupted: number;
}

export type NoisyOverseer = OverseerTask & { readonly noise: NoiseCount; readonly noiseRate: number };

/** Every well-typed answer of the task at these params: its model's answer classes, `?` left out. */
export function answerDomain(task: Pick<OverseerTask, 'encoding'>, params: Params): Answer[] {
  const enc = task.encoding(params);
  return Array.from({ length: enc.answerClasses }, (_, c) => enc.classToAnswer(c)).filter(
    (a) => a !== UNKNOWN,
  );
}

/**
 * `task` with a noisy H. A combination that gives `?` (a subanswer of the wrong type) stays `?`:
 * H's "don't know" is honest, the noise is a slip in combining. The wrong answer is drawn
 * uniformly from the task's other answers, so it is never `?` and never the right one.
 */
export function noisyOverseer(task: OverseerTask, params: Params, p: number, rng: Rng): NoisyOverseer {
  const problem = overseerNoiseProblem(p);
  if (problem) throw new RangeError(problem);
  const domain = answerDomain(task, params);
  if (domain.length < 2) throw new RangeError(`${task.id} has no wrong answer to give`);
  const noise: NoiseCount = { combinations: 0, corrupted: 0 };
  function* overseer(ctx: unknown, q: unknown): Decomposition<unknown> {
    const right = yield* task.overseer(ctx, q);
    if (right === UNKNOWN) return right;
    noise.combinations++;
    if (rng.next() >= p) return right;
    noise.corrupted++;
    const i = domain.indexOf(right);
    // Uniform over the others: skip the right answer's slot when it is in the domain.
    const j = rng.int(i < 0 ? domain.length : domain.length - 1);
    return domain[i >= 0 && j >= i ? j + 1 : j]!;
  }
  return new Proxy(task, {
    get(target, prop, receiver) {
      if (prop === 'overseer') return overseer;
      if (prop === 'noise') return noise;
      if (prop === 'noiseRate') return p;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as NoisyOverseer;
}
