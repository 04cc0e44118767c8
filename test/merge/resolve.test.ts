import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { checkMerge } from '../../src/merge/check.js';
import { mergeIntegrationIntoTask } from '../../src/merge/resolve.js';
import { squashMerge } from '../../src/merge/squash.js';
import { expectFsckClean } from '../helpers/checkout.js';
import { engineRepo, revParse, writeInto } from '../helpers/engine.js';
import { commitAll, runGit } from '../helpers/gitdir.js';

describe('the resolve step', () => {
  it('merges the integration head into the task worktree with markers, and the next turn commit makes the merge clean', async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' });
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'a.txt': 'one\nTASK\nthree\n' });
    const taskHead = await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    await writeInto(dir, { 'a.txt': 'one\nPERSON\nthree\n', 'b.txt': 'b, person\n' });
    const mainHead = await commitAll(dir, 'person edits a and b');
    expect(await checkMerge(repo, { integration: 'main', branch: 'ccx/T-1' })).toMatchObject({ clean: false, conflicts: ['a.txt'] });

    const started = await mergeIntegrationIntoTask(repo, { worktree: worktree.path, integration: 'main' });
    expect(started).toEqual({ integrationHead: mainHead, merging: true, conflicts: ['a.txt'] });
    expect(await readFile(join(worktree.path, 'a.txt'), 'utf8')).toMatch(/^one\n<<<<<<< [^\n]*\nTASK\n(\|\|\|\|\|\|\| [^\n]*\ntwo\n)?=======\nPERSON\n>>>>>>> [^\n]*\nthree\n$/);
    expect(await readFile(join(worktree.path, 'b.txt'), 'utf8')).toBe('b, person\n');

    // The implementer resolves; ccx commits the turn.
    await writeInto(worktree.path, { 'a.txt': 'one\nTASK and PERSON\nthree\n' });
    const turn = await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c2 resolve', branch: 'ccx/T-1' });
    if (turn.empty || taskHead.empty) throw new Error('expected commits');
    expect(turn.parents).toEqual([taskHead.sha, mainHead]);
    const gitDir = (await runGit(worktree.path, ['rev-parse', '--absolute-git-dir'])).trim();
    for (const state of ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'AUTO_MERGE']) expect(await readFile(join(gitDir, state)).catch(() => 'gone'), state).toBe('gone');
    expect((await runGit(worktree.path, ['status', '--porcelain'])).trim()).toBe('');

    expect(await checkMerge(repo, { integration: 'main', branch: 'ccx/T-1' })).toMatchObject({ clean: true });
    const merged = await squashMerge(repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Resolved', body: '' });
    expect(merged).toMatchObject({ status: 'merged', filesChanged: ['a.txt'] });
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('one\nTASK and PERSON\nthree\n');
    await expectFsckClean(dir);
  });

  it('records a merge commit even when the merge needed no edit', async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'a.txt': 'task a\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    await writeInto(dir, { 'b.txt': 'person b\n' });
    const mainHead = await commitAll(dir, 'person edits b');
    expect(await mergeIntegrationIntoTask(repo, { worktree: worktree.path, integration: 'main' })).toEqual({ integrationHead: mainHead, merging: true, conflicts: [] });
    const turn = await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c2 resolve' });
    expect(turn).toMatchObject({ empty: false, changes: [{ path: 'b.txt', status: 'modified' }] });
    expect(await revParse(worktree.path, 'HEAD^2')).toBe(mainHead);
  });

  it('does nothing when the task branch already contains the integration head', async () => {
    const { repo, dir, task } = await engineRepo();
    const worktree = await task('T-1');
    expect(await mergeIntegrationIntoTask(repo, { worktree: worktree.path, integration: 'main' })).toEqual({ integrationHead: await revParse(dir, 'main'), merging: false, conflicts: [] });
  });
});
