import type { TaskRow } from '../../board/types.js';
import { directionOf } from '../../board/direction.js';
import { ensureBrief } from '../../brief/ensure.js';
import { createTaskWorktree, requireBranch, resolveRef, taskBranch, type TaskWorktree } from '../../git/index.js';
import { git } from '../../git/run.js';
import { agentAsShown, rungFor, runAttempt, type AttemptCheckpoint, type AttemptInput, type AttemptResult, type LadderRung } from '../../loop/index.js';
import { auditTailHas } from '../../audit/index.js';
import { appendJournal } from '../journal/journal.js';
import type { TaskFacts } from '../journal/state.js';
import { daemonAsker } from './ask-hooks.js';
import { loopHooks } from './loop-hooks.js';
import type { WorkerHost } from './host.js';
import type { TaskWorker } from './task-worker.js';
import { writeTransition } from './transition.js';

/** Where an attempt works: its worktree and the commit its branch forked from. */
export interface Workspace {
  worktree: string;
  branch: string;
  base: string;
}

/** How an attempt begins: after the last completed turn of a checkpoint, or in a worktree just checked out. */
export interface AttemptStart {
  resume?: AttemptCheckpoint;
  /** This dispatch had git check the worktree out (it was not there already). */
  worktreeCheckedOut?: boolean;
}

/**
 * A new attempt: `running` on the board and in the journal first (what the person waits to see),
 * then the worktree, created from exactly the base journalled (continuing the branch of a retried task).
 */
export async function dispatchAttempt(worker: TaskWorker, attempt: number, rung: LadderRung): Promise<{ workspace: Workspace; start: AttemptStart }> {
  const { host, row } = worker;
  const branch = taskBranch(row.id);
  const integrationHead = await requireBranch(host.repo, host.config.integration);
  const continued = (await resolveRef(host.repo, `refs/heads/${branch}`)) !== null;
  const base = continued ? await forkPoint(worker, integrationHead, branch) : integrationHead;
  const workspace = { worktree: host.paths.worktree(row.id), branch, base };
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
  announceDispatched(host, row, attempt, rung, workspace);
  const { origin } = await ensureWorktree(worker, workspace);
  return { workspace, start: { worktreeCheckedOut: origin !== 'reused' } };
}

function announceDispatched(host: Pick<WorkerHost, 'audit' | 'agents'>, row: TaskRow, attempt: number, rung: LadderRung, workspace: Workspace): void {
  const agents = host.agents();
  host.audit.write('task.dispatched', {
    task: row.id, attempt, branch: workspace.branch, worktree: workspace.worktree, tier: rung.alias, mode: row.mode,
    implementer: agentAsShown(agents.implementer, rung, 'implementer'), reviewer: agentAsShown(agents.reviewer, rung, 'reviewer'),
  });
}

/**
 * A daemon killed between an attempt's `dispatched` record and its task.dispatched line left the
 * run without its start in the audit log: a restart writes it before it resumes or ends the task
 * (the attempt's own line, if it is there, is found and not written again).
 */
export async function announceDispatchIfMissing(host: Pick<WorkerHost, 'audit' | 'agents' | 'ladder' | 'paths'>, id: string, facts: TaskFacts): Promise<void> {
  const { dispatchedAt, row, rung, worktree, branch, base } = facts;
  if (dispatchedAt === null || row === null || rung === null || worktree === null || branch === null || base === null) return;
  if (await auditTailHas(host.paths.audit, { event: 'task.dispatched', task: id, attempt: facts.attempt, since: dispatchedAt })) return;
  announceDispatched(host, { ...row, id }, facts.attempt, rungFor(host.ladder, rung), { worktree, branch, base });
}

/** The task's worktree, made again if it is missing (from its branch, or from the base for a new one). */
export async function ensureWorktree(worker: TaskWorker, workspace: Workspace): Promise<TaskWorktree> {
  return createTaskWorktree(worker.host.repo, { id: worker.id, path: workspace.worktree, integration: worker.host.config.integration, startPoint: workspace.base });
}

/** What runAttempt and runResolveTurn get for this task's attempt. */
export async function attemptInput(worker: TaskWorker, attempt: number, rung: LadderRung, workspace: Workspace, start: AttemptStart = {}): Promise<AttemptInput> {
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
    ...(start.resume === undefined ? {} : { resume: start.resume }),
    ...(start.worktreeCheckedOut === true ? { worktreeCheckedOut: true } : {}),
    asker: daemonAsker(worker, attempt),
    ...(facts.ask === null ? {} : { openAsk: facts.ask.open }),
    hooks: loopHooks({ host, journal: worker.journal, id: row.id, attempt, status: worker.status, signal: worker.controller.signal, afterCheckpoint: () => worker.afterCheckpoint() }),
  };
}

/**
 * Runs one attempt to its end and journals how it ended. An attempt the daemon's shutdown stopped
 * did not end: it is journalled `interrupted` (its last checkpoint stays the place it resumes from
 * on the next start, exactly as after kill -9), never as cancelled.
 */
export async function runOneAttempt(worker: TaskWorker, attempt: number, rung: LadderRung, workspace: Workspace, start: AttemptStart = {}): Promise<AttemptResult> {
  const result = await placeAttempt(worker, await attemptInput(worker, attempt, rung, workspace, start));
  if (result.exit === 'cancelled' && worker.stopReason() === 'shutdown') {
    await appendJournal(worker.journal, { type: 'interrupted', attempt });
    throw worker.controller.signal.reason as Error;
  }
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

/** SPEC 16: with runners configured an attempt runs on one, unless a local slot is free. */
async function placeAttempt(worker: TaskWorker, input: AttemptInput): Promise<AttemptResult> {
  const remote = worker.host.remote?.() ?? null;
  if (remote === null) return runAttempt(input);
  // A resumed attempt that was on a runner stays there: the runner (or its redelivery) may still be at it.
  const wasRemote = (input.resume as { remote?: unknown } | undefined)?.remote !== undefined;
  if (!wasRemote && remote.placeLocally()) {
    try {
      return await runAttempt(input);
    } finally {
      remote.releaseLocal();
    }
  }
  const { host } = worker;
  return remote.run({ repo: host.repo, config: host.config, status: worker.status, runs: host.paths.runs, stopReason: () => worker.stopReason() }, input);
}

/** Where a retried task's branch forked from the integration branch: its diff base. */
async function forkPoint(worker: TaskWorker, integrationHead: string, branch: string): Promise<string> {
  const { host } = worker;
  const result = await git(host.repo, ['merge-base', integrationHead, `refs/heads/${branch}`], { cwd: host.repo.root, readOnly: true });
  return result.stdout.trim();
}
