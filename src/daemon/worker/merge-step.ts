import { taskBranch } from '../../git/index.js';
import { findTaskCommit, squashMerge } from '../../merge/index.js';
import { readSummary, repoHandoffOverride, runResolveTurn, type LadderRung } from '../../loop/index.js';
import { git } from '../../git/run.js';
import { appendJournal } from '../journal/journal.js';
import { attemptInput, type Workspace } from './attempt-step.js';
import { removeMergedWorkspace, type Ending } from './finish.js';
import type { TaskWorker } from './task-worker.js';

/** How often a merge that waits for the person's checkout looks again. */
export const MERGE_WAIT_RETRY_MS = 2_000;

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
  // A wait journalled before a restart goes on: merge.waiting is not written again, merge.resumed is when it ends.
  const journalled = (await worker.facts()).wait;
  let waitingOn = journalled?.note ?? '';
  let waitStarted = journalled === null ? null : Date.parse(journalled.since);
  const resumed = (reason: string) => {
    if (waitStarted === null) return;
    host.audit.write('merge.resumed', { task: id, attempt: context.attempt, branch: integration, reason, waited_ms: Math.max(0, Date.now() - waitStarted) });
    waitStarted = null;
    waitingOn = '';
  };
  for (;;) {
    const landed = await findTaskCommit(host.repo, integration, id);
    if (landed !== null && (await landedAfter(worker, landed.sha, context.workspace.base))) {
      resumed(journalled?.reason ?? 'dirty-checkout');
      return merged(worker, context, landed.sha);
    }
    // The repository's own .handoff.md gets its CURRENT STATE section rewritten in the squash commit.
    const summary = await readSummary(worker.runFolder(context.attempt));
    const overrides = summary === null ? [] : [repoHandoffOverride(summary)];
    const outcome = await host.mergeSerially(() => squashMerge(host.repo, { integration, branch: taskBranch(id), id, title: worker.row.title, body: commitBody, overrides }));
    host.audit.write('merge.checked', { task: id, attempt: context.attempt, clean: outcome.status !== 'conflict', base: integration, conflicts: outcome.status === 'conflict' ? outcome.files.length : null });
    if (outcome.status === 'merged') {
      resumed('dirty-checkout');
      return merged(worker, context, outcome.sha);
    }
    if (outcome.status === 'waiting') {
      const note = `commit or stash ${outcome.files.join(', ')} in ${outcome.checkout}`;
      if (note !== waitingOn) {
        const first = waitingOn === '';
        waitingOn = note;
        waitStarted ??= Date.now();
        await appendJournal(worker.journal, { type: 'merge-waiting', reason: 'dirty-checkout', note, checkout: outcome.checkout, files: outcome.files });
        if (first) host.audit.write('merge.waiting', { task: id, attempt: context.attempt, branch: integration, reason: `dirty-checkout: ${note}`, files: outcome.files });
        host.requestReconcile();
      }
      worker.status.phase = 'waiting-merge';
      worker.status.note = `waiting: dirty-checkout — ${note}`;
      await sleep(MERGE_WAIT_RETRY_MS, worker.controller.signal);
      continue;
    }
    worker.status.note = null;
    resumed('dirty-checkout');
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

async function merged(worker: TaskWorker, context: MergeContext, sha: string): Promise<Ending> {
  const { host, id } = worker;
  await appendJournal(worker.journal, { type: 'merged', sha });
  host.audit.write('merge.done', { task: id, attempt: context.attempt, sha, branch: host.config.integration });
  await removeMergedWorkspace(host.repo, host.audit, worker.journal, id, context.workspace.worktree);
  worker.status.note = null;
  return { status: 'merged', exitStatus: context.exit, error: null, commit: sha, removedWorkspace: true, cycles: context.cycles };
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
