import type { ParsedBoard } from '../board/parse/board.js';
import type { RepoConfig } from '../config/config-file.js';
import { scopesOverlap, trackedInScope, type GitRepo } from '../git/index.js';
import { rungFor } from '../loop/ladder/pick.js';
import type { Ladder } from '../loop/types.js';
import { describeWait, planDispatch } from './plan-dispatch.js';

export interface DryRunInput {
  stateDir: string;
  repo: GitRepo;
  config: RepoConfig;
  board: ParsedBoard;
  ladder: Ladder;
  /** `--start-tier <alias>`; null: each row's own model_start. */
  startTier: string | null;
  /** CCX_MAX_WORKERS. */
  maxWorkers: number;
}

/**
 * `ccx daemon --dry-run` for one repository: what would start now, in order, on which rung and in
 * which worktree, and why every other pending task waits. It reads the board and git only: rows
 * the board shows running hold their slots and scopes; nothing is started or written.
 */
export async function dryRunPlan(input: DryRunInput): Promise<string[]> {
  const { board, config, repo } = input;
  const lines = [`${config.repo} (${input.stateDir})`];
  if (!board.valid) {
    lines.push('  BOARD.md cannot be read as a whole, so nothing would start:', ...board.problems.map((problem) => `    BOARD.md:${problem.line}:${problem.column}: ${problem.message}`));
    return lines;
  }
  const running = board.rows.filter((row) => row.status === 'running');
  const tracked = new Map<string, Promise<string[]>>();
  const plan = await planDispatch({
    rows: board.rows,
    boardValid: true,
    running: running.map((row) => ({ id: row.id, scope: row.scope })),
    parallel: config.parallel,
    globalFree: Math.max(0, input.maxWorkers - running.length),
    pausedAgents: new Map(),
    agentsNeeded: [config.agents.implementer.type, config.agents.reviewer.type],
    overlap: (a, b) => scopesOverlap(repo, a, b, (scope) => {
      const key = JSON.stringify(scope);
      const files = tracked.get(key) ?? trackedInScope(repo, scope);
      tracked.set(key, files);
      return files;
    }),
  });
  if (running.length > 0) lines.push(`  Running now: ${running.map((row) => row.id).join(', ')}`);
  lines.push(plan.start.length === 0 ? '  Would start nothing now.' : '  Would start now, in this order:');
  plan.start.forEach((row, index) => {
    const rung = rungFor(input.ladder, input.startTier ?? row.modelStart);
    const claude = rung.claude.effort === '' ? rung.claude.model : `${rung.claude.model}/${rung.claude.effort}`;
    lines.push(`    ${index + 1}. ${row.id} ${JSON.stringify(row.title)}: rung ${rung.alias} (${claude}, ${rung.codex.model}), worktree ${input.stateDir}/worktrees/${row.id} on branch ccx/${row.id}`);
  });
  if (plan.waiting.length > 0) lines.push('  Waiting:', ...plan.waiting.map(({ row, reason }) => `    ${row.id} ${JSON.stringify(row.title)}: ${describeWait(reason)}`));
  return lines;
}
