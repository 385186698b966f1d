// X's answers on the sample tree (src/ui/tree-answers.svelte.ts): verdicts against the true
// answers, the snapshot kept with the run, and a newer request winning over an older one.
import { describe, expect, test } from 'vitest';
import type { Answer } from '../../src/core/answer';
import { makeSample } from '../../src/core/sample';
import { shownKeys } from '../../src/core/run-format';
import { snapshotAnswers, TreeAnswers, type AnswerSource } from '../../src/ui/tree-answers.svelte';

const sample = makeSample('union-find', 'workshop', undefined, 1, 0)!;

/** A model that answers every question with its true answer (or `wrong` everywhere). */
function model(wrong?: Answer): AnswerSource & { release(): void } {
  let release = (): void => undefined;
  return {
    release: () => release(),
    sample: (_ctx, _q, questions) =>
      new Promise((resolve) => {
        const keys = [...sample.questions.keys()];
        expect(questions).toHaveLength(keys.length);
        const answers = keys.map((k) => (wrong !== undefined ? wrong : sample.truths.get(k)!));
        release = () =>
          resolve({
            answers,
            amplified: {
              ...sample.tree,
              answer: wrong ?? sample.truth,
              answerText: String(wrong ?? sample.truthText),
            },
          });
      }),
  };
}

describe('X answers on the sample tree', () => {
  test('verdicts say right and wrong; the snapshot keeps the first levels', async () => {
    const answers = new TreeAnswers();
    const right = model();
    const p = answers.request(sample, right, 3, 0);
    right.release();
    const snap = await p;
    expect(answers.latest.round).toBe(3);
    expect([...answers.latest.verdicts.values()].every((v) => v.right)).toBe(true);
    expect(answers.latest.amplified?.right).toBe(true);
    expect(snap?.round).toBe(3);
    expect(Object.keys(snap!.answers).sort()).toEqual(shownKeys(sample.tree).sort());
    // The same snapshot read back gives the same verdicts.
    const back = snapshotAnswers(sample, snap!);
    expect(back.round).toBe(3);
    expect([...back.verdicts.values()].every((v) => v.right)).toBe(true);
  });

  test('a newer request wins; no model means no answers', async () => {
    const answers = new TreeAnswers();
    const slow = model('?');
    const old = answers.request(sample, slow, 1, 0);
    const fresh = model();
    const now = answers.request(sample, fresh, 2, 0);
    fresh.release();
    slow.release();
    expect(await old).toBeUndefined();
    expect((await now)?.round).toBe(2);
    expect(answers.latest.round).toBe(2);
    expect(await answers.request(sample, undefined, 3, 0)).toBeUndefined();
    expect(answers.latest.round).toBeUndefined();
  });
});
