/** `npm run dataset`'s flags, parsed and checked apart from the CLI so tests can check parsing in process. */
import type { RunSettings } from '../core/settings';
import { parseArgs, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';
import { taskFromFlags } from './task-flags';

export const DATASET_FLAGS = {
  ...settingFlags(['task', 'preset', 'size', 'seed']),
  count: { type: 'int', help: 'how many questions', min: 1, max: 1_000_000, default: 1000 },
  help: { type: 'boolean', help: 'show this help' },
} satisfies Record<string, FlagSpec>;

/** The dataset to write, or help; throws (ArgsError or the task's own) on a bad flag. */
export function parseDatasetArgs(argv: string[]) {
  const flags = parseArgs(argv, DATASET_FLAGS);
  if (flags.help) return { help: true as const };
  const run = settingsFromFlags(flags, ['task', 'preset', 'size', 'seed']) as RunSettings;
  const { task, params } = taskFromFlags(run);
  return { help: false as const, task, params, preset: run.preset, seed: run.seed, count: flags.count };
}
