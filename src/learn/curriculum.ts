/**
 * The ground-truth-free depth curriculum: amplification trains on depths 1…D and admits D+1 once
 * X agrees with Amp(X) on enough fresh questions of every depth ≤ D. No ground truth is read: the
 * check compares two of the model's own answerers.
 */
import type { WaveItem, WaveOptions } from '../core/recursion';
import type { Rng } from '../core/rng';
import type { Params } from '../core/task';
import { amplifiedAnswers, sampleItems, type OverseerView } from './amplify';
import type { Learner } from './learner';

export interface CurriculumSettings {
  /** Off: every depth is admitted from the start. */
  enabled: boolean;
  /** X's agreement with Amp(X) every admitted depth needs before the next is admitted. */
  admitAgreement: number;
  /** Share of amplification's questions drawn at the deepest admitted depth (the rest uniform below). */
  deepestShare: number;
}

/** Fresh questions per admitted depth in each check. */
const CHECK_QUESTIONS = 64;

export class Curriculum {
  /** The frontier: the deepest depth amplification trains on. */
  admittedDepth: number;
  /** X's agreement with Amp(X) per admitted depth at the last check. */
  agreement: Record<string, number> = {};

  constructor(
    readonly maxDepth: number,
    private readonly settings: CurriculumSettings,
    /** The check's own stream, so checking draws nothing from amplification's. */
    private readonly rng: Rng,
  ) {
    this.admittedDepth = settings.enabled ? 1 : maxDepth;
  }

  /** A depth for amplification's next question, drawn from amplification's stream `rng`. */
  drawDepth(rng: Rng): number {
    const top = this.admittedDepth;
    if (top <= 1) return 1;
    if (rng.next() < this.settings.deepestShare) return top;
    return 1 + rng.int(top - 1);
  }

  /**
   * The check at a round's end: X against Amp(X) on fresh questions of each admitted depth, drawn
   * with H's `view`; Amp(X) decomposes with `ampView` (H, or H' standing in for it).
   */
  async check(
    x: Learner,
    view: OverseerView,
    ampView: OverseerView,
    params: Params,
    waves: WaveOptions = {},
  ): Promise<void> {
    const items: WaveItem[] = [];
    const depths: number[] = [];
    for (let d = 1; d <= this.admittedDepth; d++) {
      for (const it of sampleItems(view, this.rng, params, CHECK_QUESTIONS / 4, 4, () => d)) {
        items.push(it);
        depths.push(d);
      }
    }
    const own = await x.answer(items);
    const amp = await x.withWeights(
      async (w) => (await amplifiedAnswers(ampView, x, w, items, waves)).answers,
    );
    const agree = new Map<number, number>();
    depths.forEach((d, i) => agree.set(d, (agree.get(d) ?? 0) + (own[i] === amp[i] ? 1 : 0)));
    this.agreement = {};
    let all = true;
    for (let d = 1; d <= this.admittedDepth; d++) {
      const a = (agree.get(d) ?? 0) / CHECK_QUESTIONS;
      this.agreement[String(d)] = a;
      if (a < this.settings.admitAgreement) all = false;
    }
    if (this.settings.enabled && all && this.admittedDepth < this.maxDepth) this.admittedDepth++;
  }
}
