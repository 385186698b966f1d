import { generateDataset } from '../core/dataset';
import { ParamsError, PRESET_NAMES, resolveParams, TASK_IDS, type PresetName } from '../core/task';
import { getTask } from '../core/tasks';
import { parseFlags, runCli, usage, UsageError } from './args';

const FLAGS = {
  task: { kind: 'string', help: 'which task', choices: TASK_IDS },
  preset: { kind: 'string', help: 'size preset', choices: PRESET_NAMES, default: 'workshop' },
  size: { kind: 'integer', help: "the task's size (names, variables, strings, vertices)", min: 1, max: 4096 },
  count: { kind: 'integer', help: 'how many questions', min: 1, max: 1_000_000, default: 1000 },
  seed: { kind: 'integer', help: 'random seed', min: 0, max: 2 ** 32 - 1, default: 1 },
  help: { kind: 'boolean', help: 'show this help' },
} as const;

await runCli('dataset', async () => {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage('npm run dataset --', FLAGS)}\n`);
    return;
  }
  if (!flags.task) throw new UsageError(`--task is required (one of ${TASK_IDS.join(', ')})`);
  const task = getTask(flags.task);
  if (!task) throw new UsageError(`task ${flags.task} is not available in this build`);
  let params;
  try {
    params = resolveParams(task, flags.preset as PresetName, flags.size);
  } catch (error) {
    if (error instanceof ParamsError) throw new UsageError(error.message.replace(/^size/, '--size'));
    throw error;
  }
  // Everything is validated before the first line is written, so a bad flag prints nothing on stdout.
  const out: string[] = [];
  const flush = async (): Promise<void> => {
    if (out.length === 0) return;
    const chunk = out.join('');
    out.length = 0;
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for (const record of generateDataset({ task, preset: flags.preset as PresetName, params, seed: flags.seed, count: flags.count })) {
    out.push(`${JSON.stringify(record)}\n`);
    if (out.length >= 512) await flush();
  }
  await flush();
});
