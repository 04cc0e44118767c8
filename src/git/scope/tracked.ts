import { git, splitNul, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV, scopePathspecs } from './pathspec.js';
import type { Scope } from './types.js';

/** The tracked files of the main checkout's index that the scope covers (`git ls-files`, glob mode). */
export async function trackedInScope(repo: GitRepo, scope: Scope): Promise<string[]> {
  const result = await git(repo, ['ls-files', '-z', '--', ...scopePathspecs(scope)], { cwd: repo.root, env: SCOPE_GIT_ENV, readOnly: true });
  return [...new Set(splitNul(result.stdout))];
}
