/**
 * An independent solver for the assignments export (DESIGN.md's JSON form), written without the
 * task code: facts `{"var":"v4","value":2}` | `{"var":"v7","args":["v1","v4"]}` |
 * `{"f":[2,0],"value":1}`, question `{"var":"v7"}`, answer an integer.
 */

type Definition = { constant: number } | { operands: [string, string] };

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function solveFromJson(facts: unknown, question: unknown): unknown {
  if (!Array.isArray(facts)) throw new Error('facts must be an array');
  const definitions = new Map<string, Definition>();
  const table = new Map<string, number>();
  for (const fact of facts) {
    if (!isRecord(fact)) throw new Error(`bad fact ${JSON.stringify(fact)}`);
    if (typeof fact.var === 'string') {
      if (definitions.has(fact.var)) throw new Error(`${fact.var} is defined twice`);
      if (typeof fact.value === 'number') definitions.set(fact.var, { constant: fact.value });
      else {
        const [y, z] = Array.isArray(fact.args) && fact.args.length === 2 ? (fact.args as unknown[]) : [];
        if (typeof y !== 'string' || typeof z !== 'string')
          throw new Error(`bad definition ${JSON.stringify(fact)}`);
        definitions.set(fact.var, { operands: [y, z] });
      }
    } else if (Array.isArray(fact.f) && fact.f.length === 2 && typeof fact.value === 'number') {
      const key = `${fact.f[0]},${fact.f[1]}`;
      if (table.has(key)) throw new Error(`f(${key}) is given twice`);
      table.set(key, fact.value);
    } else throw new Error(`bad fact ${JSON.stringify(fact)}`);
  }
  if (!isRecord(question) || typeof question.var !== 'string')
    throw new Error(`bad question ${JSON.stringify(question)}`);

  const known = new Map<string, number>();
  const inProgress = new Set<string>();
  const valueOf = (name: string): number => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    const definition = definitions.get(name);
    if (!definition) throw new Error(`${name} is not defined`);
    if (inProgress.has(name)) throw new Error(`${name} depends on itself`);
    inProgress.add(name);
    let result: number;
    if ('constant' in definition) result = definition.constant;
    else {
      const key = `${valueOf(definition.operands[0])},${valueOf(definition.operands[1])}`;
      const entry = table.get(key);
      if (entry === undefined) throw new Error(`f(${key}) is needed but not given`);
      result = entry;
    }
    inProgress.delete(name);
    known.set(name, result);
    return result;
  };
  return valueOf(question.var);
}
