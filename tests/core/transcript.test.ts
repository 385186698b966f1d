import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { amplifyInWaves, hch, type WaveItem } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams, type AnyTask } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import {
  OverseerRouter,
  answerStep,
  askStep,
  decodeStep,
  decodeStepInput,
  stepInput,
  type StepFunction,
} from '../../src/core/transcript';
import { sampleItems } from '../../src/learn/amplify';

/** H as a step function: reads the step back and replays H on a context of the same preset. */
function copyOfH(task: AnyTask, ctx: unknown): StepFunction {
  return (input) => {
    const read = decodeStepInput(input);
    if (!read) return null;
    const run = task.overseer(ctx, read.question);
    let next = run.next(UNKNOWN);
    for (const a of read.subanswers) {
      if (next.done) return null;
      next = run.next(a);
    }
    return next.done ? answerStep(next.value) : askStep(next.value);
  };
}

/** X answering subquestions right (HCH), or wrong on every third question, to exercise `?` paths. */
const answerers = (task: AnyTask): Record<string, (batch: WaveItem[]) => Answer[]> => ({
  right: (batch) => batch.map((b) => hch(task, b.ctx, b.question)),
  sometimes: (batch) => batch.map((b, i) => (i % 3 === 0 ? UNKNOWN : hch(task, b.ctx, b.question))),
});

for (const task of Object.values(TASKS)) {
  describe(`transcripts: ${task.id}`, () => {
    const params = resolveParams(task, 'workshop');
    const items = sampleItems(task, createRng(11), params, 30, 4);

    it('every subquestion H asks decodes back from its tokens, and every step input too', async () => {
      const router = new OverseerRouter();
      await amplifyInWaves(router.view(task), items, answerers(task).sometimes!);
      expect(router.trainSteps.length).toBeGreaterThan(items.length);
      for (const s of [...router.trainSteps, ...router.heldOutSteps]) {
        const move = decodeStep(s.output);
        expect(move).not.toBeNull();
        if (move && 'ask' in move) expect(askStep(move.ask)).toEqual(s.output);
        const read = decodeStepInput(s.input)!;
        expect(stepInput(read.question, read.subanswers)).toEqual(s.input);
      }
    });

    for (const [name, answer] of Object.entries(answerers(task)))
      it(`Amp with H' a copy of H equals Amp with H and calls H never (X ${name})`, async () => {
        const byH = await amplifyInWaves(task, items, answer);
        // H answers other questions first, so H' knows the shapes of H's subquestions.
        const router = new OverseerRouter({ auditEvery: 0 });
        const first = sampleItems(task, createRng(12), params, 30, 4);
        await amplifyInWaves(router.view(task), first, answer);
        router.step = copyOfH(task, task.generateContext(createRng(99), params));
        const byCopy = await amplifyInWaves(router.view(task), items, answer);
        expect(byCopy.answers).toEqual(byH.answers);
        expect(router.realCalls).toBe(first.length);
        expect(router.learnedCalls).toBe(items.length);
      });

    it("where H' has no move, or a wrong one, H takes the call over: same answers, calls counted", async () => {
      const answer = answerers(task).right!;
      const byH = await amplifyInWaves(task, items, answer);
      const router = new OverseerRouter({ auditEvery: 0 });
      await amplifyInWaves(router.view(task), items, answer);
      expect(router.realCalls).toBe(items.length);
      // A bad H': asks the first subquestion H asked of a different question (a known shape), then gives up.
      const someAsk = router.trainSteps.find((s) => s.output[0] === 'ask')!.output;
      router.step = (input) => (input.includes('|') ? null : someAsk);
      const byBad = await amplifyInWaves(router.view(task), items, answer);
      expect(byBad.answers).toEqual(byH.answers);
      expect(router.realCalls).toBe(2 * items.length);
    });
  });
}

describe('the router', () => {
  it("keeps every heldOutEvery-th transcript of H for measuring, and audits H' every auditEvery-th call", async () => {
    const task = TASKS.permutation;
    const params = resolveParams(task, 'workshop');
    const items = sampleItems(task, createRng(3), params, 25, 4);
    const router = new OverseerRouter({ heldOutEvery: 4, auditEvery: 10 });
    const answer = (batch: WaveItem[]): Answer[] => batch.map((b) => hch(task, b.ctx, b.question));
    await amplifyInWaves(router.view(task), items, answer);
    const perTranscript = (router.trainSteps.length + router.heldOutSteps.length) / items.length;
    expect(router.heldOutSteps.length).toBeCloseTo((items.length / 4) * perTranscript, -1);
    expect(router.takeNewSteps()).toBe(router.trainSteps.length);
    expect(router.takeNewSteps()).toBe(0);
    router.step = copyOfH(task, items[0]!.ctx);
    await amplifyInWaves(router.view(task), items, answer);
    expect(router.realCalls).toBe(items.length + items.length / 10);
    expect(router.learnedCalls).toBe(items.length - items.length / 10);
  });

  it("sends H the questions of depths H' is not trusted at, and records each step's depth", async () => {
    const task = TASKS.wildcard;
    const params = resolveParams(task, 'workshop');
    const items = sampleItems(task, createRng(4), params, 30, 4);
    const answer = (batch: WaveItem[]): Answer[] => batch.map((b) => hch(task, b.ctx, b.question));
    const router = new OverseerRouter({ auditEvery: 0 });
    await amplifyInWaves(router.view(task), items, answer);
    for (const s of router.trainSteps)
      expect(s.depth).toBe(task.depth(undefined, decodeStepInput(s.input)!.question));
    expect([...router.depthsSeen].sort()).toEqual([1, 2, 3, 4]);
    router.step = copyOfH(task, items[0]!.ctx);
    router.depths = new Set([1, 2]);
    const shallow = items.filter((it) => task.depth(it.ctx, it.question) <= 2).length;
    await amplifyInWaves(router.view(task), items, answer);
    expect(router.learnedCalls).toBe(shallow);
    expect(router.realCalls).toBe(2 * items.length - shallow);
  });

  it('decodes nothing from tokens that spell no move', () => {
    expect(decodeStep(['ask', 'end'])).toBeNull();
    expect(decodeStep(['ask', 'k:x', 'end'])).toBeNull();
    expect(decodeStep(['answer', 'n:3'])).toBeNull();
    expect(decodeStep(['ask', 'k:x', 's:a', 'k:x', 's:b', 'end'])).toBeNull();
    expect(decodeStep(['answer', 's:x2', 's:=', 's:x5', 'end'])).toEqual({ answer: 'x2=x5' });
    expect(decodeStep(['ask', 'k:pattern', 's:1', 's:*', 's:0', 'end'])).toEqual({ ask: { pattern: '1*0' } });
  });
});
