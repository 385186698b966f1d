/** σ^k(x) straight from the export form: follow the pairs k times. */
export function solveFromJson(facts: unknown, question: unknown): unknown {
  const sigma = new Map((facts as [string, string][]).map(([from, to]) => [from, to]));
  const { x, k } = question as { x: string; k: number };
  let at = x;
  for (let i = 0; i < k; i++) at = sigma.get(at)!;
  return at;
}
