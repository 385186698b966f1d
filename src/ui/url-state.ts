/**
 * Everything a link can set, declared once (like TensorFlow Playground's state.ts).
 * Each parameter: its name in the URL, its default, how to parse and validate a raw string,
 * and how to write a value back. Parsing never throws: an invalid value falls back to the
 * default and yields a notice naming the parameter. Values are only ever used as data
 * (text, numbers, enum members); nothing from a URL is inserted as HTML.
 */
import {
  absentValue,
  BACKEND_NAMES,
  MODEL_SIZES,
  OVERSEER_KINDS,
  SEED_MAX,
  SETTING_KEYS,
  SETTINGS,
  type BackendName,
  type Setting,
  type SettingKey,
  type SettingValue,
} from '../core/settings';
import type { TaskId } from '../core/task';

export type BackendChoice = 'auto' | BackendName;
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', ...BACKEND_NAMES];
export type Speed = 'slow' | 'normal' | 'fast' | 'max';
export const SPEEDS: readonly Speed[] = ['slow', 'normal', 'fast', 'max'];
/** Pause between rounds while playing, per speed. */
export const SPEED_PAUSE_MS: Readonly<Record<Speed, number>> = { slow: 1500, normal: 400, fast: 50, max: 0 };
/** 'auto': the learner's default for the task. */
export type ModelChoice = 'auto' | (typeof MODEL_SIZES)[number];
export const MODEL_CHOICES: readonly ModelChoice[] = ['auto', ...MODEL_SIZES];
/** Who decomposes in Amp(X): H, or H' learned from H's steps. */
export type OverseerChoice = (typeof OVERSEER_KINDS)[number];
export const OVERSEER_CHOICES: readonly OverseerChoice[] = OVERSEER_KINDS;
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

const limits = (s: { min: number; max: number }) => ({ min: s.min, max: s.max }) as const;
/** Ranges from the settings' declaration (src/core/settings.ts); a task may narrow size. */
export const SIZE_LIMITS = limits(SETTINGS.size);
export const STEPS_LIMITS = limits(SETTINGS.stepsPerRound);
export const BATCH_LIMITS = limits(SETTINGS.batchSize);
export const NOISE_MAX = SETTINGS.overseerNoise.max;
export { SEED_MAX };

type Defs = typeof SETTINGS;
/** The settings a link can set. */
export type UrlSettingKey = { [K in SettingKey]: Defs[K]['url'] extends string ? K : never }[SettingKey];
/**
 * A setting's value on the page: always one where leaving it out means a fixed value; else its
 * word for "left out" (model 'auto'), or undefined.
 */
type PageValue<S> = S extends { absent: { required: unknown } | { default: unknown } }
  ? SettingValue<S>
  : S extends { auto: infer A }
    ? SettingValue<S> | A
    : SettingValue<S> | undefined;
/** The run's settings as the page keeps them, by URL parameter (task, size, model, steps…). */
export type RunUrlState = { [K in UrlSettingKey as Defs[K]['url'] & string]: PageValue<Defs[K]> };

export type UrlState = RunUrlState & {
  backend: BackendChoice;
  speed: Speed;
  hide: HideFlag[];
  /** The round the timeline shows; undefined: the latest. */
  round: number | undefined;
  /** Presenter mode: large type, high contrast, keyboard-driven. */
  presenter: boolean;
  /** The guided lesson's open step (1-based); undefined: closed. */
  lesson: number | undefined;
};

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

/** Plain decimals only (no exponents, hex, NaN or Infinity). */
function parseDecimal(raw: string, min: number, max: number): Parsed<number> {
  const n = /^\s*(\d{1,6}|\d{0,6}\.\d{1,6})\s*$/.test(raw) ? Number(raw) : NaN;
  return n >= min && n <= max
    ? { ok: true, value: n }
    : { ok: false, allowed: `a number from ${min} to ${max}` };
}

function optionalIntParam<K extends keyof UrlState>(
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

/** A setting's URL parameter, from its declaration. */
function settingParam(key: SettingKey): ParamSpec<keyof UrlState> {
  const s: Setting = SETTINGS[key];
  const name = s.url as keyof UrlState;
  const fixed = absentValue(s);
  const text = s.absentText ? { defaultText: s.absentText } : {};
  if (s.type === 'enum')
    return enumParam(name, s.auto ? [s.auto, ...s.values] : s.values, (fixed ?? s.auto) as never);
  if (fixed === undefined) {
    if (s.type !== 'int') throw new Error(`${key}: a number left to the learner has no URL form yet`);
    return optionalIntParam(name, s.min, s.max, s.absentText ?? 'the default');
  }
  const parse = s.type === 'int' ? parseInteger : parseDecimal;
  return {
    name,
    default: fixed as never,
    ...text,
    parse: (raw) => parse(raw, s.min, s.max) as Parsed<never>,
    format: (v) => String(v),
  };
}

/** The parameters, in URL order: the run's settings as declared, then the view's. */
export const PARAMS: readonly ParamSpec<keyof UrlState>[] = [
  ...SETTING_KEYS.filter((k) => SETTINGS[k].url !== null).map(settingParam),
  enumParam('backend', BACKEND_CHOICES, 'auto'),
  enumParam('speed', SPEEDS, 'normal'),
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
  optionalIntParam('lesson', 1, LESSON_MAX, 'no lesson'),
] as ParamSpec<keyof UrlState>[];

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
