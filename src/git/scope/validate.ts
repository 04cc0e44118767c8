import { git, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV } from './pathspec.js';

export type PathspecCheck = { glob: string; ok: true } | { glob: string; ok: false; error: string };

/**
 * Checks each glob the way git will read it: obvious mistakes are refused before git sees them,
 * then `git ls-files -- <glob>` (glob mode) reports anything else git rejects, in its own words.
 */
export async function validatePathspecs(repo: GitRepo, globs: readonly string[]): Promise<PathspecCheck[]> {
  const checks: PathspecCheck[] = [];
  for (const glob of globs) {
    const local = localProblem(glob);
    if (local !== undefined) {
      checks.push({ glob, ok: false, error: local });
      continue;
    }
    const result = await git(repo, ['ls-files', '-z', '--', glob], { cwd: repo.root, env: SCOPE_GIT_ENV, readOnly: true, allowExitCodes: [128] });
    if (result.exitCode === 0) checks.push({ glob, ok: true });
    else checks.push({ glob, ok: false, error: result.stderr.trim().replace(/^fatal: /, '') || `git rejected the pathspec (exit ${result.exitCode})` });
  }
  return checks;
}

function localProblem(glob: string): string | undefined {
  if (glob === '') return 'an empty string is not a pathspec; use "**" for the whole repository or leave include empty';
  if (glob.includes('\0')) return 'a pathspec cannot contain a NUL character';
  if (/[\n\r]/.test(glob)) return 'a pathspec cannot contain a line break';
  // An absolute path would name the main checkout, which a task's worktree is not.
  if (glob.startsWith('/')) return `${JSON.stringify(glob)} is absolute; scope globs are relative to the repository root (write ${JSON.stringify(glob.replace(/^\/+/, ''))})`;
  return undefined;
}
