import { readFile } from 'node:fs/promises';
import { CcxError, errnoCode } from '../../errors.js';
import { git, type GitCallOptions, type GitRepo } from '../run.js';
import { parseRawDiff, type FileChange } from './changes.js';
import { identityEnv } from './identity.js';

export interface CommitTurnInput {
  worktree: string;
  /** The full message; see turnCommitMessage. */
  message: string;
  /** The branch the worktree must be on (`ccx/T-<n>`): an agent that switched branches is an error. */
  branch?: string;
  /** How long to wait for a git lock another process holds (default: the runner's). */
  lockWaitMs?: number;
}

export type TurnCommit =
  | { empty: true; head: string }
  | { empty: false; sha: string; parents: string[]; changes: FileChange[] };

/**
 * Records everything an agent turn changed in the worktree (honouring .gitignore) as one commit,
 * with plumbing so no hook runs. A turn that left the tree as it was is reported empty and makes
 * no commit. When the resolve step left a merge in progress, the commit gets MERGE_HEAD as its
 * second parent and the merge state is ended, as `git commit` would.
 */
export async function commitTurn(repo: GitRepo, input: CommitTurnInput): Promise<TurnCommit> {
  const options: GitCallOptions = { cwd: input.worktree, taskWorktree: true, ...(input.lockWaitMs === undefined ? {} : { lockWaitMs: input.lockWaitMs }) };
  await git(repo, ['add', '--all'], options);
  const state = await worktreeState(repo, options, input);
  const { stdout: treeOut } = await git(repo, ['write-tree'], options);
  const tree = treeOut.trim();
  let mergeHead = await readMergeHead(state.mergeHeadPath);
  if (mergeHead !== null && (await isAncestor(repo, options, mergeHead, state.head))) {
    // A crash after the merge commit but before the state was ended: the merge is already recorded.
    await git(repo, ['merge', '--quit'], options);
    mergeHead = null;
  }
  if (tree === state.tree && mergeHead === null) return { empty: true, head: state.head };
  const parents = mergeHead === null ? [state.head] : [state.head, mergeHead];
  const message = input.message.endsWith('\n') ? input.message : `${input.message}\n`;
  const env = await identityEnv(repo, input.worktree, true);
  const commitArgs = ['commit-tree', '--no-gpg-sign', tree, ...parents.flatMap((parent) => ['-p', parent])];
  const sha = (await git(repo, commitArgs, { ...options, env, input: message })).stdout.trim();
  await git(repo, ['update-ref', '-m', `ccx: ${firstLine(message)}`, 'HEAD', sha, state.head], options);
  if (mergeHead !== null) await git(repo, ['merge', '--quit'], options);
  const diff = await git(repo, ['diff-tree', '-r', '-z', '-M', '--raw', '--no-commit-id', state.head, sha], { ...options, readOnly: true });
  return { empty: false, sha, parents, changes: parseRawDiff(diff.stdout) };
}

interface WorktreeState {
  head: string;
  tree: string;
  mergeHeadPath: string;
}

/** HEAD, its tree, the branch it is on and where MERGE_HEAD would be, in one git call. */
async function worktreeState(repo: GitRepo, options: GitCallOptions, input: CommitTurnInput): Promise<WorktreeState> {
  const args = ['rev-parse', 'HEAD', 'HEAD^{tree}', '--symbolic-full-name', 'HEAD', '--path-format=absolute', '--git-path', 'MERGE_HEAD'];
  const [head = '', tree = '', ref = '', mergeHeadPath = ''] = (await git(repo, args, { ...options, readOnly: true })).stdout.split('\n');
  if (ref === 'HEAD') {
    throw new CcxError('GIT_DETACHED', `the worktree ${input.worktree} has a detached HEAD, so its turn cannot be committed on a branch.`, {
      hint: `Check out ${input.branch ?? 'the task branch'} in ${input.worktree} (git switch ${input.branch ?? '<branch>'}) and retry.`,
    });
  }
  if (input.branch !== undefined && ref !== `refs/heads/${input.branch}`) {
    throw new CcxError('WORKTREE_INVALID', `the worktree ${input.worktree} is on ${ref.replace(/^refs\/heads\//, '')}, expected ${input.branch}.`, {
      hint: `Switch it back (git -C ${input.worktree} switch ${input.branch}) and retry.`,
    });
  }
  return { head, tree, mergeHeadPath };
}

async function readMergeHead(path: string): Promise<string | null> {
  try {
    const sha = (await readFile(path, 'utf8')).trim().split('\n')[0] ?? '';
    return sha === '' ? null : sha;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

async function isAncestor(repo: GitRepo, options: GitCallOptions, ancestor: string, of: string): Promise<boolean> {
  const result = await git(repo, ['merge-base', '--is-ancestor', ancestor, of], { ...options, readOnly: true, allowExitCodes: [1] });
  return result.exitCode === 0;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? '';
}
