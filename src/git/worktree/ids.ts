import { CcxError } from '../../errors.js';

/**
 * `T-<n>`: a board task. `L-<n>`: a foreground `ccx loop` / `ccx forever` run, which never appears
 * on the board (its ids cannot be written there), so the two can never collide.
 */
const TASK_ID = /^[TL]-[0-9]+$/;
const LOOP_ID = /^L-[0-9]+$/;
export const TASK_BRANCH_PREFIX = 'ccx/';

/** `ccx/T-<n>`: the branch a task's work lives on. */
export function taskBranch(id: string): string {
  requireTaskId(id);
  return `${TASK_BRANCH_PREFIX}${id}`;
}

export function requireTaskId(id: string): void {
  if (!TASK_ID.test(id)) {
    throw new CcxError('TASK_ID_INVALID', `${JSON.stringify(id)} is not a task id: expected T-<number>, such as T-7 (or L-<number> for a ccx loop run).`);
  }
}

/** True for the id of a foreground `ccx loop` / `ccx forever` run. */
export function isLoopId(id: string): boolean {
  return LOOP_ID.test(id);
}

/** The task id a `ccx/T-<n>` branch (short or full ref name) belongs to, or null. */
export function idFromBranch(branch: string): string | null {
  const short = branch.replace(/^refs\/heads\//, '');
  if (!short.startsWith(TASK_BRANCH_PREFIX)) return null;
  const id = short.slice(TASK_BRANCH_PREFIX.length);
  return TASK_ID.test(id) ? id : null;
}

/** The task id a worktree folder named `T-<n>` belongs to, or null. */
export function idFromFolder(name: string): string | null {
  return TASK_ID.test(name) ? name : null;
}
