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
 * and bounds, and depends_on. Only those refuse an answer; every glob is then grounded on the
 * tracked files, and one that is not is dropped from its task's scope, not held against the plan.
 * The tasks come back with every dependency before its dependents.
 */
export async function checkAnswer(outcome: Pick<TurnOutcome, 'structured' | 'text'>, rules: PlanRules): Promise<Checked<GroundedTask[]>> {
  const read = readAnswer(outcome);
  if (!read.ok) return { ok: false, problems: [read.problem] };
  const shape = checkShape(read.value, { aliases: rules.aliases });
  const problems = [...shape.problems, ...dependencyProblems(shape.links, rules.boardIds)];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: dependencyOrder(await groundTasks(rules.repo, shape.tasks)) };
}
