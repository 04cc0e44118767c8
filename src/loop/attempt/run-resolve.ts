import { readSummary } from '../handoff/summary.js';
import type { AttemptResult, ResolveInput } from '../types.js';
import { driveAttempt } from './drive.js';
import { finishAttempt } from './finish.js';
import { beginAttempt, freshCheckpoint, startEngine } from './start.js';

/**
 * SPEC 6.8's one resolve turn after a merge conflict: the integration branch is merged into the
 * task branch in its worktree, the implementer resolves, ccx checks scope (against the merged
 * integration head), markers and tests, and the reviewer re-reviews. It runs as one more cycle of
 * the same attempt (its files and ledger go to the same run folder), and its result sums up the
 * whole attempt. Clean → mergeable; otherwise the exit says why (conflict, test-failed, …).
 */
export async function runResolveTurn(input: ResolveInput): Promise<AttemptResult> {
  const previous = await readSummary(input.runDir);
  const engine = await startEngine(input, (head) => {
    const state = freshCheckpoint(input, head, { cycle: (previous?.cycles ?? 0) + 1, step: 'resolve' });
    state.resolve = { integration: input.integration, integrationHead: '', conflicts: input.conflicts };
    if (previous !== null) {
      state.verdicts = previous.verdicts;
      state.skipped = previous.skipped;
      state.nextSteps = previous.nextSteps;
      state.costUsd = previous.costUsd;
      state.tokens = previous.tokens;
    }
    return state;
  });
  await beginAttempt(engine);
  return finishAttempt(engine, await driveAttempt(engine));
}
