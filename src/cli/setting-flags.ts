/**
 * The CLIs' flags for a run's settings, derived from their declaration (src/core/settings.ts):
 * the flag's name, its values or range, its default and its help; and the settings the parsed
 * flags give.
 */
import {
  absentValue,
  normalSettings,
  SETTINGS,
  type RunSettings,
  type Setting,
  type SettingKey,
} from '../core/settings';
import type { FlagSpec } from './args';

/** One setting's flag; `change` adjusts it for one CLI (a probe's own default, say). */
export function settingFlag(key: SettingKey, change: Partial<FlagSpec> = {}): FlagSpec {
  const s: Setting = SETTINGS[key];
  const fixed = absentValue(s);
  // The task is named on every command line (the page's default task is only the page's).
  const def = key === 'task' || fixed === undefined ? {} : { default: fixed };
  if (s.type === 'enum')
    return { type: 'string', choices: s.values, help: s.help, ...def, ...change } as FlagSpec;
  // A task checks its own size range (its message names the task's range).
  const range = s.flagRangeByTask ? { min: 1 } : { min: s.min, max: s.max };
  return { type: s.type, ...range, help: s.help, ...def, ...change } as FlagSpec;
}

/** The flags of these settings, by flag name. */
export function settingFlags(keys: readonly SettingKey[]): Record<string, FlagSpec> {
  return Object.fromEntries(keys.map((k) => [SETTINGS[k].flag, settingFlag(k)]));
}

/** The settings the parsed flags give (those of `keys` that were given or have a default). */
export function settingsFromFlags(
  args: Readonly<Record<string, unknown>>,
  keys: readonly SettingKey[],
): Partial<RunSettings> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = args[SETTINGS[k].flag];
    if (v !== undefined) out[k] = v;
  }
  return normalSettings(out as RunSettings);
}
