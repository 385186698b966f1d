import { readFileSync } from 'node:fs';
import { validateRecording } from '../../src/core/run-format';
import { makeSample } from '../../src/core/sample';
import type { TaskId } from '../../src/core/task';

/** A task's recording in public/runs/ (its text and, validated, its run) and the sample it shows. */
export function recordedRun(task: TaskId) {
  const raw = readFileSync(new URL(`../../public/runs/${task}.json`, import.meta.url), 'utf8');
  const rec = validateRecording(JSON.parse(raw), task);
  const sample = makeSample(
    task,
    rec.settings.preset,
    undefined,
    rec.settings.seed,
    rec.sample.questionIndex,
  )!;
  return { raw, rec, sample };
}
