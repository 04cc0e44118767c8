import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runResolveTurn } from '../../src/loop/index.js';
import { squashMerge } from '../../src/merge/index.js';
import { writeInto } from '../helpers/engine.js';
import { commitAll, runGit } from '../helpers/gitdir.js';
import { loopFixture } from '../helpers/loop.js';

const approve = { action: 'approve-at', cycle: 1 };

/** A task that edits a.txt, approved at cycle 1; then the person changes a.txt on main. */
async function conflicted(later: Record<string, string>) {
  const f = await loopFixture({ files: { 'a.txt': 'base\n' }, scenario: { implementer: { action: 'edit', files: { 1: { 'a.txt': 'task\n' }, '*': later } }, reviewer: approve } });
  expect((await f.run()).exit).toBe('approved');
  await writeInto(f.dir, { 'a.txt': 'person\n' });
  const mainHead = await commitAll(f.dir, 'person edits a.txt');
  const merge = await squashMerge(f.input.repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Do the thing', body: '' });
  expect(merge).toEqual({ status: 'conflict', files: ['a.txt'] });
  return { f, mainHead };
}

describe('runResolveTurn (SPEC 6.8)', () => {
  it('merges the integration branch in, the implementer resolves, the reviewer re-reviews, and the branch merges', async () => {
    const { f, mainHead } = await conflicted({ 'a.txt': 'task and person\n' });
    const result = await runResolveTurn({ ...f.input, integration: 'main', conflicts: ['a.txt'] });
    expect(result).toMatchObject({ exit: 'approved', mergeable: true, cycles: 2, base: mainHead });
    expect(result.verdicts.map((verdict) => `c${verdict.cycle} ${verdict.verdict}`)).toEqual(['c1 approve', 'c2 approve']);
    expect((await runGit(f.input.worktree, ['log', '-1', '--format=%s %P'])).trim()).toMatch(new RegExp(`^T-1 a1 c2 resolve [0-9a-f]{40} ${mainHead}$`));
    expect(await readFile(join(f.input.runDir, 'c2-resolve.prompt.md'), 'utf8')).toContain('## Files with conflicts\n\n- a.txt');
    // The review saw only the task's change on top of the integration head.
    expect(await readFile(join(f.input.runDir, 'c2-review.prompt.md'), 'utf8')).toContain(`(git diff ${mainHead.slice(0, 12)} HEAD)`);
    const merged = await squashMerge(f.input.repo, { integration: 'main', branch: 'ccx/T-1', id: 'T-1', title: 'Do the thing', body: result.commitBody });
    expect(merged).toMatchObject({ status: 'merged' });
    expect(await readFile(join(f.dir, 'a.txt'), 'utf8')).toBe('task and person\n');
    expect(await runGit(f.dir, ['log', '-1', '--format=%B'])).toContain('Verdicts:\n- c1 command: approve (no findings)\n- c2 command: approve (no findings)');
  });

  it('conflict: markers left after the resolve turn keep the branch unmergeable', async () => {
    const { f } = await conflicted({ 'b.txt': 'something else\n' });
    const result = await runResolveTurn({ ...f.input, integration: 'main', conflicts: ['a.txt'] });
    expect(result).toMatchObject({ exit: 'conflict', mergeable: false, message: 'The resolve turn left conflict markers in a.txt.' });
    expect(result.unresolved).toEqual([expect.objectContaining({ source: 'conflict', severity: 'critical', file: 'a.txt' })]);
  });
});
