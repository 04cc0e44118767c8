import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { engineRepo, messageOf } from '../helpers/engine.js';
import { runGit } from '../helpers/gitdir.js';
import { holdLock } from '../helpers/lock.js';

describe("git's own lock", () => {
  it('waits while another process holds the index lock for 2 s, then commits', async () => {
    const { repo, task } = await engineRepo();
    const { path } = await task('T-1');
    const lock = (await runGit(path, ['rev-parse', '--path-format=absolute', '--git-path', 'index.lock'])).trim();
    await writeFile(join(path, 'x.txt'), 'x\n');
    const { released } = await holdLock(lock, 2_000);
    const started = Date.now();
    const turn = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(turn.empty).toBe(false);
    await released;
  });

  it('reports a lock that stays, naming it, and never deletes it', async () => {
    const { repo, task } = await engineRepo();
    const { path } = await task('T-1');
    const lock = (await runGit(path, ['rev-parse', '--path-format=absolute', '--git-path', 'index.lock'])).trim();
    await writeFile(lock, '', { flag: 'wx' });
    await writeFile(join(path, 'x.txt'), 'x\n');
    const error = await commitTurn(repo, { worktree: path, message: 'T-1 a1 c1 implementer', lockWaitMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'GIT_LOCKED' });
    expect(messageOf(error, { [lock]: '<lock>', [path]: '<worktree>' })).toMatchInlineSnapshot(`
      "git add in <worktree> could not run: <lock> exists, so another git process holds the lock.
      Wait for the other git command to finish. If no git process is running, remove <lock> yourself; ccx never deletes a git lock."
    `);
    await expect(access(lock)).resolves.toBeUndefined();
  });
});
