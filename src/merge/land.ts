import { CcxError } from '../errors.js';
import { crashPoint } from '../fs/crash-point.js';
import { resolveRef } from '../git/repo.js';
import { git, type GitRepo } from '../git/run.js';
import { checkoutsOf } from './checkouts.js';
import { localBlockers, type LocalBlockers } from './local-changes.js';

export type LandOutcome =
  | { status: 'landed'; checkout: string | null }
  /** The integration branch is no longer at `from`: rebuild the commit and try again. */
  | { status: 'moved' }
  | { status: 'waiting'; reason: 'dirty-checkout'; checkout: string; files: string[]; operation: LocalBlockers['operation'] | 'rebasing' | 'bisecting'; detail?: string };

/** Options for the fast-forward in a person's checkout: refuse rather than overwrite, never stash, never prompt. */
const FAST_FORWARD = ['merge', '--ff-only', '--no-edit', '--no-stat', '--quiet', '--no-overwrite-ignore', '--no-autostash', '--no-verify-signatures'];

/**
 * Moves the integration branch from `from` to `to` (a child of `from`). Checked out nowhere: a
 * compare-and-swap on the ref. Checked out: only if no local change there touches a file the
 * merge changes, by git's own fast-forward in that checkout, which updates index, files and ref
 * together and refuses rather than overwrite; otherwise nothing moves and the task waits. An
 * aborted `signal` throws its reason before the branch moves (while git waits for a lock, too).
 */
export async function landCommit(repo: GitRepo, integration: string, from: string, to: string, signal?: AbortSignal): Promise<LandOutcome> {
  const ref = `refs/heads/${integration}`;
  const [checkout, ...others] = await checkoutsOf(repo, integration);
  if (checkout === undefined) {
    signal?.throwIfAborted();
    crashPoint('merge:update-ref:before');
    const swap = await git(repo, ['update-ref', '-m', 'ccx: squash merge', ref, to, from], { cwd: repo.root, allowExitCodes: [1, 128], signal });
    if (swap.exitCode === 0) return { status: 'landed', checkout: null };
    if ((await resolveRef(repo, ref)) !== from) return { status: 'moved' };
    throw new CcxError('GIT_FAILED', `git update-ref could not move ${ref} from ${from} to ${to} in ${repo.root}: ${swap.stderr.trim()}`, {
      hint: 'Nothing was merged; ccx retries the merge on its next pass.',
    });
  }
  // git keeps a branch that is being rebased or bisected; moving it would be undone or lost.
  const busy = [checkout, ...others].find((candidate) => candidate.how !== 'checked-out');
  if (busy !== undefined) return { status: 'waiting', reason: 'dirty-checkout', checkout: busy.path, files: [], operation: busy.how === 'rebasing' ? 'rebasing' : 'bisecting' };
  const blockers = await localBlockers(repo, checkout, from, to);
  if (blockers.files.length > 0 || blockers.operation !== null) return { status: 'waiting', reason: 'dirty-checkout', checkout: checkout.path, ...blockers };
  if ((await resolveRef(repo, ref)) !== from) return { status: 'moved' };
  signal?.throwIfAborted();
  crashPoint('merge:ff:before');
  const merge = await git(repo, [...FAST_FORWARD, to], { cwd: checkout.path, allowExitCodes: [1, 128], signal });
  const now = await resolveRef(repo, ref);
  if (now === to) return { status: 'landed', checkout: checkout.path };
  if (now !== from) return { status: 'moved' };
  // git refused for a reason the check above did not see (say an ignored file in the way).
  const again = await localBlockers(repo, checkout, from, to);
  return { status: 'waiting', reason: 'dirty-checkout', checkout: checkout.path, files: again.files, operation: again.operation, detail: (merge.stderr || merge.stdout).trim() };
}
