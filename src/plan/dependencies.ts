import type { PlannedTask } from './types.js';

/**
 * depends_on problems: a name that is neither another task's key nor a row on the board, a task
 * that depends on itself, and cycles (each reported once, as the path that closes it).
 */
export function dependencyProblems(tasks: readonly PlannedTask[], keys: ReadonlySet<string>, boardIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const [index, task] of tasks.entries()) {
    for (const name of task.dependsOn) {
      if (name === task.key) problems.push(`tasks[${index}] (${JSON.stringify(task.key)}).depends_on names the task itself`);
      else if (!keys.has(name) && !boardIds.has(name)) {
        const known = boardIds.size === 0 ? 'the board has no rows yet' : `the board's ids are ${[...boardIds].join(', ')}`;
        problems.push(`tasks[${index}] (${JSON.stringify(task.key)}).depends_on names ${JSON.stringify(name)}, which is neither the key of another task of this plan nor a row on the board (${known})`);
      }
    }
  }
  for (const cycle of cycles(tasks)) problems.push(`depends_on has a cycle: ${cycle.join(' → ')}; a task can only wait for tasks that do not wait for it`);
  return problems;
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

function cycles(tasks: readonly PlannedTask[]): string[][] {
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
