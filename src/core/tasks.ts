import type { AnyTask, TaskId } from './task';
import { assignments } from './tasks/assignments';
import { permutation } from './tasks/permutation';
import { shortestPath } from './tasks/shortest-path';
import { unionFind } from './tasks/union-find';
import { wildcard } from './tasks/wildcard';

/** Every task by id. */
export const TASKS: Readonly<Record<TaskId, AnyTask>> = {
  permutation,
  assignments,
  wildcard,
  'shortest-path': shortestPath,
  'union-find': unionFind,
} as Record<TaskId, AnyTask>;

export function getTask(id: string): AnyTask | undefined {
  return Object.prototype.hasOwnProperty.call(TASKS, id) ? TASKS[id as TaskId] : undefined;
}
