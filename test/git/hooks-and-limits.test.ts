import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { git } from '../../src/git/run.js';
import { gitTimeoutMs, GIT_TREE_TIMEOUT_MS } from '../../src/git/spawn.js';
import { squashMerge } from '../../src/merge/squash.js';
import { engineRepo, messageOf, writeInto } from '../helpers/engine.js';
import { TEST_GIT_ENV } from '../helpers/gitdir.js';
import { liveProcesses } from '../helpers/processes.js';
import { testdir } from '../helpers/testdir.js';

/** A hook that records that it ran, then hangs for ten minutes (unless HOOK_FAST is set, to show it is live). */
function hangingHook(marker: string): string {
  return `#!/bin/sh\necho "$0" >> '${marker}'\n[ -n "$HOOK_FAST" ] || sleep 600\n`;
}

describe('the person\'s hooks and filters cannot hang ccx', () => {
  it('post-checkout, reference-transaction and post-merge hooks that hang do not run for ccx\'s own git calls', { timeout: 30_000 }, async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n' });
    const marker = join(await testdir(), 'hooks.log');
    for (const hook of ['post-checkout', 'reference-transaction', 'post-merge', 'pre-auto-gc']) {
      await writeFile(join(dir, '.git', 'hooks', hook), hangingHook(marker), { mode: 0o755 });
    }
    // The hooks are live: the person's own git runs them.
    execFileSync('git', ['checkout', '--quiet', '-b', 'person'], { cwd: dir, env: { ...process.env, ...TEST_GIT_ENV, HOOK_FAST: '1' } });
    execFileSync('git', ['checkout', '--quiet', 'main'], { cwd: dir, env: { ...process.env, ...TEST_GIT_ENV, HOOK_FAST: '1' } });
    expect(await readFile(marker, 'utf8')).toContain('post-checkout');
    await writeFile(marker, '');

    const started = Date.now();
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'feature.txt': 'T-1\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    expect(await squashMerge(repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Feature', body: '' })).toMatchObject({ status: 'merged', checkout: dir });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await readFile(marker, 'utf8')).toBe('');
  });

  it('the person\'s fsmonitor hook (core.fsmonitor = .git/hooks/fsmonitor-watchman) that hangs does not run for ccx\'s own git calls', { timeout: 30_000 }, async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n' });
    const marker = join(await testdir(), 'hooks.log');
    // core.fsmonitor names a hook of its own by path, so core.hooksPath does not turn it off.
    await writeFile(join(dir, '.git', 'hooks', 'fsmonitor-watchman'), hangingHook(marker), { mode: 0o755 });
    execFileSync('git', ['config', 'core.fsmonitor', '.git/hooks/fsmonitor-watchman'], { cwd: dir });
    // The hook is live: the person's own git runs it.
    execFileSync('git', ['status', '--porcelain'], { cwd: dir, env: { ...process.env, ...TEST_GIT_ENV, HOOK_FAST: '1' } });
    expect(await readFile(marker, 'utf8')).toContain('fsmonitor-watchman');
    await writeFile(marker, '');

    const started = Date.now();
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'feature.txt': 'T-1\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    expect(await squashMerge(repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Feature', body: '' })).toMatchObject({ status: 'merged', checkout: dir });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await readFile(marker, 'utf8')).toBe('');
  });

  it('a git call past its time limit is stopped with everything it started, and says so', { timeout: 30_000 }, async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n', '.gitattributes': '*.slow filter=hang\n' });
    const pidFile = join(await testdir(), 'filter.pid');
    // A clean filter (the person's config, like git-lfs) that never returns.
    execFileSync('git', ['config', 'filter.hang.clean', `echo $$ > '${pidFile}'; exec sleep 600`], { cwd: dir });
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'big.slow': 'data\n' });

    const started = Date.now();
    const error = await git(repo, ['add', '--all'], { cwd: worktree.path, taskWorktree: true, timeoutMs: 1_000 }).catch((caught: unknown) => caught);

    expect(Date.now() - started).toBeLessThan(10_000);
    expect((error as { code?: string }).code).toBe('GIT_TIMEOUT');
    expect(messageOf(error, { [worktree.path]: '<worktree>' })).toMatchInlineSnapshot(`
      "git add --all in <worktree> did not finish within 1 s, so ccx stopped it and everything it started.
      Something git runs (a filter, an fsmonitor, a credential helper) or a slow disk holds it up: check the repository's git config, then retry."
    `);
    const filterPid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(filterPid).toBeGreaterThan(0);
    expect(liveProcesses({ pids: [filterPid] })).toEqual([]);
  });

  it('gives calls that write a whole tree longer than small ones', () => {
    expect(gitTimeoutMs(['worktree', 'add', 'x'])).toBe(GIT_TREE_TIMEOUT_MS);
    expect(gitTimeoutMs(['rev-parse', 'HEAD'])).toBeLessThan(GIT_TREE_TIMEOUT_MS);
  });
});
