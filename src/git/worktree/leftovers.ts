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
    const options = { cwd: input.worktree, env: { GIT_INDEX_FILE: join(dir, 'index') } };
    const head = (await git(repo, ['rev-parse', '--verify', 'HEAD'], { cwd: input.worktree, readOnly: true })).stdout.trim();
    await git(repo, ['read-tree', head], options);
    await git(repo, ['add', '--all'], options);
    const tree = (await git(repo, ['write-tree'], options)).stdout.trim();
    const headTree = (await git(repo, ['rev-parse', `${head}^{tree}`], { cwd: input.worktree, readOnly: true })).stdout.trim();
    let sha = head;
    if (tree !== headTree) {
      const env = await identityEnv(repo, input.worktree);
      const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
      sha = (await git(repo, ['commit-tree', '--no-gpg-sign', tree, '-p', head], { cwd: input.worktree, env, input: message })).stdout.trim();
    } else if (head === input.keep) {
      return null;
    }
    await git(repo, ['update-ref', '-m', 'ccx: leftovers of an interrupted turn', input.ref, sha], { cwd: input.worktree });
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
  await git(repo, ['reset', '--quiet', '--hard', input.head], { cwd: input.worktree });
  await git(repo, ['clean', '-f', '-d', '-q'], { cwd: input.worktree });
}

/** Paths with uncommitted changes or untracked (not ignored) files in the worktree. */
export async function dirtyPaths(repo: GitRepo, worktree: string): Promise<string[]> {
  const { stdout } = await git(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], { cwd: worktree, readOnly: true });
  return splitNul(stdout).map((entry) => entry.slice(3));
}
