/**
 * The guided lesson's steps: what each says, which part of the page it is about, and the one
 * thing the visitor does there. Text that names a task's specifics (its facts, the question,
 * H's subquestions, the recording's figures) comes from the task and the sample, never from
 * one task written in. Pure TS: the Lesson component finds the parts and watches the actions.
 */
import type { RecordingFigures } from '../../core/recording-figures';

/** Parts of the page a step highlights (the Lesson component maps each to an element). */
export type LessonTarget =
  'question' | 'tree' | 'chart' | 'controls' | 'timeline' | 'depth' | 'be-overseer' | 'settings' | 'noise';

/**
 * What the visitor does, as the page sees it: a click on a button with this name, a change of
 * an input inside the highlighted part, a tree node opened, or noise set on H. 'look': nothing
 * to detect, the step says to press Next.
 */
export type LessonAction =
  | { kind: 'click'; name: string }
  | { kind: 'input'; within: LessonTarget }
  | { kind: 'tree-node' }
  | { kind: 'noise' }
  | { kind: 'look' };

export interface LessonStep {
  id: string;
  title: string;
  text: string;
  /** The one thing to do, as an imperative sentence. */
  todo: string;
  /** The first is the main part; all are highlighted. */
  targets: LessonTarget[];
  action: LessonAction;
  /** Once the action is done: move on by itself, or say so and wait for Next (a dialog opened, the end). */
  advance: 'auto' | 'say';
}

export interface LessonContext {
  taskTitle: string;
  taskSummary: string;
  questionText: string;
  truthText: string;
  /** The sample question's depth class. */
  depth: number;
  /** H's subquestions of the sample question, as text. */
  subquestions: string[];
  /** The view is a recorded run (nothing trains until the visitor asks). */
  recorded: boolean;
  /** The noise on H now (0: a clean overseer). */
  noise: number;
  /** The task's recording, when it loaded. */
  figures?: RecordingFigures;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function listText(items: string[], max = 3): string {
  const quoted = items.slice(0, max).map((s) => `“${s}”`);
  const more = items.length > max ? ` and ${items.length - max} more` : '';
  return quoted.length <= 1 ? `${quoted.join('')}${more}` : `${quoted.join(', ')}${more}`;
}

function waveText(f: RecordingFigures | undefined): string {
  if (!f) return 'Each row is one depth; darker is more accurate.';
  const reached = f.depthWave.filter((w) => w.round !== undefined);
  if (reached.length === 0) return `In the recording no depth reached 90% for X within ${f.rounds} rounds.`;
  return `In the recording X first got 90% right at ${reached
    .map((w) => `depth ${w.depth} in round ${w.round}`)
    .join(', ')}.`;
}

function supervisedText(f: RecordingFigures | undefined): string {
  if (!f) return '';
  const sup = f.supervised95
    ? `The supervised line reached 95% at round ${f.supervised95.round}`
    : `The supervised line ended at ${f.last.supervised === null ? '—' : pct(f.last.supervised)}`;
  const x = f.model95
    ? `X, without one true answer, at round ${f.model95.round}`
    : `X, without one true answer, ended at ${pct(f.last.model)}`;
  return ` In this task's recording, ${sup.charAt(0).toLowerCase()}${sup.slice(1)}; ${x}.`;
}

export function lessonSteps(c: LessonContext): LessonStep[] {
  const subs = c.subquestions;
  const splitText =
    subs.length > 0
      ? `H does not know the answer, but it can ask ${subs.length} smaller question${subs.length === 1 ? '' : 's'}: ${listText(subs)}. Each of those splits again, down to lookups of single facts (the diamonds).`
      : 'This question is a lookup: H reads the answer from one fact.';
  const f = c.figures;
  return [
    {
      id: 'question',
      title: 'A question H cannot answer directly',
      text: `${c.taskTitle}. ${c.taskSummary} The question here: “${c.questionText}” (the true answer is ${c.truthText}). It needs ${c.depth} level${c.depth === 1 ? '' : 's'} of reasoning over the facts; H, the weak overseer, cannot see the answer in one look.`,
      todo: 'Press New question to see another question of this task.',
      targets: ['question'],
      action: { kind: 'click', name: 'New question' },
      advance: 'auto',
    },
    {
      id: 'split',
      title: 'How H splits it',
      text: `The tree is H's decomposition. ${splitText}`,
      todo: 'Click a node of the tree (or select it and press Enter) to open or close its subquestions.',
      targets: ['tree'],
      action: { kind: 'tree-node' },
      advance: 'auto',
    },
    {
      id: 'cut',
      title: "X's answers below the cut",
      text: 'Below the dashed cut, the model X answers the subquestions; the ✓ and ✗ marks say whether X is right. At round 0 X is untrained, so its answers are guesses.',
      todo: 'Drag the Round slider to 0, then back, and watch the X marks below the cut change.',
      targets: ['tree', 'timeline'],
      action: { kind: 'input', within: 'timeline' },
      advance: 'auto',
    },
    {
      id: 'amplify',
      title: 'Amp(X) = H over X',
      text: "The amplified overseer Amp(X) is H doing only the top step, with X answering the subquestions. So Amp(X) is right wherever X is right one level down: it is one level stronger than X, even when X knows nothing yet, because H's lookups are always right.",
      todo: "Find the top node's Amp(X) mark and compare it with X's marks just below the cut, then press Next.",
      targets: ['tree'],
      action: { kind: 'look' },
      advance: 'auto',
    },
    c.recorded
      ? {
          id: 'round',
          title: 'One round: distil Amp(X) into X',
          text: `Each round trains X to imitate Amp(X) on fresh questions, then measures X, Amp(X) and the supervised baseline. This is a recorded run${f ? ` (${f.rounds} rounds)` : ''}; nothing is training.`,
          todo: 'Move the Round slider and watch the three lines of the chart climb round by round.',
          targets: ['chart', 'timeline'],
          action: { kind: 'input', within: 'timeline' },
          advance: 'auto',
        }
      : {
          id: 'round',
          title: 'One round: distil Amp(X) into X',
          text: 'Each round trains X to imitate Amp(X) on fresh questions, then measures X, Amp(X) and the supervised baseline on held-out questions.',
          todo: 'Press Step round and watch a new point appear on each line of the chart.',
          targets: ['controls', 'chart'],
          action: { kind: 'click', name: 'Step round' },
          advance: 'auto',
        },
    {
      id: 'wave',
      title: 'The wave through the depths',
      text: `X learns depth d from Amp(X), which handles depth d once X knows depth d − 1; so competence climbs one depth at a time, a wave from the bottom row up. ${waveText(f)}`,
      todo: "Find the round where the deepest row takes the legend's 100% colour, then press Next.",
      targets: ['depth'],
      action: { kind: 'look' },
      advance: 'auto',
    },
    {
      id: 'supervised',
      title: 'Given the answers, or not',
      text: `The dashed supervised line is the same network trained on the true answers. Amplification was never given one: its only teacher is H's decompositions with X's help.${supervisedText(f)}`,
      todo: 'Untick “Supervised baseline” above the chart and tick it again.',
      targets: ['chart'],
      action: { kind: 'input', within: 'chart' },
      advance: 'auto',
    },
    {
      id: 'be-overseer',
      title: 'Be the overseer',
      text: 'Now you are H: pick the subquestions, get lookups and X’s answers, and choose the answer. Then compare your tree with H’s Amp(X).',
      todo: 'Press Be the overseer and answer the question (Escape closes the dialog).',
      targets: ['be-overseer'],
      action: { kind: 'click', name: 'Be the overseer' },
      advance: 'say',
    },
    c.noise > 0
      ? {
          id: 'noise',
          title: 'A noisy overseer',
          text: `Here H gives a wrong answer ${pct(c.noise)} of the times it combines subanswers. X learns H's mistakes as well as its method; the table compares this run with a clean H round by round.`,
          todo: 'Step a few rounds and compare X with a noisy H against X with a clean H.',
          targets: ['noise'],
          action: { kind: 'look' },
          advance: 'auto',
        }
      : {
          id: 'noise',
          title: 'A noisy overseer',
          text: "What if H itself makes mistakes? With noise, H's combination is sometimes wrong, and X learns the mistakes along with the method. The page then trains in your tab and compares the run with a clean H.",
          todo: 'Press “Make H wrong 10% of the time” below, then Step round a few times.',
          targets: ['settings'],
          action: { kind: 'noise' },
          advance: 'say',
        },
  ];
}

/** Step k (1-based, as in `lesson=K`) as an index into `count` steps, clamped. */
export function stepIndex(k: number, count: number): number {
  return Math.max(0, Math.min(count - 1, Math.round(k) - 1));
}

/** "3 of 9". */
export function progressText(index: number, count: number): string {
  return `${index + 1} of ${count}`;
}
