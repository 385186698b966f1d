/** One plain-language sentence on what a round did, from its metrics (pure; unit-testable). */
import type { RoundMetrics } from '../core/metrics';

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const MASTERED = 0.9;

function depths(m: RoundMetrics): number[] {
  return Object.keys(m.byDepth)
    .map(Number)
    .filter((d) => Number.isInteger(d) && d >= 1)
    .sort((a, b) => a - b);
}

export function narrateRound(m: RoundMetrics, previous?: RoundMetrics): string {
  const ds = depths(m);
  const head = `Round ${m.round}: `;
  if (ds.length === 0)
    return `${head}X answers ${pct(m.modelAccuracy)} of held-out questions; Amp(X) ${pct(m.amplifiedAccuracy)}.`;
  // The frontier: the deepest depth such that X has mastered every depth up to it.
  let frontier = 0;
  for (const d of ds) {
    if ((m.byDepth[String(d)]?.model ?? 0) >= MASTERED) frontier = d;
    else break;
  }
  const model = (d: number): number => m.byDepth[String(d)]?.model ?? 0;
  const amp = (d: number): number => m.byDepth[String(d)]?.amplified ?? 0;
  const maxDepth = ds[ds.length - 1]!;
  const before = previous ? ` (up from ${pct(previous.modelAccuracy)})` : '';
  if (frontier === maxDepth)
    return `${head}X now answers questions of every depth — ${pct(m.modelAccuracy)} overall${
      previous && m.modelAccuracy > previous.modelAccuracy ? before : ''
    } — though it was never shown a single answer, only H's decompositions.`;
  if (frontier >= 1)
    return `${head}X now answers ${pct(model(frontier))} of depth-${frontier} questions; Amp(X) answers depth-${
      frontier + 1
    } questions using them (${pct(amp(frontier + 1))} right), so X can learn those next.`;
  return `${head}X answers ${pct(model(1))} of depth-1 questions so far; Amp(X) already gets ${pct(
    amp(1),
  )} of them right, since H answers them with lookups alone.`;
}

/** A noise rate as people say it: 0.05 → "5%", 0.005 → "0.5%". */
export const noiseText = (p: number): string => `${+(p * 100).toFixed(1)}%`;

/**
 * What a noisy H did, after a round: X and Amp(X) against a clean run of the same seed at the
 * same round, when there is one.
 */
export function narrateNoise(
  noise: number,
  noisy: RoundMetrics,
  clean: RoundMetrics | undefined,
  cleanName = 'a clean H',
): string {
  const head = `With ${noiseText(noise)} of H's answers wrong, X reached ${pct(noisy.modelAccuracy)} by round ${noisy.round}`;
  // X can beat its own teacher: a slip is one target among many, so training averages it away.
  const beyond =
    noisy.modelAccuracy > noisy.amplifiedAccuracy + 0.02
      ? "; X is right more often than its noisy teacher Amp(X), because training averages H's slips away"
      : '';
  if (!clean)
    return `${head} (Amp(X) ${pct(noisy.amplifiedAccuracy)})${beyond}. No clean run of this seed to compare with.`;
  const when = clean.round === noisy.round ? '' : ` at its last round, ${clean.round}`;
  return `${head} against ${pct(clean.modelAccuracy)} with ${cleanName}${when} (Amp(X) ${pct(noisy.amplifiedAccuracy)} against ${pct(
    clean.amplifiedAccuracy,
  )})${beyond}.`;
}
