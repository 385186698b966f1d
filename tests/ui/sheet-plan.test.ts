import { describe, expect, test } from 'vitest';
import { recordingFigures } from '../../src/core/recording-figures';
import { TASK_IDS } from '../../src/core/task';
import { openingTask, planRows, taskRows } from '../../src/ui/sheet/plan';
import { recordedRun } from '../core/recorded-run';

const figures = TASK_IDS.map((t) => recordingFigures(recordedRun(t).rec));

describe("the facilitator's sheet", () => {
  test('the plan covers 45 minutes in order, each row with something to show and a question', () => {
    const rows = planRows(figures);
    const spans = rows.map((r) => r.minutes.split('–').map(Number));
    expect(spans[0]![0]).toBe(0);
    expect(spans.at(-1)![1]).toBe(45);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
    for (const r of rows) {
      expect(r.show).not.toBe('');
      expect(r.ask).toMatch(/\?$/);
    }
  });

  test("it opens with the task whose X reached 95% first, quoting that recording's own round", () => {
    const first = openingTask(figures)!;
    const fastest = Math.min(...figures.flatMap((f) => (f.model95 ? [f.model95.round] : [])));
    expect(first.model95!.round).toBe(fastest);
    const text = planRows(figures)
      .map((r) => `${r.activity} ${r.show}`)
      .join(' ');
    expect(text).toContain(`?task=${first.task}&lesson=1`);
    expect(text).toContain(`round ${first.model95!.round}`);
  });

  test('a task that missed 95% is named in a question; every task has a row with its figures', () => {
    const missed = figures.filter((f) => !f.model95);
    const asks = planRows(figures)
      .map((r) => r.ask)
      .join(' ');
    for (const f of missed) expect(asks).toContain(taskRows([f])[0]!.title);
    const rows = taskRows(figures);
    expect(rows.map((r) => r.task)).toEqual([...TASK_IDS]);
    for (const [i, r] of rows.entries()) {
      const f = figures[i]!;
      expect(r.rounds).toBe(f.rounds);
      expect(r.model).toContain(f.model95 ? `round ${f.model95.round}` : `not in ${f.rounds}`);
      expect(r.wave.split(', ')).toHaveLength(f.depthWave.length);
    }
  });
});
