import type { TurnOutcome } from '../agents/index.js';
import type { GitRepo } from '../git/index.js';
import { readAnswer } from './answer.js';
import { dependencyOrder, dependencyProblems } from './dependencies.js';
import { groundTasks } from './ground.js';
import type { Checked, GroundedTask } from './types.js';
import { checkShape } from './validate.js';

export interface PlanRules {
  repo: GitRepo;
  /** The model ladder's active aliases. */
  aliases: readonly string[];
  /** Ids of the valid rows on the board, which depends_on may name. */
  boardIds: ReadonlySet<string>;
}

/**
 * ccx's own check of an answer, all of it at once so a retry can fix everything: JSON, the schema
 * and bounds, depends_on, and every glob grounded on the tracked files. The tasks come back with
 * every dependency before its dependents.
 */
export async function checkAnswer(outcome: Pick<TurnOutcome, 'structured' | 'text'>, rules: PlanRules): Promise<Checked<GroundedTask[]>> {
  const read = readAnswer(outcome);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const shape = checkShape(read.value, { aliases: rules.aliases });
  const problems = [...shape.problems, ...dependencyProblems(shape.links, rules.boardIds)];
  const grounded = await groundTasks(rules.repo, shape.tasks);
  problems.push(...grounded.problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: dependencyOrder(grounded.tasks) };
}
