import type { TurnOutcome } from '../agents/index.js';
import { CcxError } from '../errors.js';

/** Problems listed in a message; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 30;

const NOTHING_WRITTEN = 'Nothing was written: the board and the briefs are unchanged.';

/** Why the agent gave no answer, as the error `ccx plan` exits 1 with: what happened and what to do. */
export function agentFailure(outcome: TurnOutcome, planDir: string): CcxError {
  const message = `the planning agent gave no plan. ${outcome.message}`;
  switch (outcome.kind) {
    case 'usage-limit':
    case 'rate-limited':
    case 'overloaded': {
      const when = outcome.resetAt === undefined ? 'Wait a few minutes' : `Wait until ${outcome.resetAt.toISOString()}`;
      return new CcxError('AGENT_LIMITED', message, { hint: `${when}, then run the same ccx plan again. ${NOTHING_WRITTEN}` });
    }
    case 'auth':
      return new CcxError('AGENT_FAILED', message, { hint: `Log the agent in as it says, then run the same ccx plan again. ${NOTHING_WRITTEN}` });
    case 'timeout':
      return new CcxError('AGENT_FAILED', message, { hint: `Plan a smaller piece of work, or raise CCX_TURN_TIMEOUT_MS. ${NOTHING_WRITTEN}` });
    case 'cancelled':
      return new CcxError('AGENT_FAILED', message, { hint: NOTHING_WRITTEN });
    default:
      if (outcome.kind === 'error' && outcome.exitCode === null && outcome.signal === null) {
        // The process never ran: the binary is missing or not executable (the message says which).
        return new CcxError('AGENT_MISSING', message, { hint: `Install the agent, or fix agents.implementer in config.yaml, then run ccx plan again. ${NOTHING_WRITTEN}` });
      }
      return new CcxError('AGENT_FAILED', message, { hint: `Its output is in ${planDir}. ${NOTHING_WRITTEN}` });
  }
}

/** A second answer that ccx refused too. */
export function refusedTwice(problems: readonly string[], planDir: string): CcxError {
  return new CcxError('PLAN_INVALID', `the planning agent's answer was refused twice. The problems with its second answer:\n${listProblems(problems)}`, {
    hint: `Its prompts and answers are in ${planDir}. ${NOTHING_WRITTEN} Run ccx plan again, perhaps with a narrower prompt, or add rows yourself (ccx add).`,
  });
}

export function listProblems(problems: readonly string[], max = MAX_LISTED_PROBLEMS): string {
  const lines = problems.slice(0, max).map((problem) => `  - ${problem}`);
  if (problems.length > max) lines.push(`  - … and ${problems.length - max} more`);
  return lines.join('\n');
}
