import { git, splitNul, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV, splitScopePathspecs } from './pathspec.js';
import type { Scope } from './types.js';

/**
 * The tracked files of the main checkout's index that the scope covers (`git ls-files`, glob
 * mode): what the includes select minus what the excludes match, listed apart (see splitScopePathspecs).
 */
export async function trackedInScope(repo: GitRepo, scope: Scope): Promise<string[]> {
  const { select, remove } = splitScopePathspecs(scope);
  const selected = await listFiles(repo, select);
  if (remove.length === 0) return selected;
  const removed = new Set(await listFiles(repo, remove));
  return selected.filter((path) => !removed.has(path));
}

async function listFiles(repo: GitRepo, pathspecs: readonly string[]): Promise<string[]> {
  const result = await git(repo, ['ls-files', '-z', '--', ...pathspecs], { cwd: repo.root, env: SCOPE_GIT_ENV, readOnly: true });
  return [...new Set(splitNul(result.stdout))];
}
