/**
 * Shortest path, solved straight from DESIGN.md's export form, independently of src/: facts
 * `[{"from":"a","to":"c"}, …]`, question `{"from":"a","to":"d","steps":3}`; the answer is the
 * fewest edges from `from` to `to` using at most `steps` of them, or null when there is no such path.
 */
export function solveFromJson(facts: unknown, question: unknown): unknown {
  if (!Array.isArray(facts)) throw new TypeError('shortest-path facts must be an array');
  const { from, to, steps } = question as { from: string; to: string; steps: number };
  const edges = facts as { from: string; to: string }[];
  // Bellman-Ford style: best[v] = fewest edges from `from` to v found within k edges.
  let best = new Map<string, number>([[from, 0]]);
  for (let k = 1; k <= steps; k++) {
    const next = new Map(best);
    for (const edge of edges) {
      const here = best.get(edge.from);
      if (here === undefined) continue;
      const there = next.get(edge.to);
      if (there === undefined || here + 1 < there) next.set(edge.to, here + 1);
    }
    best = next;
  }
  return best.get(to) ?? null;
}
