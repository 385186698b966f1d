/**
 * Every setting the schema declares (src/core/settings.ts), with random valid values, goes
 * URL → page state → settings → session config → run file → validateRun → settings (and the
 * CLI's flags → settings) and comes back intact. It iterates over the declaration, so a setting
 * added there is covered here without a line of this file changing.
 */
import { describe, expect, test } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng';
import { runFits, RUN_FORMAT, validateRun, type RunFile } from '../../src/core/run-format';
import {
  configKeyOf,
  normalSettings,
  SETTING_KEYS,
  SETTINGS,
  type RunSettings,
  type Setting,
} from '../../src/core/settings';
import { getTask } from '../../src/core/tasks';
import { resolveSessionConfig } from '../../src/learn/session-config';
import { parseArgs } from '../../src/cli/args';
import { settingFlags, settingsFromFlags } from '../../src/cli/setting-flags';
import { pageOfSettings, settingsOfPage } from '../../src/ui/run-settings';
import { defaultState, formatUrlState, parseUrlState } from '../../src/ui/url-state';

/** A random valid value of one setting (the task's own size range for size), or undefined. */
function randomValue(rng: Rng, key: keyof RunSettings, s: Setting, task: string): unknown {
  const required = typeof s.absent === 'object' && 'required' in s.absent;
  if (!required && rng.next() < 0.25) return undefined;
  if (s.type === 'enum') return rng.pick(s.values);
  let [min, max] = [s.min, s.max];
  if (key === 'size') [min, max] = getTask(task as RunSettings['task'])!.sizeRange;
  if (s.type === 'int') return rng.range(min, max);
  // Six decimals at most (the URL's decimals); above 0 (a learning rate of 0 trains nothing).
  const v = Math.round((min + rng.next() * (max - min)) * 1e6) / 1e6;
  return v === 0 && key === 'learningRate' ? 1e-6 : v;
}

function randomSettings(rng: Rng): RunSettings {
  const task = rng.pick(SETTINGS.task.values);
  const out: Record<string, unknown> = { task };
  for (const k of SETTING_KEYS) if (k !== 'task') out[k] = randomValue(rng, k, SETTINGS[k], task);
  return normalSettings(out as RunSettings);
}

const zeros = (n: number): string => Buffer.alloc(n * 4).toString('base64');

/** A run file as the page writes one: its settings, and the session's resolved config. */
function runFile(settings: RunSettings): RunFile {
  const task = getTask(settings.task)!;
  const { params: _params, ...config } = resolveSessionConfig(task, settings, false);
  void _params;
  return {
    format: RUN_FORMAT,
    version: 1,
    exportedAt: '2026-01-01T00:00:00.000Z',
    settings,
    questionIndex: 0,
    trees: [],
    snapshot: {
      version: 1,
      config: config as unknown as RunFile['snapshot']['config'],
      round: 0,
      examples: 0,
      overseerCalls: 0,
      labels: 0,
      seconds: 0,
      history: [],
      weights: { x: { w: { shape: [2], data: zeros(2) } }, supervised: null },
    },
  };
}

/** The CLI's argv for these settings (every setting has a flag). */
function argv(settings: RunSettings): string[] {
  return SETTING_KEYS.flatMap((k) =>
    settings[k] === undefined ? [] : [`--${SETTINGS[k].flag}`, String(settings[k])],
  );
}

describe('the settings schema', () => {
  test('declares each URL parameter and CLI flag once', () => {
    const urls = SETTING_KEYS.map((k) => SETTINGS[k].url).filter((u) => u !== null);
    const flags = SETTING_KEYS.map((k) => SETTINGS[k].flag);
    expect(new Set(urls).size).toBe(urls.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  test('every setting survives URL → settings → session → run file → validateRun → settings, and the CLI', () => {
    const rng = createRng(2026);
    const seen = new Map<string, Set<string>>(SETTING_KEYS.map((k) => [k, new Set()]));
    for (let i = 0; i < 300; i++) {
      const chosen = randomSettings(rng);
      for (const k of SETTING_KEYS) seen.get(k)!.add(String(chosen[k]));

      // The page: settings → its state → its URL → parsed back (without a notice) → settings.
      const query = formatUrlState({ ...defaultState(), ...pageOfSettings(chosen) });
      const { state, notices } = parseUrlState(query, (id) => getTask(id)?.sizeRange);
      expect(notices, query).toEqual([]);
      const fromPage = settingsOfPage(state);
      // Settings a link cannot set come from elsewhere (the CLI); the rest from the URL alone.
      const page: RunSettings = { ...fromPage };
      for (const k of SETTING_KEYS)
        if (SETTINGS[k].url === null) (page as Record<string, unknown>)[k] = chosen[k];
        else expect(fromPage[k], `${k} through ${query}`).toEqual(chosen[k]);

      // The session resolves it; the run file keeps it; validateRun reads it back.
      const back = validateRun(JSON.parse(JSON.stringify(runFile(normalSettings(page)))));
      for (const k of SETTING_KEYS) {
        const kept = SETTINGS[k].saved ? chosen[k] : undefined;
        expect(back.settings[k], `${k} in the run's settings`).toEqual(kept);
        if (chosen[k] !== undefined)
          expect(back.snapshot.config[k], `${k} in the session's config`).toEqual(chosen[k]);
      }
      expect(configKeyOf(back.settings)).toBe(configKeyOf(chosen));
      if (SETTING_KEYS.every((k) => SETTINGS[k].saved)) expect(runFits(chosen, back)).toBe(true);
      expect(pageOfSettings(back.settings)).toEqual(pageOfSettings(chosen));

      // The CLI: the same settings as flags.
      const args = parseArgs(argv(chosen), settingFlags(SETTING_KEYS));
      expect(settingsFromFlags(args, SETTING_KEYS)).toEqual(chosen);
    }
    // Each setting took more than one value (left out included), so the check above saw it move.
    for (const k of SETTING_KEYS) expect(seen.get(k)!.size, k).toBeGreaterThan(1);
  });

  test('a run differs from another in each identity setting', () => {
    const base: RunSettings = { task: 'wildcard', preset: 'workshop', seed: 1 };
    const rng = createRng(7);
    for (const k of SETTING_KEYS) {
      let other: RunSettings;
      do other = normalSettings({ ...base, [k]: randomValue(rng, k, SETTINGS[k], 'wildcard') });
      while (other[k] === undefined || other[k] === base[k]);
      expect(configKeyOf(other), k).not.toBe(configKeyOf(base));
    }
  });

  test('a saved setting out of range is refused, naming the field', () => {
    for (const k of SETTING_KEYS.filter((k) => SETTINGS[k].saved)) {
      const s: Setting = SETTINGS[k];
      const bad = s.type === 'enum' ? 'robot' : s.max + 1;
      const file = runFile({ task: 'wildcard', preset: 'workshop', seed: 1 });
      (file.settings as Record<string, unknown>)[k] = bad;
      expect(() => validateRun(JSON.parse(JSON.stringify(file))), k).toThrow(`settings.${k} must be`);
    }
  });
});
