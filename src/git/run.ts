import { CcxError } from '../errors.js';
import { runGitProcess, summariseArgs } from './spawn.js';
import { pinTaskWorktree } from './worktree/pin.js';

/** A repository as ccx drives it: the main checkout and the common .git folder all worktrees share. */
export interface GitRepo {
  /** Absolute path of the main checkout. */
  root: string;
  /** Absolute path of the shared .git folder; the key git calls are serialised on. */
  commonDir: string;
}

export interface GitCallOptions {
  /** Where git runs: the main checkout or a worktree. */
  cwd: string;
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree exits 1 on a conflict). */
  allowExitCodes?: readonly number[];
  /**
   * The call only reads (git's optional locks are turned off for it), so it never contends with the
   * person's own git and need not wait for the repository's queue. Never set it on a call that may
   * write the index or a ref.
   */
  readOnly?: boolean;
  /** How long to keep retrying while another process holds a git lock. */
  lockWaitMs?: number;
  /** Aborted while the call waits for another process's lock: it stops waiting, throwing the signal's reason (nothing ran). */
  signal?: AbortSignal;
  /**
   * `cwd` is a task's worktree: the call runs with GIT_DIR and GIT_WORK_TREE pinned to the
   * worktree git made, checked first (see pinTaskWorktree), so an agent that rewrote the
   * worktree's `.git` file cannot point ccx at another checkout's index.
   */
  taskWorktree?: boolean;
  /** How long the call may run before it is stopped with everything it started (default: by kind, see gitTimeoutMs). */
  timeoutMs?: number;
}

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const DEFAULT_LOCK_WAIT_MS = 10_000;
const LOCK_RETRY_START_MS = 25;
const LOCK_RETRY_MAX_MS = 500;
const LOCK_FILE_EXISTS = /Unable to create '([^']+\.lock)': File exists/;
/**
 * Another git process is adding or removing a linked worktree: `git worktree add` creates the
 * admin dir's `commondir` and writes it a moment later, and `remove` deletes its files one by one,
 * so a git call that reads every worktree's HEAD (`worktree list`, `branch -D`, `worktree add`'s own
 * check) can find it empty or gone and die before doing anything. Made again, it finds the worktree
 * whole or absent.
 */
const WORKTREE_HALF_WRITTEN = /failed to read \S*\/worktrees\/[^/\s]+\/commondir/;
const HALF_WRITTEN_WAIT_MS = 2_000;

/** Another git process held a lock for longer than the call would wait: `lock` names the file. */
export class GitLockedError extends CcxError {
  constructor(
    args: readonly string[],
    cwd: string,
    readonly lock: string,
  ) {
    super('GIT_LOCKED', `git ${args[0] ?? ''} in ${cwd} could not run: ${lock} exists, so another git process holds the lock.`, {
      hint: `Wait for the other git command to finish. If no git process is running, remove ${lock} yourself; ccx never deletes a git lock.`,
    });
    this.name = 'GitLockedError';
  }
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs git in `repo`, retrying while a git lock is held, one call at a time per lock domain. A call
 * in the repository's main checkout (worktrees, branches, the integration branch) may take any of
 * the repository's shared locks, so those queue per repository. A call in a task's worktree takes
 * only that worktree's own index and its own branch, so those queue per worktree and parallel tasks
 * do not wait for each other. A read-only call takes no lock at all (optional locks are off for it).
 */
export function git(repo: GitRepo, args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const run = options.taskWorktree === true ? () => pinned(repo, args, options) : () => gitWithLockRetry(args, options);
  if (options.readOnly === true) return run();
  const key = options.cwd === repo.root ? repo.commonDir : `${repo.commonDir}\u0000${options.cwd}`;
  return queued(key, run);
}

/** Checks the worktree is still the one git made for this repository, then runs the call pinned to it. */
async function pinned(repo: GitRepo, args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const { gitDir, workTree } = await pinTaskWorktree(repo, options.cwd);
  return gitWithLockRetry(args, { ...options, env: { ...options.env, GIT_DIR: gitDir, GIT_WORK_TREE: workTree } });
}

function queued(key: string, run: () => Promise<GitResult>): Promise<GitResult> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Runs git outside any repository queue: for discovering a repository before there is one. */
export async function gitUnqueued(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  return gitWithLockRetry(args, options);
}

async function gitWithLockRetry(args: readonly string[], options: GitCallOptions): Promise<GitResult> {
  const deadline = Date.now() + (options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  const halfWrittenDeadline = Date.now() + HALF_WRITTEN_WAIT_MS;
  let wait = LOCK_RETRY_START_MS;
  for (;;) {
    const result = await runGitProcess(args, options);
    if (result.exitCode === 0) return result;
    if (WORKTREE_HALF_WRITTEN.test(result.stderr) && Date.now() + wait <= halfWrittenDeadline) {
      await sleep(wait);
      wait = Math.min(wait * 2, LOCK_RETRY_MAX_MS);
      continue;
    }
    // A held lock is contention whatever the exit code, even one the caller reads as an answer.
    const lock = LOCK_FILE_EXISTS.exec(result.stderr);
    if (lock === null) {
      if ((options.allowExitCodes ?? []).includes(result.exitCode)) return result;
      throw gitFailure(args, options.cwd, result);
    }
    if (Date.now() + wait > deadline) {
      throw new GitLockedError(args, options.cwd, lock[1] as string);
    }
    await sleep(wait);
    options.signal?.throwIfAborted();
    wait = Math.min(wait * 2, LOCK_RETRY_MAX_MS);
  }
}

function gitFailure(args: readonly string[], cwd: string, result: GitResult): CcxError {
  const detail = result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`;
  return new CcxError('GIT_FAILED', `git ${summariseArgs(args)} failed in ${cwd}: ${detail}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Splits NUL-terminated git output (`-z`) into its entries. */
export function splitNul(output: string): string[] {
  return output.split('\0').filter((entry) => entry !== '');
}
