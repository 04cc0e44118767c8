// `git worktree add` creates a worktree's admin dir `commondir` and writes it a moment later; a git
// call that reads every worktree's HEAD in that moment (`worktree list`, `branch -D`, another
// `worktree add`) dies with "failed to read .../commondir: Success". Seen in CI: a restarted daemon
// listed worktrees for T-2 while it added T-1's, and T-2 failed. The empty file is the real state
// git leaves for that moment; these tests hold it for a while and check ccx waits it out.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listWorktrees } from '../../src/git/worktree/list.js';
import { removeTaskWorkspace } from '../../src/git/worktree/remove.js';
import { engineRepo } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';

async function halfWritten(dir: string, name: string): Promise<{ restore: () => Promise<void> }> {
  const commondir = join(dir, '.git', 'worktrees', name, 'commondir');
  const text = await readFile(commondir, 'utf8');
  await writeFile(commondir, '');
  return { restore: () => writeFile(commondir, text) };
}

describe('a worktree another git is adding at that moment', () => {
  it('git itself fails on it; ccx waits until it is written, for listing, adding and removing', async () => {
    const { dir, repo, task, worktreePath } = await engineRepo();
    await task('T-1');
    await task('T-3');
    const { restore } = await halfWritten(dir, 'T-1');
    await expect(runGit(dir, ['worktree', 'list', '--porcelain'])).rejects.toThrow(/failed to read .*commondir/);

    const restored = new Promise((resolve) => setTimeout(resolve, 150)).then(restore);
    const listed = await listWorktrees(repo);
    expect(listed.map((entry) => entry.branch)).toEqual(['refs/heads/main', 'refs/heads/ccx/T-1', 'refs/heads/ccx/T-3']);
    await restored;

    const again = await halfWritten(dir, 'T-1');
    setTimeout(() => void again.restore(), 150);
    expect((await task('T-2')).origin).toBe('created');

    const third = await halfWritten(dir, 'T-1');
    setTimeout(() => void third.restore(), 150);
    expect(await removeTaskWorkspace(repo, { id: 'T-3', path: worktreePath('T-3') })).toEqual({ worktree: 'removed', branch: 'removed' });
  });

  it('one that stays half written is reported after a short wait, naming the file', async () => {
    const { dir, repo, task } = await engineRepo();
    await task('T-1');
    await halfWritten(dir, 'T-1');
    const started = Date.now();
    await expect(listWorktrees(repo)).rejects.toThrow(/git worktree list .* failed in .*: fatal: failed to read .*worktrees\/T-1\/commondir/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
