import { describe, expect, it } from 'vitest';
import { BUILT_IN_LADDER, decideNextAttempt } from '../../src/loop/index.js';
import type { AttemptExit } from '../../src/loop/index.js';

const decide = (exit: AttemptExit, attempt: number, rung = 'default', mergeable = exit === 'approved' || exit === 'filtered-clean') => {
  const decision = decideNextAttempt({ exit, mergeable, attempt, maxAttempts: 4, rung, ladder: BUILT_IN_LADDER });
  if (decision.action === 'merge') return 'merge';
  if (decision.action === 'retry') return `retry on ${decision.rung}${decision.escalated ? ' (up)' : ''}`;
  return `${decision.status}: ${decision.reason}`;
};

describe('the attempt policy (SPEC 6.7)', () => {
  it('maps every exit to merge, a retry, or a board status', () => {
    const table = Object.fromEntries(
      (['approved', 'filtered-clean', 'stuck', 'cycle-cap', 'test-failed', 'out-of-scope', 'conflict', 'budget', 'timeout', 'error', 'cancelled'] as const).map((exit) => [exit, [decide(exit, 1), decide(exit, 4)]]),
    );
    expect(table).toMatchInlineSnapshot(`
      {
        "approved": [
          "merge",
          "merge",
        ],
        "budget": [
          "blocked: max_cost_usd was passed",
          "blocked: max_cost_usd was passed",
        ],
        "cancelled": [
          "cancelled: cancelled",
          "cancelled: cancelled",
        ],
        "conflict": [
          "blocked: the merge conflict was not resolved",
          "blocked: the merge conflict was not resolved",
        ],
        "cycle-cap": [
          "retry on default",
          "blocked: out of cycles on attempt 4 of 4",
        ],
        "error": [
          "failed: an agent or git step failed",
          "failed: an agent or git step failed",
        ],
        "filtered-clean": [
          "merge",
          "merge",
        ],
        "out-of-scope": [
          "blocked: the branch changes paths outside the task's scope",
          "blocked: the branch changes paths outside the task's scope",
        ],
        "stuck": [
          "retry on strong (up)",
          "blocked: stuck on attempt 4 of 4",
        ],
        "test-failed": [
          "blocked: the test command still fails",
          "blocked: the test command still fails",
        ],
        "timeout": [
          "failed: a turn ran past its time limit",
          "failed: a turn ran past its time limit",
        ],
      }
    `);
  });

  it('climbs one rung per stuck attempt, and blocks on the top rung', () => {
    expect(decide('stuck', 1, 'economy')).toBe('retry on default (up)');
    expect(decide('stuck', 2, 'strong')).toBe('retry on max (up)');
    expect(decide('stuck', 3, 'max')).toBe('blocked: stuck on the top rung (max) of the model ladder');
    expect(decide('cycle-cap', 3, 'max')).toBe('retry on max');
  });

  it('never merges what is not mergeable', () => {
    expect(decide('approved', 1, 'default', false)).toBe('blocked: the review was clean but the branch is not mergeable (tests, scope or open findings)');
    expect(decideNextAttempt({ exit: 'stuck', mergeable: false, attempt: 1, maxAttempts: 1, rung: 'default', ladder: BUILT_IN_LADDER })).toEqual({ action: 'finish', status: 'blocked', exitStatus: 'stuck', reason: 'stuck on attempt 1 of 1' });
  });
});
