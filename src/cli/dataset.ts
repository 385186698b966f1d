import { generateDataset } from '../core/dataset';
import { runCli, usage } from './args';
import { DATASET_FLAGS, parseDatasetArgs } from './dataset-flags';
import { watchStopSignals, yieldToEvents } from './signals';

runCli(async () => {
  const parsed = parseDatasetArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(`${usage('npm run dataset --', DATASET_FLAGS)}\n`);
    return;
  }
  // Everything is validated before the first line is written, so a bad flag prints nothing on stdout.
  const { task, params, preset, seed, count } = parsed;
  // SIGTERM / SIGINT: stop after the current chunk; every line written is whole.
  const stop = watchStopSignals();
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    const text = chunk.join('');
    chunk = [];
    if (text && !process.stdout.write(text))
      await new Promise((resolve) => process.stdout.once('drain', resolve));
  };
  for (const record of generateDataset({ task, preset, params, seed, count })) {
    chunk.push(`${JSON.stringify(record)}\n`);
    if (chunk.length >= 512) {
      await flush();
      await yieldToEvents();
      if (stop.signal) break;
    }
  }
  await flush();
});
