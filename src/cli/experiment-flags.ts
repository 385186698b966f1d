/** `npm run experiment`'s flags, parsed and checked apart from the CLI so tests can check parsing in process. */
import { SETTING_KEYS } from '../core/settings';
import { resolveParams, ParamsError } from '../core/task';
import { TASKS } from '../core/tasks';
import { learningRateScheduleProblem, type LearningRateSchedule } from '../core/learning-rate-schedule';
import { ArgsError, parseArgs, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';

export const EXPERIMENT_FLAGS = {
  // The run's settings (src/core/settings.ts): --task, --preset, --size, --seed, --model-size,
  // --steps-per-round, --batch-size, --overseer-noise, --overseer, --learning-rate.
  ...settingFlags(SETTING_KEYS),
  rounds: { type: 'int', min: 1, help: 'rounds to run (default 20, or up to 500 with --until)' },
  until: { type: 'number', min: 0, max: 1, help: "stop once X's held-out accuracy reaches this" },
  'max-seconds': { type: 'number', min: 0, help: 'bound on wall time' },
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm' },
  model: { type: 'string', help: 'JSON overrides of the model shape, e.g. {"selfLayers":3}' },
  curriculum: {
    type: 'string',
    choices: ['on', 'off'],
    help: 'ground-truth-free depth curriculum (default on)',
  },
  'subquestions-per-context': { type: 'int', min: 0, max: 16 },
  'lr-schedule': {
    type: 'string',
    help: 'JSON learning-rate schedule for amplification, e.g. {"peak":0.006,"warmupSteps":32,"decaySteps":200,"constantRate":0.004,"updatesPerStep":2}',
  },
  'no-supervised': { type: 'boolean', help: 'skip the supervised baseline' },
  'inline-baseline': {
    type: 'boolean',
    help: 'train the supervised baseline in this thread (default: a worker thread of its own)',
  },
  evaluate: {
    type: 'string',
    choices: ['auto', 'every-round'],
    default: 'auto',
    help: 'auto: skip evaluating rounds much shorter than an evaluation (their rows are left out)',
  },
  json: { type: 'boolean', help: 'one JSON object per round on stdout' },
  'dump-eval': { type: 'string', help: 'write the final held-out set with all answers (JSON Lines)' },
  help: { type: 'boolean' },
} satisfies Record<string, FlagSpec>;

/** The flags and the run they ask for, or help; throws ArgsError on a bad flag. */
export function parseExperimentArgs(argv: string[]) {
  const args = parseArgs(argv, EXPERIMENT_FLAGS);
  if (args.help) return { help: true as const };
  const settings = settingsFromFlags(args, SETTING_KEYS);
  if (!settings.task) throw new ArgsError(`--task is required (one of ${Object.keys(TASKS).join(', ')})`);
  const task = TASKS[settings.task];
  const preset = settings.preset ?? 'workshop';
  try {
    resolveParams(task, preset, settings.size);
  } catch (e) {
    if (e instanceof ParamsError) throw new ArgsError(`--size: ${e.message}`);
    throw e;
  }
  let modelOverrides: Record<string, unknown> | undefined;
  if (args.model !== undefined) {
    try {
      modelOverrides = JSON.parse(args.model) as Record<string, unknown>;
    } catch {
      throw new ArgsError(`--model must be a JSON object, got ${args.model}`);
    }
  }
  let learningRateSchedule: LearningRateSchedule | undefined;
  if (args['lr-schedule'] !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args['lr-schedule']);
    } catch {
      throw new ArgsError(`--lr-schedule must be a JSON object, got ${args['lr-schedule']}`);
    }
    const problem = parsed === null ? 'must be a JSON object' : learningRateScheduleProblem(parsed);
    if (problem) throw new ArgsError(`--lr-schedule: ${problem}`);
    learningRateSchedule = parsed as LearningRateSchedule;
  }
  return {
    help: false as const,
    args,
    settings: { ...settings, task: settings.task },
    preset,
    modelOverrides,
    learningRateSchedule,
  };
}
