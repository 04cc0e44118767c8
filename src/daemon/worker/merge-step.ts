import { taskBranch } from '../../git/index.js';
import { git, GitLockedError } from '../../git/run.js';
import { baseMovedNote, commitSubject, findTaskCommit, squashMerge, type SquashMergeResult } from '../../merge/index.js';
import { modelFor, readSummary, repoHandoffOverride, runResolveTurn, type LadderRung } from '../../loop/index.js';
import { appendJournal } from '../journal/journal.js';
import { attemptInput, type Workspace } from './attempt-step.js';
import { removeMergedWorkspace, type Ending } from './finish.js';
import type { TaskWorker } from './task-worker.js';

/** How often a merge that waits for the person's checkout looks again. */
export const MERGE_WAIT_RETRY_MS = 2_000;
/** A git lock that stays is looked at again after 2 s, 4 s, … up to this (each look itself waits a while for it). */
export const MERGE_LOCK_RETRY_MAX_MS = 30_000;

/** Why a merge waits, as the journal's merge-waiting record and STATUS.md say it. */
interface MergeWait {
  reason: 'dirty-checkout' | 'base-moved' | 'index-lock';
  note: string;
  checkout?: string;
  files: string[];
}

export interface MergeContext {
  attempt: number;
  rung: LadderRung;
  workspace: Workspace;
  /** How the attempt ended: approved or filtered-clean (the merged task's exit_status). */
  exit: string;
  cycles: number;
  commitBody: string;
  /** A resolve turn already ran for this attempt (after a crash mid-merge). */
  resolveUsed: boolean;
}

/**
 * SPEC 6.8: one merge at a time per repository; a merge that would touch the person's local
 * changes waits; a conflict gets one resolve turn, then the task is blocked with the files named.
 * A task whose commit is already on the integration branch is never merged again.
 */
export async function mergeStep(worker: TaskWorker, context: MergeContext): Promise<Ending> {
  const { host, id } = worker;
  const integration = host.config.integration;
  worker.status.phase = 'merge';
  let { commitBody, resolveUsed } = context;
  let lockRetryMs = MERGE_WAIT_RETRY_MS;
  let subject: string | null = null;
  // A wait journalled before a restart goes on: merge.waiting is not written again, merge.resumed is when it ends.
  const journalled = (await worker.facts()).wait;
  let waitingOn = journalled?.note ?? '';
  let waitReason: string = journalled?.reason ?? 'dirty-checkout';
  let waitStarted = journalled === null ? null : Date.parse(journalled.since);
  const resumed = () => {
    if (waitStarted === null) return;
    host.audit.write('merge.resumed', { task: id, attempt: context.attempt, branch: integration, reason: waitReason, waited_ms: Math.max(0, Date.now() - waitStarted) });
    waitStarted = null;
    waitingOn = '';
  };
  for (;;) {
    const landed = await findTaskCommit(host.repo, integration, id);
    if (landed !== null && (await landedAfter(worker, landed.sha, context.workspace.base))) {
      resumed();
      return merged(worker, context, landed.sha);
    }
    // The repository's own .handoff.md gets its CURRENT STATE section rewritten in the squash commit.
    const summary = await readSummary(worker.runFolder(context.attempt));
    const overrides = summary === null ? [] : [repoHandoffOverride(summary)];
    subject ??= await subjectFor(worker, context, commitBody);
    const input = { integration, branch: taskBranch(id), id, title: worker.row.title, body: commitBody, overrides, subject, base: context.workspace.base, signal: worker.controller.signal };
    // A git lock held past the runner's own wait makes approved work wait here, never fail or run again.
    const outcome = await host.mergeSerially(() => squashMerge(host.repo, input)).catch((error: unknown) => {
      if (error instanceof GitLockedError) return { status: 'locked' as const, lock: error.lock };
      throw error;
    });
    if (outcome.status !== 'locked') host.audit.write('merge.checked', { task: id, attempt: context.attempt, clean: outcome.status !== 'conflict', base: integration, conflicts: outcome.status === 'conflict' ? outcome.files.length : null });
    if (outcome.status === 'merged') {
      resumed();
      return merged(worker, context, outcome.sha);
    }
    if (outcome.status === 'waiting' || outcome.status === 'locked') {
      const wait = outcome.status === 'locked' ? lockWait(outcome.lock) : mergeWait(outcome, integration);
      if (wait.note !== waitingOn) {
        const first = waitStarted === null;
        waitingOn = wait.note;
        waitReason = wait.reason;
        waitStarted ??= Date.now();
        await appendJournal(worker.journal, { type: 'merge-waiting', ...wait });
        if (first) host.audit.write('merge.waiting', { task: id, attempt: context.attempt, branch: integration, reason: `${wait.reason}: ${wait.note}`, files: wait.files });
        host.requestReconcile();
      }
      worker.status.phase = 'waiting-merge';
      worker.status.note = `waiting: ${wait.reason} — ${wait.note}`;
      const pause = wait.reason === 'index-lock' ? lockRetryMs : MERGE_WAIT_RETRY_MS;
      lockRetryMs = wait.reason === 'index-lock' ? Math.min(lockRetryMs * 2, MERGE_LOCK_RETRY_MAX_MS) : MERGE_WAIT_RETRY_MS;
      await sleep(pause, worker.controller.signal);
      continue;
    }
    lockRetryMs = MERGE_WAIT_RETRY_MS;
    worker.status.note = null;
    resumed();
    const files = outcome.files;
    if (resolveUsed) {
      host.audit.write('merge.conflict', { task: id, attempt: context.attempt, files, resolve: false });
      return { status: 'blocked', exitStatus: 'conflict', error: `merging into ${integration} conflicts in ${files.join(', ')} even after a resolve turn; resolve it on branch ${context.workspace.branch} (worktree ${context.workspace.worktree}), then set the task to pending`, cycles: context.cycles };
    }
    host.audit.write('merge.conflict', { task: id, attempt: context.attempt, files, resolve: true });
    await appendJournal(worker.journal, { type: 'conflict', files });
    resolveUsed = true;
    worker.status.phase = 'resolve';
    const resolved = await runResolveTurn({ ...(await attemptInput(worker, context.attempt, context.rung, context.workspace)), integration, conflicts: files });
    // A resolve turn stopped by a cancel or the daemon's shutdown is not journalled as used: after a restart it runs again.
    if (resolved.exit === 'cancelled') throw worker.controller.signal.reason ?? new Error('cancelled');
    await appendJournal(worker.journal, { type: 'resolved', head: resolved.head, mergeable: resolved.mergeable });
    if (!resolved.mergeable) {
      return { status: 'blocked', exitStatus: 'conflict', error: `the resolve turn did not leave a mergeable branch (${resolved.message}); conflicting files: ${files.join(', ')}`, cycles: context.cycles };
    }
    commitBody = resolved.commitBody === '' ? commitBody : resolved.commitBody;
    worker.status.phase = 'merge';
  }
}

/** config.yaml commit_subject, worked out once per merge (`agent` asks the implementer, read-only). */
function subjectFor(worker: TaskWorker, context: MergeContext, body: string): Promise<string> {
  const { host } = worker;
  const agent = host.agents().implementer;
  const { model, effort } = modelFor(context.rung, agent.type, 'implementer');
  return commitSubject(host.config.commitSubject, {
    agent, model, effort, repo: host.repo, integration: host.config.integration, id: worker.id, title: worker.row.title, body,
    runDir: worker.runFolder(context.attempt), stateDir: host.paths.stateDir, signal: worker.controller.signal,
  });
}

function mergeWait(outcome: Extract<SquashMergeResult, { status: 'waiting' }>, integration: string): MergeWait {
  if (outcome.reason === 'base-moved') return { reason: 'base-moved', note: baseMovedNote({ integration, ...outcome }), files: [] };
  const what = outcome.files.length > 0 ? `commit or stash ${outcome.files.join(', ')}` : `finish the ${outcome.operation ?? 'git operation'} in progress`;
  return { reason: 'dirty-checkout', note: `${what} in ${outcome.checkout}`, checkout: outcome.checkout, files: outcome.files };
}

/** A lock another git process holds: reported, retried, never deleted. */
function lockWait(lock: string): MergeWait {
  return { reason: 'index-lock', note: `${lock} is held by another git process; the merge retries (ccx never deletes a git lock: remove it yourself if no git is running)`, files: [] };
}

async function merged(worker: TaskWorker, context: MergeContext, sha: string): Promise<Ending> {
  const { host, id } = worker;
  await appendJournal(worker.journal, { type: 'merged', sha });
  host.audit.write('merge.done', { task: id, attempt: context.attempt, sha, branch: host.config.integration });
  // The work has landed: a worktree git cannot remove now (a lock, a file in use) stays, and the next start removes it.
  const removed = await removeMergedWorkspace(host.repo, host.audit, worker.journal, id, context.workspace.worktree).then(
    () => true,
    (error: unknown) => {
      host.services.log.warn({ task: id, error: String(error) }, 'could not remove the merged task\'s worktree; the next start tries again');
      return false;
    },
  );
  worker.status.note = null;
  return { status: 'merged', exitStatus: context.exit, error: null, commit: sha, removedWorkspace: removed, cycles: context.cycles };
}

/**
 * Whether a commit that carries this task's id landed after this run's base: a commit of an old run
 * of a reused id (already in the base) is not this run's merge.
 */
async function landedAfter(worker: TaskWorker, sha: string, base: string): Promise<boolean> {
  const result = await git(worker.host.repo, ['merge-base', '--is-ancestor', sha, base], { cwd: worker.host.repo.root, readOnly: true, allowExitCodes: [1] });
  return result.exitCode !== 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
