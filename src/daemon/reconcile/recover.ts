import type { ParsedBoard } from '../../board/parse/board.js';
import type { TaskRow } from '../../board/types.js';
import { findOrphans, isLoopId } from '../../git/index.js';
import { git } from '../../git/run.js';
import { findTaskCommit } from '../../merge/index.js';
import { reapLeftovers } from '../journal/reap.js';
import type { TaskFacts } from '../journal/state.js';
import type { RepoRuntime } from '../runtime/repo-runtime.js';
import { finish } from '../worker/finish.js';
import { TaskWorker } from '../worker/task-worker.js';
import { startWorker } from './reconcile.js';
import { announceDispatchIfMissing } from '../worker/attempt-step.js';

/**
 * On start (SPEC 12): every task the journal has under way resumes from its last completed turn
 * (even while BOARD.md does not parse: running tasks go on); one flipped to cancelled meanwhile is
 * ended. Worktrees and ccx/* branches that belong to no task are reported, never deleted.
 */
export async function recover(runtime: RepoRuntime, facts: Map<string, TaskFacts>, board: ParsedBoard | null): Promise<void> {
  for (const [id, known] of facts) {
    if (known.phase !== 'active' || runtime.workers.has(id) || runtime.services.isStopping()) continue;
    const row = board?.rows.find((candidate) => candidate.id === id) ?? known.row;
    if (row === null) {
      runtime.audit.write('recovery.failed', { task: id, attempt: known.attempt, reason: 'the journal has no copy of the row and the board does not show it' });
      continue;
    }
    if (board?.valid === true && row.status === 'cancelled') {
      await cancelWithoutWorker(runtime, row, known);
      continue;
    }
    startWorker(runtime, row, 'resume');
  }
  await reportOrphans(runtime, facts, board);
}

/**
 * A person's cancel of a task no worker runs (the daemon restarted, or the worker just ended): its
 * agents are reaped and it ends cancelled, unless its squash commit already landed (a crash between
 * the merge and its record): nothing undoes a merge, so it resumes and ends merged.
 */
export async function cancelWithoutWorker(runtime: RepoRuntime, row: TaskRow, known: TaskFacts): Promise<void> {
  if (known.merge.state === 'merged' || (await landedThisRun(runtime, row.id, known))) {
    startWorker(runtime, known.row ?? row, 'resume');
    return;
  }
  const worker = new TaskWorker(runtime, row, 'resume');
  await announceDispatchIfMissing(runtime, row.id, known);
  await reapLeftovers(worker.journal, row.id, known, runtime.audit);
  await finish(worker, { status: 'cancelled', exitStatus: 'cancelled', error: null });
}

/** Whether this run's squash commit is on the integration branch: one carrying the id that its base does not hold. */
async function landedThisRun(runtime: RepoRuntime, id: string, known: TaskFacts): Promise<boolean> {
  if (known.lastAttempt === null || !known.lastAttempt.mergeable || known.base === null) return false;
  const landed = await findTaskCommit(runtime.repo, runtime.config.integration, id);
  if (landed === null) return false;
  const inBase = await git(runtime.repo, ['merge-base', '--is-ancestor', landed.sha, known.base], { cwd: runtime.repo.root, readOnly: true, allowExitCodes: [1] });
  return inBase.exitCode !== 0;
}

export async function reportOrphans(runtime: RepoRuntime, facts: Map<string, TaskFacts>, board: ParsedBoard | null): Promise<void> {
  const known = new Set([...facts.keys(), ...(board?.rows.map((row) => row.id) ?? []), ...(board?.usedNumbers.map((number) => `T-${number}`) ?? [])]);
  try {
    const orphans = await findOrphans(runtime.repo, runtime.paths.worktrees, [...known]);
    // ccx/L-* belong to `ccx loop` runs the person kept on purpose: not left-overs of the daemon's.
    const ours = (id: string | null) => id === null || !isLoopId(id);
    runtime.orphans = {
      worktrees: [...orphans.worktrees.filter((entry) => ours(entry.id)).map((entry) => entry.path), ...orphans.strayFolders],
      branches: orphans.branches.filter((branch) => ours(branch.id)).map((branch) => branch.name),
    };
    for (const path of runtime.orphans.worktrees) runtime.audit.write('recovery.orphan', { kind: 'worktree', path });
    for (const branch of runtime.orphans.branches) runtime.audit.write('recovery.orphan', { kind: 'branch', path: branch });
  } catch (error) {
    runtime.services.log.warn({ repo: runtime.config.repo, error: String(error) }, 'could not list left-over worktrees');
  }
}
