import type { AnyTask, TaskId } from './task';
import { permutation } from './tasks/permutation';

/** Every task by id. */
export const TASKS: Readonly<Record<TaskId, AnyTask>> = {
  permutation,
} as Record<TaskId, AnyTask>;

export function getTask(id: string): AnyTask | undefined {
  return Object.prototype.hasOwnProperty.call(TASKS, id) ? TASKS[id as TaskId] : undefined;
}
