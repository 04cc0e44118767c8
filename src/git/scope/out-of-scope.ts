import { git, splitNul, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV, isWholeRepository, scopePathspecs } from './pathspec.js';
import type { Scope } from './types.js';

export interface OutOfScopeInput {
  /** Where git runs: the task's worktree. */
  worktree: string;
  base: string;
  head: string;
  scope: Scope;
}

/**
 * Paths changed between `base` and `head` that the scope does not allow, decided by git itself:
 * every changed path (both sides of a rename) minus those the same diff lists under the scope.
 */
export async function outOfScopePaths(repo: GitRepo, input: OutOfScopeInput): Promise<string[]> {
  const diff = ['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', input.base, input.head, '--'];
  const options = { cwd: input.worktree, taskWorktree: true, env: SCOPE_GIT_ENV, readOnly: true };
  const changed = splitNul((await git(repo, diff, options)).stdout);
  if (changed.length === 0) return [];
  if (isWholeRepository(input.scope) && input.scope.exclude.length === 0) return [];
  const allowed = new Set(splitNul((await git(repo, [...diff, ...scopePathspecs(input.scope)], options)).stdout));
  return changed.filter((path) => !allowed.has(path));
}
