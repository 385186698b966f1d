/**
 * The run files: recorded demo runs (public/runs/<task>.json, written by `npm run record`) and
 * exported runs ("Export run"), their strict validators, the CSV of per-round metrics, and the
 * tree snapshots (X's answers on the sample question's shown nodes, per round). Pure TS: no DOM,
 * no tfjs (the weights' shapes are checked again against the model by the worker).
 */
import type { Answer } from './answer';
import type { Accuracies, RoundMetrics } from './metrics';
import type { TraceNode } from './recursion';
import { PRESET_NAMES, TASK_IDS, type PresetName, type TaskId } from './task';
import { getTask } from './tasks';
import { learningRateScheduleProblem, type LearningRateSchedule } from './learning-rate-schedule';
import {
  absentValue,
  normalSettings,
  SETTING_KEYS,
  SETTINGS,
  settingProblem,
  type RunSettings,
  type Setting,
} from './settings';

export { configKeyOf, type RunSettings } from './settings';

export const RECORDING_FORMAT = 'amplification-lab/recording';
export const RUN_FORMAT = 'amplification-lab/run';
export const FORMAT_VERSION = 1;
/** Imports larger than this are refused before they are read. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Tree levels whose X answers a snapshot keeps: the root (1), the cut (2) and two levels below. */
export const SNAPSHOT_LEVELS = 4;
export const SNAPSHOT_MAX_KEYS = 300;
const MAX_ROUNDS = 10_000;
const MAX_TEXT = 200;

/** Weights as plain data: per variable its shape and its values, base64 of float32 little-endian. */
export type SnapshotWeights = Record<string, { shape: number[]; data: string }>;

/**
 * A training session's resolved configuration as a snapshot carries it: every default filled in
 * (src/learn's SessionConfig; its model shape is kept as plain numbers and flags here).
 */
export interface SnapshotConfig extends RunSettings {
  /** Train the supervised baseline too (default true). */
  supervised?: boolean;
  /** Questions per context in a training batch (default per task). */
  questionsPerContext?: number;
  /** Skip `?` targets when training (default true). */
  skipUnknown?: boolean;
  /** Override the model's shape (advanced; modelSize picks one otherwise). */
  model?: Record<string, number | boolean>;
  /**
   * Ground-truth-free depth curriculum (default true): amplification trains on depths 1…D and
   * admits D+1 once X agrees with Amp(X) on `admitAgreement` of fresh questions of every depth ≤ D.
   */
  curriculum?: boolean;
  admitAgreement?: number;
  /** Per context in an amplification batch: how many of H's subquestions to train on too (default per task). */
  subquestionsPerContext?: number;
  /** Share of each amplification batch drawn at the deepest admitted depth (the rest uniform below it). */
  deepestShare?: number;
  /**
   * When to evaluate on the held-out set (default 'every-round'). 'auto': after the first round,
   * then only once amplification has trained at least EVAL_RATIO times as long as the last
   * evaluation took, so evaluation costs at most about 1/(1+EVAL_RATIO) of the thread's time
   * when rounds are short. Rounds not evaluated give no metrics (their numbers are skipped).
   */
  evaluation?: 'every-round' | 'auto';
  /**
   * Warm-up and decay of amplification's learning rate (learningRate is then its peak). Default,
   * when learningRate is left unset: largeStepSchedule's for steps larger than the task's own,
   * the task's own schedule (wildcard's) for steps of its own size, else none
   * (constant).
   */
  learningRateSchedule?: LearningRateSchedule | null;
}

/**
 * What a training session's snapshot holds (src/learn's TrainingSession.snapshot / restore use it
 * with their own SessionConfig as `Config`).
 */
export interface SessionSnapshot<Config = SnapshotConfig> {
  version: 1;
  config: Config;
  round: number;
  examples: number;
  overseerCalls: number;
  labels: number;
  seconds: number;
  history: RoundMetrics[];
  /** The curriculum's frontier at the snapshot (optional; else the last history entry's). */
  admittedDepth?: number;
  weights: { x: SnapshotWeights; supervised: SnapshotWeights | null };
  /** H' (overseer 'learned'), once it has trained: its weights, vocabulary and trust per depth. */
  learnedOverseer?: LearnedOverseerState;
}

/** What H' keeps across a save: enough to answer as it did, and to go on training. */
export interface LearnedOverseerState {
  /** Its tokens by id (ids 0 and 1 are padding and unknown). */
  tokens: string[];
  /** Rows of its embedding table (room for tokens not seen yet). */
  vocab: number;
  /** Per input / output position, the token ids seen there in training. */
  seenIn: number[][];
  seenOut: number[][];
  /** Agreement with H on held-out steps (null: not measured yet). */
  agreement: number | null;
  /** The depths where it stands in for H, and the depths H has decomposed. */
  trustedDepths: number[];
  depthsSeen: number[];
  weights: SnapshotWeights;
}

/** X's answers on the sample question's shown nodes after one round (0: before training). */
export interface TreeSnapshot {
  round: number;
  /** The sample question's index (App's "New question" counter) the answers are for. */
  question: number;
  answers: Record<string, Answer>;
  /** Amp(X)'s answer to the sample question. */
  amplified: Answer;
}

export interface RecordingSettings {
  preset: PresetName;
  size: number | null;
  seed: number;
  modelSize: string;
  stepsPerRound: number;
  batchSize: number;
  learningRate: number;
  backend: string;
  /** Who decomposed in Amp(X), when not H itself. */
  overseer?: 'learned';
}

/** public/runs/<task>.json */
export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: 1;
  recordedAt: string;
  task: TaskId;
  settings: RecordingSettings;
  /** Why recording stopped: X reached the target accuracy, the round cap, or the time cap. */
  stopped: 'accuracy' | 'rounds' | 'time';
  /** The sample question: makeSample(task, preset, size, seed, questionIndex); its key checks it. */
  sample: { questionIndex: number; questionKey: string };
  /** Question keys of the nodes whose answers are kept (SNAPSHOT_LEVELS, at most SNAPSHOT_MAX_KEYS). */
  keys: string[];
  /** Rounds 1…N. */
  metrics: RoundMetrics[];
  /** Rounds 0…N: X's answers aligned with `keys`, and Amp(X)'s answer to the sample question. */
  trees: { round: number; answers: Answer[]; amplified: Answer }[];
}

/** "Export run": one file with everything needed to continue the run elsewhere. */
export interface RunFile {
  format: typeof RUN_FORMAT;
  version: 1;
  exportedAt: string;
  /** The page's settings for the run. */
  settings: RunSettings;
  questionIndex: number;
  trees: TreeSnapshot[];
  snapshot: SessionSnapshot;
}

/** The size a run really uses: the settings' own, else its preset's (so `size=5` and no size agree). */
export function runSize(c: { task: TaskId; preset: PresetName; size?: number | null }): number | undefined {
  if (c.size !== undefined && c.size !== null) return c.size;
  const task = getTask(c.task);
  return task ? task.presets[c.preset][task.sizeParam] : undefined;
}

/**
 * Whether a session's snapshot (its resolved configuration: every default filled in) is a run of
 * the page's settings. The page leaves the model, the steps and the batch out when they are the
 * learner's defaults, which only the session knows; left out, they match whatever it resolved
 * them to.
 */
export function snapshotFits(page: RunSettings, resolved: RunSettings): boolean {
  return SETTING_KEYS.every((k) => {
    const s: Setting = SETTINGS[k];
    if (s.absent === 'preset') return runSize(page) === runSize(resolved);
    if (s.absent === 'learner') return page[k] === undefined || page[k] === resolved[k];
    const d = absentValue(s);
    return (page[k] ?? d) === (resolved[k] ?? d);
  });
}

/**
 * Whether a kept (or imported) run is the run the page's settings describe, however the URL spelled
 * them: a model or step count given matches the value the run really used; one left out matches a
 * run saved with it left out too (both are the learner's default).
 */
export function runFits(page: RunSettings, run: Pick<RunFile, 'settings' | 'snapshot'>): boolean {
  const saved = run.settings;
  const used = run.snapshot.config;
  return SETTING_KEYS.every((k) => {
    const s: Setting = SETTINGS[k];
    if (s.absent === 'preset') return runSize(page) === runSize(used);
    if (s.absent === 'learner') return page[k] === undefined ? saved[k] === undefined : page[k] === used[k];
    const d = absentValue(s);
    if (typeof s.absent === 'object' && 'required' in s.absent)
      return page[k] === saved[k] && used[k] === saved[k];
    return (page[k] ?? d) === (used[k] ?? d);
  });
}

/** Distinct non-lookup question keys of the tree's first `levels` levels, breadth first, at most `cap`. */
export function shownKeys(tree: TraceNode, levels = SNAPSHOT_LEVELS, cap = SNAPSHOT_MAX_KEYS): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let level = [tree];
  for (let l = 1; l <= levels && level.length > 0 && out.length < cap; l++) {
    for (const n of level) {
      if (n.by === 'lookup' || seen.has(n.key)) continue;
      seen.add(n.key);
      out.push(n.key);
      if (out.length >= cap) break;
    }
    level = level.flatMap((n) => n.children);
  }
  return out;
}

/** A tree snapshot with only `keys` kept. */
export function pickAnswers(
  answers: ReadonlyMap<string, Answer>,
  keys: readonly string[],
): Record<string, Answer> {
  const out: Record<string, Answer> = {};
  for (const k of keys) {
    const a = answers.get(k);
    if (a !== undefined) out[k] = a;
  }
  return out;
}

/** The recording's tree snapshots in the page's form. */
export function recordingTrees(rec: Recording): TreeSnapshot[] {
  return rec.trees.map((t) => {
    const answers: Record<string, Answer> = {};
    rec.keys.forEach((k, i) => (answers[k] = t.answers[i]!));
    return { round: t.round, question: rec.sample.questionIndex, answers, amplified: t.amplified };
  });
}

// ---------------------------------------------------------------------------------------------
// Validation. Every check names the field; nothing is trusted, nothing is rendered as HTML.

export class FormatError extends Error {}

const fail = (path: string, what: string): never => {
  throw new FormatError(`${path} ${what}`);
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(v)) fail(path, 'must be an object');
  return v as Record<string, unknown>;
}

function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be a list');
  const a = v as unknown[];
  if (a.length > max) fail(path, `has ${a.length} entries (at most ${max})`);
  return a;
}

function num(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a number');
  const n = v as number;
  if (n < min || n > max) fail(path, `must be from ${min} to ${max}`);
  return n;
}

function int(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = num(v, path, min, max);
  if (!Number.isInteger(n)) fail(path, 'must be a whole number');
  return n;
}

/** Plain text: short, no control characters. Never used as markup anyway. */
function text(v: unknown, path: string, max = MAX_TEXT): string {
  if (typeof v !== 'string') fail(path, 'must be text');
  const s = v as string;
  if (s.length > max) fail(path, `is longer than ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) fail(path, 'contains control characters');
  return s;
}

/** A label that the page shows or compares: letters, digits and a little punctuation only. */
function word(v: unknown, path: string, max = 40): string {
  const s = text(v, path, max);
  if (!/^[A-Za-z0-9_.:-]*$/.test(s)) fail(path, 'has characters that are not allowed');
  return s;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(path, `must be one of ${values.join(', ')}`);
  return v as T;
}

function answer(v: unknown, path: string): Answer {
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return num(v, path);
  if (v === '?') return v;
  if (typeof v === 'string') return word(v, path, 40);
  return fail(path, 'must be an answer (a name, a number, true/false, null or ?)');
}

function accuracy(v: unknown, path: string): number {
  return num(v, path, 0, 1);
}

function accuracies(v: unknown, path: string): Accuracies {
  const o = obj(v, path);
  return {
    model: accuracy(o.model, `${path}.model`),
    amplified: accuracy(o.amplified, `${path}.amplified`),
    supervised: o.supervised === null ? null : accuracy(o.supervised, `${path}.supervised`),
  };
}

/** One round's metrics; keeps only RoundMetrics' fields (plus finite numeric extras). */
export function validateMetrics(v: unknown, path: string, task?: TaskId): RoundMetrics {
  const o = obj(v, path);
  const byDepthIn = obj(o.byDepth, `${path}.byDepth`);
  const depthKeys = Object.keys(byDepthIn);
  if (depthKeys.length > 64) fail(`${path}.byDepth`, 'has too many depths');
  const byDepth: Record<string, Accuracies> = {};
  for (const k of depthKeys) {
    if (!/^[1-9]\d?$/.test(k)) fail(`${path}.byDepth`, `has a key that is not a depth`);
    byDepth[k] = accuracies(byDepthIn[k], `${path}.byDepth.${k}`);
  }
  const m: RoundMetrics = {
    round: int(o.round, `${path}.round`, 1, MAX_ROUNDS),
    task: oneOf(o.task, `${path}.task`, TASK_IDS),
    preset: oneOf(o.preset, `${path}.preset`, PRESET_NAMES),
    seed: int(o.seed, `${path}.seed`, 0, 2 ** 32 - 1),
    backend: word(o.backend, `${path}.backend`, 20),
    examples: int(o.examples, `${path}.examples`),
    overseerCalls: int(o.overseerCalls, `${path}.overseerCalls`),
    labels: int(o.labels, `${path}.labels`),
    seconds: num(o.seconds, `${path}.seconds`, 0),
    examplesPerSecond: num(o.examplesPerSecond, `${path}.examplesPerSecond`, 0),
    modelAccuracy: accuracy(o.modelAccuracy, `${path}.modelAccuracy`),
    amplifiedAccuracy: accuracy(o.amplifiedAccuracy, `${path}.amplifiedAccuracy`),
    supervisedAccuracy:
      o.supervisedAccuracy === null ? null : accuracy(o.supervisedAccuracy, `${path}.supervisedAccuracy`),
    byDepth,
    tensors: int(o.tensors, `${path}.tensors`),
  };
  if (task && m.task !== task) fail(`${path}.task`, `is ${m.task}, expected ${task}`);
  // The session's own extras (curriculum frontier, timings, H''s agreement…) all travel along when
  // they are plain data: a number, null (a loss of NaN, an agreement not measured yet), true/false,
  // or a table of numbers by depth. Anything else is dropped, never kept as it came.
  const out = m as unknown as Record<string, unknown>;
  let extras = 0;
  for (const k of Object.keys(o)) {
    if (k in out || !EXTRA_NAME.test(k) || UNSAFE_NAMES.has(k) || ++extras > MAX_EXTRAS) continue;
    const v = o[k];
    if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
    else if (isPlainObject(v)) {
      const table = numberTable(v);
      if (table) out[k] = table;
    }
  }
  return m;
}

const EXTRA_NAME = /^[A-Za-z][A-Za-z0-9]{0,39}$/;
const UNSAFE_NAMES = new Set(['constructor', 'prototype']);
const MAX_EXTRAS = 32;

/** A small table of finite numbers keyed by depth (or another short word), else null. */
function numberTable(v: Record<string, unknown>): Record<string, number> | null {
  const keys = Object.keys(v);
  if (keys.length > 64) return null;
  const out: Record<string, number> = {};
  for (const k of keys) {
    const x = v[k];
    if (!EXTRA_NAME.test(k) && !/^[1-9]\d?$/.test(k)) return null;
    if (typeof x !== 'number' || !Number.isFinite(x)) return null;
    out[k] = x;
  }
  return out;
}

/** Rounds 1…N in order, one per round. */
function validateHistory(v: unknown, path: string, task: TaskId): RoundMetrics[] {
  const list = arr(v, path, MAX_ROUNDS).map((m, i) => validateMetrics(m, `${path}[${i}]`, task));
  list.forEach((m, i) => {
    if (m.round !== i + 1) fail(`${path}[${i}].round`, `is ${m.round}, expected ${i + 1}`);
  });
  return list;
}

export function parseJson(textIn: string): unknown {
  try {
    return JSON.parse(textIn) as unknown;
  } catch {
    throw new FormatError('the file is not valid JSON (corrupted or cut short)');
  }
}

/** Checks a recording (public/runs/<task>.json). Throws FormatError naming what is wrong. */
export function validateRecording(v: unknown, task?: TaskId): Recording {
  const o = obj(v, 'recording');
  if (o.format !== RECORDING_FORMAT) fail('recording.format', `must be "${RECORDING_FORMAT}"`);
  if (o.version !== FORMAT_VERSION) fail('recording.version', `must be ${FORMAT_VERSION}`);
  const id = oneOf(o.task, 'recording.task', TASK_IDS);
  if (task && id !== task) fail('recording.task', `is ${id}, expected ${task}`);
  const s = obj(o.settings, 'recording.settings');
  const settings: RecordingSettings = {
    preset: oneOf(s.preset, 'settings.preset', PRESET_NAMES),
    size: s.size === null ? null : int(s.size, 'settings.size', 1, 64),
    seed: int(s.seed, 'settings.seed', 0, 2 ** 32 - 1),
    modelSize: word(s.modelSize, 'settings.modelSize', 20),
    stepsPerRound: int(s.stepsPerRound, 'settings.stepsPerRound', 1, 100_000),
    batchSize: int(s.batchSize, 'settings.batchSize', 1, 100_000),
    learningRate: num(s.learningRate, 'settings.learningRate', 0, 1),
    backend: word(s.backend, 'settings.backend', 20),
  };
  if (s.overseer !== undefined && s.overseer !== 'hand')
    settings.overseer = oneOf(s.overseer, 'settings.overseer', ['learned'] as const);
  const sample = obj(o.sample, 'recording.sample');
  const keys = arr(o.keys, 'recording.keys', SNAPSHOT_MAX_KEYS).map((k, i) =>
    text(k, `recording.keys[${i}]`),
  );
  const metrics = validateHistory(o.metrics, 'recording.metrics', id);
  const trees = arr(o.trees, 'recording.trees', MAX_ROUNDS + 1).map((t, i) => {
    const to = obj(t, `recording.trees[${i}]`);
    const round = int(to.round, `recording.trees[${i}].round`, 0, MAX_ROUNDS);
    if (round !== i) fail(`recording.trees[${i}].round`, `is ${round}, expected ${i}`);
    const answers = arr(to.answers, `recording.trees[${i}].answers`, keys.length).map((a, j) =>
      answer(a, `recording.trees[${i}].answers[${j}]`),
    );
    if (answers.length !== keys.length)
      fail(`recording.trees[${i}].answers`, `must have ${keys.length} entries`);
    return { round, answers, amplified: answer(to.amplified, `recording.trees[${i}].amplified`) };
  });
  if (trees.length !== metrics.length + 1) fail('recording.trees', `must have ${metrics.length + 1} entries`);
  return {
    format: RECORDING_FORMAT,
    version: 1,
    recordedAt: text(o.recordedAt, 'recording.recordedAt', 40),
    task: id,
    settings,
    stopped: oneOf(o.stopped, 'recording.stopped', ['accuracy', 'rounds', 'time'] as const),
    sample: {
      questionIndex: int(sample.questionIndex, 'sample.questionIndex', 0, 1_000_000),
      questionKey: text(sample.questionKey, 'sample.questionKey'),
    },
    keys,
    metrics,
    trees,
  };
}

/** One setting's value (declared in settings.ts), or a FormatError naming the field. */
function settingValue(key: keyof RunSettings, v: unknown, path: string): string | number {
  const problem = settingProblem(SETTINGS[key], v);
  if (problem) fail(`${path}.${key}`, `must be ${problem}`);
  return v as string | number;
}

/** A run's settings: every declared setting that is saved, checked; anything else dropped. */
function validateSettings(v: unknown, path: string): RunSettings {
  const o = obj(v, path);
  const c: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const s: Setting = SETTINGS[k];
    if (!s.saved) continue;
    const required = typeof s.absent === 'object' && 'required' in s.absent;
    if (!required && (o[k] === undefined || o[k] === null)) continue;
    c[k] = settingValue(k, o[k], path);
  }
  return normalSettings(c as RunSettings);
}

const MAX_TENSOR_VALUES = 4_000_000;

function validateWeights(v: unknown, path: string): SnapshotWeights {
  const o = obj(v, path);
  const names = Object.keys(o);
  if (names.length === 0 || names.length > 200) fail(path, 'must hold between 1 and 200 variables');
  const out: SnapshotWeights = {};
  let total = 0;
  for (const name of names) {
    word(name, `${path} variable name`, 40);
    const w = obj(o[name], `${path}.${name}`);
    const shape = arr(w.shape, `${path}.${name}.shape`, 4).map((d, i) =>
      int(d, `${path}.${name}.shape[${i}]`, 1, 1_000_000),
    );
    if (shape.length === 0) fail(`${path}.${name}.shape`, 'must not be empty');
    const size = shape.reduce((a, b) => a * b, 1);
    total += size;
    if (total > MAX_TENSOR_VALUES) fail(path, 'holds too many values');
    if (typeof w.data !== 'string') fail(`${path}.${name}.data`, 'must be base64 text');
    const data = w.data as string;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) fail(`${path}.${name}.data`, 'is not base64');
    const bytes = Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
    if (bytes !== size * 4) fail(`${path}.${name}.data`, `holds ${bytes} bytes; its shape needs ${size * 4}`);
    out[name] = { shape, data };
  }
  return out;
}

function validateSnapshot(v: unknown, path: string, settings: RunSettings): SessionSnapshot {
  const o = obj(v, path);
  if (o.version !== 1) fail(`${path}.version`, 'must be 1');
  const c = obj(o.config, `${path}.config`);
  // The session's resolved configuration: the page's fields must agree with the settings.
  if (c.task !== settings.task) fail(`${path}.config.task`, 'does not match the settings');
  if (c.preset !== settings.preset) fail(`${path}.config.preset`, 'does not match the settings');
  if (c.seed !== settings.seed) fail(`${path}.config.seed`, 'does not match the settings');
  const config: Record<string, unknown> = {
    task: settings.task,
    preset: settings.preset,
    seed: settings.seed,
  };
  // The run's settings as the session resolved them (every one it knows filled in).
  for (const k of SETTING_KEYS)
    if (config[k] === undefined && c[k] !== undefined && c[k] !== null)
      config[k] = settingValue(k, c[k], `${path}.config`);
  if (c.questionsPerContext !== undefined)
    config.questionsPerContext = int(c.questionsPerContext, `${path}.config.questionsPerContext`, 1, 100_000);
  if (c.subquestionsPerContext !== undefined)
    config.subquestionsPerContext = int(
      c.subquestionsPerContext,
      `${path}.config.subquestionsPerContext`,
      0,
      64,
    );
  for (const k of ['admitAgreement', 'deepestShare'])
    if (c[k] !== undefined) config[k] = num(c[k], `${path}.config.${k}`, 0, 1);
  for (const k of ['supervised', 'skipUnknown', 'curriculum'])
    if (c[k] !== undefined) {
      if (typeof c[k] !== 'boolean') fail(`${path}.config.${k}`, 'must be true or false');
      config[k] = c[k];
    }
  if (c.learningRateSchedule !== undefined) {
    // Kept, or a restored run would train at its peak rate from then on.
    const problem = learningRateScheduleProblem(c.learningRateSchedule);
    if (problem) fail(`${path}.config`, problem);
    const ls = c.learningRateSchedule as LearningRateSchedule | null;
    config.learningRateSchedule = ls && {
      peak: ls.peak,
      warmupSteps: ls.warmupSteps,
      decaySteps: ls.decaySteps,
      constantRate: ls.constantRate,
      ...(ls.updatesPerStep !== undefined ? { updatesPerStep: ls.updatesPerStep } : {}),
    };
  }
  if (c.evaluation !== undefined)
    config.evaluation = oneOf(c.evaluation, `${path}.config.evaluation`, ['every-round', 'auto'] as const);
  if (c.model !== undefined) {
    const m = obj(c.model, `${path}.config.model`);
    const keys = Object.keys(m);
    if (keys.length > 30) fail(`${path}.config.model`, 'has too many fields');
    // The model's shape: sizes and switches. Every field is kept (the model gains switches over
    // time; dropping one would rebuild a different model than the weights were trained in).
    const model: Record<string, number | boolean> = {};
    for (const k of keys) {
      const at = `${path}.config.model.${word(k, `${path}.config.model field`, 30)}`;
      model[k] = typeof m[k] === 'boolean' ? m[k] : int(m[k], at, 0, 4096);
    }
    config.model = model;
  }
  const history = validateHistory(o.history, `${path}.history`, settings.task);
  const round = int(o.round, `${path}.round`, 0, MAX_ROUNDS);
  if (round !== history.length)
    fail(`${path}.round`, `is ${round}, but the history has ${history.length} rounds`);
  const w = obj(o.weights, `${path}.weights`);
  const snapshot: SessionSnapshot = {
    version: 1,
    config: config as unknown as SnapshotConfig,
    round,
    examples: int(o.examples, `${path}.examples`),
    overseerCalls: int(o.overseerCalls, `${path}.overseerCalls`),
    labels: int(o.labels, `${path}.labels`),
    seconds: num(o.seconds, `${path}.seconds`, 0),
    history,
    weights: {
      x: validateWeights(w.x, `${path}.weights.x`),
      supervised: w.supervised === null ? null : validateWeights(w.supervised, `${path}.weights.supervised`),
    },
  };
  if (o.admittedDepth !== undefined)
    snapshot.admittedDepth = int(o.admittedDepth, `${path}.admittedDepth`, 1, 64);
  if (o.learnedOverseer !== undefined && o.learnedOverseer !== null) {
    if (config.overseer !== 'learned') fail(`${path}.learnedOverseer`, "is kept only for overseer 'learned'");
    snapshot.learnedOverseer = validateLearnedOverseer(o.learnedOverseer, `${path}.learnedOverseer`);
  }
  return snapshot;
}

function validateLearnedOverseer(v: unknown, path: string): LearnedOverseerState {
  const o = obj(v, path);
  const vocab = int(o.vocab, `${path}.vocab`, 2, 100_000);
  const tokens = arr(o.tokens, `${path}.tokens`, vocab).map((t, i) => text(t, `${path}.tokens[${i}]`, 80));
  const ids = (list: unknown, at: string): number[][] =>
    arr(list, at, 256).map((row, i) =>
      arr(row, `${at}[${i}]`, vocab).map((t, j) => int(t, `${at}[${i}][${j}]`, 0, tokens.length - 1)),
    );
  const depths = (list: unknown, at: string): number[] =>
    arr(list, at, 64).map((d, i) => int(d, `${at}[${i}]`, 1, 64));
  return {
    tokens,
    vocab,
    seenIn: ids(o.seenIn, `${path}.seenIn`),
    seenOut: ids(o.seenOut, `${path}.seenOut`),
    agreement: o.agreement === null ? null : num(o.agreement, `${path}.agreement`, 0, 1),
    trustedDepths: depths(o.trustedDepths, `${path}.trustedDepths`),
    depthsSeen: depths(o.depthsSeen, `${path}.depthsSeen`),
    weights: validateWeights(o.weights, `${path}.weights`),
  };
}

function validateTrees(v: unknown, path: string, maxRound: number): TreeSnapshot[] {
  const list = arr(v, path, MAX_ROUNDS + 1).map((t, i) => {
    const o = obj(t, `${path}[${i}]`);
    const answersIn = obj(o.answers, `${path}[${i}].answers`);
    const keys = Object.keys(answersIn);
    if (keys.length > SNAPSHOT_MAX_KEYS)
      fail(`${path}[${i}].answers`, `has more than ${SNAPSHOT_MAX_KEYS} entries`);
    const answers: Record<string, Answer> = {};
    for (const k of keys)
      answers[text(k, `${path}[${i}] key`)] = answer(answersIn[k], `${path}[${i}].answers`);
    return {
      round: int(o.round, `${path}[${i}].round`, 0, maxRound),
      question: int(o.question, `${path}[${i}].question`, 0, 1_000_000),
      answers,
      amplified: answer(o.amplified, `${path}[${i}].amplified`),
    };
  });
  return list;
}

/**
 * Checks an exported run file's text: size, JSON, format tag and version, every field's type and
 * range, the history's order, the weights' sizes against their shapes, a known task. Throws a
 * FormatError with a message fit to show (as text) to the reader.
 */
export function validateRunFile(textIn: string): RunFile {
  if (textIn.length > MAX_IMPORT_BYTES) throw new FormatError('the file is larger than 20 MB');
  return validateRun(parseJson(textIn));
}

/** validateRunFile on already parsed data (a run kept in IndexedDB). */
export function validateRun(v: unknown): RunFile {
  const o = obj(v, 'the file');
  if (o.format !== RUN_FORMAT)
    fail('the file', `is not an Amplification Lab run (format must be "${RUN_FORMAT}")`);
  if (o.version !== FORMAT_VERSION)
    fail(
      'the file',
      `has version ${String(o.version).slice(0, 10)}; this page reads version ${FORMAT_VERSION}`,
    );
  const settings = validateSettings(o.settings, 'settings');
  const snapshot = validateSnapshot(o.snapshot, 'snapshot', settings);
  return {
    format: RUN_FORMAT,
    version: 1,
    exportedAt: text(o.exportedAt, 'exportedAt', 40),
    settings,
    questionIndex: int(o.questionIndex, 'questionIndex', 0, 1_000_000),
    trees: validateTrees(o.trees, 'trees', snapshot.round),
    snapshot,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The per-round metrics as CSV: counts, the three accuracies, then X/Amp(X)/supervised per depth. */
export function metricsCsv(history: readonly RoundMetrics[]): string {
  const depths = [...new Set(history.flatMap((m) => Object.keys(m.byDepth)))].sort(
    (a, b) => Number(a) - Number(b),
  );
  const header = [
    'round',
    'examples',
    'overseerCalls',
    'labels',
    'modelAccuracy',
    'amplifiedAccuracy',
    'supervisedAccuracy',
    ...depths.flatMap((d) => [`depth${d}Model`, `depth${d}Amplified`, `depth${d}Supervised`]),
  ];
  const rows = history.map((m) => [
    m.round,
    m.examples,
    m.overseerCalls,
    m.labels,
    m.modelAccuracy,
    m.amplifiedAccuracy,
    m.supervisedAccuracy,
    ...depths.flatMap((d) => {
      const a = m.byDepth[d];
      return a ? [a.model, a.amplified, a.supervised] : [null, null, null];
    }),
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}
