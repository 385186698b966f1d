/**
 * A run's settings, each declared once (TensorFlow Playground's state.ts, carried past the URL):
 * its values, what leaving it out means, its query parameter on the page, its CLI flag, and
 * whether it is part of a run's identity and kept in a saved run. Derived from it: RunSettings
 * (the worker's TrainConfig, the base of the session's config), the run file's validator and
 * identity rules (run-format.ts), the page's URL parameters (src/ui/url-state.ts) and its mapping
 * (src/ui/run-settings.ts), and the CLIs' flags (src/cli/setting-flags.ts).
 * No schema library (valibot, zod): each setting is one of three kinds, so the derivations here are
 * shorter than a library's schema plus the URL, CLI and identity metadata it cannot hold, and the
 * messages stay the ones the page and the CLIs already show ("must be one of …").
 */
import { MAX_OVERSEER_NOISE } from './noisy-overseer';
import { PRESET_NAMES, TASK_IDS } from './task';

export const MODEL_SIZES = ['small', 'medium', 'large'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];
/** Who decomposes in Amp(X): H itself, or H' learned from H's steps. */
export const OVERSEER_KINDS = ['hand', 'learned'] as const;
export type OverseerKind = (typeof OVERSEER_KINDS)[number];
export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const SEED_MAX = 2 ** 32 - 1;

/**
 * What a run that leaves the setting out gets: `required` (never left out; the value is the
 * page's default), 'learner' (the learner's default, which only the session knows, since a GPU
 * scales it), 'preset' (the preset's own), or `default` (a fixed value, which a run's settings
 * leave out, so runs saved before the setting existed keep their identity).
 */
export type Absent<T> = { required: T } | 'learner' | 'preset' | { default: T };

interface Common<T> {
  absent: Absent<T>;
  /** Query parameter on the page; null: not settable from a link. */
  url: string | null;
  /** The page's word for "left out" (its control and URL), for enums left to the learner. */
  auto?: string;
  /** How a notice names the value used when it is left out. */
  absentText?: string;
  /** Flag of the CLIs that build sessions (without the dashes). */
  flag: string;
  /** The CLI flag leaves the range to the task (whose message names the task's own range). */
  flagRangeByTask?: boolean;
  /**
   * Part of the run's identity. 'slot': a fixed place in the key (the first settings); a word:
   * appended as `<word> <value>` when set, so a run without it keeps the key it had.
   */
  identity: 'slot' | string;
  /** Kept in a saved run's settings (run files, IndexedDB). */
  saved: boolean;
  help: string;
}

export type Setting =
  | (Common<string> & { type: 'enum'; values: readonly string[] })
  | (Common<number> & { type: 'int' | 'number'; min: number; max: number });

/** The declaration. Order: the identity key's order, then the URL's. */
export const SETTINGS = {
  task: {
    type: 'enum',
    values: TASK_IDS,
    absent: { required: 'wildcard' },
    url: 'task',
    flag: 'task',
    identity: 'slot',
    saved: true,
    help: 'which task',
  },
  preset: {
    type: 'enum',
    values: PRESET_NAMES,
    absent: { required: 'workshop' },
    url: 'preset',
    flag: 'preset',
    identity: 'slot',
    saved: true,
    help: 'size preset',
  },
  size: {
    type: 'int',
    min: 2,
    max: 64,
    absent: 'preset',
    url: 'size',
    absentText: "the preset's size",
    flag: 'size',
    flagRangeByTask: true,
    identity: 'slot',
    saved: true,
    help: "the task's size (names, variables, strings, vertices)",
  },
  seed: {
    type: 'int',
    min: 0,
    max: SEED_MAX,
    absent: { required: 1 },
    url: 'seed',
    flag: 'seed',
    identity: 'slot',
    saved: true,
    help: 'random seed',
  },
  modelSize: {
    type: 'enum',
    values: MODEL_SIZES,
    absent: 'learner',
    url: 'model',
    auto: 'auto',
    flag: 'model-size',
    identity: 'slot',
    saved: true,
    help: "the model's size (default: the task's)",
  },
  stepsPerRound: {
    type: 'int',
    min: 1,
    max: 10_000,
    absent: 'learner',
    url: 'steps',
    absentText: "the learner's default",
    flag: 'steps-per-round',
    identity: 'slot',
    saved: true,
    help: 'training steps per round',
  },
  batchSize: {
    type: 'int',
    min: 1,
    max: 4096,
    absent: 'learner',
    url: 'batch',
    absentText: "the learner's default",
    flag: 'batch-size',
    identity: 'batch',
    saved: true,
    help: 'questions per training step',
  },
  overseerNoise: {
    type: 'number',
    min: 0,
    max: MAX_OVERSEER_NOISE,
    absent: { default: 0 },
    url: 'noise',
    absentText: '0, a clean overseer',
    flag: 'overseer-noise',
    identity: 'noise',
    saved: true,
    help: "chance that H's combination gives a wrong well-typed answer (default 0)",
  },
  overseer: {
    type: 'enum',
    values: OVERSEER_KINDS,
    absent: { default: 'hand' },
    url: 'overseer',
    flag: 'overseer',
    identity: 'overseer',
    saved: true,
    help: "who decomposes in Amp(X): H, or H' learned from H's steps",
  },
  heldOutQuestions: {
    type: 'int',
    min: 1,
    max: 100_000,
    absent: { default: 500 },
    url: 'heldout',
    absentText: '500',
    flag: 'held-out',
    identity: 'held-out',
    saved: true,
    help: 'held-out questions scored at each evaluation, at least (default 500; fewer: quicker rounds, noisier figures)',
  },
  learningRate: {
    type: 'number',
    min: 0,
    max: 1,
    absent: 'learner',
    url: null,
    flag: 'learning-rate',
    identity: 'lr',
    saved: true,
    help: "the optimiser's learning rate (default: the task's)",
  },
} as const satisfies Record<string, Setting>;

type Defs = typeof SETTINGS;
export type SettingKey = keyof Defs;
export type SettingValue<S> = S extends { type: 'enum'; values: readonly (infer V)[] } ? V : number;
type RequiredKey = {
  [K in SettingKey]: Defs[K]['absent'] extends { required: unknown } ? K : never;
}[SettingKey];
type Flat<T> = { [K in keyof T]: T[K] };

/** The settings that define a run, as the page, the worker and a run file take them. */
export type RunSettings = Flat<
  { [K in RequiredKey]: SettingValue<Defs[K]> } & {
    [K in Exclude<SettingKey, RequiredKey>]?: SettingValue<Defs[K]>;
  }
>;

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export const setting = (key: SettingKey): Setting => SETTINGS[key];

/** The allowed values in words: "one of a, b", "a whole number from 1 to 9", "a number from 0 to 0.5". */
export function allowedText(s: Setting): string {
  if (s.type === 'enum') return `one of ${s.values.join(', ')}`;
  return `${s.type === 'int' ? 'a whole number' : 'a number'} from ${s.min} to ${s.max}`;
}

/** Why `v` is not a value of the setting, or null when it is one. */
export function settingProblem(s: Setting, v: unknown): string | null {
  if (s.type === 'enum') return typeof v === 'string' && s.values.includes(v) ? null : allowedText(s);
  if (typeof v !== 'number' || !Number.isFinite(v)) return allowedText(s);
  if (s.type === 'int' && !Number.isInteger(v)) return allowedText(s);
  return v >= s.min && v <= s.max ? null : allowedText(s);
}

/** The fixed value a left-out setting means, if it has one (required's page default included). */
export function absentValue(s: Setting): string | number | undefined {
  const a = s.absent as Absent<string | number>;
  if (typeof a !== 'object') return undefined;
  return 'required' in a ? a.required : a.default;
}

/**
 * The settings in their one spelling: known defaults left out (noise 0, overseer 'hand'), so
 * two spellings of one run compare equal.
 */
export function normalSettings(s: RunSettings): RunSettings {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const d = SETTINGS[k];
    const v = s[k];
    if (v === undefined || v === null) continue;
    if (typeof d.absent === 'object' && 'default' in d.absent && v === d.absent.default) continue;
    out[k] = v;
  }
  return out as RunSettings;
}

/** The settings that define a run, as one comparable string (field order and undefined ignored). */
export function configKeyOf(c: RunSettings): string {
  const n = normalSettings(c);
  const key: (string | number)[] = [];
  for (const k of SETTING_KEYS) {
    const id = SETTINGS[k].identity;
    const v = n[k];
    if (id === 'slot') key.push(v ?? '');
    // overseer 'learned' is keyed by its word alone, as runs were kept before this schema.
    else if (v !== undefined) key.push(k === 'overseer' ? String(v) : `${id} ${v}`);
  }
  return key.join('|');
}
