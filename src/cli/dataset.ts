import { generateDataset } from '../core/dataset';
import { PRESET_NAMES, TASK_IDS, type PresetName } from '../core/task';
import { parseArgs, runCli, usage } from './args';
import { taskFromFlags } from './task-flags';
import { watchStopSignals, yieldToEvents } from './signals';

const FLAGS = {
  task: { type: 'string', help: 'which task', choices: TASK_IDS },
  preset: { type: 'string', help: 'size preset', choices: PRESET_NAMES, default: 'workshop' },
  size: { type: 'int', help: "the task's size (names, variables, strings, vertices)", min: 1, max: 4096 },
  count: { type: 'int', help: 'how many questions', min: 1, max: 1_000_000, default: 1000 },
  seed: { type: 'int', help: 'random seed', min: 0, max: 2 ** 32 - 1, default: 1 },
  help: { type: 'boolean', help: 'show this help' },
} as const;

runCli(async () => {
  const flags = parseArgs(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage('npm run dataset --', FLAGS)}\n`);
    return;
  }
  const { task, params } = taskFromFlags(flags);
  // Everything is validated before the first line is written, so a bad flag prints nothing on stdout.
  const preset = flags.preset as PresetName;
  // SIGTERM / SIGINT: stop after the current chunk; every line written is whole.
  const stop = watchStopSignals();
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    const text = chunk.join('');
    chunk = [];
    if (text && !process.stdout.write(text))
      await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for (const record of generateDataset({ task, preset, params, seed: flags.seed, count: flags.count })) {
    chunk.push(`${JSON.stringify(record)}\n`);
    if (chunk.length >= 512) {
      await flush();
      await yieldToEvents();
      if (stop.signal) break;
    }
  }
  await flush();
});
