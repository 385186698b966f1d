/**
 * The facilitator's sheet: a 45-minute plan (what to do, what to show on the projector, what to
 * ask) and what each task's recording shows at which round. The figures come from the
 * recordings that ship with the page (recordingFigures), so the sheet quotes the page's own.
 * Pure TS.
 */
import { countText, type RecordingFigures } from '../../core/recording-figures';
import { TASK_TITLES } from '../../core/sample';
import type { TaskId } from '../../core/task';

export interface PlanRow {
  /** Minutes from the start, e.g. "0–5". */
  minutes: string;
  activity: string;
  /** What is on the projector: a link's query and what to point at. */
  show: string;
  ask: string;
}

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 100)}%`);

/** The task the plan opens with: the one whose X reached 95% in the fewest rounds. */
export function openingTask(figures: readonly RecordingFigures[]): RecordingFigures | undefined {
  return [...figures]
    .filter((f) => f.model95)
    .sort((a, b) => a.model95!.round - b.model95!.round || a.task.localeCompare(b.task))[0];
}

export function planRows(figures: readonly RecordingFigures[]): PlanRow[] {
  const first = openingTask(figures) ?? figures[0];
  const id: TaskId = first?.task ?? 'wildcard';
  const title = TASK_TITLES[id];
  const at95 = first?.model95
    ? `round ${first.model95.round} (${countText(first.model95.examples)} examples)`
    : `no round within ${first?.rounds ?? 0}`;
  const wave = first?.depthWave.filter((w) => w.round !== undefined) ?? [];
  const waveText =
    wave.length > 0 ? wave.map((w) => `depth ${w.depth} at round ${w.round}`).join(', ') : 'no depth at 90%';
  const missed = figures.filter((f) => !f.model95).map((f) => TASK_TITLES[f.task]);
  return [
    {
      minutes: '0–5',
      activity: 'The problem: questions too hard for a person to answer directly, but easy to split.',
      show: `?task=${id}&lesson=1 — the question and its tree.`,
      ask: 'Could you answer this question in one look? How would you split it?',
    },
    {
      minutes: '5–12',
      activity: 'Lesson steps 1–4: how H splits, the cut, X below it, Amp(X) = H over X.',
      show: `?task=${id}&lesson=2 — click a node; drag the Round slider to 0.`,
      ask: 'Why is Amp(X) right wherever X is right one level down?',
    },
    {
      minutes: '12–20',
      activity: `Lesson step 5 on the recording: distil Amp(X) into X, round by round. ${title}: X reaches 95% at ${at95}.`,
      show: `?task=${id}&lesson=5 — the chart; then the depth heatmap (step 6): ${waveText}.`,
      ask: 'Which depth does X learn first, and why must it be that one?',
    },
    {
      minutes: '20–28',
      activity: 'Be the overseer, in pairs: one plays H, one checks the tree against Amp(X).',
      show: `?task=${id}&lesson=8 — the Be-the-overseer dialog.`,
      ask: 'Where did you go astray: a subquestion H does not ask, or a wrong answer from X?',
    },
    {
      minutes: '28–36',
      activity:
        'The five tasks at a glance: the same shape on every task; then train one live (Train it yourself).',
      show: '“Five tasks” in the header; open a task from its chart.',
      ask:
        missed.length > 0
          ? `Why does ${missed.join(' and ')} not reach 95% in its recorded rounds?`
          : 'Which task needs the most examples, and what makes it hard?',
    },
    {
      minutes: '36–42',
      activity: 'Supervised versus amplification, and a noisy overseer (lesson steps 7 and 9).',
      show: `?task=${id}&lesson=9 — make H wrong 10% of the time and step a few rounds.`,
      ask: 'Amplification never saw a true answer: what did it learn from instead? What happens to X when H errs?',
    },
    {
      minutes: '42–45',
      activity: 'Wrap-up: where the idea goes (the paper; tasks with no algorithm to check against).',
      show: 'The chart of the task the room liked best.',
      ask: 'Which real questions can a person split but not answer?',
    },
  ];
}

export interface TaskRow {
  task: TaskId;
  title: string;
  rounds: number;
  /** "X 95% at round 21 (134k examples)". */
  model: string;
  supervised: string;
  /** The depth wave: "d1: 3, d2: 8, d3: 15". */
  wave: string;
  last: string;
}

export function taskRows(figures: readonly RecordingFigures[]): TaskRow[] {
  return figures.map((f) => ({
    task: f.task,
    title: TASK_TITLES[f.task],
    rounds: f.rounds,
    model: f.model95
      ? `round ${f.model95.round} (${countText(f.model95.examples)} examples)`
      : `not in ${f.rounds} rounds`,
    supervised: f.supervised95
      ? `round ${f.supervised95.round} (${countText(f.supervised95.examples)} labels)`
      : `not in ${f.rounds} rounds`,
    wave: f.depthWave.map((w) => `d${w.depth}: ${w.round ?? '—'}`).join(', '),
    last: `X ${pct(f.last.model)}, Amp(X) ${pct(f.last.amplified)}, supervised ${pct(f.last.supervised)}`,
  }));
}
