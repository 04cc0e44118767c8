import { decideNextAttempt, rungFor, type AttemptCheckpoint, type AttemptExit, type AttemptResult, type LadderRung } from '../../loop/index.js';
import { appendJournal } from '../journal/journal.js';
import { reapLeftovers } from '../journal/reap.js';
import { announceDispatchIfMissing, dispatchAttempt, ensureWorktree, runOneAttempt, type AttemptStart, type Workspace } from './attempt-step.js';
import { removeMergedWorkspace, type Ending } from './finish.js';
import { mergeStep } from './merge-step.js';
import { WorkerStop, type TaskWorker } from './task-worker.js';
import { fileExists } from '../../fs/exists.js';

type AttemptEnd = Pick<AttemptResult, 'exit' | 'mergeable' | 'message' | 'cycles' | 'commitBody'>;

/** A task from its dispatch (or a person's retry) to its end, attempt after attempt (SPEC 6.7). */
export async function runTask(worker: TaskWorker): Promise<Ending | null> {
  const { host, row } = worker;
  if (worker.start === 'retry') await appendJournal(worker.journal, { type: 'retry' });
  const facts = await worker.facts();
  return continueTask(worker, Math.max(row.attempts, facts.attempt) + 1, rungFor(host.ladder, host.services.startTier ?? row.modelStart));
}

/** A task the previous daemon left under way: its agents reaped, then on from the last completed turn (SPEC 12). */
export async function resumeTask(worker: TaskWorker): Promise<Ending | null> {
  const { host, id } = worker;
  const facts = await worker.facts();
  await reapLeftovers(worker.journal, id, facts, host.audit);
  if (facts.worktree === null || facts.branch === null || facts.base === null || facts.rung === null) {
    throw new Error(`the journal of ${id} does not say where its attempt ran, so it cannot resume; set it to pending to start again`);
  }
  const workspace: Workspace = { worktree: facts.worktree, branch: facts.branch, base: facts.base };
  const rung = rungFor(host.ladder, facts.rung);
  worker.status.attempt = facts.attempt;
  const turns = (facts.checkpoint as { turns?: number } | null)?.turns ?? 0;
  await announceDispatchIfMissing(host, id, facts);
  host.audit.write('recovery.resumed', { task: id, attempt: facts.attempt, phase: facts.merge.state !== 'none' ? 'merge' : facts.lastAttempt !== null ? 'after-attempt' : 'attempt', turns });
  if (facts.merge.state === 'merged' && facts.merge.sha !== undefined) {
    // Killed between the merge and its end: the workspace goes now (if it has not), then the end is recorded.
    if (!facts.workspaceRemoved) await removeMergedWorkspace(host.repo, host.audit, worker.journal, id, workspace.worktree);
    return { status: 'merged', exitStatus: facts.lastAttempt?.exit ?? 'approved', error: null, commit: facts.merge.sha, removedWorkspace: true, cycles: facts.lastAttempt?.cycles ?? 0 };
  }
  // An attempt a stopping daemon ended as `cancelled` before `interrupted` existed: it was interrupted, not cancelled.
  if (facts.lastAttempt !== null && facts.lastAttempt.exit === 'cancelled') facts.lastAttempt = null;
  if (facts.lastAttempt !== null) {
    const next = await afterAttempt(worker, { ...facts.lastAttempt, exit: facts.lastAttempt.exit as AttemptExit }, facts.attempt, rung, workspace, facts.merge.resolveUsed);
    return next.kind === 'end' ? next.ending : continueTask(worker, facts.attempt + 1, next.rung);
  }
  // Gone (removed by hand, or the daemon stopped before making it): made again from the branch.
  if (!(await fileExists(workspace.worktree))) await ensureWorktree(worker, workspace);
  const start: AttemptStart = facts.checkpoint === null ? {} : { resume: facts.checkpoint as AttemptCheckpoint };
  const result = await runOneAttempt(worker, facts.attempt, rung, workspace, start);
  const next = await afterAttempt(worker, result, facts.attempt, rung, workspace, false);
  return next.kind === 'end' ? next.ending : continueTask(worker, facts.attempt + 1, next.rung);
}

/** Attempts from `attempt` on, until one ends the task. */
async function continueTask(worker: TaskWorker, attempt: number, rung: LadderRung): Promise<Ending | null> {
  for (;;) {
    const { workspace, start } = await dispatchAttempt(worker, attempt, rung);
    const result = await runOneAttempt(worker, attempt, rung, workspace, start);
    const next = await afterAttempt(worker, result, attempt, rung, workspace, false);
    if (next.kind === 'end') return next.ending;
    attempt += 1;
    rung = next.rung;
  }
}

/** What follows an attempt (SPEC 6.7/6.8): the merge, another attempt (maybe one rung up), or the end. */
async function afterAttempt(worker: TaskWorker, result: AttemptEnd, attempt: number, rung: LadderRung, workspace: Workspace, resolveUsed: boolean): Promise<{ kind: 'end'; ending: Ending } | { kind: 'retry'; rung: LadderRung }> {
  const { host, id } = worker;
  if (result.exit === 'cancelled') throw worker.controller.signal.reason instanceof WorkerStop ? worker.controller.signal.reason : new WorkerStop('cancel');
  const decision = decideNextAttempt({ exit: result.exit, mergeable: result.mergeable, attempt, maxAttempts: host.config.maxAttempts, rung: rung.alias, ladder: host.ladder });
  if (decision.action === 'merge') {
    return { kind: 'end', ending: await mergeStep(worker, { attempt, rung, workspace, exit: result.exit, cycles: result.cycles, commitBody: result.commitBody, resolveUsed }) };
  }
  if (decision.action === 'retry') {
    const next = rungFor(host.ladder, decision.rung);
    host.audit.write('task.escalated', { task: id, attempt, from: rung.alias, to: next.alias, reason: result.exit });
    return { kind: 'retry', rung: next };
  }
  return { kind: 'end', ending: { status: decision.status, exitStatus: decision.exitStatus, error: result.message === '' ? decision.reason : result.message, cycles: result.cycles } };
}

