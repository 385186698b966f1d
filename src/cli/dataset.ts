import { generateDataset } from '../core/dataset';
import { ParamsError, PRESET_NAMES, resolveParams, TASK_IDS, type PresetName } from '../core/task';
import { getTask } from '../core/tasks';
import { ArgsError, parseArgs, runCli, usage } from './args';
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
  if (!flags.task) throw new ArgsError(`--task is required: one of ${TASK_IDS.join(', ')}`);
  const task = getTask(flags.task);
  if (!task) throw new ArgsError(`--task ${flags.task} is not available in this build`);
  let params;
  try {
    params = resolveParams(task, flags.preset as PresetName, flags.size);
  } catch (error) {
    if (error instanceof ParamsError) throw new ArgsError(error.message.replace(/^size/, '--size'));
    throw error;
  }
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
