import type { PlannedTask } from './types.js';
import type { TaskLinks } from './validate.js';

/** Board ids named in a message about an unknown dependency. */
const MAX_LISTED_IDS = 12;

/**
 * depends_on problems: a name that is neither another task's key nor a row on the board, a task
 * that depends on itself, and cycles (each reported once, as the path that closes it).
 */
export function dependencyProblems(tasks: readonly TaskLinks[], boardIds: ReadonlySet<string>): string[] {
  const keys = new Set(tasks.map((task) => task.key));
  const problems: string[] = [];
  for (const { index, ...task } of tasks) {
    for (const name of new Set(task.dependsOn)) {
      if (name === task.key) problems.push(`tasks[${index}] (${JSON.stringify(task.key)}).depends_on names the task itself`);
      else if (!keys.has(name) && !boardIds.has(name)) {
        const known = boardIds.size === 0 ? 'the board has no rows yet' : `the board's ids are ${listIds([...boardIds])}`;
        problems.push(`tasks[${index}] (${JSON.stringify(task.key)}).depends_on names ${JSON.stringify(name)}, which is neither the key of another task of this plan nor a row on the board (${known})`);
      }
    }
  }
  for (const cycle of cycles(tasks)) problems.push(`depends_on has a cycle: ${cycle.join(' → ')}; a task can only wait for tasks that do not wait for it`);
  return problems;
}

/** Ids in a message: the first few, then how many more. */
function listIds(ids: readonly string[]): string {
  return ids.length <= MAX_LISTED_IDS ? ids.join(', ') : `${ids.slice(0, MAX_LISTED_IDS).join(', ')} and ${ids.length - MAX_LISTED_IDS} more`;
}

/** The tasks with every dependency before its dependents, otherwise in the agent's order. */
export function dependencyOrder<T extends PlannedTask>(tasks: readonly T[]): T[] {
  const byKey = new Map(tasks.map((task) => [task.key, task]));
  const placed = new Set<string>();
  const order: T[] = [];
  const place = (task: T, path: Set<string>) => {
    if (placed.has(task.key) || path.has(task.key)) return;
    path.add(task.key);
    for (const name of task.dependsOn) {
      const dependency = byKey.get(name);
      if (dependency !== undefined) place(dependency, path);
    }
    placed.add(task.key);
    order.push(task);
  };
  for (const task of tasks) place(task, new Set());
  return order;
}

function cycles(tasks: readonly TaskLinks[]): string[][] {
  const byKey = new Map(tasks.map((task) => [task.key, task]));
  const state = new Map<string, 'visiting' | 'done'>();
  const found: string[][] = [];
  const visit = (key: string, path: string[]) => {
    state.set(key, 'visiting');
    for (const name of byKey.get(key)?.dependsOn ?? []) {
      if (name === key || !byKey.has(name)) continue;
      if (state.get(name) === 'visiting') found.push([...path.slice(path.indexOf(name)), name]);
      else if (state.get(name) === undefined) visit(name, [...path, name]);
    }
    state.set(key, 'done');
  };
  for (const task of tasks) if (state.get(task.key) === undefined) visit(task.key, [task.key]);
  return found;
}
