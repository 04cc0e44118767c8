import { describe, expect, it } from 'vitest';
import { checkGitVersion, isAtLeast, openRepo, requireCurrentBranch } from '../../src/git/repo.js';
import { createTaskWorktree } from '../../src/git/worktree/create.js';
import { messageOf } from '../helpers/engine.js';
import { gitdir, runGit } from '../helpers/gitdir.js';
import { testdir } from '../helpers/testdir.js';

describe('clear git errors', () => {
  it('names a folder that is not a git repository', async () => {
    const dir = await testdir();
    const error = await openRepo(dir).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'NOT_A_REPO' });
    expect(messageOf(error, { [dir]: '<dir>' })).toMatchInlineSnapshot(`
      "<dir> is not inside a git repository.
      Run ccx inside a git repository (or create one with \`git init\` and make a first commit)."
    `);
  });

  it('compares git versions against 2.38', () => {
    expect(isAtLeast([2, 38], [2, 38])).toBe(true);
    expect(isAtLeast([2, 37], [2, 38])).toBe(false);
    expect(isAtLeast([3, 0], [2, 38])).toBe(true);
    expect(isAtLeast([1, 99], [2, 38])).toBe(false);
    expect(checkGitVersion('git version 2.39.5\n')).toBe('2.39.5');
    expect(checkGitVersion('git version 2.38.0.windows.1\n')).toBe('2.38.0');
    expect(checkGitVersion('git version 2.50.1 (Apple Git-155)\n')).toBe('2.50.1');
  });

  it('refuses git older than 2.38, saying why', () => {
    let error: unknown;
    try {
      checkGitVersion('git version 2.37.3\n');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'GIT_TOO_OLD' });
    expect(messageOf(error)).toMatchInlineSnapshot(`
      "git 2.37.3 is too old: ccx needs git 2.38 or newer (for git merge-tree --write-tree).
      Install a newer git and make sure it comes first on PATH."
    `);
  });

  it('refuses a repository with no commits', async () => {
    const dir = await gitdir({}, { noCommit: true });
    const repo = await openRepo(dir);
    const error = await requireCurrentBranch(repo).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'GIT_NO_COMMITS' });
    expect(messageOf(error, { [dir]: '<repo>' })).toMatchInlineSnapshot(`
      "the repository <repo> has no commits yet, so there is nothing to branch from.
      Make a first commit (git commit --allow-empty -m "initial"), then run ccx again."
    `);
    const worktree = await createTaskWorktree(repo, { id: 'T-1', path: `${await testdir()}/T-1`, integration: 'main' }).catch((caught: unknown) => caught);
    expect(worktree).toMatchObject({ code: 'GIT_NO_COMMITS' });
  });

  it('refuses a detached HEAD where ccx init needs a branch', async () => {
    const dir = await gitdir();
    await runGit(dir, ['checkout', '--quiet', '--detach']);
    const error = await requireCurrentBranch(await openRepo(dir)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'GIT_DETACHED' });
    expect(messageOf(error, { [dir]: '<repo>' })).toMatchInlineSnapshot(`
      "HEAD is detached in <repo>, so there is no current branch to use as the integration branch.
      Check out the branch merges should land on (git switch main), or pass --integration <branch>."
    `);
  });

  it('returns the current branch', async () => {
    const dir = await gitdir({}, { branch: 'trunk' });
    expect(await requireCurrentBranch(await openRepo(dir))).toBe('trunk');
  });

  it('rejects a malformed task id', async () => {
    const dir = await gitdir();
    const error = await createTaskWorktree(await openRepo(dir), { id: '../x', path: `${dir}/x`, integration: 'main' }).catch((caught: unknown) => caught);
    expect(messageOf(error)).toMatchInlineSnapshot(`""../x" is not a task id: expected T-<number>, such as T-7 (or L-<number> for a ccx loop run)."`);
  });
});
