import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identityEnv } from '../commit/identity.js';
import { git, splitNul, type GitRepo } from '../run.js';

export interface SavedLeftovers {
  ref: string;
  sha: string;
}

/**
 * Keeps what the worktree holds beyond `keep` (uncommitted edits, untracked files that are not
 * ignored, commits made after `keep`) under `ref`, without touching the index or any file: the
 * state is recorded through a temporary index. Returns null when there is nothing beyond `keep`.
 */
export async function saveLeftovers(repo: GitRepo, input: { worktree: string; keep: string; ref: string; message: string }): Promise<SavedLeftovers | null> {
  const dir = await mkdtemp(join(tmpdir(), 'ccx-leftovers-'));
  try {
    const options = { cwd: input.worktree, taskWorktree: true, env: { GIT_INDEX_FILE: join(dir, 'index') } };
    const head = (await git(repo, ['rev-parse', '--verify', 'HEAD'], { cwd: input.worktree, taskWorktree: true, readOnly: true })).stdout.trim();
    await git(repo, ['read-tree', head], options);
    await git(repo, ['add', '--all'], options);
    const tree = (await git(repo, ['write-tree'], options)).stdout.trim();
    const headTree = (await git(repo, ['rev-parse', `${head}^{tree}`], { cwd: input.worktree, taskWorktree: true, readOnly: true })).stdout.trim();
    let sha = head;
    if (tree !== headTree) {
      const env = await identityEnv(repo, input.worktree, true);
      const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
      sha = (await git(repo, ['commit-tree', '--no-gpg-sign', tree, '-p', head], { cwd: input.worktree, taskWorktree: true, env, input: message })).stdout.trim();
    } else if (head === input.keep) {
      return null;
    }
    await git(repo, ['update-ref', '-m', 'ccx: leftovers of an interrupted turn', input.ref, sha], { cwd: input.worktree, taskWorktree: true });
    return { ref: input.ref, sha };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Puts the worktree back at `head` exactly: the branch, the index and every tracked file, with a
 * merge in progress abandoned and untracked files removed (ignored ones stay: build output,
 * node_modules). Call saveLeftovers first when what is there may matter.
 */
export async function restoreWorktree(repo: GitRepo, input: { worktree: string; head: string }): Promise<void> {
  await git(repo, ['reset', '--quiet', '--hard', input.head], { cwd: input.worktree, taskWorktree: true });
  await git(repo, ['clean', '-f', '-d', '-q'], { cwd: input.worktree, taskWorktree: true });
}

/** Paths with uncommitted changes or untracked (not ignored) files in the worktree. */
export async function dirtyPaths(repo: GitRepo, worktree: string): Promise<string[]> {
  const { stdout } = await git(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd: worktree, taskWorktree: true, readOnly: true });
  return splitNul(stdout).map((entry) => entry.slice(3));
}

/** The commit checked out in a task's worktree, or null when it has none. */
export async function worktreeHead(repo: GitRepo, worktree: string): Promise<string | null> {
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: worktree, taskWorktree: true, readOnly: true, allowExitCodes: [1, 128] });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && sha !== '' ? sha : null;
}
