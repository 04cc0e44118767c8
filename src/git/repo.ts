import { realpath } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { CcxError } from '../errors.js';
import { git, gitUnqueued, type GitRepo } from './run.js';

export const MIN_GIT_VERSION: readonly [number, number] = [2, 38];

let checkedVersion: Promise<string> | undefined;

/** The installed git's version, checked once per process against MIN_GIT_VERSION. */
export function requireGitVersion(): Promise<string> {
  checkedVersion ??= gitUnqueued(['--version'], { cwd: process.cwd() }).then(({ stdout }) => checkGitVersion(stdout));
  return checkedVersion;
}

/** The version in `git --version` output (`2.39.5`); fails unless it is MIN_GIT_VERSION or newer. */
export function checkGitVersion(output: string): string {
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (match === null) throw new CcxError('GIT_TOO_OLD', `could not read git's version from ${JSON.stringify(output.trim())}.`, { hint: 'Install git 2.38 or newer.' });
  const version = `${match[1]}.${match[2]}.${match[3] ?? '0'}`;
  if (!isAtLeast([Number(match[1]), Number(match[2])], MIN_GIT_VERSION)) {
    throw new CcxError('GIT_TOO_OLD', `git ${version} is too old: ccx needs git ${MIN_GIT_VERSION.join('.')} or newer (for git merge-tree --write-tree).`, {
      hint: 'Install a newer git and make sure it comes first on PATH.',
    });
  }
  return version;
}

export function isAtLeast(version: readonly [number, number], minimum: readonly [number, number]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

/**
 * The repository that contains `path`. From inside a worktree it is still the main repository:
 * its root is the main checkout, so every worktree of a repository maps to one STATE_DIR.
 * `readOnly`: the caller only reads (`ccx tasks`, `ccx status`), so git's version matters only as
 * the reason a repository cannot be found, and is checked only then (one git process fewer).
 */
export async function openRepo(path: string, options: { readOnly?: boolean } = {}): Promise<GitRepo> {
  return (await locateRepo(path, options)).repo;
}

/** openRepo, and whether `path` lies in the main checkout itself (not in a linked worktree). */
export async function locateRepo(path: string, options: { readOnly?: boolean } = {}): Promise<{ repo: GitRepo; inMainCheckout: boolean }> {
  // Both git calls at once (a command's start is mostly waiting for git); a too-old git is still reported first.
  const located = gitUnqueued(['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel', '--git-dir'], {
    cwd: path,
    allowExitCodes: [128],
  }).catch((error: unknown) => {
    if (error instanceof CcxError && error.code === 'GIT_FAILED') throw notARepo(path, error);
    throw error;
  });
  located.catch(() => undefined);
  if (options.readOnly !== true) await requireGitVersion();
  const result = await located.catch(async (error: unknown) => {
    await requireGitVersion();
    throw error;
  });
  if (result.exitCode !== 0) {
    await requireGitVersion();
    throw notARepo(path);
  }
  const [commonDirLine, toplevelLine, gitDirLine] = result.stdout.split('\n');
  if (commonDirLine === undefined || commonDirLine === '') throw notARepo(path);
  const commonDir = await realpath(commonDirLine);
  if (basename(commonDir) !== '.git') {
    throw new CcxError('NOT_A_REPO', `${path} belongs to a bare repository or one with a separate git folder (${commonDir}); ccx needs a normal checkout.`, {
      hint: 'Run ccx in a regular clone of the repository.',
    });
  }
  const root = dirname(commonDir);
  if (toplevelLine === undefined || toplevelLine === '') {
    throw new CcxError('NOT_A_REPO', `${path} is inside ${commonDir}, not inside a checkout.`, { hint: 'Run ccx from the repository working tree.' });
  }
  const gitDir = gitDirLine === undefined || gitDirLine === '' ? null : await realpath(gitDirLine).catch(() => null);
  return { repo: { root, commonDir }, inMainCheckout: gitDir === commonDir };
}

function notARepo(path: string, cause?: unknown): CcxError {
  return new CcxError('NOT_A_REPO', `${path} is not inside a git repository.`, {
    hint: 'Run ccx inside a git repository (or create one with `git init` and make a first commit).',
    cause,
  });
}

/** The URL of `origin`, or null when the repository has none. */
export async function originUrl(repo: GitRepo): Promise<string | null> {
  const result = await git(repo, ['remote', 'get-url', 'origin'], { cwd: repo.root, allowExitCodes: [2, 128], readOnly: true });
  const url = result.stdout.trim();
  return result.exitCode === 0 && url !== '' ? url : null;
}

/** The commit a ref points to, or null when it does not exist. */
export async function resolveRef(repo: GitRepo, ref: string, cwd = repo.root): Promise<string | null> {
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], {
    cwd,
    allowExitCodes: [1, 128],
    readOnly: true,
  });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && sha !== '' ? sha : null;
}

/** The branch checked out at `cwd`, or null when HEAD is detached. */
export async function currentBranch(repo: GitRepo, cwd = repo.root): Promise<string | null> {
  const result = await git(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { cwd, allowExitCodes: [1, 128], readOnly: true });
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

export async function hasCommits(repo: GitRepo, cwd = repo.root): Promise<boolean> {
  return (await resolveRef(repo, 'HEAD', cwd)) !== null;
}

/** Fails with a clear message unless the repository has a first commit. */
export async function requireCommits(repo: GitRepo, cwd = repo.root): Promise<void> {
  if (await hasCommits(repo, cwd)) return;
  throw new CcxError('GIT_NO_COMMITS', `the repository ${repo.root} has no commits yet, so there is nothing to branch from.`, {
    hint: 'Make a first commit (git commit --allow-empty -m "initial"), then run ccx again.',
  });
}

/** The branch checked out at `cwd` (for `ccx init`); fails on a detached HEAD or an empty repository. */
export async function requireCurrentBranch(repo: GitRepo, cwd = repo.root): Promise<string> {
  const branch = await currentBranch(repo, cwd);
  if (branch === null) {
    throw new CcxError('GIT_DETACHED', `HEAD is detached in ${cwd}, so there is no current branch to use as the integration branch.`, {
      hint: 'Check out the branch merges should land on (git switch main), or pass --integration <branch>.',
    });
  }
  await requireCommits(repo, cwd);
  return branch;
}

/** Fails with a clear message unless `branch` exists as a local branch. */
export async function requireBranch(repo: GitRepo, branch: string): Promise<string> {
  const sha = await resolveRef(repo, `refs/heads/${branch}`);
  if (sha === null) {
    await requireCommits(repo);
    throw new CcxError('GIT_BRANCH_MISSING', `the integration branch ${JSON.stringify(branch)} does not exist in ${repo.root}.`, {
      hint: `Create it (git branch ${branch}) or set another branch as \`integration:\` in config.yaml.`,
    });
  }
  return sha;
}
