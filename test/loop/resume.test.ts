import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AttemptCheckpoint } from '../../src/loop/types.js';
import { writeInto } from '../helpers/engine.js';
import { commitAll, runGit } from '../helpers/gitdir.js';
import { loopFixture, type LoopFixture } from '../helpers/loop.js';

/** Runs until the checkpoint that hands out `step`, then stops the attempt, as a crash would. */
async function stopAt(f: LoopFixture, step: AttemptCheckpoint['step']): Promise<AttemptCheckpoint> {
  let stopped: AttemptCheckpoint | undefined;
  const controller = new AbortController();
  const result = await f.run({
    signal: controller.signal,
    hooks: {
      ...f.input.hooks,
      onCheckpoint: async (checkpoint) => {
        if (stopped !== undefined || checkpoint.step !== step) return;
        stopped = structuredClone(checkpoint);
        controller.abort();
      },
    },
  });
  expect(result.exit).toBe('cancelled');
  return stopped!;
}

describe('runAttempt: resume from a checkpoint', () => {
  it('puts the worktree back at the last turn commit, saves what the interrupted turn left under a ref, and runs that turn again', async () => {
    const f = await loopFixture({ scenario: 'defect-then-fix' });
    const checkpoint = await stopAt(f, 'fix');
    expect(checkpoint).toMatchObject({ cycle: 2, step: 'fix', open: [{ title: 'range() drops its last element' }] });
    // The interrupted fix turn: a commit of its own, then an edit and a new file left uncommitted.
    await writeInto(f.input.worktree, { 'junk.txt': 'committed by the agent\n' });
    const agentCommit = await commitAll(f.input.worktree, 'agent commit');
    await writeInto(f.input.worktree, { 'src/range.js': 'half an edit\n', 'notes.txt': 'untracked\n' });
    const before = f.events.length;

    const result = await f.run({ resume: checkpoint });
    expect(result).toMatchObject({ exit: 'approved', cycles: 2, mergeable: true });
    const events = f.events.slice(before);
    expect(events[0]).toMatchObject({ type: 'attempt.started', resumed: true, step: 'fix', cycle: 2 });
    const restored = events.find((event) => event.type === 'worktree.restored');
    expect(restored).toEqual({ type: 'worktree.restored', head: checkpoint.head, savedRef: expect.stringMatching(/^refs\/ccx\/interrupted\/T-1\/\d{8}T\d{6}Z$/) });
    const ref = (restored as { savedRef: string }).savedRef;
    expect(result.savedRefs).toEqual([ref]);
    // Nothing is lost: the ref holds the leftovers on top of the agent's own commit.
    expect(await runGit(f.dir, ['show', `${ref}:notes.txt`])).toBe('untracked\n');
    expect(await runGit(f.dir, ['show', `${ref}:src/range.js`])).toBe('half an edit\n');
    expect((await runGit(f.dir, ['rev-parse', `${ref}^`])).trim()).toBe(agentCommit);
    // The branch went on from the checkpoint's head; the same fix turn ran again.
    expect((await runGit(f.input.worktree, ['log', '--format=%s', `${f.input.base}..HEAD`])).trim().split('\n')).toEqual(['T-1 a1 c2 fix', 'T-1 a1 c1 implement']);
    expect(events.filter((event) => event.type === 'phase').map((event) => (event as { phase: string }).phase)).toEqual(['fix', 'review']);
    const ledger = JSON.parse(await readFile(join(f.input.runDir, 'ledger.json'), 'utf8'));
    expect(ledger.turns.map((turn: { cycle: number; phase: string }) => `${turn.cycle}:${turn.phase}`)).toEqual(['1:implement', '1:review', '2:fix', '2:review']);
    expect(await readFile(result.handoffPath, 'utf8')).toContain(`- Leftovers of an interrupted turn: ${ref} (git show --stat ${ref})`);
  });

  it('resumes at the review when the crash came after the turn commit', async () => {
    const f = await loopFixture({ scenario: 'defect-then-fix' });
    const checkpoint = await stopAt(f, 'review');
    expect(checkpoint).toMatchObject({ cycle: 1, step: 'review', checks: { head: checkpoint.head } });
    const result = await f.run({ resume: checkpoint });
    expect(result).toMatchObject({ exit: 'approved', cycles: 2, savedRefs: [] });
    expect((await f.turns()).map((turn) => `c${turn.cycle} ${turn.role}`)).toEqual(['c1 implementer', 'c1 reviewer', 'c2 implementer', 'c2 reviewer']);
  });

  it('a new attempt in a worktree that was already there keeps what was left in it under a ref first', async () => {
    const f = await loopFixture({ scenario: 'approve' });
    // A retried task's worktree, with a person's edit and a new file in it.
    await writeInto(f.input.worktree, { 'README.md': 'edited by hand\n', 'scratch.txt': 'untracked\n' });
    const result = await f.run();
    expect(result).toMatchObject({ exit: 'approved', savedRefs: [expect.stringMatching(/^refs\/ccx\/interrupted\/T-1\//)] });
    const ref = result.savedRefs[0]!;
    expect(await runGit(f.dir, ['show', `${ref}:README.md`])).toBe('edited by hand\n');
    expect(await runGit(f.dir, ['show', `${ref}:scratch.txt`])).toBe('untracked\n');
    expect(f.events).toContainEqual(expect.objectContaining({ type: 'worktree.restored', savedRef: ref }));
  });

  it('refuses a checkpoint of another task or attempt', async () => {
    const f = await loopFixture({ scenario: 'approve' });
    const checkpoint = await stopAt(f, 'check');
    await expect(f.run({ resume: { ...checkpoint, attempt: 2 } })).rejects.toThrow('the checkpoint is for T-1 attempt 2, not T-1 attempt 1.');
  });
});
