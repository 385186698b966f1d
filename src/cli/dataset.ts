import { generateDataset } from '../core/dataset';
import type { RunSettings } from '../core/settings';
import { parseArgs, runCli, usage, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';
import { taskFromFlags } from './task-flags';
import { watchStopSignals, yieldToEvents } from './signals';

const FLAGS = {
  ...settingFlags(['task', 'preset', 'size', 'seed']),
  count: { type: 'int', help: 'how many questions', min: 1, max: 1_000_000, default: 1000 },
  help: { type: 'boolean', help: 'show this help' },
} satisfies Record<string, FlagSpec>;

runCli(async () => {
  const flags = parseArgs(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage('npm run dataset --', FLAGS)}\n`);
    return;
  }
  const run = settingsFromFlags(flags, ['task', 'preset', 'size', 'seed']) as RunSettings;
  const { task, params } = taskFromFlags(run);
  // Everything is validated before the first line is written, so a bad flag prints nothing on stdout.
  const { preset, seed } = run;
  // SIGTERM / SIGINT: stop after the current chunk; every line written is whole.
  const stop = watchStopSignals();
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    const text = chunk.join('');
    chunk = [];
    if (text && !process.stdout.write(text))
      await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for (const record of generateDataset({ task, preset, params, seed, count: flags.count })) {
    chunk.push(`${JSON.stringify(record)}\n`);
    if (chunk.length >= 512) {
      await flush();
      await yieldToEvents();
      if (stop.signal) break;
    }
  }
  await flush();
});
