import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitTurn } from '../../src/git/commit/turn.js';
import { baseMovedNote } from '../../src/merge/base.js';
import { mergeIntegrationIntoTask } from '../../src/merge/resolve.js';
import { squashMerge, type SquashMergeInput } from '../../src/merge/squash.js';
import { engineRepo, revParse, writeInto } from '../helpers/engine.js';
import { commitAll, runGit } from '../helpers/gitdir.js';

const MERGE: SquashMergeInput = { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Add the feature', body: '' };

describe('a force-reset integration branch: the merge never brings back what the person removed', () => {
  it('waits (base moved) when the person reset main below the task\'s base, and merges only the task\'s change once it is back', async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n' });
    const b0 = await revParse(dir, 'main');
    await writeFile(join(dir, 'b1.txt'), 'the person\'s B1\n');
    const b1 = await commitAll(dir, 'B1: a commit the person will take back');
    const worktree = await task('T-1');
    expect(worktree.head).toBe(b1);
    await writeInto(worktree.path, { 'feature.txt': 'T-1\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    await runGit(dir, ['reset', '--quiet', '--hard', b0]);

    const waiting = await squashMerge(repo, { ...MERGE, base: b1 });

    expect(waiting).toEqual({ status: 'waiting', reason: 'base-moved', base: b1, integrationHead: b0, dropped: [{ sha: b1, subject: 'B1: a commit the person will take back' }], droppedTotal: 1 });
    expect(await revParse(dir, 'main')).toBe(b0);
    expect(await runGit(dir, ['ls-tree', '--name-only', 'main'])).toBe('a.txt\n');
    if (waiting.status !== 'waiting' || waiting.reason !== 'base-moved') return;
    expect(baseMovedNote({ integration: 'main', ...waiting }).replaceAll(b1.slice(0, 12), '<B1>')).toMatchInlineSnapshot(
      `"main no longer holds a commit the task was built on (<B1> "B1: a commit the person will take back"; a reset?), and ccx will not bring it back. Restore main to hold <B1>, or cancel the task and start it again from the new head"`,
    );

    // The person puts B1 back: the task's own change lands on it, and only that.
    await runGit(dir, ['reset', '--quiet', '--hard', b1]);
    const merged = await squashMerge(repo, { ...MERGE, base: b1 });
    expect(merged).toMatchObject({ status: 'merged', filesChanged: ['feature.txt'] });
  });

  it('waits when an integration head a resolve turn merged in has since left main', async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n' });
    const b0 = await revParse(dir, 'main');
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'feature.txt': 'T-1\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    await writeFile(join(dir, 'b1.txt'), 'B1\n');
    const b1 = await commitAll(dir, 'B1');
    // A resolve turn merges main (B1) into the task branch; then the person resets main to B0.
    await mergeIntegrationIntoTask(repo, { worktree: worktree.path, integration: 'main' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c2 resolve' });
    await runGit(dir, ['reset', '--quiet', '--hard', b0]);

    expect(await squashMerge(repo, { ...MERGE, base: b0 })).toMatchObject({ status: 'waiting', reason: 'base-moved', dropped: [{ sha: b1, subject: 'B1' }], droppedTotal: 1 });
    expect(await revParse(dir, 'main')).toBe(b0);
  });

  it('merges as before when main only moved on (the base is still in it)', async () => {
    const { repo, dir, task } = await engineRepo({ 'a.txt': 'a\n' });
    const b0 = await revParse(dir, 'main');
    const worktree = await task('T-1');
    await writeInto(worktree.path, { 'feature.txt': 'T-1\n' });
    await commitTurn(repo, { worktree: worktree.path, message: 'T-1 a1 c1 implementer' });
    await writeFile(join(dir, 'b1.txt'), 'B1\n');
    await commitAll(dir, 'B1');
    expect(await squashMerge(repo, { ...MERGE, base: b0 })).toMatchObject({ status: 'merged', filesChanged: ['feature.txt'] });
  });
});
