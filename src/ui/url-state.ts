/**
 * Everything a link can set, declared once (like TensorFlow Playground's state.ts).
 * Each parameter: its name in the URL, its default, how to parse and validate a raw string,
 * and how to write a value back. Parsing never throws: an invalid value falls back to the
 * default and yields a notice naming the parameter. Values are only ever used as data
 * (text, numbers, enum members); nothing from a URL is inserted as HTML.
 */
import { PRESET_NAMES, TASK_IDS, type PresetName, type TaskId } from '../core/task';

export type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'];
export type Speed = 'slow' | 'normal' | 'fast' | 'max';
export const SPEEDS: readonly Speed[] = ['slow', 'normal', 'fast', 'max'];
/** Pause between rounds while playing, per speed. */
export const SPEED_PAUSE_MS: Readonly<Record<Speed, number>> = { slow: 1500, normal: 400, fast: 50, max: 0 };
/** 'auto': the learner's default for the task. */
export type ModelChoice = 'auto' | 'small' | 'medium' | 'large';
export const MODEL_CHOICES: readonly ModelChoice[] = ['auto', 'small', 'medium', 'large'];
/** Who decomposes in Amp(X): H, or H' learned from H's steps. */
export type OverseerChoice = 'hand' | 'learned';
export const OVERSEER_CHOICES: readonly OverseerChoice[] = ['hand', 'learned'];
/** Parts of the page a workshop link can hide. */
export type HideFlag = 'controls' | 'explain' | 'stats' | 'facts' | 'chart' | 'tree' | 'timeline' | 'tools';
export const HIDE_FLAGS: readonly HideFlag[] = [
  'controls',
  'explain',
  'stats',
  'facts',
  'chart',
  'tree',
  'timeline',
  'tools',
];
export const ROUND_MAX = 10_000;
/** Steps the guided lesson may have (its real count clamps `lesson=K`). */
export const LESSON_MAX = 20;

/** Size ranges per task (the task registry may not be loaded everywhere; these mirror it). */
export const SIZE_LIMITS = { min: 2, max: 64 } as const;
export const STEPS_LIMITS = { min: 1, max: 10_000 } as const;
export const BATCH_LIMITS = { min: 1, max: 4096 } as const;
export const SEED_MAX = 2 ** 32 - 1;
/** Mirrors src/core/noisy-overseer's MAX_OVERSEER_NOISE. */
export const NOISE_MAX = 0.5;

export interface UrlState {
  task: TaskId;
  preset: PresetName;
  /** undefined: the preset's own size. */
  size: number | undefined;
  seed: number;
  backend: BackendChoice;
  /** Training steps per round; undefined: the learner's default. */
  steps: number | undefined;
  /** Questions per training step; undefined: the learner's default. */
  batch: number | undefined;
  speed: Speed;
  model: ModelChoice;
  overseer: OverseerChoice;
  hide: HideFlag[];
  /** The round the timeline shows; undefined: the latest. */
  round: number | undefined;
  /** Presenter mode: large type, high contrast, keyboard-driven. */
  presenter: boolean;
  /** Chance (0 … NOISE_MAX) that H's combination gives a wrong answer; 0: a clean overseer. */
  noise: number;
  /** The guided lesson's open step (1-based); undefined: closed. */
  lesson: number | undefined;
}

export interface Notice {
  param: keyof UrlState;
  message: string;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; allowed: string };

interface ParamSpec<K extends keyof UrlState> {
  name: K;
  default: UrlState[K];
  parse(raw: string): Parsed<UrlState[K]>;
  format(value: UrlState[K]): string;
  /** How a notice names the default, when its formatted form is empty. */
  defaultText?: string;
}

function enumParam<K extends keyof UrlState>(
  name: K,
  values: readonly string[],
  def: UrlState[K],
): ParamSpec<K> {
  return {
    name,
    default: def,
    parse: (raw) =>
      values.includes(raw)
        ? { ok: true, value: raw as UrlState[K] }
        : { ok: false, allowed: `one of ${values.join(', ')}` },
    format: (v) => String(v),
  };
}

function parseInteger(raw: string, min: number, max: number): Parsed<number> {
  const allowed = `a whole number from ${min} to ${max}`;
  if (!/^\d{1,10}$/.test(raw.trim())) return { ok: false, allowed };
  const n = Number(raw.trim());
  return n >= min && n <= max ? { ok: true, value: n } : { ok: false, allowed };
}

function optionalIntParam<K extends 'size' | 'steps' | 'batch' | 'round' | 'lesson'>(
  name: K,
  min: number,
  max: number,
  defaultText: string,
): ParamSpec<K> {
  return {
    name,
    defaultText,
    default: undefined as UrlState[K],
    parse: (raw) =>
      raw === '' || raw === 'auto'
        ? { ok: true, value: undefined as UrlState[K] }
        : (parseInteger(raw, min, max) as Parsed<UrlState[K]>),
    format: (v) => (v === undefined ? '' : String(v)),
  };
}

/** The parameters, in URL order. */
export const PARAMS = [
  // Wildcard search opens the page: its recorded run climbs to 96%, the clearest first picture of the loop.
  enumParam('task', TASK_IDS, 'wildcard'),
  enumParam('preset', PRESET_NAMES, 'workshop'),
  optionalIntParam('size', SIZE_LIMITS.min, SIZE_LIMITS.max, "the preset's size"),
  {
    name: 'seed',
    default: 1,
    parse: (raw) => parseInteger(raw, 0, SEED_MAX),
    format: (v) => String(v),
  } satisfies ParamSpec<'seed'>,
  enumParam('backend', BACKEND_CHOICES, 'auto'),
  optionalIntParam('steps', STEPS_LIMITS.min, STEPS_LIMITS.max, "the learner's default"),
  optionalIntParam('batch', BATCH_LIMITS.min, BATCH_LIMITS.max, "the learner's default"),
  enumParam('speed', SPEEDS, 'normal'),
  enumParam('model', MODEL_CHOICES, 'auto'),
  enumParam('overseer', OVERSEER_CHOICES, 'hand'),
  {
    name: 'hide',
    default: [],
    defaultText: 'nothing hidden',
    parse: (raw) => {
      const parts = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const bad = parts.filter((p) => !HIDE_FLAGS.includes(p as HideFlag));
      if (bad.length > 0) return { ok: false, allowed: `a comma-separated list of ${HIDE_FLAGS.join(', ')}` };
      return { ok: true, value: [...new Set(parts as HideFlag[])] };
    },
    format: (v) => v.join(','),
  } satisfies ParamSpec<'hide'>,
  optionalIntParam('round', 0, ROUND_MAX, 'the latest round'),
  {
    name: 'presenter',
    default: false,
    parse: (raw) =>
      ['1', 'true', 'on', 'yes', ''].includes(raw.trim())
        ? { ok: true, value: true }
        : ['0', 'false', 'off', 'no'].includes(raw.trim())
          ? { ok: true, value: false }
          : { ok: false, allowed: '1 or 0' },
    format: (v) => (v ? '1' : '0'),
  } satisfies ParamSpec<'presenter'>,
  {
    name: 'noise',
    default: 0,
    defaultText: '0, a clean overseer',
    parse: (raw) => {
      const n = /^\s*(0|0?\.\d{1,6})\s*$/.test(raw) ? Number(raw) : NaN;
      return n >= 0 && n <= NOISE_MAX
        ? { ok: true, value: n }
        : { ok: false, allowed: `a number from 0 to ${NOISE_MAX}` };
    },
    format: (v) => String(v),
  } satisfies ParamSpec<'noise'>,
  optionalIntParam('lesson', 1, LESSON_MAX, 'no lesson'),
] as const;

export function defaultState(): UrlState {
  const out = {} as Record<string, unknown>;
  for (const p of PARAMS) out[p.name] = Array.isArray(p.default) ? [...p.default] : p.default;
  return out as unknown as UrlState;
}

/** Shortens what is shown of a raw value, so a notice stays a line of text. */
function shown(raw: string): string {
  return raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
}

/**
 * Reads the state from a query string. `sizeRange` (optional) gives the chosen task's real size
 * range, so `size` is checked against it.
 */
export function parseUrlState(
  search: string | URLSearchParams,
  sizeRange?: (task: TaskId) => readonly [number, number] | undefined,
): { state: UrlState; notices: Notice[] } {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const state = defaultState() as unknown as Record<string, unknown>;
  const notices: Notice[] = [];
  for (const spec of PARAMS) {
    const raw = params.get(spec.name);
    if (raw === null) continue;
    const parsed = (spec.parse as (raw: string) => Parsed<unknown>)(raw);
    if (parsed.ok) state[spec.name] = parsed.value;
    else
      notices.push({
        param: spec.name,
        message: `Ignored ${spec.name}="${shown(raw)}": it must be ${parsed.allowed}. Using the default (${
          ('defaultText' in spec ? spec.defaultText : undefined) ?? spec.format(spec.default as never)
        }).`,
      });
  }
  const result = state as unknown as UrlState;
  const range = sizeRange?.(result.task);
  if (range && result.size !== undefined && (result.size < range[0] || result.size > range[1])) {
    notices.push({
      param: 'size',
      message: `Ignored size="${result.size}": for this task it must be a whole number from ${range[0]} to ${range[1]}. Using the preset's size.`,
    });
    result.size = undefined;
  }
  return { state: result, notices };
}

/** The query string for a state: only values that differ from the defaults, in declared order. */
export function formatUrlState(state: UrlState): string {
  const params = new URLSearchParams();
  for (const spec of PARAMS) {
    const value = state[spec.name];
    const text = (spec.format as (v: unknown) => string)(value);
    const def = (spec.format as (v: unknown) => string)(spec.default);
    if (text !== def) params.set(spec.name, text);
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}
