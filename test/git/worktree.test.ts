import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { findOrphans, listCcxWorkspaces } from '../../src/git/worktree/orphans.js';
import { createTaskWorktree } from '../../src/git/worktree/create.js';
import { removeTaskWorkspace } from '../../src/git/worktree/remove.js';
import { engineRepo, messageOf, revParse } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';

describe('task worktrees', () => {
  it('creates STATE_DIR/worktrees/T-<n> on ccx/T-<n> from the integration head', async () => {
    const { dir, task, worktreePath, worktreesRoot } = await engineRepo({ 'a.txt': 'a\n' });
    const created = await task('T-1');
    expect(created).toEqual({ id: 'T-1', path: worktreePath('T-1'), branch: 'ccx/T-1', head: await revParse(dir, 'main'), origin: 'created' });
    expect((await runGit(worktreePath('T-1'), ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/ccx/T-1');
    expect((await stat(worktreesRoot)).mode & 0o777).toBe(0o700);
    // The person's checkout is not touched: still on main, clean.
    expect((await runGit(dir, ['status', '--porcelain'])).trim()).toBe('');
    expect((await runGit(dir, ['symbolic-ref', '--short', 'HEAD'])).trim()).toBe('main');
  });

  it('reuses the worktree when it is already there on the task branch', async () => {
    const { task } = await engineRepo();
    await task('T-1');
    expect((await task('T-1')).origin).toBe('reused');
  });

  it('continues a retried task from its existing branch', async () => {
    const { repo, dir, task, worktreePath } = await engineRepo({ 'a.txt': 'a\n' });
    await task('T-3');
    await writeFile(join(worktreePath('T-3'), 'work.txt'), 'first attempt\n');
    const turn = await commitTurn(repo, { worktree: worktreePath('T-3'), message: 'T-3 a1 c1 implementer' });
    // The attempt ended blocked: its worktree went, its branch stayed.
    await runGit(dir, ['worktree', 'remove', '--force', worktreePath('T-3')]);
    await runGit(dir, ['commit', '--allow-empty', '-m', 'main moved on']);
    const again = await task('T-3');
    expect(again.origin).toBe('continued');
    expect(again.head).toBe(turn.empty ? '' : turn.sha);
    expect(await revParse(worktreePath('T-3'), 'HEAD')).toBe(again.head);
  });

  it('refuses a folder that exists but is not a worktree, naming it', async () => {
    const { repo, dir, worktreePath } = await engineRepo();
    const path = worktreePath('T-2');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'notes.txt'), 'mine\n');
    const error = await createTaskWorktree(repo, { id: 'T-2', path, integration: 'main' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'WORKTREE_INVALID' });
    expect(messageOf(error, { [path]: '<path>', [dir]: '<repo>' })).toMatchInlineSnapshot(`
      "<path> exists but is not a worktree of <repo>.
      ccx keeps the task's worktree there: move or delete <path> yourself, then retry the task."
    `);
  });

  it('accepts an empty leftover folder, as git does', async () => {
    const { task, worktreePath } = await engineRepo();
    await mkdir(worktreePath('T-2'), { recursive: true });
    expect((await task('T-2')).origin).toBe('created');
  });

  it('refuses a registered worktree at the path on another branch', async () => {
    const { repo, dir, worktreePath } = await engineRepo();
    await runGit(dir, ['worktree', 'add', '-b', 'other', worktreePath('T-4'), 'main']);
    const error = await createTaskWorktree(repo, { id: 'T-4', path: worktreePath('T-4'), integration: 'main' }).catch((caught: unknown) => caught);
    expect(messageOf(error, { [worktreePath('T-4')]: '<path>' })).toMatchInlineSnapshot(`
      "<path> is a worktree on branch other, expected branch ccx/T-4.
      Check out ccx/T-4 there, or remove the worktree (git worktree remove <path>) and retry the task."
    `);
  });

  it('names a missing integration branch', async () => {
    const { repo, dir, worktreePath } = await engineRepo();
    const error = await createTaskWorktree(repo, { id: 'T-1', path: worktreePath('T-1'), integration: 'develop' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'GIT_BRANCH_MISSING' });
    expect(messageOf(error, { [dir]: '<repo>' })).toMatchInlineSnapshot(`
      "the integration branch "develop" does not exist in <repo>.
      Create it (git branch develop) or set another branch as \`integration:\` in config.yaml."
    `);
  });

  it('removes the worktree, then the branch, and tolerates either being gone', async () => {
    const { repo, dir, task, worktreePath } = await engineRepo();
    await task('T-1');
    await writeFile(join(worktreePath('T-1'), 'scratch.txt'), 'uncommitted\n');
    expect(await removeTaskWorkspace(repo, { id: 'T-1', path: worktreePath('T-1') })).toEqual({ worktree: 'removed', branch: 'removed' });
    expect(await stat(worktreePath('T-1')).catch(() => null)).toBeNull();
    expect((await runGit(dir, ['branch', '--list', 'ccx/*'])).trim()).toBe('');
    expect(await removeTaskWorkspace(repo, { id: 'T-1', path: worktreePath('T-1') })).toEqual({ worktree: 'absent', branch: 'absent' });
  });

  it('removes the branch of a worktree whose folder was deleted by hand (pruning the stale entry)', async () => {
    const { repo, dir, task, worktreePath } = await engineRepo();
    await task('T-1');
    await rm(worktreePath('T-1'), { recursive: true, force: true });
    expect(await removeTaskWorkspace(repo, { id: 'T-1', path: worktreePath('T-1') })).toEqual({ worktree: 'removed', branch: 'removed' });
    expect((await runGit(dir, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);
  });

  it('lists ccx worktrees, branches and stray folders, and which belong to no task', async () => {
    const { repo, dir, task, worktreesRoot, worktreePath } = await engineRepo();
    await task('T-1');
    await task('T-2');
    await runGit(dir, ['branch', 'ccx/T-9', 'main']);
    await mkdir(worktreePath('T-5'), { recursive: true });
    const all = await listCcxWorkspaces(repo, worktreesRoot);
    expect(all.worktrees.map((entry) => [entry.id, entry.branch])).toEqual([
      ['T-1', 'refs/heads/ccx/T-1'],
      ['T-2', 'refs/heads/ccx/T-2'],
    ]);
    expect(all.branches.map((branch) => branch.name)).toEqual(['ccx/T-1', 'ccx/T-2', 'ccx/T-9']);
    const orphans = await findOrphans(repo, worktreesRoot, ['T-1']);
    expect(orphans.worktrees.map((entry) => entry.id)).toEqual(['T-2']);
    expect(orphans.branches.map((branch) => branch.id)).toEqual(['T-2', 'T-9']);
    expect(orphans.strayFolders).toEqual([worktreePath('T-5')]);
  });
});
