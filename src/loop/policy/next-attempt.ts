import { DEFAULT_MAX_ATTEMPTS } from '../../config/config-file.js';
import { rungAbove } from '../ladder/pick.js';
import type { AttemptExit, Ladder } from '../types.js';

export { DEFAULT_MAX_ATTEMPTS };

export interface AttemptPolicyInput {
  exit: AttemptExit;
  mergeable: boolean;
  /** The attempt that just ended (k ≥ 1). */
  attempt: number;
  /** config.yaml max_attempts (default 4). */
  maxAttempts: number;
  /** The rung it ran on. */
  rung: string;
  ladder: Ladder;
}

export type AttemptDecision =
  /** SPEC 6.8: check and squash-merge (a conflict gets one runResolveTurn). */
  | { action: 'merge' }
  /** Dispatch attempt k+1 on `rung`; `escalated` when that is one rung up. */
  | { action: 'retry'; rung: string; escalated: boolean; reason: 'stuck' | 'cycle-cap' }
  /** The task ends with this board status; `exitStatus` is the row's exit_status. */
  | { action: 'finish'; status: 'blocked' | 'failed' | 'cancelled'; exitStatus: AttemptExit; reason: string };

/**
 * SPEC 6.7, decided between attempts:
 *
 * | exit                              | decision                                               |
 * |-----------------------------------|--------------------------------------------------------|
 * | approved, filtered-clean + mergeable | merge                                              |
 * | approved, filtered-clean, not mergeable | blocked (cannot happen from the engine; kept safe) |
 * | filtered-unapproved (forever)     | blocked (never merged; a person decides)              |
 * | stuck, attempts left, a rung above | retry one rung up                                     |
 * | stuck on the top rung             | blocked (a stronger model is not available)           |
 * | cycle-cap, attempts left          | retry on the same rung                                 |
 * | stuck / cycle-cap, last attempt   | blocked                                                |
 * | test-failed, out-of-scope, budget, conflict, question | blocked (a person decides)         |
 * | timeout, error                    | failed                                                 |
 * | cancelled                         | cancelled                                              |
 */
export function decideNextAttempt(input: AttemptPolicyInput): AttemptDecision {
  const { exit } = input;
  const lastAttempt = input.attempt >= input.maxAttempts;
  const finish = (status: 'blocked' | 'failed' | 'cancelled', reason: string): AttemptDecision => ({ action: 'finish', status, exitStatus: exit, reason });
  switch (exit) {
    case 'approved':
    case 'filtered-clean':
      return input.mergeable ? { action: 'merge' } : finish('blocked', 'the review was clean but the branch is not mergeable (tests, scope or open findings)');
    case 'filtered-unapproved':
      return finish('blocked', 'the reviewer did not approve, though every finding it gave was under the filter');
    case 'stuck': {
      if (lastAttempt) return finish('blocked', `stuck on attempt ${input.attempt} of ${input.maxAttempts}`);
      const above = rungAbove(input.ladder, input.rung);
      if (above === null) return finish('blocked', `stuck on the top rung (${input.rung}) of the model ladder`);
      return { action: 'retry', rung: above.alias, escalated: true, reason: 'stuck' };
    }
    case 'cycle-cap':
      if (lastAttempt) return finish('blocked', `out of cycles on attempt ${input.attempt} of ${input.maxAttempts}`);
      return { action: 'retry', rung: input.rung, escalated: false, reason: 'cycle-cap' };
    case 'test-failed':
      return finish('blocked', 'the test command still fails');
    case 'out-of-scope':
      return finish('blocked', "the branch changes paths outside the task's scope");
    case 'budget':
      return finish('blocked', 'max_cost_usd was passed');
    case 'conflict':
      return finish('blocked', 'the merge conflict was not resolved');
    case 'question':
      return finish('blocked', 'a question to the person was not answered within ask.timeout');
    case 'timeout':
    case 'error':
      return finish('failed', exit === 'timeout' ? 'a turn ran past its time limit' : 'an agent or git step failed');
    case 'cancelled':
      return finish('cancelled', 'cancelled');
  }
}
