/**
 * Union find, solved straight from DESIGN.md's export form, independently of src/: facts
 * `[{"t":1,"a":"x2","b":"x5"}, …]`, question `{"a":"x1","b":"x5","t":4}`; the answer is whether
 * the equalities numbered 1 … t link a and b (true or false).
 */
export function solveFromJson(facts: unknown, question: unknown): unknown {
  if (!Array.isArray(facts)) throw new TypeError('union-find facts must be an array');
  const q = question as { a: string; b: string; t: number };
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    let r = x;
    while (parent.has(r)) r = parent.get(r)!;
    if (r !== x) parent.set(x, r);
    return r;
  };
  for (const fact of facts as { t: number; a: string; b: string }[]) {
    if (fact.t > q.t) continue;
    const ra = root(fact.a);
    const rb = root(fact.b);
    if (ra !== rb) parent.set(ra, rb);
  }
  return root(q.a) === root(q.b);
}
