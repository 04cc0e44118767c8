import type { PathspecValidator } from '../board/pathspecs.js';
import type { GitRepo } from '../git/run.js';
import { validatePathspecs } from '../git/scope/validate.js';

/** The board's pathspec check, answered by git (the git engine's validatePathspecs). */
export function gitPathspecValidator(repo: GitRepo): PathspecValidator {
  return async (pathspecs) => new Map((await validatePathspecs(repo, pathspecs)).map((check) => [check.glob, check.ok ? null : (check.error ?? 'git rejects it')]));
}
