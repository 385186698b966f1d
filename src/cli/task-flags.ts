/** The `--task`, `--preset` and `--size` flags every CLI shares, checked the same way. */
import {
  ParamsError,
  resolveParams,
  TASK_IDS,
  type AnyTask,
  type Params,
  type PresetName,
} from '../core/task';
import { getTask } from '../core/tasks';
import { ArgsError } from './args';

export function taskFromFlags(flags: { task?: string; preset?: string; size?: number }): {
  task: AnyTask;
  params: Params;
} {
  if (!flags.task) throw new ArgsError(`--task is required: one of ${TASK_IDS.join(', ')}`);
  const task = getTask(flags.task);
  if (!task) throw new ArgsError(`--task ${flags.task} is not available in this build`);
  try {
    return { task, params: resolveParams(task, (flags.preset ?? 'workshop') as PresetName, flags.size) };
  } catch (error) {
    if (error instanceof ParamsError) throw new ArgsError(error.message.replace(/^size/, '--size'));
    throw error;
  }
}
