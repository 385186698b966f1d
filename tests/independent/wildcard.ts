/**
 * An independent solver for the wildcard export (DESIGN.md's JSON form), written without the task
 * code: facts `{"pattern":"0110","value":1}`, question `{"pattern":"0*1*"}`, answer an integer.
 */

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export function solveFromJson(facts: unknown, question: unknown): unknown {
  if (!Array.isArray(facts)) throw new Error('facts must be an array');
  if (!isRecord(question) || typeof question.pattern !== 'string' || !/^[01*]+$/.test(question.pattern))
    throw new Error(`bad question ${JSON.stringify(question)}`);
  // The pattern as a regular expression: each * stands for one bit.
  const re = new RegExp(`^${question.pattern.replace(/\*/g, '[01]')}$`);
  let total = 0;
  for (const fact of facts) {
    if (
      !isRecord(fact) ||
      typeof fact.pattern !== 'string' ||
      !/^[01]+$/.test(fact.pattern) ||
      typeof fact.value !== 'number'
    )
      throw new Error(`bad fact ${JSON.stringify(fact)}`);
    if (re.test(fact.pattern)) total += fact.value;
  }
  return total;
}
