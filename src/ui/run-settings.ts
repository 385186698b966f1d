/**
 * The page's mapping between its URL state and a run's settings, both ways, derived from the
 * settings' declaration (src/core/settings.ts): a value the page spells as "left out" (model
 * 'auto', no size, noise 0, overseer 'hand') is left out of the settings, and comes back as it.
 */
import {
  absentValue,
  normalSettings,
  SETTING_KEYS,
  SETTINGS,
  type RunSettings,
  type Setting,
} from '../core/settings';
import type { RunUrlState } from './url-state';

const onPage = SETTING_KEYS.filter((k) => SETTINGS[k].url !== null);

/** The run's settings the page's state describes (the worker's TrainConfig). */
export function settingsOfPage(ui: RunUrlState): RunSettings {
  const page = ui as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of onPage) {
    const s: Setting = SETTINGS[k];
    const v = page[s.url!];
    if (v !== undefined && v !== s.auto) out[k] = v;
  }
  return normalSettings(out as RunSettings);
}

/** The page's state for a run's settings (an imported run's become the page's). */
export function pageOfSettings(settings: RunSettings): RunUrlState {
  const out: Record<string, unknown> = {};
  for (const k of onPage) {
    const s: Setting = SETTINGS[k];
    out[s.url!] = settings[k] ?? absentValue(s) ?? s.auto;
  }
  return out as RunUrlState;
}
