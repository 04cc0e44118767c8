import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentAdapter, TurnOutcome } from '../agents/index.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { modelFor } from '../loop/ladder/pick.js';
import type { LadderRung } from '../loop/types.js';
import { checkAnswer, type PlanRules } from './check.js';
import { agentFailure, refusedTwice } from './failure.js';
import type { RefusedAnswer } from './prompt.js';
import type { GroundedTask } from './types.js';

/** The first answer, and one retry with the problems quoted back. */
export const PLAN_TRIES = 2;
/** CCX_PHASE of a planning turn, so a command agent can tell it from a review. */
export const PLAN_PHASE = 'plan';

export interface AskInput {
  agent: AgentAdapter;
  rung: LadderRung;
  /** The repository root: the agent's working directory, read only. */
  repoRoot: string;
  stateDir: string;
  /** Where each try's prompt, output and problems are kept (and the adapter's scratch files). */
  planDir: string;
  prompt: (refused?: RefusedAnswer) => string;
  schema: object;
  rules: PlanRules;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

/**
 * Asks the agent for a plan in the reviewer role (claude and codex run read-only), checks the
 * answer, and asks once more with the problems when it is refused. Throws the agent's failure (a
 * limit, a login, a missing binary) at once, and PLAN_INVALID after a second refused answer.
 */
export async function askForPlan(input: AskInput): Promise<{ tasks: GroundedTask[]; tries: number }> {
  // The implementer's model (a command agent gets claude's pair), in the reviewer's read-only role.
  const { model, effort } = modelFor(input.rung, input.agent.type, 'implementer');
  let refused: RefusedAnswer | undefined;
  for (let attempt = 1; ; attempt++) {
    const prompt = input.prompt(refused);
    await keep(input.planDir, `try${attempt}.prompt.md`, prompt);
    input.onProgress?.(`asking ${input.agent.program === undefined ? `${input.agent.type} (${model}/${effort})` : `${input.agent.type} (${input.agent.program})`} for a plan${attempt > 1 ? ', once more with the problems of its first answer' : ''} …`);
    const outcome = await input.agent.runTurn({
      role: 'reviewer',
      prompt,
      worktree: input.repoRoot,
      model,
      effort,
      timeoutMs: input.timeoutMs,
      signal: input.signal,
      outputSchema: input.schema,
      env: { CCX_PHASE: PLAN_PHASE, CCX_ATTEMPT: String(attempt), CCX_STATE_DIR: input.stateDir },
      scratchDir: input.planDir,
    });
    await keep(input.planDir, `try${attempt}.out`, outcome.stdout);
    if (outcome.stderr !== '') await keep(input.planDir, `try${attempt}.err`, outcome.stderr);
    if (outcome.kind !== 'ok') throw agentFailure(outcome, input.planDir);
    const checked = await checkAnswer(outcome, input.rules);
    if (checked.ok) return { tasks: checked.value, tries: attempt };
    await keep(input.planDir, `try${attempt}.problems.txt`, `${checked.problems.join('\n')}\n`);
    if (attempt >= PLAN_TRIES) throw refusedTwice(checked.problems, input.planDir);
    input.onProgress?.(`its answer was refused (${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}, listed in ${join(input.planDir, `try${attempt}.problems.txt`)})`);
    refused = { problems: checked.problems, text: answerText(outcome) };
  }
}

function answerText(outcome: TurnOutcome): string {
  return typeof outcome.structured === 'object' && outcome.structured !== null ? JSON.stringify(outcome.structured, null, 2) : outcome.text;
}

async function keep(folder: string, name: string, content: string): Promise<void> {
  await writeFile(join(folder, name), content, { mode: PRIVATE_FILE_MODE });
}
