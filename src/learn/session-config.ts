/**
 * A training session's configuration: a run's settings (src/core/settings.ts) plus the session's
 * own knobs, and its resolution: every default filled in from the task's (src/learn/defaults.ts),
 * scaled on a hardware GPU, and checked.
 */
import { overseerNoiseProblem } from '../core/noisy-overseer';
import type { SnapshotConfig } from '../core/run-format';
import { OVERSEER_KINDS, SETTING_KEYS, SETTINGS, settingProblem } from '../core/settings';
import { resolveParams, type AnyTask, type Params } from '../core/task';
import { MODEL_CONFIGS, PAPER_BATCH_SIZE, stepDefaults, TASK_DEFAULTS } from './defaults';
import type { ModelConfig } from './model';
import { largeStepSchedule, learningRateScheduleProblem, ownStepSchedule } from './lr-schedule';

/**
 * A session's configuration: a run's settings and the session's own knobs, as a saved run carries
 * them (core's SnapshotConfig, where each is described), with the model's shape as the learner types it.
 */
export interface SessionConfig extends Omit<SnapshotConfig, 'model'> {
  model?: Partial<ModelConfig>;
}

export type ResolvedConfig = Required<Omit<SessionConfig, 'size' | 'model' | 'evaluation'>> & {
  evaluation?: 'every-round' | 'auto';
  size?: number;
  params: Params;
  model: ModelConfig;
};

/**
 * Every default filled in: the task's, the paper preset's smaller batch (off a hardware GPU), and
 * (on a hardware GPU) larger steps. Throws, naming the field, on a value the session cannot train with.
 */
export function resolveSessionConfig(
  task: AnyTask,
  config: SessionConfig,
  hardwareGpu: boolean,
): ResolvedConfig {
  const d = TASK_DEFAULTS[task.id] ?? TASK_DEFAULTS.permutation;
  const modelSize = config.modelSize ?? d.modelSize;
  // The paper preset's small steps are a CPU's concession; on a hardware GPU a step's cost is its
  // dispatches, so the paper's sizes take the task's GPU steps (64 questions a step cost 4.75
  // dispatches per example on union find against 0.58 at 512: scripts/gpu-round-counts.ts).
  const baseBatch = config.preset === 'paper' && !hardwareGpu ? PAPER_BATCH_SIZE : d.batchSize;
  const steps = stepDefaults(hardwareGpu, { ...d, batchSize: baseBatch }, config);
  const schedule =
    config.learningRateSchedule !== undefined
      ? config.learningRateSchedule
      : config.learningRate === undefined
        ? (largeStepSchedule(d.learningRate, steps.batchSize, baseBatch, steps.learningRate) ??
          ownStepSchedule(d.schedule, steps.batchSize, d.batchSize, steps.learningRate))
        : null;
  const resolved: ResolvedConfig = {
    task: config.task,
    preset: config.preset,
    size: config.size,
    seed: config.seed,
    modelSize,
    ...steps,
    learningRate: schedule ? schedule.peak : steps.learningRate,
    learningRateSchedule: schedule,
    supervised: config.supervised ?? true,
    questionsPerContext: config.questionsPerContext ?? d.questionsPerContext,
    skipUnknown: config.skipUnknown ?? true,
    heldOutQuestions: config.heldOutQuestions ?? 500,
    curriculum: config.curriculum ?? d.curriculum,
    admitAgreement: config.admitAgreement ?? 0.85,
    deepestShare: config.deepestShare ?? d.deepestShare,
    subquestionsPerContext: config.subquestionsPerContext ?? d.subquestionsPerContext,
    overseerNoise: config.overseerNoise ?? 0,
    ...(config.evaluation ? { evaluation: config.evaluation } : {}),
    overseer: config.overseer ?? 'hand',
    params: resolveParams(task, config.preset, config.size),
    model: { ...MODEL_CONFIGS[modelSize], ...d.model, ...config.model },
  };
  for (const [k, v] of [
    ['stepsPerRound', resolved.stepsPerRound],
    ['batchSize', resolved.batchSize],
    ['questionsPerContext', resolved.questionsPerContext],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a positive integer, got ${v}`);
  if (!(resolved.learningRate > 0))
    throw new Error(`learningRate must be positive, got ${resolved.learningRate}`);
  const scheduleProblem = learningRateScheduleProblem(resolved.learningRateSchedule);
  if (scheduleProblem) throw new Error(scheduleProblem);
  if (resolved.evaluation !== undefined && !['every-round', 'auto'].includes(resolved.evaluation))
    throw new Error(`evaluation must be 'every-round' or 'auto', got ${String(resolved.evaluation)}`);
  const noiseProblem = overseerNoiseProblem(resolved.overseerNoise);
  if (noiseProblem) throw new Error(noiseProblem);
  if (!OVERSEER_KINDS.includes(resolved.overseer))
    throw new Error(
      `overseer must be ${OVERSEER_KINDS.map((k) => `'${k}'`).join(' or ')}, got ${String(resolved.overseer)}`,
    );
  // The declared choices (task, preset, model size…); numbers are bounded by the checks above, so
  // the CLIs' benchmarks may go past the page's ranges.
  for (const k of SETTING_KEYS) {
    const s = SETTINGS[k];
    const problem = s.type === 'enum' ? settingProblem(s, resolved[k]) : null;
    if (problem) throw new Error(`${k} must be ${problem}, got ${String(resolved[k])}`);
  }
  return resolved;
}
