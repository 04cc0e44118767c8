import type { PathspecValidator } from '../../board/pathspecs.js';
import { git, type GitRepo } from '../run.js';
import { SCOPE_GIT_ENV } from './pathspec.js';

export type PathspecCheck = { glob: string; ok: true } | { glob: string; ok: false; error: string };

/** The board's pathspec check (board/pathspecs.ts), answered by git through validatePathspecs. */
export function gitPathspecValidator(repo: GitRepo): PathspecValidator {
  return async (pathspecs) => new Map((await validatePathspecs(repo, pathspecs)).map((check) => [check.glob, check.ok ? null : (check.error ?? 'git rejects it')]));
}

/**
 * Checks each glob the way git will read it: obvious mistakes are refused before git sees them,
 * then `git ls-files -- <glob>` (glob mode) reports anything else git rejects, in its own words.
 */
export async function validatePathspecs(repo: GitRepo, globs: readonly string[]): Promise<PathspecCheck[]> {
  const local = new Map(globs.map((glob) => [glob, localProblem(glob)]));
  const forGit = [...new Set(globs.filter((glob) => local.get(glob) === undefined && !plainlyAccepted(glob)))];
  const gitErrors = new Map<string, string>();
  // One git call for every glob (a board can have thousands); one each only when that call fails.
  if (forGit.length > 0 && (await gitComplaint(repo, forGit)) !== null) {
    for (const glob of forGit) {
      const complaint = await gitComplaint(repo, [glob]);
      if (complaint !== null) gitErrors.set(glob, complaint);
    }
  }
  return globs.map((glob) => {
    const error = local.get(glob) ?? gitErrors.get(glob);
    return error === undefined ? { glob, ok: true } : { glob, ok: false, error };
  });
}

async function gitComplaint(repo: GitRepo, globs: readonly string[]): Promise<string | null> {
  const result = await git(repo, ['ls-files', '-z', '--', ...globs], { cwd: repo.root, env: SCOPE_GIT_ENV, readOnly: true, allowExitCodes: [128] });
  if (result.exitCode === 0) return null;
  return result.stderr.trim().replace(/^fatal: /, '') || `git rejected the pathspec (exit ${result.exitCode})`;
}

/**
 * A glob git accepts without looking: in glob mode, `git ls-files` from the root refuses only bad
 * magic (a leading `:`) and a path that climbs out of the repository (a `..` segment); anything
 * else it takes as a pattern, matching or not. Boards are mostly these, and then need no git process.
 */
function plainlyAccepted(glob: string): boolean {
  return !glob.startsWith(':') && !glob.split('/').includes('..');
}

function localProblem(glob: string): string | undefined {
  if (glob === '') return 'an empty string is not a pathspec; use "**" for the whole repository or leave include empty';
  if (glob.includes('\0')) return 'a pathspec cannot contain a NUL character';
  if (/[\n\r]/.test(glob)) return 'a pathspec cannot contain a line break';
  // An absolute path would name the main checkout, which a task's worktree is not.
  if (glob.startsWith('/')) return `${JSON.stringify(glob)} is absolute; scope globs are relative to the repository root (write ${JSON.stringify(glob.replace(/^\/+/, ''))})`;
  return undefined;
}
