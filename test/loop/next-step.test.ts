import { describe, expect, it } from 'vitest';
import { nextStep, whereLines } from '../../src/loop/handoff/next-step.js';
import type { AttemptSummary } from '../../src/loop/handoff/summary.js';

const base = {
  task: { id: 'T-7' },
  worktree: '/s/worktrees/T-7',
  branch: 'ccx/T-7',
  base: 'b'.repeat(40),
  head: 'h'.repeat(40),
  exit: 'approved',
  mergeable: true,
  outOfScope: [],
  runDir: '/s/runs/T-7/a1',
} as unknown as AttemptSummary;
const sha = 'c'.repeat(40);

describe('the handoff\'s Next: line', () => {
  it('points a merged task at its squash commit, not at a removed worktree', () => {
    const merged = { ...base, status: 'merged', merged: { sha, integration: 'main' } };
    expect(nextStep(merged)).toBe(`Next: nothing to do; see what landed with \`git show ${sha}\`.`);
    expect(whereLines(merged).join('\n')).not.toContain('/s/worktrees/T-7 (');
    expect(whereLines(merged)[0]).toContain(`\`git show ${sha}\``);
  });

  it('says how to look and how to retry a blocked or failed task, with the fix its exit needs', () => {
    expect(nextStep({ ...base, status: 'blocked', exit: 'out-of-scope', mergeable: false, outOfScope: ['src/x.ts', 'docs/y.md'] })).toBe(
      'Next: look at the work (`git -C /s/worktrees/T-7 diff bbbbbbbbbbbb HEAD`, /s/runs/T-7/a1); undo the edits outside its scope (src/x.ts, docs/y.md) or widen scope.include, then set T-7 to pending in BOARD.md (`ccx board`) to retry, or `ccx clean T-7` removes its worktree and branch.',
    );
    expect(nextStep({ ...base, status: 'failed', exit: 'error', mergeable: false })).toMatch(/^Next: look at the work .*; then set T-7 to pending/);
    expect(nextStep({ ...base, status: 'cancelled' })).toBe('Next: set T-7 to pending in BOARD.md (`ccx board`) to retry, or `ccx clean T-7` removes its worktree and branch.');
  });

  it('for a ccx loop run: merge it yourself, or run again', () => {
    const loop = { ...base, task: { id: 'L-3' }, branch: 'ccx/L-3' } as unknown as AttemptSummary;
    expect(nextStep(loop)).toBe('Next: review the branch and merge it yourself (`git merge --squash ccx/L-3`), or `ccx clean L-3` to drop it.');
    expect(nextStep({ ...loop, mergeable: false })).toMatch(/^Next: look at the work .*, then run `ccx loop` again/);
  });
});
