import type { TaskRow } from '../../board/types.js';
import { directionOf } from '../../board/direction.js';
import { ensureBrief } from '../../brief/ensure.js';
import { createTaskWorktree } from '../../git/index.js';
import { git } from '../../git/run.js';
import { runAttempt, type AttemptCheckpoint, type AttemptInput, type AttemptResult, type LadderRung } from '../../loop/index.js';
import { appendJournal } from '../journal/journal.js';
import { loopHooks } from './loop-hooks.js';
import type { TaskWorker } from './task-worker.js';
import { writeTransition } from './transition.js';

/** Where an attempt works: its worktree and the commit its branch forked from. */
export interface Workspace {
  worktree: string;
  branch: string;
  base: string;
}

/** A new attempt: the worktree (continuing the branch of a retried task), the journal, and `running` on the board. */
export async function dispatchAttempt(worker: TaskWorker, attempt: number, rung: LadderRung): Promise<Workspace> {
  const { host, row } = worker;
  const created = await createTaskWorktree(host.repo, { id: row.id, path: host.paths.worktree(row.id), integration: host.config.integration });
  const base = await forkPoint(worker, created.branch);
  const workspace = { worktree: created.path, branch: created.branch, base };
  await appendJournal(worker.journal, { type: 'dispatched', attempt, rung: rung.alias, ...workspace, row });
  worker.status.attempt = attempt;
  worker.status.phase = 'implement';
  await writeTransition(host, worker.journal, row.id, {
    status: 'running',
    attempts: attempt,
    worktree: workspace.worktree,
    branch: workspace.branch,
    worker_pid: host.services.pid,
    started_at: new Date().toISOString(),
    finished_at: null,
    exit_status: null,
    error: null,
    commit: null,
    ...(row.brief === null ? { brief: `tasks/${row.id}.md` } : {}),
  });
  host.audit.write('task.dispatched', { task: row.id, attempt, branch: workspace.branch, worktree: workspace.worktree, tier: rung.alias, mode: row.mode });
  return workspace;
}

/** What runAttempt and runResolveTurn get for this task's attempt. */
export async function attemptInput(worker: TaskWorker, attempt: number, rung: LadderRung, workspace: Workspace, resume?: AttemptCheckpoint): Promise<AttemptInput> {
  const { host, row } = worker;
  const board = host.currentBoard();
  const current: TaskRow = board?.rows.find((candidate) => candidate.id === row.id) ?? row;
  const brief = await ensureBrief(host.paths.stateDir, host.repo.root, current);
  const facts = await worker.facts();
  return {
    repo: host.repo,
    worktree: workspace.worktree,
    base: workspace.base,
    task: {
      id: row.id,
      title: current.title,
      scope: current.scope,
      mode: current.mode,
      loops: current.loops,
      maxCycles: current.maxCycles,
      minSeverity: current.minSeverity,
      minConfidence: current.minConfidence,
      maxCostUsd: current.maxCostUsd,
      codexFirst: current.codexFirst,
      attempt,
    },
    brief: brief.text,
    direction: board === null ? '' : directionOf(board.body),
    testCommand: host.config.test,
    agents: host.agents(),
    rung,
    runDir: worker.runFolder(attempt),
    stateDir: host.paths.stateDir,
    turnTimeoutMs: host.services.env.turnTimeoutMs,
    signal: worker.controller.signal,
    spentUsd: facts.costUsd,
    ...(resume === undefined ? {} : { resume }),
    hooks: loopHooks({ host, journal: worker.journal, id: row.id, attempt, status: worker.status, signal: worker.controller.signal, afterCheckpoint: () => worker.afterCheckpoint() }),
  };
}

/** Runs one attempt to its end and journals how it ended. */
export async function runOneAttempt(worker: TaskWorker, attempt: number, rung: LadderRung, workspace: Workspace, resume?: AttemptCheckpoint): Promise<AttemptResult> {
  const result = await runAttempt(await attemptInput(worker, attempt, rung, workspace, resume));
  await appendJournal(worker.journal, {
    type: 'attempt-ended',
    attempt,
    exit: result.exit,
    mergeable: result.mergeable,
    head: result.head,
    costUsd: result.costUsd,
    message: result.message,
    cycles: result.cycles,
    commitBody: result.commitBody,
  });
  return result;
}

/** The commit the task branch forked from the integration branch (the diff base of a continued branch too). */
async function forkPoint(worker: TaskWorker, branch: string): Promise<string> {
  const { host } = worker;
  const result = await git(host.repo, ['merge-base', `refs/heads/${host.config.integration}`, `refs/heads/${branch}`], { cwd: host.repo.root, readOnly: true });
  return result.stdout.trim();
}

